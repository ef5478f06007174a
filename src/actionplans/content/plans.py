"""Plans: ``plans/<id>.yaml``, checked against the sources they quote and the rest of the content.

Every Chinese text of a plan must occur verbatim in its source (whitespace aside); its span is
recorded. Numbers must be readable from their quotes, counts must agree with what is described,
and English must use the glossary's renderings. One plan file is read by one ``PlanFile`` call,
which needs nothing from other plan files: ids that must be unique across files are returned
for the caller to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from .. import model as m
from ..errors import Problem
from ..numerals import format_number, is_readable
from ..problems import (
    CHOOSE_THEMES,
    COUNT_BELOW_LISTED,
    COUNT_NOT_STATED,
    COUNT_WITHOUT_NUMBER,
    COUNT_WITHOUT_QUOTE,
    DESCRIBE_TASKS,
    DRAFT_REFERENCE,
    DUPLICATE_ORDINAL,
    EMPTY_LIST,
    GLOSSARY_RENDERING_MISSING,
    ID_DIFFERS_FROM_FILE_NAME,
    LABEL_NOT_PRINTED,
    NAME_ISSUERS,
    NO_TASK,
    ORDINAL_OUT_OF_ORDER,
    QUOTE_NOT_FOUND,
    RANGE_REVERSED,
    REVIEW_DRAFT,
    TASK_COUNT_EXCEEDED,
    TASK_COUNT_MISMATCH,
    TASK_COUNT_NOT_STATED,
    TITLE_NOT_IN_TEXT,
    UNKNOWN_TASK,
    VALUE_NOT_IN_QUOTE,
    VALUE_TO_BELOW_VALUE,
    Finding,
)
from ..quotes import SourceText, squeeze
from ..yamlfile import Map, Seq
from .folder import Folder
from .glossary import Glossary
from .spec import PLAN, check_record, lang_line, line_of
from .vocabularies import reference
from .where import Where

Built = tuple[m.Plan, list[m.Task], list[m.Figure]]


@dataclass
class PlanResult:
    """What reading one plan file gave: its problems, the plan if it is sound, and the task and
    figure ids it declares (kind, id, line, field), whose uniqueness is checked across files."""

    shown: str
    problems: list[Problem]
    built: Built | None = None
    ids: list[tuple[str, str, int, str]] = field(default_factory=list)
    draft: bool = False


@dataclass(frozen=True)
class PlanContext:
    """What the rest of the content defines, which plans are checked against."""

    sources: dict[str, m.Source]
    texts: dict[str, SourceText]
    #: Sources whose problems are already reported: plans citing them cannot be verified.
    unverifiable: frozenset[str]
    #: Records a plan may refer to, by table: the vocabularies and "organizations".
    references: dict[str, dict[str, Any]]
    glossary: Glossary
    #: The ids of draft records, by table (a published plan may not refer to them).
    drafts: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Draft records still too incomplete to be built (a field to fill in), by table: a draft
    #: that refers to one is checked, but not built.
    pending: dict[str, frozenset[str]] = field(default_factory=dict)


class PlanFile:
    """Reads and checks one plan file against what the rest of the content defines."""

    def __init__(self, folder: Folder, context: PlanContext) -> None:
        self.folder = folder
        self.context = context

    def __call__(self, path: Path) -> PlanResult:
        folder = self.folder.fresh()
        data = folder.yaml(path)
        result = PlanResult(folder.shown(path), folder.problems)
        if data is None:
            return result
        where = folder.where(path).drafting(data)
        checked = check_record(data, PLAN, where, "", getattr(data, "line", 1))
        if checked is None:
            return result
        result.draft = checked["status"] == "draft"
        plan = _PlanChecker(checked, data, where, self.context)
        result.built = plan.build()
        result.ids = plan.ids
        if path.stem != checked["id"]:
            where.add(line_of(data, "id"), "id", ID_DIFFERS_FROM_FILE_NAME(value=checked["id"], stem=path.stem))
            result.built = None
        return result


class _PlanChecker:
    """Checks one plan's checked record and builds its model records."""

    def __init__(self, checked: dict[str, Any], raw: Map, where: Where, context: PlanContext) -> None:
        self.c = checked
        self.raw = raw
        self.where = where
        self.context = context
        self.ok = True
        #: Whether the plan refers to a draft record that cannot be built yet.
        self.incomplete = False
        #: Each task and figure id declared, as (kind, id, line, field).
        self.ids: list[tuple[str, str, int, str]] = []

    def fail(self, line: int, name: str, finding: Finding) -> None:
        self.where.add(line, name, finding)
        self.ok = False

    def quote(self, text: m.Text, name: str, at: int | Map, source: SourceText | None) -> m.Span | None:
        """Locate a verbatim Chinese quote and check that the English uses the glossary."""
        self.check_glossary(text, name, at)
        if source is None:
            return None
        span = source.locate(text.zh)
        if span is None:
            self.fail(
                lang_line(at, "zh"), f"{name}.zh", QUOTE_NOT_FOUND(source=self.c["source"], miss=source.explain_miss(text.zh))
            )
        return span

    def check_glossary(self, text: m.Text, name: str, at: int | Map) -> None:
        if not text.en:
            return  # a draft's text still to translate (a to-do already says so)
        for term in self.context.glossary.missing(text):
            renderings = " or ".join(repr(r) for r in (term.en, *term.en_variants))
            self.fail(lang_line(at, "en"), f"{name}.en", GLOSSARY_RENDERING_MISSING(term=term.zh, renderings=renderings))

    def refs(self, values: tuple[str, ...], table: str, kind: str, raw: Map, name: str, prefix: str = "") -> None:
        """Check a list of ids against ``table`` (a vocabulary or "organizations")."""
        known = self.context.references[table]
        items = raw.get(name)
        lines = items.item_lines if isinstance(items, Seq) else []
        for i, value in enumerate(values):
            line = lines[i] if i < len(lines) else line_of(raw, name)
            if not reference(value, known, kind, self.where, line, f"{prefix}{name}[{i}]"):
                self.ok = False
            else:
                self._not_draft(value, table, kind, line, f"{prefix}{name}[{i}]")

    def ref(self, value: str, table: str, kind: str, raw: Map, name: str, shown: str | None = None) -> bool:
        if reference(value, self.context.references[table], kind, self.where, line_of(raw, name), shown or name):
            self._not_draft(value, table, kind, line_of(raw, name), shown or name)
            return True
        self.ok = False
        return False

    def _not_draft(self, value: str, table: str, kind: str, line: int, name: str) -> None:
        """A published plan may refer only to reviewed records."""
        if value in self.context.pending.get(table, frozenset()):
            self.incomplete = True
        if not self.where.draft and value in self.context.drafts.get(table, frozenset()):
            self.fail(line, name, DRAFT_REFERENCE(kind=kind, value=value))

    def build(self) -> Built | None:
        c, raw = self.c, self.raw
        plan_id = c["id"]
        source: SourceText | None = None
        if c["source"] in self.context.unverifiable:
            self.ok = False  # its problem is reported with the source; quotes cannot be checked
        elif c["source"] not in self.context.sources:
            if not reference(c["source"], self.context.sources, "source", self.where, line_of(raw, "source"), "source"):
                self.ok = False
        else:
            source = self.context.texts[c["source"]]
        if c["source"] in self.context.drafts.get("sources", frozenset()) and not self.where.draft:
            self.fail(line_of(raw, "source"), "source", DRAFT_REFERENCE(kind="source", value=c["source"]))
        if c["region"] is not None:
            self.ref(c["region"], "regions", "region", raw, "region")
        self.refs(c["issuers"], "organizations", "organization", raw, "issuers")
        if not c["issuers"] and self.where.draft:
            # a source may name no issuer (该省出台…): then a published plan has none, and says so
            self.where.add(line_of(raw, "issuers"), "issuers", NAME_ISSUERS())
        self.refs(c["groups"], "groups", "group", raw, "groups")
        self.refs(c["themes"], "themes", "theme", raw, "themes")
        if c["period_start"] is not None and c["period_end"] is not None and c["period_start"] > c["period_end"]:
            self.fail(line_of(raw, "period_end"), "period_end", RANGE_REVERSED(end=c["period_end"], start=c["period_start"]))

        title_span = self.quote(c["title"], "title", raw["title"], source)
        statements: list[m.Statement] = []

        def statement(kind: str, ordinal: int, text: m.Text, name: str, at: Map) -> m.Statement | None:
            span = self.quote(text, name, at, source)
            if span is None:
                return None
            record = m.Statement(f"{plan_id}-{kind}-{ordinal}", plan_id, cast(m.StatementKind, kind), ordinal, text, span)
            statements.append(record)
            return record

        announcement = statement("announcement", 1, c["announcement"], "announcement", raw["announcement"])
        self._issuer_count(announcement)
        self._task_count_quote(statement)
        for kind, key in (("aim", "aims"), ("principle", "principles"), ("safeguard", "safeguards")):
            for i, text in enumerate(c[key] or [], start=1):
                statement(kind, i, text, f"{key}[{i - 1}]", raw[key][i - 1])

        tasks = self._tasks(plan_id, source)
        figures = self._figures(plan_id, source, {checked["id"] for checked, _ in c["tasks"]})
        self._task_count()
        if self.where.draft:
            self.where.add(line_of(raw, "status"), "status", REVIEW_DRAFT(tasks=len(tasks), figures=len(figures)))
        if not self.ok or self.incomplete or title_span is None or c["region"] is None or c["level"] is None:
            return None
        plan = m.Plan(
            id=plan_id,
            source_id=c["source"],
            title=c["title"],
            title_span=title_span,
            issuer_ids=c["issuers"],
            issuer_count=c["issuer_count"],
            level=c["level"],
            region_id=c["region"],
            period_start=c["period_start"],
            period_end=c["period_end"],
            group_ids=c["groups"],
            theme_ids=c["themes"],
            task_count=c["task_count"],
            task_count_rule=c["task_count_rule"],
            statements=tuple(statements),
        )
        return plan, tasks, figures

    def _issuer_count(self, announcement: m.Statement | None) -> None:
        c, raw = self.c, self.raw
        count, line = c["issuer_count"], line_of(raw, "issuer_count")
        if count is None:
            return
        if announcement is not None and not is_readable(Decimal(count), announcement.text.zh):
            self.fail(line, "issuer_count", COUNT_NOT_STATED(count=count))
        if count < len(c["issuers"]):
            self.fail(line, "issuer_count", COUNT_BELOW_LISTED(count=count, listed=len(c["issuers"])))

    def _task_count_quote(self, statement: Any) -> None:
        c, raw = self.c, self.raw
        if c["task_count_quote"] is not None:
            stated = statement("task-count", 1, c["task_count_quote"], "task_count_quote", raw["task_count_quote"])
            if c["task_count"] is None:
                self.fail(line_of(raw, "task_count"), "task_count", COUNT_WITHOUT_NUMBER())
            elif stated is not None and not is_readable(Decimal(c["task_count"]), stated.text.zh):
                self.fail(line_of(raw, "task_count"), "task_count", TASK_COUNT_NOT_STATED(count=c["task_count"]))
        elif c["task_count"] is not None:
            self.fail(line_of(raw, "task_count_quote"), "task_count_quote", COUNT_WITHOUT_QUOTE())

    def _task_count(self) -> None:
        c, raw = self.c, self.raw
        described, stated = len(c["tasks"]), c["task_count"]
        if stated is not None:
            line = line_of(raw, "task_count")
            if c["task_count_rule"] == "equal" and described != stated:
                self.fail(line, "task_count", TASK_COUNT_MISMATCH(stated=stated, described=described))
            if c["task_count_rule"] == "at-most" and described > stated:
                self.fail(line, "task_count", TASK_COUNT_EXCEEDED(stated=stated, described=described))
        elif c["task_count_rule"] == "equal" and not described:
            if self.where.draft:
                self.where.add(line_of(raw, "tasks"), "tasks", DESCRIBE_TASKS())
            else:
                self.fail(line_of(raw, "tasks"), "tasks", NO_TASK())

    def _tasks(self, plan_id: str, source: SourceText | None) -> list[m.Task]:
        out: list[m.Task] = []
        ordinals: dict[int, int] = {}
        for i, (checked, raw) in enumerate(self.c["tasks"]):
            name = f"tasks[{i}]"
            ok_before, self.ok = self.ok, True
            task_id = checked["id"]
            self.ids.append(("task", task_id, line_of(raw, "id"), f"{name}.id"))
            ordinal, line = checked["ordinal"], line_of(raw, "ordinal")
            if ordinal in ordinals:
                self.fail(line, f"{name}.ordinal", DUPLICATE_ORDINAL(ordinal=ordinal, first=ordinals[ordinal]))
            elif ordinal != i + 1:
                self.fail(line, f"{name}.ordinal", ORDINAL_OUT_OF_ORDER(ordinal=ordinal, position=i + 1))
            ordinals.setdefault(ordinal, line)
            for key in ("themes", "actors", "groups"):
                self.refs(checked[key], key, key.removesuffix("s"), raw, key, f"{name}.")
            if not checked["themes"]:
                if self.where.draft:
                    self.where.add(line_of(raw, "themes"), f"{name}.themes", CHOOSE_THEMES())
                else:
                    self.fail(line_of(raw, "themes"), f"{name}.themes", EMPTY_LIST())
            span = self.quote(checked["text"], f"{name}.text", raw["text"], source)
            title_span = self.quote(checked["title"], f"{name}.title", raw["title"], source)
            if title_span is not None and squeeze(checked["title"].zh) not in squeeze(checked["text"].zh):
                self.fail(line_of(raw, "title"), f"{name}.title.zh", TITLE_NOT_IN_TEXT())
            label = checked["label"]
            if span is not None and label and source is not None:
                before = source.joined[max(0, span.start - len(squeeze(label))) : span.start]
                if before != squeeze(label):
                    self.fail(line_of(raw, "label"), f"{name}.label", LABEL_NOT_PRINTED(label=label, printed=before))
            if self.ok and span is not None:
                out.append(
                    m.Task(
                        task_id,
                        plan_id,
                        ordinal,
                        label,
                        checked["title"],
                        checked["text"],
                        span,
                        checked["themes"],
                        checked["actors"],
                        checked["groups"],
                    )
                )
            self.ok = ok_before and self.ok
        return out

    def _figures(self, plan_id: str, source: SourceText | None, task_ids: set[str]) -> list[m.Figure]:
        out: list[m.Figure] = []
        for i, (checked, raw) in enumerate(self.c["figures"]):
            name = f"figures[{i}]"
            ok_before, self.ok = self.ok, True
            self.ids.append(("figure", checked["id"], line_of(raw, "id"), f"{name}.id"))
            if checked["task"] is not None and checked["task"] not in task_ids:
                self.fail(line_of(raw, "task"), f"{name}.task", UNKNOWN_TASK(value=checked["task"]))
            self.ref(checked["unit"], "units", "unit", raw, "unit", f"{name}.unit")
            self.ref(checked["region"], "regions", "region", raw, "region", f"{name}.region")
            span = self.quote(checked["quote"], f"{name}.quote", raw["quote"], source)
            self.check_glossary(checked["measure"], f"{name}.measure", raw["measure"])
            for key in ("value", "value_to"):
                value = checked[key]
                if value is not None and not is_readable(value, checked["quote"].zh):
                    self.fail(
                        line_of(raw, key),
                        f"{name}.{key}",
                        VALUE_NOT_IN_QUOTE(value=format_number(value), quote=checked["quote"].zh),
                    )
            if checked["value_to"] is not None and checked["value_to"] < checked["value"]:
                self.fail(line_of(raw, "value_to"), f"{name}.value_to", VALUE_TO_BELOW_VALUE())
            if self.ok and span is not None:
                out.append(
                    m.Figure(
                        checked["id"],
                        plan_id,
                        checked["task"],
                        checked["kind"],
                        checked["value"],
                        checked["value_to"],
                        checked["unit"],
                        checked["year"],
                        checked["region"],
                        checked["qualifier"],
                        checked["measure"],
                        checked["quote"],
                        span,
                    )
                )
            self.ok = ok_before and self.ok
        return out
