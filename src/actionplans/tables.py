"""The tables of the data package: one declaration each, which every format derives from.

A table names the record type its rows come from and, for each column, the attribute behind it
(``title.zh``, ``span.start``). From that one declaration come the CSV rows (``Table.rows``),
the records read back from them (``records_from_rows``), the JSON of every endpoint and
download (``Table.json_row``), the Table Schema, the SQLite and XLSX exports, and the plan
subsets (which follow the declared foreign keys).

Two kinds of table:

- an entity table holds one record per row (``Task``, ``Figure`` …);
- a list table holds a record's list attribute (``Task.theme_ids``, ``Source.authors``) as one
  :class:`Item` per row: the owner's id, the position in the list (from 1) and the item.

This module imports nothing heavy: ``load()`` depends on it.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from . import model as m
from .files import json_value

#: Table Schema patterns match the whole value, so they carry no anchors.
SLUG_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*"

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Item:
    """One entry of a record's list attribute, as a list table stores it."""

    owner_id: str
    position: int
    item: Any


@dataclass(frozen=True)
class Column:
    """One column: the attribute it holds, its Table Schema type and constraints, and its
    description in both languages."""

    name: str
    type: str
    zh: str
    en: str
    attribute: str = ""  # dotted path on the row's record; the column's name when empty
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return tuple((self.attribute or self.name).split("."))

    def value(self, record: Any) -> Any:
        """This column's value in ``record`` (None where an attribute on the way is None)."""
        for part in self.path:
            if record is None:
                return None
            record = getattr(record, part)
        return record

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.en, "description_zh": self.zh}
        constraints = self.constraints()
        if constraints:
            out["constraints"] = constraints
        return out

    def constraints(self) -> dict[str, Any]:
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
        return constraints

    def constraint_text(self) -> str:
        parts = []
        for key, value in self.constraints().items():
            parts.append(
                key if value is True else f"pattern {value}" if key == "pattern" else "one of " + ", ".join(value) if key == "enum" else f"{key} {value}"
            )
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
    """A resource of the data package: its record type, where the records are, its columns."""

    name: str
    zh: str
    en: str
    record: type
    records: Callable[[m.Dataset], Iterable[Any]]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())
    #: For a list table: the owner's table and the owner's attribute it stores.
    list_of: tuple[str, str] | None = None
    #: For a table whose records also sit in a list attribute of another table's records
    #: (a plan's statements): that table and attribute.
    part_of: tuple[str, str] | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def rows(self, dataset: m.Dataset) -> Iterator[Row]:
        """The table's rows, as the CSV file holds them (typed values, None for empty)."""
        columns = self.columns
        for record in self.records(dataset):
            yield tuple(c.value(record) for c in columns)

    def json_row(self, row: Row) -> dict[str, Any]:
        """A row as a JSON object: column names and values (numbers as JSON numbers)."""
        return {c.name: json_value(v) for c, v in zip(self.columns, row, strict=True)}

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "fields": [c.descriptor() for c in self.columns],
            "primaryKey": list(self.primary_key),
            "missingValues": [""],
        }
        if self.foreign_keys:
            out["foreignKeys"] = [fk.descriptor() for fk in self.foreign_keys]
        return out


# --- building declarations ------------------------------------------------------------------
def _id(zh: str, en: str) -> Column:
    return Column("id", "string", zh, en, required=True, unique=True, pattern=SLUG_PATTERN)


def _ref(name: str, zh: str, en: str, required: bool = True, attribute: str = "") -> Column:
    return Column(name, "string", zh, en, attribute, required=required, pattern=SLUG_PATTERN)


def _pair(name: str, zh: str, en: str, required: bool = True, attribute: str = "") -> tuple[Column, Column]:
    base = attribute or name
    return (
        Column(f"{name}_zh", "string", f"{zh}（中文）", f"{en} (Chinese)", f"{base}.zh", required=required),
        Column(f"{name}_en", "string", f"{zh}（英文）", f"{en} (English)", f"{base}.en", required=required),
    )


def _span(attribute: str = "span") -> tuple[Column, ...]:
    return (
        Column("char_start", "integer", "引文在去除空白后的原文中的起始字符位置（从0起，含）", "Start of the quote in the source text with whitespace removed (0-based, inclusive)", f"{attribute}.start", required=True, minimum=0),
        Column("char_end", "integer", "引文在去除空白后的原文中的结束字符位置（不含）", "End of the quote in the source text with whitespace removed (exclusive)", f"{attribute}.end", required=True, minimum=1),
        Column("line_start", "integer", "引文在原文文件中的起始行（从1起）", "First line of the quote in the source file (1-based)", f"{attribute}.line_start", required=True, minimum=1),
        Column("line_end", "integer", "引文在原文文件中的结束行", "Last line of the quote in the source file", f"{attribute}.line_end", required=True, minimum=1),
    )


def _position(zh: str = "在列表中的次序（从1起）", en: str = "Position in the list (1-based)") -> Column:
    return Column("position", "integer", zh, en, required=True, minimum=1)


def _items(owner_table: str, attribute: str) -> Callable[[m.Dataset], Iterator[Item]]:
    def records(ds: m.Dataset) -> Iterator[Item]:
        for owner in _RECORDS[owner_table](ds):
            for position, item in enumerate(getattr(owner, attribute), start=1):
                yield Item(owner.id, position, item)

    return records


def _concepts(name: str, zh: str, en: str) -> Table:
    singular = en.lower().removesuffix("s")
    return Table(
        name, zh, en, m.Concept, lambda ds: getattr(ds, name).values(),
        (_id(f"{zh}的标识", f"Identifier of the {singular}"), *_pair("label", "名称", "Label"), *_pair("description", "说明", "Description", required=False)),
        ("id",),
    )


def _links(name: str, owner_table: str, attribute: str, target: str, target_table: str, zh: str, en: str) -> Table:
    owner = owner_table.removesuffix("s")
    return Table(
        name, zh, en, Item, _items(owner_table, attribute),
        (
            _ref(f"{owner}_id", f"所属{'方案' if owner == 'plan' else '任务'}的标识", f"Identifier of the {owner}", attribute="owner_id"),
            _ref(f"{target}_id", f"关联项的标识（见 {target_table}）", f"Identifier of the linked record (see {target_table})", attribute="item"),
            _position(),
        ),
        (f"{owner}_id", f"{target}_id"),
        (ForeignKey((f"{owner}_id",), owner_table), ForeignKey((f"{target}_id",), target_table)),
        list_of=(owner_table, attribute),
    )


#: Where each entity table's records are, in the order the tables list them.
_RECORDS: dict[str, Callable[[m.Dataset], Iterable[Any]]] = {
    "sources": lambda ds: ds.sources.values(),
    "plans": lambda ds: ds.plans.values(),
    "tasks": lambda ds: ds.iter_tasks(),
    "terms": lambda ds: ds.terms.values(),
}
_YEAR: dict[str, Any] = dict(minimum=1949)

TABLES: tuple[Table, ...] = (
    Table(
        "sources", "原文来源", "Sources", m.Source, _RECORDS["sources"],
        (
            _id("来源的标识", "Identifier of the source"),
            *_pair("title", "来源的描述性标题", "Descriptive title of the source"),
            *_pair("publisher", "出版者", "Publisher"),
            Column("year", "integer", "出版年份（推定时见 year_note）", "Year of publication (see year_note when inferred)", **_YEAR),
            *_pair("year_note", "关于年份的说明", "Note on the year", required=False),
            Column("sha256", "string", "原文文本文件的 SHA-256 值", "SHA-256 of the source text file", required=True, pattern="[0-9a-f]{64}"),
            Column("characters", "integer", "去除空白后的原文字符数", "Characters of the source text with whitespace removed", required=True, minimum=0),
            *_pair("rights", "权利说明", "Rights statement"),
            Column("kind", "string", "来源类型：official-document（国家机关发布的文件，即方案本身或印发方案的通知）、news-report（报纸、通讯社或政府网站新闻对方案的报道）",
                   "Kind of source: official-document (a document as a state organ issued it: a plan, or the notice that issues one) or news-report (a report of a plan by a newspaper, a news agency or a government site's news page)",
                   required=True, enum=m.SOURCE_KINDS),
            Column("republish", "string", "可否转载全文：whole（可转载全文）、quotes（只可使用数据所引的句子）",
                   "Whether the full text may be republished: whole (it may) or quotes (only the quotes the records cite)", required=True, enum=m.REPUBLISH),
            Column("extent", "string", "所存原文的范围：whole（整个页面或文件）、beginning（只找到其开头部分，其所报道的方案只记录了一部分）",
                   "How much of the page the stored text holds: whole, or beginning (only its beginning could be found, so the plans it reports are recorded in part)",
                   required=True, enum=m.EXTENTS),
            Column("url", "string", "来源的网址（如有）", "Address of the source, if any", pattern="https?://\\S+"),
            Column("date", "date", "来源所印的发布日期（如有）", "Date the source prints for itself, if any"),
        ),
        ("id",),
    ),
    Table(
        "source_authors", "来源署名", "Source authors", Item, _items("sources", "authors"),
        (
            _ref("source_id", "来源的标识", "Identifier of the source", attribute="owner_id"),
            _position("署名次序（从1起）", "Position in the byline (1-based)"),
            *_pair("name", "作者姓名", "Author's name", attribute="item"),
        ),
        ("source_id", "position"), (ForeignKey(("source_id",), "sources"),), list_of=("sources", "authors"),
    ),
    Table(
        "regions", "地区", "Regions", m.Region, lambda ds: ds.regions.values(),
        (
            _id("地区的标识", "Identifier of the region"),
            *_pair("label", "名称", "Label"),
            Column("level", "string", "层级", "Level", required=True, enum=m.PLAN_LEVELS),
            Column("code_gb2260", "string", "GB/T 2260 行政区划代码（全国为空）", "GB/T 2260 administrative division code (empty for national)", pattern="[0-9]{6}"),
            Column("code_iso", "string", "ISO 3166-1 或 3166-2 代码（省级以下为空）", "ISO 3166-1 or 3166-2 code (empty below the provincial level)"),
            _ref("parent_id", "所属的上级地区（全国为空）", "Region it is part of (empty for national)", required=False, attribute="parent_id"),
        ),
        ("id",), (ForeignKey(("parent_id",), "regions"),),
    ),
    _concepts("groups", "受益群体", "Beneficiary groups"),
    _concepts("themes", "主题", "Themes"),
    _concepts("actors", "实施主体类型", "Actor types"),
    _concepts("units", "计量单位", "Units"),
    Table(
        "organizations", "发文机构", "Organizations", m.Organization, lambda ds: ds.organizations.values(),
        (
            _id("机构的标识", "Identifier of the organization"),
            *_pair("name", "机构名称", "Name of the organization"),
            _ref("region_id", "机构所在地区", "Region of the organization"),
            _ref("actor_id", "机构所属的实施主体类型", "Actor type of the organization", required=False),
        ),
        ("id",), (ForeignKey(("region_id",), "regions"), ForeignKey(("actor_id",), "actors")),
    ),
    Table(
        "plans", "行动方案", "Plans", m.Plan, _RECORDS["plans"],
        (
            _id("方案的标识", "Identifier of the plan"),
            _ref("source_id", "报道该方案的来源", "Source that reports the plan"),
            *_pair("title", "方案名称（中文为原文）", "Title of the plan (Chinese as printed)"),
            Column("level", "string", "方案层级", "Level of the plan", required=True, enum=m.PLAN_LEVELS),
            _ref("region_id", "适用地区", "Region the plan applies to"),
            Column("issuer_count", "integer", "原文所述联合发文部门数（未说明则为空）", "Number of issuing departments as the source states it (empty when not stated)", minimum=1),
            Column("period_start", "integer", "原文所述起始年份（未说明则为空）", "First year as stated (empty when not stated)", **_YEAR),
            Column("period_end", "integer", "原文所述目标或结束年份（未说明则为空）", "Target or last year as stated (empty when not stated)", **_YEAR),
            Column("task_count", "integer", "原文所述任务或措施数量（未说明则为空）", "Number of tasks or measures as stated (empty when not stated)", minimum=0),
            Column("task_count_rule", "string", "equal：所述任务均有描述；at-most：原文只描述了其中一部分", "equal: every stated task is described; at-most: the source describes only some", required=True, enum=m.TASK_COUNT_RULES),
            *_span("title_span"),
        ),
        ("id",), (ForeignKey(("source_id",), "sources"), ForeignKey(("region_id",), "regions")),
    ),
    Table(
        "plan_issuers", "方案发文机构", "Plan issuers", Item, _items("plans", "issuer_ids"),
        (
            _ref("plan_id", "方案的标识", "Identifier of the plan", attribute="owner_id"),
            _ref("organization_id", "发文机构的标识", "Identifier of the issuing organization", attribute="item"),
            _position("原文列出的次序（1为牵头机构）", "Order as listed in the source (1 is the lead)"),
        ),
        ("plan_id", "organization_id"), (ForeignKey(("plan_id",), "plans"), ForeignKey(("organization_id",), "organizations")),
        list_of=("plans", "issuer_ids"),
    ),
    _links("plan_groups", "plans", "group_ids", "group", "groups", "方案受益群体", "Plan beneficiary groups"),
    _links("plan_themes", "plans", "theme_ids", "theme", "themes", "方案主题", "Plan themes"),
    Table(
        "statements", "方案表述（目标、原则、保障等）", "Plan statements (aims, principles, safeguards …)", m.Statement,
        lambda ds: (s for p in ds.plans.values() for s in p.statements),
        (
            _id("表述的标识", "Identifier of the statement"),
            _ref("plan_id", "所属方案", "Plan the statement belongs to"),
            Column("kind", "string", "表述类型", "Kind of statement", required=True, enum=m.STATEMENT_KINDS),
            Column("ordinal", "integer", "同类表述中的次序", "Order among statements of its kind", required=True, minimum=1),
            *_pair("text", "表述文本（中文逐字引自原文）", "Text of the statement (Chinese verbatim from the source)"),
            *_span(),
        ),
        ("id",), (ForeignKey(("plan_id",), "plans"),), part_of=("plans", "statements"),
    ),
    Table(
        "tasks", "任务", "Tasks", m.Task, _RECORDS["tasks"],
        (
            _id("任务的标识", "Identifier of the task"),
            _ref("plan_id", "所属方案", "Plan the task belongs to"),
            Column("ordinal", "integer", "任务在原文中的次序", "Order of the task in the source", required=True, minimum=1),
            Column("label", "string", "原文所印序号（如“一是”；原文未编号则为空）", "Number as printed (such as 一是; empty when the source prints none)"),
            *_pair("title", "任务标题（中文为原文摘句）", "Title of the task (Chinese is an excerpt of the source)"),
            *_pair("text", "任务全文（中文逐字引自原文）", "Full text of the task (Chinese verbatim from the source)"),
            *_span(),
        ),
        ("id",), (ForeignKey(("plan_id",), "plans"),),
    ),
    _links("task_themes", "tasks", "theme_ids", "theme", "themes", "任务主题", "Task themes"),
    _links("task_actors", "tasks", "actor_ids", "actor", "actors", "任务实施主体", "Task actors"),
    _links("task_groups", "tasks", "group_ids", "group", "groups", "任务受益群体", "Task beneficiary groups"),
    Table(
        "figures", "数字", "Figures", m.Figure, lambda ds: ds.figures.values(),
        (
            _id("数字的标识", "Identifier of the figure"),
            _ref("plan_id", "所属方案", "Plan the figure belongs to"),
            _ref("task_id", "相关任务（如有）", "Related task, if any", required=False),
            Column("kind", "string", "类型：统计、目标、数量或期限", "Kind: statistic, target, count or period", required=True, enum=m.FIGURE_KINDS),
            Column("value", "number", "数值（可从引文中读出）", "Value (readable from the quote)", required=True),
            Column("value_to", "number", "区间的终值（仅限区间）", "End of a range (ranges only)"),
            _ref("unit_id", "计量单位", "Unit"),
            Column("year", "integer", "数字所指年份（原文未说明则为空）", "Year the figure refers to (empty when the source does not say)", **_YEAR),
            _ref("region_id", "数字所指地区", "Region the figure refers to"),
            Column("qualifier", "string", "限定：确切、至少、至多或约", "Qualifier: exact, at least, at most or approximately", required=True, enum=m.QUALIFIERS),
            *_pair("measure", "所度量的内容", "What the figure measures"),
            *_pair("quote", "引文（中文逐字引自原文）", "Quote (Chinese verbatim from the source)"),
            *_span(),
        ),
        ("id",),
        (ForeignKey(("plan_id",), "plans"), ForeignKey(("task_id",), "tasks"), ForeignKey(("unit_id",), "units"), ForeignKey(("region_id",), "regions")),
    ),
    Table(
        "terms", "术语表", "Glossary terms", m.Term, _RECORDS["terms"],
        (
            _id("术语的标识", "Identifier of the term"),
            Column("zh", "string", "中文术语", "Chinese term", required=True, unique=True),
            Column("en", "string", "英文译名", "English rendering", required=True),
            *_pair("note", "注释", "Note", required=False),
            Column("source_url", "string", "译名出处（未找到出处则为空）", "Where the rendering comes from (empty when no source was found)", pattern="https?://\\S+"),
        ),
        ("id",),
    ),
    Table(
        "term_variants", "术语的其他英文译名", "Other accepted English renderings of terms", Item, _items("terms", "en_variants"),
        (
            _ref("term_id", "术语的标识", "Identifier of the term", attribute="owner_id"),
            _position("次序", "Position"),
            Column("en", "string", "其他英文译名", "Other English rendering", "item", required=True),
        ),
        ("term_id", "position"), (ForeignKey(("term_id",), "terms"),), list_of=("terms", "en_variants"),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
#: The Dataset attribute each entity table's records are kept in (the others are parts of records).
COLLECTIONS: dict[str, str] = {
    t.name: t.name for t in TABLES if t.list_of is None and t.part_of is None
}


# --- tables as a descriptor describes them (an old release's) --------------------------------
@dataclass(frozen=True)
class SchemaTable:
    """A table as a data package's descriptor describes it: what the exports need of it
    (columns with types, constraints and descriptions, keys), without the record it comes from."""

    name: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def schema_tables(descriptor: dict[str, Any]) -> list[SchemaTable]:
    """Every resource of ``descriptor`` as a ``SchemaTable``, in its order."""
    out = []
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        columns = []
        for f in schema["fields"]:
            c = f.get("constraints", {})
            enum = tuple(c["enum"]) if "enum" in c else None
            columns.append(
                Column(f["name"], f["type"], f.get("description_zh", ""), f.get("description", ""), required=bool(c.get("required")),
                       unique=bool(c.get("unique")), pattern=c.get("pattern"), enum=enum, minimum=c.get("minimum"))
            )
        key = schema.get("primaryKey") or []
        keys = tuple(
            ForeignKey(tuple(fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]), fk["reference"]["resource"],
                       tuple(fk["reference"]["fields"] if isinstance(fk["reference"]["fields"], list) else [fk["reference"]["fields"]]))
            for fk in schema.get("foreignKeys", [])
        )
        out.append(SchemaTable(resource["name"], resource.get("title_zh", ""), resource.get("title", ""), tuple(columns), tuple([key] if isinstance(key, str) else key), keys))
    return out


# --- reading rows back into records ---------------------------------------------------------
Rows = dict[str, list[dict[str, Any]]]


def records_from_rows(rows: Rows) -> dict[str, dict[str, Any]]:
    """Every entity table's records by id, built from typed rows by the same declarations that
    wrote them. Raises KeyError, TypeError or ValueError on rows that do not fit them."""
    lists: dict[tuple[str, str], dict[str, list[tuple[int, Any]]]] = {}
    parts: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for table in TABLES:
        if table.list_of is not None:
            grouped = lists.setdefault(table.list_of, {})
            for row in rows[table.name]:
                item = _build(Item, table, row)
                grouped.setdefault(item.owner_id, []).append((item.position, item.item))
    for table in TABLES:
        if table.part_of is not None:
            owner_key = next(fk.columns[0] for fk in table.foreign_keys if fk.resource == table.part_of[0])
            grouped_parts = parts.setdefault(table.part_of, {})
            for row in rows[table.name]:
                grouped_parts.setdefault(row[owner_key], []).append(_build(table.record, table, row))
    out: dict[str, dict[str, Any]] = {}
    for name in COLLECTIONS:
        table = TABLES_BY_NAME[name]
        extra: dict[str, dict[str, tuple[Any, ...]]] = {}
        for (owner, attribute), by_owner in lists.items():
            if owner == name:
                extra[attribute] = {k: tuple(v for _, v in sorted(items)) for k, items in by_owner.items()}
        for (owner, attribute), by_owner_parts in parts.items():
            if owner == name:
                extra[attribute] = {k: tuple(v) for k, v in by_owner_parts.items()}
        out[name] = {}
        for row in rows[name]:
            values = {attribute: by_id.get(row["id"], ()) for attribute, by_id in extra.items()}
            out[name][row["id"]] = _build(table.record, table, row, values)
    return out


def _build(record: type, table: Table, row: dict[str, Any], values: dict[str, Any] | None = None) -> Any:
    """A record of type ``record`` from one row: each attribute from the columns behind it."""
    by_attribute: dict[str, dict[str, Any]] = {}
    for column in table.columns:
        head, *rest = column.path
        by_attribute.setdefault(head, {})[".".join(rest)] = row[column.name]
    hints = _hints(record)
    kwargs: dict[str, Any] = dict(values or {})
    for attribute, parts in by_attribute.items():
        if list(parts) == [""]:
            kwargs[attribute] = parts[""]
            continue
        kind = hints[attribute]
        optional = type(None) in typing.get_args(kind)
        target = next((t for t in typing.get_args(kind) if t is not type(None)), kind)
        if all(v is None for v in parts.values()):
            if optional:
                kwargs[attribute] = None
            elif target is m.Text:
                kwargs[attribute] = m.Text("", "")  # a draft's text still to write (in a preview)
            else:
                raise ValueError(f"{table.name}: {attribute} is empty in row {row.get('id', row)!r}; expected a value")
        elif target is m.Text or (target is Any and set(parts) == {"zh", "en"}):
            kwargs[attribute] = m.Text(parts["zh"] or "", parts["en"] or "")
        else:
            kwargs[attribute] = target(**parts)
    return record(**kwargs)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(record: type) -> dict[str, Any]:
    if record not in _HINTS:
        names = {f.name for f in fields(record)}
        _HINTS[record] = {k: v for k, v in typing.get_type_hints(record).items() if k in names}
    return _HINTS[record]
