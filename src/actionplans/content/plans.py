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
            where.add(line_of(data, "id"), "id", f"{checked['id']!r} differs from the file name {path.stem!r}", f"id {path.stem!r}", "id-differs-from-file-name")
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

    def fail(self, line: int, name: str, message: str, expected: str, code: str) -> None:
        self.where.add(line, name, message, expected, code)
        self.ok = False

    def quote(self, text: m.Text, name: str, at: int | Map, source: SourceText | None) -> m.Span | None:
        """Locate a verbatim Chinese quote and check that the English uses the glossary."""
        self.check_glossary(text, name, at)
        if source is None:
            return None
        span = source.locate(text.zh)
        if span is None:
            self.fail(
                lang_line(at, "zh"), f"{name}.zh", f"not found in source {self.c['source']}: {source.explain_miss(text.zh)}",
                "a verbatim quote of the source (whitespace aside)", "quote-not-found",
            )
        return span

    def check_glossary(self, text: m.Text, name: str, at: int | Map) -> None:
        if not text.en:
            return  # a draft's text still to translate (a to-do already says so)
        for term in self.context.glossary.missing(text):
            renderings = " or ".join(repr(r) for r in (term.en, *term.en_variants))
            self.fail(
                lang_line(at, "en"), f"{name}.en", f"the Chinese uses the glossary term {term.zh!r} but the English lacks its rendering",
                f"the English to contain {renderings}", "glossary-rendering-missing",
            )

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
            self.fail(line, name, f"refers to the draft {kind} {value!r}", f"a reviewed {kind} (remove its status: draft)", "draft-reference")

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
            self.fail(line_of(raw, "source"), "source", f"refers to the draft source {c['source']!r}", "a reviewed source (remove its status: draft)", "draft-reference")
        if c["region"] is not None:
            self.ref(c["region"], "regions", "region", raw, "region")
        self.refs(c["issuers"], "organizations", "organization", raw, "issuers")
        if not c["issuers"] and self.where.draft:
            # a source may name no issuer (该省出台…): then a published plan has none, and says so
            self.where.todo(
                line_of(raw, "issuers"), "issuers", "no issuer named yet",
                "the issuing organizations the source names (none, if it names none)", "name-issuers",
            )
        self.refs(c["groups"], "groups", "group", raw, "groups")
        self.refs(c["themes"], "themes", "theme", raw, "themes")
        if c["period_start"] is not None and c["period_end"] is not None and c["period_start"] > c["period_end"]:
            self.fail(line_of(raw, "period_end"), "period_end", f"{c['period_end']} is before period_start {c['period_start']}", "an end year not before the start year", "range-reversed")

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
            self.where.todo(
                line_of(raw, "status"), "status", f"a draft: review its {len(tasks)} tasks, {len(figures)} figures and the suggested themes, groups and actors",
                "the plan reviewed, then status: draft removed to publish it", "review-draft",
            )
        if not self.ok or self.incomplete or title_span is None or c["region"] is None or c["level"] is None:
            return None
        plan = m.Plan(
            id=plan_id, source_id=c["source"], title=c["title"], title_span=title_span, issuer_ids=c["issuers"],
            issuer_count=c["issuer_count"], level=c["level"], region_id=c["region"], period_start=c["period_start"],
            period_end=c["period_end"], group_ids=c["groups"], theme_ids=c["themes"], task_count=c["task_count"],
            task_count_rule=c["task_count_rule"], statements=tuple(statements),
        )
        return plan, tasks, figures

    def _issuer_count(self, announcement: m.Statement | None) -> None:
        c, raw = self.c, self.raw
        count, line = c["issuer_count"], line_of(raw, "issuer_count")
        if count is None:
            return
        if announcement is not None and not is_readable(Decimal(count), announcement.text.zh):
            self.fail(line, "issuer_count", f"{count} is not stated in the announcement quote", "the number of issuing departments the announcement states", "count-not-stated")
        if count < len(c["issuers"]):
            self.fail(line, "issuer_count", f"{count} is fewer than the {len(c['issuers'])} issuers listed", "a count at least the number of issuers", "count-below-listed")

    def _task_count_quote(self, statement: Any) -> None:
        c, raw = self.c, self.raw
        if c["task_count_quote"] is not None:
            stated = statement("task-count", 1, c["task_count_quote"], "task_count_quote", raw["task_count_quote"])
            if c["task_count"] is None:
                self.fail(line_of(raw, "task_count"), "task_count", "is empty although task_count_quote is given", "the count the quote states", "count-without-number")
            elif stated is not None and not is_readable(Decimal(c["task_count"]), stated.text.zh):
                self.fail(line_of(raw, "task_count"), "task_count", f"{c['task_count']} is not stated in task_count_quote", "the count the quote states", "count-not-stated")
        elif c["task_count"] is not None:
            self.fail(line_of(raw, "task_count_quote"), "task_count_quote", "is empty although task_count is given", "the sentence that states the count", "count-without-quote")

    def _task_count(self) -> None:
        c, raw = self.c, self.raw
        described, stated = len(c["tasks"]), c["task_count"]
        if stated is not None:
            line = line_of(raw, "task_count")
            if c["task_count_rule"] == "equal" and described != stated:
                self.fail(
                    line, "task_count", f"the plan states {stated} tasks but {described} are described",
                    "as many tasks as stated (task_count_rule: equal), or task_count_rule: at-most when the source describes only some",
                    "task-count-mismatch",
                )
            if c["task_count_rule"] == "at-most" and described > stated:
                self.fail(line, "task_count", f"the plan states {stated} tasks but {described} are described", "no more tasks than stated", "task-count-mismatch")
        elif c["task_count_rule"] == "equal" and not described:
            if self.where.draft:
                self.where.todo(line_of(raw, "tasks"), "tasks", "no task found yet", "the plan's tasks, quoted from the source", "describe-tasks")
            else:
                self.fail(line_of(raw, "tasks"), "tasks", "no task is described", "the plan's tasks", "no-task")

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
                self.fail(line, f"{name}.ordinal", f"ordinal {ordinal} is used twice (first at line {ordinals[ordinal]})", "ordinals 1, 2, 3 … in source order", "duplicate-ordinal")
            elif ordinal != i + 1:
                self.fail(line, f"{name}.ordinal", f"ordinal {ordinal} in position {i + 1}", f"ordinal {i + 1} (tasks numbered 1, 2, 3 … in source order)", "ordinal-out-of-order")
            ordinals.setdefault(ordinal, line)
            for key in ("themes", "actors", "groups"):
                self.refs(checked[key], key, key.removesuffix("s"), raw, key, f"{name}.")
            if not checked["themes"]:
                if self.where.draft:
                    self.where.todo(line_of(raw, "themes"), f"{name}.themes", "no theme chosen yet", "at least one theme", "choose-themes")
                else:
                    self.fail(line_of(raw, "themes"), f"{name}.themes", "is empty", "at least one theme", "empty-list")
            span = self.quote(checked["text"], f"{name}.text", raw["text"], source)
            title_span = self.quote(checked["title"], f"{name}.title", raw["title"], source)
            if title_span is not None and squeeze(checked["title"].zh) not in squeeze(checked["text"].zh):
                self.fail(line_of(raw, "title"), f"{name}.title.zh", "is not part of the task's text", "a verbatim excerpt of text.zh", "title-not-in-text")
            label = checked["label"]
            if span is not None and label and source is not None:
                before = source.joined[max(0, span.start - len(squeeze(label))) : span.start]
                if before != squeeze(label):
                    self.fail(
                        line_of(raw, "label"), f"{name}.label", f"{label!r} is not printed right before the task's text (the source has {before!r})",
                        "the number exactly as printed before the text", "label-not-printed",
                    )
            if self.ok and span is not None:
                out.append(m.Task(task_id, plan_id, ordinal, label, checked["title"], checked["text"], span, checked["themes"], checked["actors"], checked["groups"]))
            self.ok = ok_before and self.ok
        return out

    def _figures(self, plan_id: str, source: SourceText | None, task_ids: set[str]) -> list[m.Figure]:
        out: list[m.Figure] = []
        for i, (checked, raw) in enumerate(self.c["figures"]):
            name = f"figures[{i}]"
            ok_before, self.ok = self.ok, True
            self.ids.append(("figure", checked["id"], line_of(raw, "id"), f"{name}.id"))
            if checked["task"] is not None and checked["task"] not in task_ids:
                self.fail(line_of(raw, "task"), f"{name}.task", f"unknown task {checked['task']!r}", "the id of a task of this plan", "unknown-reference")
            self.ref(checked["unit"], "units", "unit", raw, "unit", f"{name}.unit")
            self.ref(checked["region"], "regions", "region", raw, "region", f"{name}.region")
            span = self.quote(checked["quote"], f"{name}.quote", raw["quote"], source)
            self.check_glossary(checked["measure"], f"{name}.measure", raw["measure"])
            for key in ("value", "value_to"):
                value = checked[key]
                if value is not None and not is_readable(value, checked["quote"].zh):
                    self.fail(
                        line_of(raw, key), f"{name}.{key}", f"{format_number(value)} cannot be read from the quote {checked['quote'].zh!r}",
                        "a number the quote states (Arabic or Chinese numerals)", "value-not-in-quote",
                    )
            if checked["value_to"] is not None and checked["value_to"] < checked["value"]:
                self.fail(line_of(raw, "value_to"), f"{name}.value_to", "is less than value", "the end of the range, not below its start", "range-reversed")
            if self.ok and span is not None:
                out.append(
                    m.Figure(
                        checked["id"], plan_id, checked["task"], checked["kind"], checked["value"], checked["value_to"], checked["unit"],
                        checked["year"], checked["region"], checked["qualifier"], checked["measure"], checked["quote"], span,
                    )
                )
            self.ok = ok_before and self.ok
        return out
