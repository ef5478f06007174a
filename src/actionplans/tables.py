"""The tables of the data package: columns, types, constraints, keys and bilingual descriptions.

This module is the single declaration of the published format. ``datapackage.py`` writes and
reads it, the site's data page documents it, and the tests check that every column is described
in both languages. It imports nothing heavy: ``load()`` depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import model as m
from .numerals import format_number

#: Table Schema patterns match the whole value, so they carry no anchors.
SLUG_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*"

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Column:
    """One column: its Table Schema type, constraints and description in both languages."""

    name: str
    type: str
    zh: str
    en: str
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | None = None

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.en, "description_zh": self.zh}
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            out["constraints"] = constraints
        return out

    def constraint_text(self) -> str:
        parts = []
        if self.required:
            parts.append("required")
        if self.unique:
            parts.append("unique")
        if self.pattern:
            parts.append(f"pattern {self.pattern}")
        if self.enum:
            parts.append("one of " + ", ".join(self.enum))
        if self.minimum is not None:
            parts.append(f"minimum {self.minimum}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    resource: str
    reference: tuple[str, ...] = ("id",)

    def descriptor(self) -> dict[str, Any]:
        return {"fields": list(self.columns), "reference": {"resource": self.resource, "fields": list(self.reference)}}


@dataclass(frozen=True)
class Table:
    """A resource of the data package and how its rows come from the model."""

    name: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[m.Dataset], Iterable[Row]]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "fields": [c.descriptor() for c in self.columns],
            "primaryKey": list(self.primary_key),
            "missingValues": [""],
        }
        if self.foreign_keys:
            out["foreignKeys"] = [fk.descriptor() for fk in self.foreign_keys]
        return out


# --- column helpers -------------------------------------------------------------------------
def _id(zh: str, en: str) -> Column:
    return Column("id", "string", zh, en, required=True, unique=True, pattern=SLUG_PATTERN)


def _ref(name: str, zh: str, en: str, required: bool = True) -> Column:
    return Column(name, "string", zh, en, required=required, pattern=SLUG_PATTERN)


def _pair(name: str, zh: str, en: str, required: bool = True) -> tuple[Column, Column]:
    return (
        Column(f"{name}_zh", "string", f"{zh}（中文）", f"{en} (Chinese)", required=required),
        Column(f"{name}_en", "string", f"{zh}（英文）", f"{en} (English)", required=required),
    )


_SPAN = (
    Column("char_start", "integer", "引文在去除空白后的原文中的起始字符位置（从0起，含）", "Start of the quote in the source text with whitespace removed (0-based, inclusive)", required=True, minimum=0),
    Column("char_end", "integer", "引文在去除空白后的原文中的结束字符位置（不含）", "End of the quote in the source text with whitespace removed (exclusive)", required=True, minimum=1),
    Column("line_start", "integer", "引文在原文文件中的起始行（从1起）", "First line of the quote in the source file (1-based)", required=True, minimum=1),
    Column("line_end", "integer", "引文在原文文件中的结束行", "Last line of the quote in the source file", required=True, minimum=1),
)


def _span(span: m.Span) -> Row:
    return (span.start, span.end, span.line_start, span.line_end)


def _text(text: m.Text | None) -> Row:
    return (text.zh, text.en) if text is not None else (None, None)


def _num(value: Decimal | None) -> str | None:
    return format_number(value) if value is not None else None


def _concepts(name: str, zh: str, en: str) -> Table:
    def rows(ds: m.Dataset) -> Iterator[Row]:
        for concept in getattr(ds, name).values():
            yield (concept.id, *_text(concept.label), *_text(concept.description))

    return Table(
        name,
        zh,
        en,
        (_id(f"{zh}的标识", f"Identifier of the {en.lower().rstrip('s')}"), *_pair("label", "名称", "Label"), *_pair("description", "说明", "Description", required=False)),
        ("id",),
        rows,
    )


def _links(name: str, owner: str, owner_table: str, target: str, target_table: str, zh: str, en: str, attribute: str) -> Table:
    def rows(ds: m.Dataset) -> Iterator[Row]:
        records = ds.plans if owner_table == "plans" else ds.tasks
        for record in (records.values() if owner_table == "plans" else ds.iter_tasks()):
            for position, target_id in enumerate(getattr(record, attribute), start=1):
                yield (record.id, target_id, position)

    return Table(
        name,
        zh,
        en,
        (
            _ref(f"{owner}_id", f"所属{'方案' if owner == 'plan' else '任务'}的标识", f"Identifier of the {owner}"),
            _ref(f"{target}_id", f"关联项的标识（见 {target_table}）", f"Identifier of the linked record (see {target_table})"),
            Column("position", "integer", "在列表中的次序（从1起）", "Position in the list (1-based)", required=True, minimum=1),
        ),
        (f"{owner}_id", f"{target}_id"),
        rows,
        (ForeignKey((f"{owner}_id",), owner_table), ForeignKey((f"{target}_id",), target_table)),
    )


# --- the tables -----------------------------------------------------------------------------
def _sources(ds: m.Dataset) -> Iterator[Row]:
    for s in ds.sources.values():
        yield (s.id, *_text(s.title), *_text(s.publisher), s.year, *_text(s.year_note), s.sha256, s.characters, *_text(s.rights))


def _source_authors(ds: m.Dataset) -> Iterator[Row]:
    for s in ds.sources.values():
        for position, author in enumerate(s.authors, start=1):
            yield (s.id, position, *_text(author))


def _regions(ds: m.Dataset) -> Iterator[Row]:
    for r in ds.regions.values():
        yield (r.id, *_text(r.label), r.level, r.code_gb2260, r.code_iso)


def _organizations(ds: m.Dataset) -> Iterator[Row]:
    for o in ds.organizations.values():
        yield (o.id, *_text(o.name), o.region_id, o.actor_id)


def _plans(ds: m.Dataset) -> Iterator[Row]:
    for p in ds.plans.values():
        yield (
            p.id, p.source_id, *_text(p.title), p.level, p.region_id, p.issuer_count, p.period_start, p.period_end,
            p.task_count, p.task_count_rule, *_span(p.title_span),
        )


def _plan_issuers(ds: m.Dataset) -> Iterator[Row]:
    for p in ds.plans.values():
        for position, org in enumerate(p.issuer_ids, start=1):
            yield (p.id, org, position)


def _statements(ds: m.Dataset) -> Iterator[Row]:
    for p in ds.plans.values():
        for s in p.statements:
            yield (s.id, s.plan_id, s.kind, s.ordinal, *_text(s.text), *_span(s.span))


def _tasks(ds: m.Dataset) -> Iterator[Row]:
    for t in ds.iter_tasks():
        yield (t.id, t.plan_id, t.ordinal, t.label, *_text(t.title), *_text(t.text), *_span(t.span))


def _figures(ds: m.Dataset) -> Iterator[Row]:
    for f in ds.figures.values():
        yield (
            f.id, f.plan_id, f.task_id, f.kind, _num(f.value), _num(f.value_to), f.unit_id, f.year, f.region_id,
            f.qualifier, *_text(f.measure), *_text(f.quote), *_span(f.span),
        )


def _terms(ds: m.Dataset) -> Iterator[Row]:
    for t in ds.terms.values():
        yield (t.id, t.zh, t.en, *_text(t.note), t.source_url)


def _term_variants(ds: m.Dataset) -> Iterator[Row]:
    for t in ds.terms.values():
        for position, variant in enumerate(t.en_variants, start=1):
            yield (t.id, position, variant)


_YEAR = dict(minimum=1949)

TABLES: tuple[Table, ...] = (
    Table(
        "sources", "原文来源", "Sources",
        (
            _id("来源的标识", "Identifier of the source"),
            *_pair("title", "来源的描述性标题", "Descriptive title of the source"),
            *_pair("publisher", "出版者", "Publisher"),
            Column("year", "integer", "出版年份（推定时见 year_note）", "Year of publication (see year_note when inferred)", **_YEAR),  # type: ignore[arg-type]
            *_pair("year_note", "关于年份的说明", "Note on the year", required=False),
            Column("sha256", "string", "原文文本文件的 SHA-256 值", "SHA-256 of the source text file", required=True, pattern="[0-9a-f]{64}"),
            Column("characters", "integer", "去除空白后的原文字符数", "Characters of the source text with whitespace removed", required=True, minimum=0),
            *_pair("rights", "权利说明", "Rights statement"),
        ),
        ("id",), _sources,
    ),
    Table(
        "source_authors", "来源署名", "Source authors",
        (
            _ref("source_id", "来源的标识", "Identifier of the source"),
            Column("position", "integer", "署名次序（从1起）", "Position in the byline (1-based)", required=True, minimum=1),
            *_pair("name", "作者姓名", "Author's name"),
        ),
        ("source_id", "position"), _source_authors, (ForeignKey(("source_id",), "sources"),),
    ),
    Table(
        "regions", "地区", "Regions",
        (
            _id("地区的标识", "Identifier of the region"),
            *_pair("label", "名称", "Label"),
            Column("level", "string", "层级", "Level", required=True, enum=m.PLAN_LEVELS),
            Column("code_gb2260", "string", "GB/T 2260 行政区划代码（全国为空）", "GB/T 2260 administrative division code (empty for national)", pattern="[0-9]{6}"),
            Column("code_iso", "string", "ISO 3166-1 或 3166-2 代码", "ISO 3166-1 or 3166-2 code", required=True),
        ),
        ("id",), _regions,
    ),
    _concepts("groups", "受益群体", "Beneficiary groups"),
    _concepts("themes", "主题", "Themes"),
    _concepts("actors", "实施主体类型", "Actor types"),
    _concepts("units", "计量单位", "Units"),
    Table(
        "organizations", "发文机构", "Organizations",
        (
            _id("机构的标识", "Identifier of the organization"),
            *_pair("name", "机构名称", "Name of the organization"),
            _ref("region_id", "机构所在地区", "Region of the organization"),
            _ref("actor_id", "机构所属的实施主体类型", "Actor type of the organization", required=False),
        ),
        ("id",), _organizations, (ForeignKey(("region_id",), "regions"), ForeignKey(("actor_id",), "actors")),
    ),
    Table(
        "plans", "行动方案", "Plans",
        (
            _id("方案的标识", "Identifier of the plan"),
            _ref("source_id", "报道该方案的来源", "Source that reports the plan"),
            *_pair("title", "方案名称（中文为原文）", "Title of the plan (Chinese as printed)"),
            Column("level", "string", "方案层级", "Level of the plan", required=True, enum=m.PLAN_LEVELS),
            _ref("region_id", "适用地区", "Region the plan applies to"),
            Column("issuer_count", "integer", "原文所述联合发文部门数（未说明则为空）", "Number of issuing departments as the source states it (empty when not stated)", minimum=1),
            Column("period_start", "integer", "原文所述起始年份（未说明则为空）", "First year as stated (empty when not stated)", **_YEAR),  # type: ignore[arg-type]
            Column("period_end", "integer", "原文所述目标或结束年份（未说明则为空）", "Target or last year as stated (empty when not stated)", **_YEAR),  # type: ignore[arg-type]
            Column("task_count", "integer", "原文所述任务或措施数量（未说明则为空）", "Number of tasks or measures as stated (empty when not stated)", minimum=0),
            Column("task_count_rule", "string", "equal：所述任务均有描述；at-most：原文只描述了其中一部分", "equal: every stated task is described; at-most: the source describes only some", required=True, enum=m.TASK_COUNT_RULES),
            *_SPAN,
        ),
        ("id",), _plans, (ForeignKey(("source_id",), "sources"), ForeignKey(("region_id",), "regions")),
    ),
    Table(
        "plan_issuers", "方案发文机构", "Plan issuers",
        (
            _ref("plan_id", "方案的标识", "Identifier of the plan"),
            _ref("organization_id", "发文机构的标识", "Identifier of the issuing organization"),
            Column("position", "integer", "原文列出的次序（1为牵头机构）", "Order as listed in the source (1 is the lead)", required=True, minimum=1),
        ),
        ("plan_id", "organization_id"), _plan_issuers,
        (ForeignKey(("plan_id",), "plans"), ForeignKey(("organization_id",), "organizations")),
    ),
    _links("plan_groups", "plan", "plans", "group", "groups", "方案受益群体", "Plan beneficiary groups", "group_ids"),
    _links("plan_themes", "plan", "plans", "theme", "themes", "方案主题", "Plan themes", "theme_ids"),
    Table(
        "statements", "方案表述（目标、原则、保障等）", "Plan statements (aims, principles, safeguards …)",
        (
            _id("表述的标识", "Identifier of the statement"),
            _ref("plan_id", "所属方案", "Plan the statement belongs to"),
            Column("kind", "string", "表述类型", "Kind of statement", required=True, enum=m.STATEMENT_KINDS),
            Column("ordinal", "integer", "同类表述中的次序", "Order among statements of its kind", required=True, minimum=1),
            *_pair("text", "表述文本（中文逐字引自原文）", "Text of the statement (Chinese verbatim from the source)"),
            *_SPAN,
        ),
        ("id",), _statements, (ForeignKey(("plan_id",), "plans"),),
    ),
    Table(
        "tasks", "任务", "Tasks",
        (
            _id("任务的标识", "Identifier of the task"),
            _ref("plan_id", "所属方案", "Plan the task belongs to"),
            Column("ordinal", "integer", "任务在原文中的次序", "Order of the task in the source", required=True, minimum=1),
            Column("label", "string", "原文所印序号（如“一是”；原文未编号则为空）", "Number as printed (such as 一是; empty when the source prints none)"),
            *_pair("title", "任务标题（中文为原文摘句）", "Title of the task (Chinese is an excerpt of the source)"),
            *_pair("text", "任务全文（中文逐字引自原文）", "Full text of the task (Chinese verbatim from the source)"),
            *_SPAN,
        ),
        ("id",), _tasks, (ForeignKey(("plan_id",), "plans"),),
    ),
    _links("task_themes", "task", "tasks", "theme", "themes", "任务主题", "Task themes", "theme_ids"),
    _links("task_actors", "task", "tasks", "actor", "actors", "任务实施主体", "Task actors", "actor_ids"),
    _links("task_groups", "task", "tasks", "group", "groups", "任务受益群体", "Task beneficiary groups", "group_ids"),
    Table(
        "figures", "数字", "Figures",
        (
            _id("数字的标识", "Identifier of the figure"),
            _ref("plan_id", "所属方案", "Plan the figure belongs to"),
            _ref("task_id", "相关任务（如有）", "Related task, if any", required=False),
            Column("kind", "string", "类型：统计、目标、数量或期限", "Kind: statistic, target, count or period", required=True, enum=m.FIGURE_KINDS),
            Column("value", "number", "数值（可从引文中读出）", "Value (readable from the quote)", required=True),
            Column("value_to", "number", "区间的终值（仅限区间）", "End of a range (ranges only)"),
            _ref("unit_id", "计量单位", "Unit"),
            Column("year", "integer", "数字所指年份（原文未说明则为空）", "Year the figure refers to (empty when the source does not say)", **_YEAR),  # type: ignore[arg-type]
            _ref("region_id", "数字所指地区", "Region the figure refers to"),
            Column("qualifier", "string", "限定：确切、至少或约", "Qualifier: exact, at least or approximately", required=True, enum=m.QUALIFIERS),
            *_pair("measure", "所度量的内容", "What the figure measures"),
            *_pair("quote", "引文（中文逐字引自原文）", "Quote (Chinese verbatim from the source)"),
            *_SPAN,
        ),
        ("id",), _figures,
        (ForeignKey(("plan_id",), "plans"), ForeignKey(("task_id",), "tasks"), ForeignKey(("unit_id",), "units"), ForeignKey(("region_id",), "regions")),
    ),
    Table(
        "terms", "术语表", "Glossary terms",
        (
            _id("术语的标识", "Identifier of the term"),
            Column("zh", "string", "中文术语", "Chinese term", required=True, unique=True),
            Column("en", "string", "英文译名", "English rendering", required=True),
            *_pair("note", "注释", "Note", required=False),
            Column("source_url", "string", "译名出处（未找到出处则为空）", "Where the rendering comes from (empty when no source was found)", pattern="https?://\\S+"),
        ),
        ("id",), _terms,
    ),
    Table(
        "term_variants", "术语的其他英文译名", "Other accepted English renderings of terms",
        (
            _ref("term_id", "术语的标识", "Identifier of the term"),
            Column("position", "integer", "次序", "Position", required=True, minimum=1),
            Column("en", "string", "其他英文译名", "Other English rendering", required=True),
        ),
        ("term_id", "position"), _term_variants, (ForeignKey(("term_id",), "terms"),),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
