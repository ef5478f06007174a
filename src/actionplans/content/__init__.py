"""Reading the content folder into the model, collecting every problem with its file and line.

``load_content(path)`` returns a :class:`~actionplans.model.Dataset` or raises
:class:`~actionplans.errors.ContentError` listing every problem found in one pass. The modules
of this package each own one concern: ``spec`` (the format of every record), ``ids``,
``sources``, ``vocabularies``, ``glossary`` and ``plans``. Source and plan files are read by
one process per CPU (``parallel.map_in_processes``); everything that spans files (unique ids)
is checked here afterwards, in file order, so the report does not depend on how they were read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .. import model as m
from ..errors import ContentError, Location, Problem, sort_problems
from ..parallel import map_in_processes
from ..problems import CONTENT_MISSING, INVALID_DATE, INVALID_VERSION, NO_PLAN, NO_SOURCE
from ..quotes import SourceText
from ..versions import VERSION
from .folder import Folder
from .glossary import Glossary, read_glossary
from .ids import SLUG, Ids
from .plans import PlanContext, PlanFile
from .sources import SourceFile
from .spec import PACKAGE, check_record, line_of
from .vocabularies import read_organizations, read_vocabularies
from .where import Where

__all__ = ["SLUG", "ContentError", "load_content"]


def load_content(root: Path | str = "content", *, drafts: bool = False, workers: int | None = None) -> m.Dataset:
    """Read and check the content folder; raise ContentError listing every error.

    Drafts (records with ``status: draft``) are checked like the rest, and what a person must
    still do on them is listed in ``Dataset.todos``. They are left out of the dataset unless
    ``drafts`` is true (for a preview): a draft is never published. ``workers`` is how many
    processes read the files (default: ``map_in_processes``'s).
    """
    root = Path(root)
    folder = Folder(root)
    if not root.is_dir():
        raise ContentError([Problem.of(Location(folder.shown(root)), "", CONTENT_MISSING())])
    meta = _package(folder, root / "package.yaml")
    sources, texts, unverifiable = _sources(folder, root / "sources", workers)
    vocabularies = read_vocabularies(folder, root / "vocabularies")
    organizations = read_organizations(folder, root / "organizations.yaml", vocabularies)
    terms = read_glossary(folder, root / "glossary.yaml")
    draft_ids = {table: frozenset(ids) for table, ids in folder.drafts.items()}
    pending = {table: frozenset(ids) for table, ids in folder.pending.items()}
    references = {**vocabularies, "organizations": organizations}
    references = {table: {**values, **dict.fromkeys(pending.get(table, ()))} for table, values in references.items()}
    context = PlanContext(sources, texts, frozenset(unverifiable), references, Glossary(terms), draft_ids, pending)
    plans, tasks, figures, draft_plans = _plans(folder, root / "plans", context, workers)
    errors = [p for p in folder.problems if p.severity == "error"]
    if errors or meta is None:
        raise ContentError(errors)
    todos = tuple(sort_problems(p for p in folder.problems if p.severity == "todo"))
    records: dict[str, dict[str, Any]] = {"sources": sources, "organizations": organizations, **vocabularies}
    if not drafts:
        records = {
            table: {k: v for k, v in values.items() if k not in draft_ids.get(table, ())} for table, values in records.items()
        }
        plans = {k: v for k, v in plans.items() if k not in draft_plans}
        tasks = {k: v for k, v in tasks.items() if v.plan_id not in draft_plans}
        figures = {k: v for k, v in figures.items() if v.plan_id not in draft_plans}
    return m.Dataset(
        meta=meta,
        sources=records["sources"],
        regions=records["regions"],
        groups=records["groups"],
        themes=records["themes"],
        actors=records["actors"],
        units=records["units"],
        organizations=records["organizations"],
        plans=plans,
        tasks=m.TaskTable(tasks),
        figures=figures,
        terms=terms,
        drafts=frozenset(draft_plans) if drafts else frozenset(),
        todos=todos,
    )


def _package(folder: Folder, path: Path) -> m.PackageMeta | None:
    data = folder.yaml(path)
    if data is None:
        return None
    where = folder.where(path)
    checked = check_record(data, PACKAGE, where, "", getattr(data, "line", 1))
    if checked is None:
        return None
    if not VERSION.match(checked["version"]):
        where.add(line_of(data, "version"), "version", INVALID_VERSION(value=checked["version"]))
        return None
    if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", checked["created"]):
        where.add(
            line_of(data, "created"), "created", INVALID_DATE(value=checked["created"], expected=PACKAGE["created"].describe())
        )
        return None
    licence = checked["licence"]
    return m.PackageMeta(
        name=checked["name"],
        version=checked["version"],
        created=checked["created"],
        title=checked["title"],
        description=checked["description"],
        homepage=checked["homepage"],
        licence_name=licence["name"],
        licence_path=licence["path"],
        licence_title=licence["title"],
        contributors=tuple(m.Contributor(c["title"], c["role"], c["path"]) for c, _ in checked["contributors"]),
    )


def _sources(folder: Folder, path: Path, workers: int | None) -> tuple[dict[str, m.Source], dict[str, SourceText], set[str]]:
    sources: dict[str, m.Source] = {}
    texts: dict[str, SourceText] = {}
    unverifiable: set[str] = set()
    paths = sorted(path.glob("*.yaml")) if path.is_dir() else []
    if not paths:
        folder.problems.append(Problem.of(Location(folder.shown(path)), "", NO_SOURCE()))
    ids = Ids("source")
    for result in map_in_processes(SourceFile(folder), paths, workers=workers):
        folder.problems.extend(result.problems)
        if result.id is None:
            continue
        if not ids.claim(result.id, Where(result.shown, folder.problems), result.id_line):
            continue
        folder.problems.extend(result.later)
        if result.draft:
            folder.drafts.setdefault("sources", set()).add(result.id)
        if result.named and (result.source is None or result.text is None):
            unverifiable.add(result.id)  # plans citing it cannot have their quotes checked
        elif result.source is not None and result.text is not None:
            sources[result.id], texts[result.id] = result.source, result.text
    return sources, texts, unverifiable


def _plans(
    folder: Folder, path: Path, context: PlanContext, workers: int | None
) -> tuple[dict[str, m.Plan], dict[str, m.Task], dict[str, m.Figure], set[str]]:
    paths = sorted(path.glob("*.yaml")) if path.is_dir() else []
    if not paths:
        folder.problems.append(Problem.of(Location(folder.shown(path)), "", NO_PLAN()))
    ids = {"task": Ids("task"), "figure": Ids("figure")}
    built = []
    drafts: set[str] = set()
    for result in map_in_processes(PlanFile(folder, context), paths, workers=workers):
        folder.problems.extend(result.problems)
        if result.draft and result.built is not None:
            drafts.add(result.built[0].id)
        where = Where(result.shown, folder.problems)
        for kind, record_id, line, name in result.ids:
            ids[kind].claim(record_id, where, line, name)
        if result.built is not None:
            built.append(result.built)
    plans: dict[str, m.Plan] = {}
    tasks: dict[str, m.Task] = {}
    figures: dict[str, m.Figure] = {}
    # Plans in the order their sources print them; tasks and figures follow their plan.
    for plan, plan_tasks, plan_figures in sorted(built, key=lambda b: (b[0].source_id, b[0].title_span.start)):
        plans[plan.id] = plan
        tasks.update((t.id, t) for t in plan_tasks)
        figures.update((f.id, f) for f in plan_figures)
    return plans, tasks, figures, drafts
