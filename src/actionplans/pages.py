"""Rendering the site's pages from the model with the Jinja2 templates in ``site_templates/``.

``render_pages`` is the stage: it writes every page twice, ``<path>.zh.md`` and
``<path>.en.md`` (mkdocs-static-i18n's suffix structure), into the docs folder MkDocs builds
from, rewriting only files whose bytes change and removing files no page claims any more, so
that a rebuild touches only what changed. Data text is HTML-escaped by the templates; pages
there are one of per plan, task and facet are plain HTML, which the MkDocs plugin passes
through unconverted. Interface words come from ``site_templates/labels.yaml``.
"""

from __future__ import annotations

import difflib
import functools
import html
import json
import re
import traceback
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import yaml
from markupsafe import Markup

from . import model as m
from .downloads import Download
from .errors import ActionplansError
from .history import History, field_label
from .marks import marked_lines, numbered, quotes_of
from .numerals import format_number, stated_number, stated_number_en
from .tables import TABLES

#: The tables listed first on the data page, in this order.
DATA_PAGE_FIRST = {name: i for i, name in enumerate(("plans", "tasks", "figures", "statements"))}

LANGS: tuple[str, ...] = ("zh", "en")
FACETS = ("themes", "groups", "regions", "actors")
#: Plans shown as cards on the home page; with more, the home page links to the list of plans.
HOME_PLAN_CARDS = 6
#: Tasks (on a facet page) or plans (on the plans index) per page; later pages are at ``…/page/N/``.
PAGE_SIZE = 100
#: Sources the home and data pages' JSON-LD names one by one (past this, it links their table).
JSONLD_SOURCES = 20
#: Distinct rights statements of the sources the data page lists (past this, plan pages show them).
RIGHTS_SHOWN = 5
#: Plans shown in a facet page's chart of tasks per plan (the rest are counted in one line).
CHART_PLANS = 12
#: Templates that write HTML only (no Markdown): marked ``markup: html`` for the MkDocs plugin.
HTML_TEMPLATES = frozenset({
    "plans_index.md.j2", "plan.md.j2", "task.md.j2", "facet_index.md.j2", "facet.md.j2", "releases_index.md.j2", "release.md.j2",
    "source.md.j2", "sources_index.md.j2", "timeline.md.j2",
})


class TemplateError(ActionplansError):
    """A page template could not be rendered (its file and line are in the message)."""


@dataclass(frozen=True)
class Page:
    """One generated page in one language."""

    path: str  # e.g. "tasks/sunshine-volunteers-1" (no suffix); "index" for the home page
    lang: str
    meta: dict[str, Any]
    body: str

    @property
    def file_name(self) -> str:
        return f"{self.path}.{self.lang}.md"

    def text(self) -> str:
        # MkDocs renders its theme without autoescaping and puts title and description into
        # <title>, <meta> and the header as they are, so they are stored HTML-escaped here.
        # (jsonld is JSON already made safe for a script element.)
        front = "\n".join(
            f"{key}: {json.dumps(value if key in ('jsonld', 'hide') else html.escape(str(value)), ensure_ascii=False)}"
            for key, value in self.meta.items()
        )
        return f"---\n{front}\n---\n\n{self.body.strip()}\n"


def relative_path(target: str, start: str) -> str:
    """``posixpath.relpath`` for two clean site paths ("" is the root), without touching the disk."""
    target, start = target.strip("/"), start.strip("/")
    to = target.split("/") if target else []
    at = start.split("/") if start else []
    common = 0
    while common < len(to) and common < len(at) and to[common] == at[common]:
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


class Pager(NamedTuple):
    """Where a page stands in a list cut into pages: its number, the count of pages, the items it
    shows (1-based, inclusive) of how many, and the folder of the first page (``themes/x``)."""

    page: int
    pages: int
    first: int
    last: int
    total: int
    base: str

    def target(self, page: int) -> str:
        """The folder of page ``page`` of the same list."""
        return self.base if page == 1 else f"{self.base}/page/{page}"

    @property
    def path(self) -> str:
        """This page's path among the pages: the first page's own, ``…/page/N`` after it."""
        return self.target(self.page)

    def title(self, title: str, labels: dict[str, str]) -> str:
        """This page's title: the list's, with the page number after the first page."""
        return title if self.page == 1 else labels["page_title"].format(title=title, page=self.page, pages=self.pages)


def paginate(base: str, items: Sequence[Any], size: int) -> Iterator[tuple[Pager, Sequence[Any]]]:
    """``items`` cut into pages of ``size``, each with its pager (one page when there are none)."""
    pages = max(1, -(-len(items) // size))
    for number in range(1, pages + 1):
        chunk = items[(number - 1) * size : number * size]
        yield Pager(number, pages, (number - 1) * size + 1 if chunk else 0, (number - 1) * size + len(chunk), len(items), base), chunk


def group_by_plan(tasks: Iterable[m.Task]) -> list[tuple[m.Plan, list[m.Task]]]:
    """Consecutive tasks of the same plan, grouped under it (the order kept)."""
    groups: list[tuple[m.Plan, list[m.Task]]] = []
    for task in tasks:
        if groups and groups[-1][0].id == task.plan_id:
            groups[-1][1].append(task)
        else:
            groups.append((task.plan, [task]))
    return groups


class Bar(NamedTuple):
    """One plan on a timeline: the columns its bar spans (1-based, end exclusive) and whether its
    first year is unknown (the bar is drawn open at its start)."""

    plan: m.Plan
    start: int
    end: int
    open_start: bool


class Timeline(NamedTuple):
    years: list[int]
    groups: list[tuple[str, list[Bar]]]
    undated: list[m.Plan]


def corpus_counts(ds: m.Dataset) -> dict[str, int]:
    """What the data holds, as the home page states it (counted here, never written by hand)."""
    national = sum(1 for p in ds.plans.values() if p.level == "national")
    provinces = {r.id for p in ds.plans.values() if (r := ds.province_of(p.region_id)) is not None}
    return {
        "plans": len(ds.plans), "national": national, "local": len(ds.plans) - national, "provinces": len(provinces),
        "sources": len(ds.sources), "tasks": len(ds.tasks), "figures": len(ds.figures),
    }


def plans_per(ds: m.Dataset, kind: str) -> list[tuple[m.Concept, int]]:
    """Each entry of a vocabulary with the number of plans that have it, most first."""
    counts = [(c, sum(1 for p in ds.plans.values() if c.id in getattr(p, kind[:-1] + "_ids"))) for c in getattr(ds, kind).values()]
    return sorted((item for item in counts if item[1]), key=lambda item: -item[1])


def plans_per_province(ds: m.Dataset) -> list[tuple[m.Region, int]]:
    """China as a whole and each province with the number of plans for it (a city's for its
    province), in GB/T 2260 order."""
    counts: dict[str, int] = {}
    for plan in ds.plans.values():
        region = ds.province_of(plan.region_id) or ds.regions[plan.region_id]
        counts[region.id] = counts.get(region.id, 0) + 1
    return sorted(((ds.regions[r], n) for r, n in counts.items()), key=lambda item: item[0].code_gb2260 or "")


def listed_plans(ds: m.Dataset) -> list[m.Plan]:
    """The plans as lists show them: by level (national first), then region (by its GB/T 2260
    code, so a province's cities follow it), then latest period first, then title."""
    order = {level: i for i, level in enumerate(m.PLAN_LEVELS)}

    def key(plan: m.Plan) -> tuple[int, str, int, str]:
        region = ds.regions[plan.region_id]
        return (order[plan.level], region.code_gb2260 or "", -(plan.period_end or 0), plan.title.zh)

    return sorted(ds.plans.values(), key=key)


def timeline(plans: Sequence[m.Plan]) -> Timeline:
    """The plans' periods on one axis of years, grouped by level (national plans first) and,
    within a level, in the order ``plans`` has them (``listed_plans``: by region). A plan that
    states only its last year starts at the axis' first year, open; one that states no year is
    listed apart."""
    dated = [p for p in plans if p.period_end]
    if not dated:
        return Timeline([], [], list(plans))
    first = min(p.period_start or p.period_end or 0 for p in dated)
    last = max(p.period_end or 0 for p in dated)
    years = list(range(first, last + 1))
    groups: dict[str, list[Bar]] = {}
    for plan in dated:
        start = (plan.period_start or first) - first + 1
        end = (plan.period_end or last) - first + 2
        groups.setdefault(plan.level, []).append(Bar(plan, start, end, plan.period_start is None))
    order = typing.get_args(m.PlanLevel)  # national first
    ordered = sorted(groups.items(), key=lambda item: order.index(item[0]))
    return Timeline(years, ordered, [p for p in plans if not p.period_end])


def url_dir(path: str) -> str:
    """The folder a page is served from, relative to its language root ("" for the home page)."""
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("/index")]
    return path


class Job(NamedTuple):
    """One page to render: its template, path, language, front matter and template values."""

    template: str
    path: str
    lang: str
    meta: dict[str, Any]
    values: dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    """What ``render_pages`` did: how many pages there are, and how many files it rewrote."""

    pages: int
    written: int
    removed: int


def render_pages(
    dataset: m.Dataset,
    downloads: Sequence[Download],
    docs: Path,
    *,
    templates: Path,
    content: Path,
    base: str,
    report: Path | None = None,
    drafts: frozenset[str] = frozenset(),
    history: History | None = None,
    texts: dict[str, str] | None = None,
) -> Rendered:
    """Render every page into ``docs``, with the theme's assets; return what was done.

    ``base`` is the site's address ending in "/", or "" when it has none (links are then
    relative, and citations name no address). ``report`` is a test report the accessibility
    page may quote (see ``Renderer.accessibility_results``). The plans in ``drafts`` (a preview)
    and their tasks are marked as drafts on every page that shows them. ``history`` holds the
    releases, each of which gets a page, and what each did to every plan and task. ``texts`` are
    the sources' verbatim texts: a source that may be republished shows its own on its page.
    """
    renderer = Renderer(dataset, downloads, templates, content, base, report, drafts, history, texts)
    names: set[str] = set()
    written = 0
    for page in renderer.pages():
        names.add(page.file_name)
        written += write_if_changed(docs / page.file_name, page.text().encode("utf-8"))
    for path in sorted((templates / "assets").rglob("*")):
        if path.is_file():
            name = "assets/" + path.relative_to(templates / "assets").as_posix()
            names.add(name)
            written += write_if_changed(docs / name, path.read_bytes())
    return Rendered(sum(1 for n in names if n.endswith(".md")), written, prune(docs, names))


def _read_labels(path: Path) -> dict[str, dict[str, str]]:
    """The interface labels by language; a file that does not parse is reported as ``path:line``."""
    try:
        labels = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ActionplansError(f"{path}: {error.strerror}; expected the labels of both languages") from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise ActionplansError(f"{path}:{line}: {error.problem}; expected valid YAML (quote a value that holds “: ”)") from None
    if not isinstance(labels, dict):
        raise ActionplansError(f"{path}:1: not a mapping; expected a mapping of languages to labels")
    return labels


class Renderer:
    """Renders every page of the site for one dataset."""

    def __init__(
        self,
        dataset: m.Dataset,
        downloads: Sequence[Download],
        templates: Path,
        content: Path,
        base: str,
        report: Path | None = None,
        drafts: frozenset[str] = frozenset(),
        history: History | None = None,
        texts: dict[str, str] | None = None,
    ) -> None:
        self.ds = dataset
        self.texts = texts or {}
        self.drafts = drafts
        self.history = history or History()
        self.downloads = list(downloads)
        self.templates = templates
        self.content = content
        self.base = base if not base or base.endswith("/") else base + "/"
        self.report = report
        self.labels: dict[str, dict[str, str]] = _read_labels(templates / "labels.yaml")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates / "pages"),
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            keep_trailing_newline=True,
        )
        self.by_plan: dict[str, list[Download]] = {}
        for d in self.downloads:
            if d.path.startswith("downloads/plans/"):
                self.by_plan.setdefault(d.path.removeprefix("downloads/plans/").rsplit(".", 1)[0], []).append(d)

    # helpers given to every template -----------------------------------------------------------
    def _context(self, path: str, lang: str) -> dict[str, Any]:
        here = url_dir(path)
        t = self.labels[lang]
        asset_root = f"en/{here}".rstrip("/") if lang == "en" else here

        def url(target: str) -> str:
            """A link to another page of the same language, relative to this page."""
            rel = relative_path(target.rstrip("/"), here)
            return "./" if rel == "." else rel + "/"

        def asset(target: str) -> str:
            """A link to a shared file at the site root (downloads, api)."""
            return relative_path(target, asset_root)

        def period(plan: m.Plan) -> str:
            if plan.period_start and plan.period_end and plan.period_start == plan.period_end:
                return t["period_year"].format(year=plan.period_end)
            if plan.period_start and plan.period_end:
                return t["period_value"].format(start=plan.period_start, end=plan.period_end)
            if plan.period_end:
                return t["period_end_only"].format(end=plan.period_end)
            return t["not_stated"]

        def tasks_n(n: int) -> str:
            return t["tasks_one"] if n == 1 else t["tasks_n"].format(n=n)

        def task_count(plan: m.Plan, long: bool = False) -> str:
            described = len(plan.tasks)
            if plan.task_count is None:
                return t["task_count_none"] if long else tasks_n(described) if described else t["tasks_none"]
            if not long:
                return t["task_count_short_at_most"].format(n=plan.task_count, d=described) if plan.task_count_rule == "at-most" else tasks_n(plan.task_count)
            key = "task_count_equal" if plan.task_count_rule == "equal" else "task_count_at_most"
            return t[key].format(n=plan.task_count, d=described)

        def source_line(source: m.Source, span: m.Span) -> str:
            authors = t["list_separator"].join(a.get(lang) for a in source.authors)
            return t["source_line"].format(
                where=t["source_where"].format(source=source.title.get(lang), start=span.line_start, end=span.line_end),
                chars=t["source_chars"].format(start=span.start, end=span.end),
                publisher=source.publisher.get(lang), authors=authors, year=source.year or t["not_stated"],
            )

        return {
            "lang": lang, "t": t, "ds": self.ds, "url": url, "asset": asset, "period": period,
            "task_count": task_count, "tasks_n": tasks_n, "source_line": source_line, "num": _num,
            "stated": lambda figure: (
                stated_number(figure.value, figure.quote.zh) if lang == "zh" else stated_number_en(figure.value, figure.quote.en)
            ),
            "cite_task": lambda task: self._cite_task(task, lang), "cite_plan": lambda plan: self._cite_plan(plan, lang),
            "base": self.base, "is_draft": lambda plan: plan.id in self.drafts,
            "history": self.history, "events": self.history.of_record, "value_text": value_text, "marked": marked,
            "views_of": lambda p: self.history.views.get(p.version, []), "field_names": lambda table, event: self._field_names(table, event, lang),
            "live": self._has_page,
            "notes": lambda p: Markup(notes_html(p.release.notes.get(lang, ""))),  # written by the publisher, trusted
        }

    def _has_page(self, page: str | None) -> bool:
        """Whether ``page`` ("tasks/<id>/") is a page of the current data."""
        if not page:
            return False
        table, _, record_id = page.strip("/").partition("/")
        return record_id in self.ds.plans if table == "plans" else table == "tasks" and record_id in self.ds.tasks

    def _field_names(self, table: str, event: Any, lang: str) -> str:
        """What an event changed, for readers: its fields' labels and the tables of its rows."""
        published = self.history.get(event.version)
        resources = {r["name"]: r for r in published.snapshot.descriptor["resources"]} if published else {}
        fields = {f["name"]: f for f in resources.get(table, {}).get("schema", {}).get("fields", [])}
        names = []
        for name in event.fields:
            if name in fields:
                names.append(field_label(fields[name]).get(lang))
            elif name in resources:
                names.append(resources[name].get("title_zh" if lang == "zh" else "title", name))
            else:
                names.append(name)
        return self.labels[lang]["list_comma"].join(names)

    def render(self, template: str, path: str, lang: str, meta: dict[str, Any], **values: Any) -> Page:
        context = self._context(path, lang) | values
        try:
            body = self.env.get_template(template).render(context)
        except jinja2.TemplateError as error:
            raise TemplateError(self._template_problem(template, error)) from None
        if template in HTML_TEMPLATES:
            meta = meta | {"markup": "html"}
        return Page(path, lang, meta, body)

    def _template_problem(self, template: str, error: jinja2.TemplateError) -> str:
        """``file:line: message`` for an error in a page template, at the template's own line."""
        name, line = getattr(error, "filename", None), getattr(error, "lineno", None)
        if line is None:  # raised while rendering: the innermost frame in a template has the line
            for frame in traceback.extract_tb(error.__traceback__):
                if frame.filename.endswith(".j2"):
                    name, line = frame.filename, frame.lineno
        where = f"{name or self.templates / 'pages' / template}:{line or 1}"
        return f"{where}: {error.message or type(error).__name__}; expected a template that renders with the values the site gives it"

    # citations ------------------------------------------------------------------------------
    def _page_url(self, path: str, lang: str) -> str:
        """The absolute address of a page, or "" when the site has none."""
        return f"{self.base}{'en/' if lang == 'en' else ''}{path}" if self.base else ""

    def permanent_url(self) -> str:
        """The permanent address of the data's current version (its release page), or the site's
        address when the data is not a release, or "" when the site has none."""
        current = self.history.current
        if not self.base:
            return ""
        return self.base + current.path if current is not None and current.version == self.ds.version else self.base

    def _dataset_citation(self, lang: str) -> str:
        meta, t = self.ds.meta, self.labels[lang]
        author = meta.contributors[0].title if meta.contributors else meta.name
        return t["cite_dataset"].format(author=author, title=meta.title.get(lang), version=meta.version, year=meta.created[:4])

    def _cite_task(self, task: m.Task, lang: str) -> str:
        t = self.labels[lang]
        label = task.label or t["item_n"].format(n=task.ordinal)
        where = self._page_url(f"tasks/{task.id}/", lang)
        return f"{self._dataset_citation(lang)}. {task.plan.title.get(lang)}, {label}." + (f" {where}" if where else "")

    def _cite_plan(self, plan: m.Plan, lang: str) -> str:
        where = self._page_url(f"plans/{plan.id}/", lang)
        return f"{self._dataset_citation(lang)}. {plan.title.get(lang)}." + (f" {where}" if where else "")

    def citations(self, lang: str) -> dict[str, str]:
        meta = self.ds.meta
        year, day = meta.created[:4], meta.created[:10]
        author = meta.contributors[0].title if meta.contributors else meta.name
        url = self.permanent_url()
        gbt = f"{author}. {meta.title.get(lang)}: V{meta.version}[DS/OL]. ({day})" + (f"[{day}]. {url}." if url else ".")
        apa = f"{author}. ({year}). {meta.title.en} (Version {meta.version}) [Data set]." + (f" {url}" if url else "")
        bibtex = [
            f"@misc{{{meta.name}_{year},", f"  author = {{{{{author}}}}},", f"  title = {{{meta.title.en}}},",
            f"  year = {{{year}}},", f"  version = {{{meta.version}}},",
        ]
        if url:
            bibtex.append(f"  url = {{{url}}},")
        bibtex += [f"  note = {{Data set, {meta.licence_title} ({meta.licence_name})}}", "}"]
        return {"gbt": gbt, "apa": apa, "bibtex": "\n".join(bibtex)}

    # pages ----------------------------------------------------------------------------------
    def pages(self) -> Iterator[Page]:
        for job in self.jobs():
            yield self.render_job(job)

    @functools.cached_property
    def table_rows(self) -> dict[str, int]:
        """Each table's number of rows (the data page states them in both languages)."""
        return {table.name: sum(1 for _ in table.records(self.ds)) for table in TABLES}

    def jobs(self) -> list[Job]:
        """Every page to render, in order, without rendering it (cheap)."""
        return [job for lang in LANGS for job in self._jobs(lang)]

    def render_job(self, job: Job) -> Page:
        meta, values = dict(job.meta), dict(job.values)
        if job.template in ("home.md.j2", "data.md.j2"):
            meta["jsonld"] = self.jsonld(job.lang, job.path)
        if job.template == "plan.md.j2":
            values["plan_downloads"] = self.by_plan.get(values["plan"].id, [])
        if job.template == "source.md.j2":
            source = values["source"]
            quotes = quotes_of(source.plans)
            whole = source.republish == "whole" and source.id in self.texts
            values["quotes"] = quotes
            values["lines"] = list(numbered(marked_lines(self.texts[source.id], quotes))) if whole else []
            values["text_download"] = next((d for d in self.downloads if d.path == f"downloads/sources/{source.id}.txt"), None)
        if job.template == "data.md.j2":
            values["downloads"] = self.downloads
            values["table_rows"] = self.table_rows
            # the sources' rights statements, each once; past a few, each plan's page shows its own
            values["rights"] = list(dict.fromkeys(source.rights for source in self.ds.sources.values()))
            values["rights_shown"] = RIGHTS_SHOWN
            # the tables readers look for first, then the rest in the package's order
            values["download_tables"] = sorted(TABLES, key=lambda table: DATA_PAGE_FIRST.get(table.name, len(DATA_PAGE_FIRST)))
        return self.render(job.template, job.path, job.lang, meta, **values)

    def _prose(self, name: str, lang: str) -> tuple[dict[str, Any], str]:
        """A hand-written page of ``content/pages``: its front matter and its Markdown."""
        path = self.content / "pages" / f"{name}.{lang}.md"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateError(f"{path}: cannot read it ({error}); expected a UTF-8 Markdown page") from None
        meta: dict[str, Any] = {}
        match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
        if match:
            try:
                meta = yaml.safe_load(match.group(1)) or {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                raise TemplateError(f"{path}:{line}: front matter is not valid YAML ({getattr(error, 'problem', error)}); expected key: value lines, quoted where a value holds a colon") from None
            text = text[match.end() :]
        return meta, text

    def _jobs(self, lang: str) -> Iterable[Job]:
        ds, t = self.ds, self.labels[lang]
        intro_meta, intro = self._prose("home", lang)
        yield Job(
            "home.md.j2", "index", lang,
            {"title": intro_meta.get("title", t["site_name"]), "description": intro_meta.get("description", "")},
            # intro: hand-written Markdown, trusted
            {
                "intro": Markup(intro), "recent": self.recent_plans()[:HOME_PLAN_CARDS], "counts": corpus_counts(ds),
                "by_theme": plans_per(ds, "themes"), "by_province": plans_per_province(ds),
            },
        )
        plans = listed_plans(ds)
        levels = [level for level in m.PLAN_LEVELS if any(p.level == level for p in plans)]
        provinces = sorted({r.id: r for p in plans if (r := ds.province_of(p.region_id)) is not None}.values(), key=lambda r: r.code_gb2260 or "")
        themes = [c for c in ds.themes.values() if any(c.id in p.theme_ids for p in plans)]
        years = sorted({y for p in plans if p.period_end for y in range(p.period_start or p.period_end, p.period_end + 1)})
        for pager, chunk in paginate("plans", plans, PAGE_SIZE):
            path = "plans/index" if pager.page == 1 else pager.path  # the folder's own page
            yield Job(
                "plans_index.md.j2", path, lang, {"title": pager.title(t["plans"], t), "hide": ["toc"]},
                {"pager": pager, "plans": chunk, "levels": levels, "provinces": provinces, "themes": themes, "years": years},
            )
        yield Job("timeline.md.j2", "plans/timeline", lang, {"title": t["timeline_page"], "hide": ["toc"]}, {"timeline": timeline(plans)})
        for plan in ds.plans.values():
            yield Job("plan.md.j2", f"plans/{plan.id}", lang, {"title": plan.title.get(lang)}, {"plan": plan})
        for task in ds.iter_tasks():
            title = f"{task.label or ''} {task.title.get(lang)}".strip()
            yield Job("task.md.j2", f"tasks/{task.id}", lang, {"title": title}, {"task": task, "plan": task.plan})
        for kind in FACETS:
            entries = [(concept, self._facet_tasks(kind, concept.id)) for concept in getattr(ds, kind).values()]
            yield Job("facet_index.md.j2", f"{kind}/index", lang, {"title": t[kind]}, {"kind": kind, "entries": entries})
            for concept, tasks in entries:
                grouped: dict[str, list[m.Task]] = {}
                for x in tasks:
                    grouped.setdefault(x.plan_id, []).append(x)
                by_plan = [(plan, grouped[plan.id]) for plan in ds.plans.values() if plan.id in grouped]
                ordered = [task for _, plan_tasks in by_plan for task in plan_tasks]
                chart = sorted(by_plan, key=lambda item: -len(item[1]))
                for pager, chunk in paginate(f"{kind}/{concept.id}", ordered, PAGE_SIZE):
                    yield Job(
                        "facet.md.j2", pager.path, lang, {"title": pager.title(concept.label.get(lang), t)},
                        {"kind": kind, "concept": concept, "tasks": tasks, "by_plan": group_by_plan(chunk), "pager": pager,
                         "chart": chart[:CHART_PLANS] if pager.page == 1 else [], "chart_rest": len(chart) - CHART_PLANS},
                    )
        yield Job("data.md.j2", "data", lang, {"title": t["data"]}, {"tables": TABLES, "citation": self.citations(lang)})
        published = list(self.history.published)
        yield Job(
            "releases_index.md.j2", "releases/index", lang, {"title": t["releases"], "description": t["releases_description"]},
            {"releases": list(reversed(published))},
        )
        for p in published:
            yield Job(
                "release.md.j2", f"releases/{p.version}", lang, {"title": t["release_n"].format(version=p.version)},
                {"p": p, "views": self.history.views.get(p.version, []), "current": p is self.history.current},
            )
        sources = sorted(ds.sources.values(), key=lambda source: (-(source.year or 0), source.id))
        yield Job(
            "sources_index.md.j2", "sources/index", lang, {"title": t["sources"], "description": t["sources_description"], "hide": ["toc"]},
            {"sources": sources},
        )
        for source in ds.sources.values():
            yield Job("source.md.j2", f"sources/{source.id}", lang, {"title": source.title.get(lang) or source.title.zh}, {"source": source})
        terms = sorted(ds.terms.values(), key=lambda term: term.zh)
        yield Job("glossary.md.j2", "glossary", lang, {"title": t["glossary"]}, {"terms": terms})
        for name in ("about", "accessibility", "python"):
            meta, body = self._prose(name, lang)
            body = self._fill(re.sub(r"<!--.*?-->\n?", "", body, flags=re.S), name, lang)
            yield Job("prose.md.j2", name, lang, meta, {"body": Markup(body)})

    def _fill(self, body: str, name: str, lang: str) -> str:
        """A hand-written page with its generated blocks in place: ``{{ results }}`` (the
        accessibility report), ``{{ sources }}`` (what the sources are, counted from the data).
        A page names only blocks it may have."""
        blocks = {"results": lambda: self.accessibility_results(lang), "sources": lambda: self.sources_summary(lang)}
        for match in re.finditer(r"\{\{\s*(\w+)\s*\}\}", body):
            if match.group(1) not in blocks:
                raise TemplateError(f"{self.content / 'pages' / f'{name}.{lang}.md'}: {{{{ {match.group(1)} }}}} is no block of the page; expected one of {', '.join(blocks)}")
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda match: blocks[match.group(1)](), body)

    def sources_summary(self, lang: str) -> str:
        """What kinds of text the data comes from and which may be republished, counted."""
        sources = list(self.ds.sources.values())
        official = [s for s in sources if s.kind == "official-document"]
        return self.labels[lang]["sources_summary"].format(
            n=len(sources), official=len(official), whole=sum(1 for s in sources if s.republish == "whole"),
            news=sum(1 for s in sources if s.kind == "news-report"), beginning=sum(1 for s in sources if s.extent == "beginning"),
        )

    def recent_plans(self) -> list[m.Plan]:
        """The plans, those the latest release added first (then by the release each came in),
        and within a release the latest period first."""
        rank = {p.version: i for i, p in enumerate(self.history.published)}
        unreleased = len(rank)  # added since the latest release: newest of all

        def added(plan: m.Plan) -> int:
            return next((rank[e.version] for e in self.history.of_record("plans", plan.id) if e.op == "added"), unreleased)

        return sorted(self.ds.plans.values(), key=lambda p: (-added(p), -(p.period_end or 0), p.id))

    def _facet_tasks(self, kind: str, concept_id: str) -> list[m.Task]:
        facet = {"themes": "theme", "groups": "group", "regions": "region", "actors": "actor"}[kind]
        return list(self.ds.select_tasks(**{facet: concept_id}))

    def accessibility_results(self, lang: str) -> str:
        """The results of the accessibility tests, as the report file states them (with its date
        and the versions it tested), or that no results are published with this build."""
        t = self.labels[lang]
        if self.report is None or not self.report.is_file():
            return t["a11y_no_report"]
        report = json.loads(self.report.read_text(encoding="utf-8"))
        lines = [t["a11y_report_intro"].format(date=report["date"], data=report["data_version"], code=report["code_version"], pages=report["pages"])]
        for check in report["checks"]:
            label = t[f"a11y_check_{check['id']}"]
            outcome = t["a11y_passed"] if check["passed"] else t["a11y_failed"]
            lines.append(f"- {label}: {outcome}" + (f" ({check['measured']})" if check.get("measured") else ""))
        return "\n".join(lines)

    def jsonld(self, lang: str, path: str) -> str:
        """schema.org Dataset for the home and data pages, safe to inline in a script element.
        Without a site address its URLs are relative to the page."""
        meta = self.ds.meta
        here = f"en/{url_dir(path)}".rstrip("/") if lang == "en" else url_dir(path)

        def link(target: str) -> str:
            return self.base + target if self.base else relative_path(target, here)

        document: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": meta.title.get(lang),
            "alternateName": meta.title.en if lang == "zh" else meta.title.zh,
            "description": meta.description.get(lang),
            "version": meta.version,
            "dateModified": meta.created[:10],
            "inLanguage": ["zh-Hans", "en"],
            "license": meta.licence_path,
            "isAccessibleForFree": True,
            "creator": [{"@type": "Organization", "name": c.title} for c in meta.contributors],
            # each source while they are few; past that, the table that lists them (a page carries
            # no list that grows with the corpus)
            "isBasedOn": [
                {"@type": "CreativeWork", "name": s.title.get(lang), "publisher": s.publisher.get(lang), "datePublished": str(s.year or "")}
                for s in self.ds.sources.values()
            ] if len(self.ds.sources) <= JSONLD_SOURCES else {
                "@type": "Dataset", "name": f"sources ({len(self.ds.sources)})", "url": link("downloads/csv/sources.csv"),
            },
            "keywords": [c.label.get(lang) for c in self.ds.themes.values()],
            "distribution": [
                {"@type": "DataDownload", "encodingFormat": d.media_type, "contentUrl": link(d.path), "contentSize": f"{d.size} B", "name": d.name}
                for d in self.downloads
                if "/plans/" not in d.path and "/csv" not in d.path
            ],
        }
        if self.base:
            document["url"] = self.base + ("en/" if lang == "en" else "")
        return script_json(document)


def script_json(document: Any) -> str:
    """JSON that cannot end a <script> element or open a comment, whatever its strings hold."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def value_text(value: Any) -> str:
    """A changed value as a release page shows it ("" for no value; lists and maps as JSON)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def marked(old: Any, new: Any) -> tuple[Markup, Markup]:
    """Two versions of a value as HTML, the words (or Chinese characters) taken out of the old
    one in <del> and those put into the new one in <ins>, so a reader sees what was corrected."""
    a, b = value_text(old), value_text(new)
    tokens_a, tokens_b = _TOKEN.findall(a), _TOKEN.findall(b)
    before: list[str] = []
    after: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, tokens_a, tokens_b, autojunk=False).get_opcodes():
        left, right = html.escape("".join(tokens_a[i1:i2])), html.escape("".join(tokens_b[j1:j2]))
        if op == "equal":
            before.append(left)
            after.append(right)
            continue
        if left:
            before.append(f"<del>{left}</del>")
        if right:
            after.append(f"<ins>{right}</ins>")
    return Markup("".join(before)), Markup("".join(after))


#: Words and numbers, or any other single character (a Chinese character, a space, a mark).
_TOKEN = re.compile(r"[A-Za-z0-9]+|.", re.S)


def notes_html(text: str) -> str:
    """Release notes (Markdown, written by the publisher) as HTML."""
    if not text.strip():
        return ""
    import markdown

    return str(markdown.markdown(text, output_format="html"))


def _num(value: Decimal | int) -> str:
    text = format_number(Decimal(value))
    if "." not in text and len(text) > 4:
        return f"{int(text):,}"
    return text


# --- files -----------------------------------------------------------------------------------
def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (atomically) unless the file holds it already; whether it wrote."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return True


def prune(folder: Path, keep: set[str]) -> int:
    """Remove files under ``folder`` not in ``keep`` (relative paths), and emptied folders."""
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


__all__ = ["LANGS", "Page", "Rendered", "Renderer", "TemplateError", "prune", "render_pages", "script_json", "write_if_changed"]
