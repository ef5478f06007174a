"""The content format: every field of every content record, what it holds and what it means,
and how a parsed YAML value is checked against it.

Each spec is a mapping of field name to :class:`Spec`; ``check_record`` converts a record's
values as its spec says and reports every problem with its line. ``reference()`` writes the
format's documentation (``docs/content-format.md``) from these declarations.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import model as m
from ..files import MAX_DIGITS
from ..problems import (
    EMPTY_LANGUAGE,
    EMPTY_VALUE,
    FILL_IN,
    INVALID_URL,
    INVALID_YEAR,
    LISTED_TWICE,
    MISSING_FIELD,
    MISSING_LANGUAGE,
    NEGATIVE_NUMBER,
    NO_CHINESE,
    NOT_A_NUMBER,
    TOO_MANY_DIGITS,
    TRANSLATE,
    UNKNOWN_CHOICE,
    UNKNOWN_FIELD,
    UNKNOWN_LANGUAGE,
    WRONG_TYPE,
    WRONG_TYPE_TEXTS,
)
from ..yamlfile import Map, Seq
from .ids import check_slug
from .where import Where, kind_name

_CJK = re.compile(r"[\u3400-\u9fff]")
_URL = re.compile(r"^https?://[^\s<>\"']+$")
YEARS = (1949, 2100)


@dataclass(frozen=True)
class Spec:
    """One field of a content record: what it holds, whether it must be there, what it means."""

    kind: str
    doc: str
    required: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    record: dict[str, Spec] | None = None
    expected: str = ""

    def describe(self) -> str:
        """What a valid value looks like, as the problem reports say it."""
        if self.expected:
            return self.expected
        base = {
            "slug": "an id of lowercase letters, digits and hyphens",
            "slugs": "a list of ids",
            "text": "a mapping with non-empty zh and en texts",
            "texts": "a list of mappings with non-empty zh and en texts",
            "str": "text",
            "int": "a whole number",
            "year": f"a year between {YEARS[0]} and {YEARS[1]}",
            "number": "a number",
            "url": "an http(s) URL or empty text",
            "strs": "a list of texts",
            "record": "a mapping of fields",
            "records": "a list of records",
            "enum": "one of " + ", ".join(self.choices),
        }[self.kind]
        return f"{base} or null" if self.nullable else base


def _s(kind: str, doc: str, **options: Any) -> Spec:
    return Spec(kind, doc, **options)


PACKAGE = {
    "name": _s("slug", "The data package's name, as in datapackage.json."),
    "version": _s(
        "str",
        "The version of the data, MAJOR.MINOR.PATCH: the latest release's, set by `actionplans release`.",
        expected="a version such as 1.0.0",
    ),
    "created": _s(
        "str",
        "When this version of the data was released (UTC), set by `actionplans release`.",
        expected="an ISO 8601 date-time such as 2024-12-01T00:00:00Z",
    ),
    "title": _s("text", "The data set's title."),
    "description": _s("text", "What the data set holds, in a few sentences."),
    "homepage": _s(
        "url",
        "The site's public address. Canonical links, citations, the sitemap and the catalogue use it; "
        "SITE_URL overrides it. Leave it empty until there is a real address: the site then links relatively.",
        required=False,
        nullable=True,
    ),
    "licence": _s(
        "record",
        "The licence the data is published under.",
        record={
            "name": _s("str", "SPDX identifier, such as CC-BY-4.0."),
            "path": _s("url", "Address of the licence text."),
            "title": _s("str", "The licence's full name."),
        },
    ),
    "contributors": _s(
        "records",
        "Who is credited for the data set.",
        record={
            "title": _s("str", "Name of the person or group."),
            "role": _s("str", "Their role, such as author."),
            "path": _s("url", "Their address, if any.", required=False),
        },
    ),
}
_STATUS = _s(
    "enum",
    "draft while a person still has to review it: checked, but never published. Remove the field to publish it.",
    choices=("draft",),
    required=False,
    nullable=True,
)

SOURCE = {
    "id": _s("slug", "The source's id: the name of this file without .yaml."),
    "status": _STATUS,
    "title": _s("text", "A descriptive title of the source."),
    "publisher": _s("text", "Who published it (say so when it is inferred)."),
    "authors": _s("texts", "The byline, in order; empty when the source names no one."),
    "year": _s("year", "Year of publication, or null when unknown.", nullable=True),
    "year_note": _s("text", "How the year was established, when the source does not print it.", required=False, nullable=True),
    "file": _s(
        "str",
        "The file beside this one that holds the source's verbatim text.",
        expected="the name of a text file beside this one",
    ),
    "sha256": _s(
        "str",
        "SHA-256 of that text file: a changed source is refused until every quote is reviewed.",
        expected="the 64 hex digits of the file's SHA-256",
    ),
    "rights": _s("text", "Who holds which rights in the source, and how it may be used."),
    "kind": _s(
        "enum",
        "official-document: a document as a state organ issued it (a plan, or the notice that issues one); "
        "news-report: a report of a plan by a newspaper, a news agency or a government site's news page.",
        choices=m.SOURCE_KINDS,
    ),
    "republish": _s(
        "enum",
        "whole: the full text may be republished (a document of a state organ, to which the PRC Copyright Law does not "
        "apply under its Article 5, or a text whose licence allows it); quotes: only the quotes the records cite are shown.",
        choices=m.REPUBLISH,
    ),
    "extent": _s(
        "enum",
        "whole: the text is the whole page or document; beginning: only its beginning could be found (the plans "
        "it reports are reported in part, and the rest is not reconstructed).",
        choices=m.EXTENTS,
    ),
    "date": _s("str", "The date the source states for itself (YYYY-MM-DD), if any.", required=False, nullable=True),
    "url": _s("url", "The address the source states for itself, if any.", required=False, nullable=True),
    "original": _s(
        "record",
        "The file the text was extracted from, for provenance.",
        required=False,
        nullable=True,
        record={
            "file": _s("str", "Its name."),
            "sha256": _s("str", "Its SHA-256.", expected="the 64 hex digits of the file's SHA-256"),
        },
    ),
}
REGION = {
    "id": _s("slug", "The region's id."),
    "status": _STATUS,
    "label": _s("text", "The region's name."),
    "level": _s(
        "enum",
        "Its level of government: national, provincial, municipal (a prefecture-level city) "
        "or county (a county-level city, county or district).",
        choices=m.PLAN_LEVELS,
    ),
    "code_gb2260": _s(
        "str", "The GB/T 2260 code, empty for China as a whole.", nullable=True, expected="a six-digit GB/T 2260 code or empty"
    ),
    "code_iso": _s(
        "str",
        "The ISO 3166-1 or 3166-2 code; null below the provincial level, which ISO 3166-2 does not code.",
        nullable=True,
        expected="an ISO 3166-1 or 3166-2 code",
    ),
    "parent": _s(
        "slug", "The region it is part of (a city's province, a province's cn); null for China as a whole.", nullable=True
    ),
}
CONCEPT = {
    "id": _s("slug", "The entry's id."),
    "status": _STATUS,
    "label": _s("text", "Its name."),
    "description": _s("text", "What it covers.", required=False, nullable=True),
}
ORGANIZATION = {
    "id": _s("slug", "The organization's id."),
    "status": _STATUS,
    "name": _s("text", "Its name; the Chinese as the sources print it."),
    "region": _s("slug", "The region it belongs to (an id from vocabularies/regions.yaml)."),
    "actor": _s("slug", "Its actor type (an id from vocabularies/actors.yaml), if any.", required=False, nullable=True),
}
TERM = {
    "id": _s("slug", "The term's id."),
    "zh": _s("str", "The Chinese term."),
    "en": _s("str", "Its English rendering, which translations must use where the Chinese uses the term."),
    "en_variants": _s("strs", "Other renderings that are also accepted.", required=False),
    "note": _s("text", "A note on the term or its rendering.", required=False, nullable=True),
    "source": _s("url", "Where the rendering comes from; empty when it is our own.", required=False),
}
TASK = {
    "id": _s("slug", "The task's id, unique across all plans."),
    "ordinal": _s("int", "Its position in the plan: 1, 2, 3 … in source order."),
    "label": _s(
        "str",
        "The number exactly as printed before its text (一是, （一）), or empty when the source prints none.",
        nullable=True,
        expected="the number as printed (一是, （一）) or empty",
    ),
    "title": _s("text", "A short title; the Chinese an excerpt of the task's text."),
    "text": _s("text", "The task's whole text; the Chinese verbatim from the source."),
    "themes": _s("slugs", "Its themes (ids from vocabularies/themes.yaml), at least one."),
    "actors": _s("slugs", "Who carries it out (ids from vocabularies/actors.yaml)."),
    "groups": _s("slugs", "Whom it is for (ids from vocabularies/groups.yaml)."),
}
FIGURE = {
    "id": _s("slug", "The figure's id, unique across all plans."),
    "task": _s(
        "slug", "The task of this plan the figure belongs to, or null for the plan as a whole.", required=False, nullable=True
    ),
    "kind": _s(
        "enum",
        "statistic (a measured fact), target (what the plan aims for), count (how many) or period (years).",
        choices=m.FIGURE_KINDS,
    ),
    "value": _s("number", "The value, readable from the quote (Arabic or Chinese numerals, 万 and 亿 included)."),
    "value_to": _s("number", "The end of a range, for ranges only.", required=False, nullable=True),
    "unit": _s("slug", "Its unit (an id from vocabularies/units.yaml)."),
    "year": _s("year", "The year the figure refers to, or null when the source does not say.", nullable=True),
    "region": _s("slug", "The region the figure refers to (an id from vocabularies/regions.yaml)."),
    "qualifier": _s(
        "enum",
        "exact, at-least (至少, 以上, 不少于), at-most (以下, 以内, 不超过: a ceiling) or approximately (约, 左右, 多, 余).",
        choices=m.QUALIFIERS,
    ),
    "measure": _s("text", "What the figure measures."),
    "quote": _s("text", "The words it is read from; the Chinese verbatim from the source."),
}
PLAN = {
    "id": _s("slug", "The plan's id: the name of this file without .yaml."),
    "status": _STATUS,
    "source": _s("slug", "The source that reports the plan (an id from sources/)."),
    "title": _s("text", "The plan's title; the Chinese as printed inside 《》."),
    "issuers": _s(
        "slugs", "The issuing organizations the source names, in order (ids from organizations.yaml); empty when it names none."
    ),
    "issuer_count": _s("int", "The number of issuing departments the announcement states (等16部门), or null.", nullable=True),
    "level": _s(
        "enum", "The level of government that issued it: national, provincial, municipal or county.", choices=m.PLAN_LEVELS
    ),
    "region": _s("slug", "The region the plan applies to."),
    "period_start": _s(
        "year",
        "The first year as stated, or null. A five-year-plan period states its years: 十四五 is 2021–2025, 十一五 2006–2010.",
        nullable=True,
    ),
    "period_end": _s("year", "The target or last year as stated, or null.", nullable=True),
    "groups": _s("slugs", "Whom the plan is for."),
    "themes": _s("slugs", "What the plan is about."),
    "task_count": _s("int", "The number of tasks the source states, or null.", nullable=True),
    "task_count_rule": _s(
        "enum",
        "equal when every stated task is described; at-most when the source describes only some.",
        choices=m.TASK_COUNT_RULES,
    ),
    "task_count_quote": _s("text", "The sentence that states the number of tasks, or null.", nullable=True),
    "announcement": _s("text", "The sentence that says who issued the plan and when."),
    "aims": _s("texts", "Sentences stating the plan's aims."),
    "principles": _s("texts", "Sentences stating its principles."),
    "safeguards": _s("texts", "Sentences stating its safeguards.", required=False),
    "tasks": _s("records", "The plan's tasks, in source order.", record=TASK),
    "figures": _s("records", "The numbers the source states for the plan.", record=FIGURE),
}

#: Every kind of content record, by the file it lives in, for the reference documentation.
RECORDS: dict[str, tuple[str, dict[str, Spec]]] = {
    "package.yaml": ("What the data package says of itself.", PACKAGE),
    "sources/<id>.yaml": ("A published text the facts are quoted from.", SOURCE),
    "vocabularies/regions.yaml (a list)": ("Regions plans apply to.", REGION),
    "vocabularies/{groups,themes,actors,units}.yaml (lists)": ("Controlled vocabularies.", CONCEPT),
    "organizations.yaml (a list)": ("Bodies that issue plans.", ORGANIZATION),
    "glossary.yaml (a list)": ("Terms and their fixed English renderings.", TERM),
    "plans/<id>.yaml": ("One plan: its metadata, statements, tasks and figures.", PLAN),
    "plans/<id>.yaml: tasks[]": ("One task of a plan.", TASK),
    "plans/<id>.yaml: figures[]": ("One number a plan states.", FIGURE),
}


# --- checking a record against its spec -----------------------------------------------------
def line_of(container: Map, key: str) -> int:
    """The line of ``key`` in a mapping (the mapping's own line when the key is absent)."""
    return container.key_lines.get(key, container.line)


def lang_line(at: int | Map, lang: str) -> int:
    """The line of a text's ``zh`` or ``en`` value, given the text's mapping (or a line)."""
    return at.key_lines.get(lang, at.line) if isinstance(at, Map) else at


_BAD = object()


def check_record(data: Any, spec: dict[str, Spec], where: Where, prefix: str, line: int) -> dict[str, Any] | None:
    """The values of ``data`` converted as ``spec`` says, or None if anything is wrong."""
    if not isinstance(data, Map):
        where.add(line, prefix.rstrip(".") or "(record)", WRONG_TYPE(kind=kind_name(data), expected="a mapping of fields"))
        return None
    where = where.drafting(data)
    ok = True
    out: dict[str, Any] = {}
    for key in data:
        if key not in spec:
            where.add(line_of(data, key), prefix + key, UNKNOWN_FIELD(hint=hint(key, spec), fields=", ".join(spec)))
            ok = False
    for name, field_spec in spec.items():
        if name not in data:
            if field_spec.required:
                where.add(data.line, prefix + name, MISSING_FIELD(expected=field_spec.describe()))
                ok = False
            else:
                out[name] = None
            continue
        value = _check_value(data[name], field_spec, where, prefix + name, line_of(data, name))
        if value is _BAD:
            ok = False
        else:
            out[name] = value
    return out if ok else None


#: Fields a draft may leave empty: a person fills them in while reviewing it.
DRAFT_MAY_BE_EMPTY = frozenset({"level", "region", "publisher", "rights", "code_iso", "kind", "republish", "extent"})


def _check_value(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if value is None:
        if spec.nullable or (not spec.required and spec.kind in ("text", "url", "strs", "slug")):
            return None
        if where.draft and name.rsplit(".", 1)[-1] in DRAFT_MAY_BE_EMPTY:
            where.add(line, name, FILL_IN(expected=spec.describe()))
            return None
        where.add(line, name, EMPTY_VALUE(expected=spec.describe()))
        return _BAD
    checker = _CHECKERS[spec.kind]
    return checker(value, spec, where, name, line)


def _wrong_type(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    where.add(line, name, WRONG_TYPE(kind=kind_name(value), expected=spec.describe()))
    return _BAD


def _slug(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    return value if check_slug(value, where, name, line) else _BAD


def _slugs(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if not isinstance(value, Seq):
        return _wrong_type(value, spec, where, name, line)
    good = [check_slug(v, where, f"{name}[{i}]", value.item_lines[i]) for i, v in enumerate(value)]
    if not all(good):
        return _BAD
    for i, item in enumerate(value):
        if item in value[:i]:
            where.add(value.item_lines[i], f"{name}[{i}]", LISTED_TWICE(value=item))
            return _BAD
    return tuple(value)


def _text_value(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    return text_pair(value, where, name, line)


def _texts(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if not isinstance(value, Seq):
        return _wrong_type(value, spec, where, name, line)
    items = [text_pair(v, where, f"{name}[{i}]", value.item_lines[i]) for i, v in enumerate(value)]
    return _BAD if any(i is _BAD for i in items) else list(items)


def _str(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if not isinstance(value, str):
        return _wrong_type(value, spec, where, name, line)
    text = value.strip()
    if spec.kind == "url" and text and not _URL.match(text):
        where.add(line, name, INVALID_URL(value=text, expected=spec.describe()))
        return _BAD
    if not text and not spec.nullable and spec.kind == "str":
        where.add(line, name, EMPTY_VALUE(expected=spec.describe()))
        return _BAD
    return text or None


def _strs(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if not isinstance(value, Seq) or not all(isinstance(v, str) and v.strip() for v in value):
        where.add(line, name, WRONG_TYPE_TEXTS(expected=spec.describe()))
        return _BAD
    return tuple(v.strip() for v in value)


def _int(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        return _wrong_type(value, spec, where, name, line)
    if spec.kind == "year" and not YEARS[0] <= value <= YEARS[1]:
        where.add(line, name, INVALID_YEAR(value=value, expected=spec.describe()))
        return _BAD
    if spec.kind == "int" and value < 0:
        where.add(line, name, NEGATIVE_NUMBER(value=value))
        return _BAD
    if len(str(abs(value))) > MAX_DIGITS:
        where.add(line, name, TOO_MANY_DIGITS(value=value, digits=len(str(abs(value))), limit=MAX_DIGITS))
        return _BAD
    return value


def _number(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _wrong_type(value, spec, where, name, line)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        where.add(line, name, NOT_A_NUMBER(value=value, expected=spec.describe()))
        return _BAD
    digits = len(number.normalize().as_tuple().digits)
    if digits > MAX_DIGITS:
        where.add(line, name, TOO_MANY_DIGITS(value=value, digits=digits, limit=MAX_DIGITS))
        return _BAD
    return number


def _enum(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    if value not in spec.choices:
        where.add(line, name, UNKNOWN_CHOICE(value=value, hint=hint(str(value), spec.choices), expected=spec.describe()))
        return _BAD
    return value


def _record(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    assert spec.record is not None
    checked = check_record(value, spec.record, where, name + ".", line)
    return _BAD if checked is None else checked


def _records(value: Any, spec: Spec, where: Where, name: str, line: int) -> Any:
    assert spec.record is not None
    if not isinstance(value, Seq):
        return _wrong_type(value, spec, where, name, line)
    records = []
    for i, item in enumerate(value):
        checked = check_record(item, spec.record, where, f"{name}[{i}].", value.item_lines[i])
        records.append(_BAD if checked is None else (checked, item))
    return _BAD if any(r is _BAD for r in records) else records


_CHECKERS = {
    "slug": _slug,
    "slugs": _slugs,
    "text": _text_value,
    "texts": _texts,
    "str": _str,
    "url": _str,
    "strs": _strs,
    "int": _int,
    "year": _int,
    "number": _number,
    "enum": _enum,
    "record": _record,
    "records": _records,
}


def text_pair(value: Any, where: Where, name: str, line: int) -> Any:
    """A ``{zh, en}`` mapping as a :class:`~actionplans.model.Text`, or ``_BAD`` with problems."""
    if not isinstance(value, Map):
        where.add(line, name, WRONG_TYPE(kind=kind_name(value), expected="a mapping with zh and en"))
        return _BAD
    ok = True
    for key in value:
        if key not in m.LANGS:
            where.add(line_of(value, key), f"{name}.{key}", UNKNOWN_LANGUAGE(hint=hint(key, m.LANGS)))
            ok = False
    for lang, label in (("zh", "Chinese"), ("en", "English")):
        text = value.get(lang)
        if lang not in value:
            where.add(value.line, f"{name}.{lang}", MISSING_LANGUAGE(language=label))
            ok = False
        elif not isinstance(text, str):
            where.add(line_of(value, lang), f"{name}.{lang}", WRONG_TYPE(kind=kind_name(text), expected=f"{label} text"))
            ok = False
        elif not text.strip():
            if lang == "en" and where.draft:
                where.add(line_of(value, lang), f"{name}.en", TRANSLATE())
            else:
                where.add(line_of(value, lang), f"{name}.{lang}", EMPTY_LANGUAGE(language=label))
                ok = False
    if not ok:
        return _BAD
    zh, en = value["zh"].strip(), value["en"].strip()
    if not _CJK.search(zh):
        where.add(line_of(value, "zh"), f"{name}.zh", NO_CHINESE())
        return _BAD
    return m.Text(zh, en)


def hint(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'x'?" for the closest choice (case aside), or nothing."""
    options = list(choices)
    same_case = [c for c in options if c.lower() == word.lower()]
    close = same_case or difflib.get_close_matches(word, options, n=1) or difflib.get_close_matches(word.lower(), options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- reference documentation ----------------------------------------------------------------
def reference() -> str:
    """``docs/content-format.md``: every content record and field, from the specs above."""
    lines = [
        "# Content format",
        "",
        "Generated from `src/actionplans/content/spec.py` by `nox -s docs`; do not edit by hand.",
        "",
        "Every file under `content/` is YAML (UTF-8 without BOM, LF line ends, spaces, no anchors or aliases).",
        "A *text* is a pair `{zh: …, en: …}`: the Chinese is the original, the English its translation.",
        "An *id* is lowercase ASCII letters, digits and single hyphens (at most 64 characters).",
        "",
    ]
    for where, (what, spec) in RECORDS.items():
        lines += [f"## `{where}`", "", what, "", "| field | holds | required | meaning |", "|---|---|---|---|"]
        for name, field_spec in spec.items():
            required = "yes" if field_spec.required else "no"
            lines.append(f"| `{name}` | {field_spec.describe()} | {required} | {field_spec.doc} |")
            if field_spec.record is not None and field_spec.record not in (TASK, FIGURE):
                for sub, inner in field_spec.record.items():
                    lines.append(f"| `{name}.{sub}` | {inner.describe()} | {'yes' if inner.required else 'no'} | {inner.doc} |")
        lines.append("")
    return "\n".join(lines)
