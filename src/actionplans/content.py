"""Reading the content folder into the model, collecting every problem with its file and line.

``load_content(path)`` returns a :class:`~actionplans.model.Dataset` or raises
:class:`~actionplans.errors.ContentError` listing all problems found in one pass.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, cast

from . import model as m
from .errors import ContentError, Location, Problem
from .numerals import format_number, is_readable
from .quotes import SourceText, squeeze
from .yamlfile import Map, Seq, load_yaml, read_text

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
VOCABULARIES = ("regions", "groups", "themes", "actors", "units")
_CJK = re.compile(r"[\u3400-\u9fff]")


# --- declarative field specs ----------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """One field of a content record: its type, whether it is required, what it may hold."""

    kind: str
    required: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    record: dict[str, Spec] | None = None
    expected: str = ""

    def describe(self) -> str:
        if self.expected:
            return self.expected
        base = {
            "slug": "an id of lowercase letters, digits and hyphens",
            "slugs": "a list of ids",
            "text": "a mapping with non-empty zh and en texts",
            "texts": "a list of mappings with non-empty zh and en texts",
            "str": "text",
            "int": "a whole number",
            "year": "a year between 1949 and 2100",
            "number": "a number",
            "url": "an http(s) URL or empty text",
            "strs": "a list of texts",
            "records": "a list of records",
            "enum": "one of " + ", ".join(self.choices),
        }[self.kind]
        return f"{base} or null" if self.nullable else base


def _s(kind: str, **options: Any) -> Spec:
    return Spec(kind, **options)


PACKAGE_SPEC = {
    "name": _s("slug"),
    "version": _s("str", expected="a version such as 1.0.0"),
    "created": _s("str", expected="an ISO 8601 date-time such as 2024-12-01T00:00:00Z"),
    "title": _s("text"),
    "description": _s("text"),
    "homepage": _s("url", required=False),
    "licence": _s("record", record={"name": _s("str"), "path": _s("url"), "title": _s("str")}),
    "contributors": _s("records", record={"title": _s("str"), "role": _s("str"), "path": _s("url", required=False)}),
}
SOURCE_SPEC = {
    "id": _s("slug"),
    "title": _s("text"),
    "publisher": _s("text"),
    "authors": _s("texts"),
    "year": _s("year", nullable=True),
    "year_note": _s("text", required=False, nullable=True),
    "file": _s("str", expected="the name of a text file beside this one"),
    "sha256": _s("str", expected="the 64 hex digits of the file's SHA-256"),
    "rights": _s("text"),
}
REGION_SPEC = {
    "id": _s("slug"),
    "label": _s("text"),
    "level": _s("enum", choices=m.PLAN_LEVELS),
    "code_gb2260": _s("str", nullable=True, expected="a six-digit GB/T 2260 code or empty"),
    "code_iso": _s("str", expected="an ISO 3166-1 or 3166-2 code"),
}
CONCEPT_SPEC = {"id": _s("slug"), "label": _s("text"), "description": _s("text", required=False, nullable=True)}
ORGANIZATION_SPEC = {"id": _s("slug"), "name": _s("text"), "region": _s("slug"), "actor": _s("slug", required=False, nullable=True)}
TERM_SPEC = {
    "id": _s("slug"),
    "zh": _s("str"),
    "en": _s("str"),
    "en_variants": _s("strs", required=False),
    "note": _s("text", required=False, nullable=True),
    "source": _s("url", required=False),
}
TASK_SPEC = {
    "id": _s("slug"),
    "ordinal": _s("int"),
    "label": _s("str", nullable=True, expected="the number as printed (一是, （一）) or empty"),
    "title": _s("text"),
    "text": _s("text"),
    "themes": _s("slugs"),
    "actors": _s("slugs"),
    "groups": _s("slugs"),
}
FIGURE_SPEC = {
    "id": _s("slug"),
    "task": _s("slug", required=False, nullable=True),
    "kind": _s("enum", choices=m.FIGURE_KINDS),
    "value": _s("number"),
    "value_to": _s("number", required=False, nullable=True),
    "unit": _s("slug"),
    "year": _s("year", nullable=True),
    "region": _s("slug"),
    "qualifier": _s("enum", choices=m.QUALIFIERS),
    "measure": _s("text"),
    "quote": _s("text"),
}
PLAN_SPEC = {
    "id": _s("slug"),
    "source": _s("slug"),
    "title": _s("text"),
    "issuers": _s("slugs"),
    "issuer_count": _s("int", nullable=True),
    "level": _s("enum", choices=m.PLAN_LEVELS),
    "region": _s("slug"),
    "period_start": _s("year", nullable=True),
    "period_end": _s("year", nullable=True),
    "groups": _s("slugs"),
    "themes": _s("slugs"),
    "task_count": _s("int", nullable=True),
    "task_count_rule": _s("enum", choices=m.TASK_COUNT_RULES),
    "task_count_quote": _s("text", nullable=True),
    "announcement": _s("text"),
    "aims": _s("texts"),
    "principles": _s("texts"),
    "safeguards": _s("texts", required=False),
    "tasks": _s("records", record=TASK_SPEC),
    "figures": _s("records", record=FIGURE_SPEC),
}


# --- checking one record against a spec -----------------------------------------------------
class _File:
    """Problems found in one file, with the place each one is reported at."""

    def __init__(self, shown: str, problems: list[Problem]) -> None:
        self.shown = shown
        self.problems = problems

    def add(self, line: int | None, field_name: str, message: str, expected: str = "") -> None:
        self.problems.append(Problem(Location(self.shown, line), field_name, message, expected))


def _line_of(container: Map, key: str) -> int:
    return container.key_lines.get(key, container.line)


def _check_record(data: Any, spec: dict[str, Spec], where: _File, prefix: str, line: int) -> dict[str, Any] | None:
    """Values of ``data`` converted as ``spec`` says, or None if anything is wrong."""
    if not isinstance(data, Map):
        where.add(line, prefix.rstrip(".") or "(record)", f"is {_kind_name(data)}", "a mapping of fields")
        return None
    ok = True
    out: dict[str, Any] = {}
    for key in data:
        if key not in spec:
            where.add(_line_of(data, key), prefix + key, f"unknown field{_hint(key, spec)}", "one of " + ", ".join(spec))
            ok = False
    for name, field_spec in spec.items():
        if name not in data:
            if field_spec.required:
                where.add(data.line, prefix + name, "missing", field_spec.describe())
                ok = False
            else:
                out[name] = None
            continue
        value = _check_value(data[name], field_spec, where, prefix + name, _line_of(data, name))
        if value is _BAD:
            ok = False
        else:
            out[name] = value
    return out if ok else None


_BAD = object()


def _check_value(value: Any, spec: Spec, where: _File, name: str, line: int) -> Any:
    if value is None:
        if spec.nullable or (not spec.required and spec.kind in ("text", "url", "strs", "slug")):
            return None
        where.add(line, name, "is empty", spec.describe())
        return _BAD
    kind = spec.kind
    if kind == "slug":
        return value if _slug_ok(value, where, name, line) else _BAD
    if kind == "slugs":
        if not isinstance(value, Seq):
            where.add(line, name, f"is {_kind_name(value)}", spec.describe())
            return _BAD
        good = [_slug_ok(v, where, f"{name}[{i}]", value.item_lines[i]) for i, v in enumerate(value)]
        if not all(good):
            return _BAD
        for i, item in enumerate(value):
            if item in value[:i]:
                where.add(value.item_lines[i], f"{name}[{i}]", f"{item!r} is listed twice", "each id once")
                return _BAD
        return tuple(value)
    if kind == "text":
        return _text(value, where, name, line)
    if kind == "texts":
        if not isinstance(value, Seq):
            where.add(line, name, f"is {_kind_name(value)}", spec.describe())
            return _BAD
        items = [_text(v, where, f"{name}[{i}]", value.item_lines[i]) for i, v in enumerate(value)]
        return _BAD if any(i is _BAD for i in items) else [(t, value.item_lines[i]) for i, t in enumerate(items)]
    if kind in ("str", "url"):
        if not isinstance(value, str):
            where.add(line, name, f"is {_kind_name(value)}", spec.describe())
            return _BAD
        text = value.strip()
        if kind == "url" and text and not re.match(r"^https?://[^\s<>\"']+$", text):
            where.add(line, name, f"{text!r} is not an http(s) URL", spec.describe())
            return _BAD
        if not text and not spec.nullable and kind == "str":
            where.add(line, name, "is empty", spec.describe())
            return _BAD
        return text or None
    if kind == "strs":
        if not isinstance(value, Seq) or not all(isinstance(v, str) and v.strip() for v in value):
            where.add(line, name, "is not a list of non-empty texts", spec.describe())
            return _BAD
        return tuple(v.strip() for v in value)
    if kind in ("int", "year"):
        if isinstance(value, bool) or not isinstance(value, int):
            where.add(line, name, f"is {_kind_name(value)}", spec.describe())
            return _BAD
        if kind == "year" and not 1949 <= value <= 2100:
            where.add(line, name, f"{value} is not a plausible year", spec.describe())
            return _BAD
        if kind == "int" and value < 0:
            where.add(line, name, f"{value} is negative", "a whole number of 0 or more")
            return _BAD
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            where.add(line, name, f"is {_kind_name(value)}", spec.describe())
            return _BAD
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            where.add(line, name, f"{value!r} is not a finite number", spec.describe())
            return _BAD
        if not number.is_finite():
            where.add(line, name, f"{value!r} is not a finite number", spec.describe())
            return _BAD
        return number
    if kind == "enum":
        if value not in spec.choices:
            where.add(line, name, f"{value!r} is not allowed{_hint(str(value), spec.choices)}", spec.describe())
            return _BAD
        return value
    if kind == "record":
        assert spec.record is not None
        checked = _check_record(value, spec.record, where, name + ".", line)
        return _BAD if checked is None else checked
    if kind == "records":
        assert spec.record is not None
        if not isinstance(value, Seq):
            where.add(line, name, f"is {_kind_name(value)}", spec.describe())
            return _BAD
        records = []
        for i, item in enumerate(value):
            checked = _check_record(item, spec.record, where, f"{name}[{i}].", value.item_lines[i])
            records.append(_BAD if checked is None else (checked, item))
        return _BAD if any(r is _BAD for r in records) else records
    raise AssertionError(f"unknown spec kind {kind}")


def _hint(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the closest choice (case aside), or nothing."""
    options = list(choices)
    same_case = [c for c in options if c.lower() == word.lower()]
    close = same_case or difflib.get_close_matches(word, options, n=1) or difflib.get_close_matches(word.lower(), options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _slug_ok(value: Any, where: _File, name: str, line: int) -> bool:
    if not isinstance(value, str):
        where.add(line, name, f"is {_kind_name(value)}", "an id of lowercase letters, digits and hyphens")
        return False
    if not SLUG.match(value) or len(value) > MAX_SLUG:
        where.add(
            line,
            name,
            f"{value!r} is not a valid id",
            f"lowercase ASCII letters, digits and single hyphens ([a-z0-9-], at most {MAX_SLUG} characters)",
        )
        return False
    return True


def _text(value: Any, where: _File, name: str, line: int) -> Any:
    if not isinstance(value, Map):
        where.add(line, name, f"is {_kind_name(value)}", "a mapping with zh and en")
        return _BAD
    ok = True
    for key in value:
        if key not in m.LANGS:
            where.add(_line_of(value, key), f"{name}.{key}", f"unknown language{_hint(key, m.LANGS)}", "zh and en only")
            ok = False
    for lang, label in (("zh", "Chinese"), ("en", "English")):
        text = value.get(lang)
        if lang not in value:
            where.add(value.line, f"{name}.{lang}", "missing", f"{label} text")
            ok = False
        elif not isinstance(text, str):
            where.add(_line_of(value, lang), f"{name}.{lang}", f"is {_kind_name(text)}", f"{label} text")
            ok = False
        elif not text.strip():
            where.add(_line_of(value, lang), f"{name}.{lang}", "is empty", f"{label} text")
            ok = False
    if not ok:
        return _BAD
    zh, en = value["zh"].strip(), value["en"].strip()
    if not _CJK.search(zh):
        where.add(_line_of(value, "zh"), f"{name}.zh", "contains no Chinese characters", "Chinese text")
        return _BAD
    return m.Text(zh, en)


def _kind_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# --- reading the folder ---------------------------------------------------------------------
@dataclass
class _Reader:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    cwd: Path = field(default_factory=Path.cwd)

    def shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.cwd).as_posix()
        except ValueError:
            return path.as_posix()

    def file(self, path: Path) -> _File:
        return _File(self.shown(path), self.problems)

    def yaml(self, path: Path) -> Any:
        if not path.is_file():
            self.problems.append(Problem(Location(self.shown(path)), "", "file is missing", "this content file"))
            return None
        data, problems = load_yaml(path, self.shown(path))
        self.problems.extend(problems)
        return data

    def records(self, path: Path, spec: dict[str, Spec]) -> list[tuple[dict[str, Any], Map, _File]]:
        """Each valid record of a YAML list file, with its raw mapping and file."""
        data = self.yaml(path)
        if data is None:
            return []
        where = self.file(path)
        if not isinstance(data, Seq):
            where.add(getattr(data, "line", 1), "(file)", f"is {_kind_name(data)}", "a list of records")
            return []
        out = []
        for i, item in enumerate(data):
            checked = _check_record(item, spec, where, f"[{i}].", data.item_lines[i])
            if checked is not None:
                out.append((checked, item, where))
        return out


def _unique(records: Iterable[tuple[str, _File, int]], kind: str) -> set[str]:
    seen: dict[str, tuple[str, int]] = {}
    duplicate: set[str] = set()
    for record_id, where, line in records:
        if record_id in seen:
            first = seen[record_id]
            where.add(line, "id", f"duplicate {kind} id {record_id!r} (first at {first[0]}:{first[1]})", f"a unique {kind} id")
            duplicate.add(record_id)
        else:
            seen[record_id] = (where.shown, line)
    return duplicate


def load_content(root: Path | str = "content") -> m.Dataset:
    """Read and check the content folder; raise ContentError listing every problem."""
    root = Path(root)
    reader = _Reader(root)
    if not root.is_dir():
        raise ContentError([Problem(Location(reader.shown(root)), "", "content folder is missing", "a folder with package.yaml, sources/, plans/ …")])
    builder = _Builder(reader)
    with _collector_paused():
        dataset = builder.build()
    if reader.problems or dataset is None:
        raise ContentError(reader.problems)
    return dataset


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the content is read. What is read holds no reference
    cycles, and each collection would walk everything read so far: with many files, and the
    results of worker processes arriving, that is most of the time spent in this process."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Builder:
    """Turns checked records into model records, checking references, quotes and numbers."""

    def __init__(self, reader: _Reader) -> None:
        self.r = reader
        self.root = reader.root

    def build(self) -> m.Dataset | None:
        self.unverifiable: set[str] = set()
        meta = self._package()
        sources, texts = self._sources()
        vocab = {name: self._vocabulary(name) for name in VOCABULARIES}
        regions = cast(dict[str, m.Region], vocab["regions"])
        organizations = self._organizations(regions, vocab["actors"])
        terms = self._terms()
        plans: dict[str, m.Plan] = {}
        tasks: dict[str, m.Task] = {}
        figures: dict[str, m.Figure] = {}
        self._plans(sources, texts, vocab, organizations, terms, plans, tasks, figures)
        if meta is None:
            return None
        return m.Dataset(
            meta=meta,
            sources=sources,
            regions=regions,
            groups=cast(dict[str, m.Concept], vocab["groups"]),
            themes=cast(dict[str, m.Concept], vocab["themes"]),
            actors=cast(dict[str, m.Concept], vocab["actors"]),
            units=cast(dict[str, m.Concept], vocab["units"]),
            organizations=organizations,
            plans=plans,
            tasks=m.TaskTable(tasks),
            figures=figures,
            terms=terms,
        )

    # package metadata
    def _package(self) -> m.PackageMeta | None:
        path = self.root / "package.yaml"
        data = self.r.yaml(path)
        if data is None:
            return None
        where = self.r.file(path)
        checked = _check_record(data, PACKAGE_SPEC, where, "", getattr(data, "line", 1))
        if checked is None:
            return None
        if not re.match(r"^\d+\.\d+\.\d+$", checked["version"]):
            where.add(_line_of(data, "version"), "version", f"{checked['version']!r} is not a version", "MAJOR.MINOR.PATCH such as 1.0.0")
            return None
        if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", checked["created"]):
            where.add(_line_of(data, "created"), "created", f"{checked['created']!r} is not a UTC date-time", PACKAGE_SPEC["created"].describe())
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
            contributors=tuple(
                m.Contributor(c["title"], c["role"], c["path"]) for c, _ in checked["contributors"]
            ),
        )

    # sources
    def _sources(self) -> tuple[dict[str, m.Source], dict[str, SourceText]]:
        sources: dict[str, m.Source] = {}
        texts: dict[str, SourceText] = {}
        folder = self.root / "sources"
        paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not paths:
            self.r.problems.append(Problem(Location(self.r.shown(folder)), "", "no source described", "at least one sources/<id>.yaml"))
        for result in _each_file(_SourceFile(self.r), paths):
            self.r.problems.extend(result.problems)
            if result.id is None:
                continue
            if result.id in sources:
                _File(result.shown, self.r.problems).add(result.id_line, "id", f"duplicate source id {result.id!r}", "a unique source id")
                continue
            self.r.problems.extend(result.later)
            if result.named and (result.source is None or result.text is None):
                self.unverifiable.add(result.id)  # plans citing it cannot have their quotes checked
            elif result.source is not None and result.text is not None:
                sources[result.id], texts[result.id] = result.source, result.text
        return sources, texts

    def _vocabulary(self, name: str) -> dict[str, Any]:
        path = self.root / "vocabularies" / f"{name}.yaml"
        spec = REGION_SPEC if name == "regions" else CONCEPT_SPEC
        records = self.r.records(path, spec)
        duplicate = _unique(((c["id"], w, _line_of(raw, "id")) for c, raw, w in records), name.rstrip("s"))
        out: dict[str, Any] = {}
        for checked, _raw, _where in records:
            if checked["id"] in duplicate:
                continue
            if name == "regions":
                out[checked["id"]] = m.Region(checked["id"], checked["label"], checked["level"], checked["code_gb2260"], checked["code_iso"])
            else:
                out[checked["id"]] = m.Concept(checked["id"], checked["label"], checked["description"])
        return out

    def _organizations(self, regions: dict[str, m.Region], actors: dict[str, Any]) -> dict[str, m.Organization]:
        path = self.root / "organizations.yaml"
        records = self.r.records(path, ORGANIZATION_SPEC)
        duplicate = _unique(((c["id"], w, _line_of(raw, "id")) for c, raw, w in records), "organization")
        out: dict[str, m.Organization] = {}
        for checked, raw, where in records:
            ok = self._ref(checked["region"], regions, "region", where, raw, "region")
            if checked["actor"] is not None:
                ok &= self._ref(checked["actor"], actors, "actor", where, raw, "actor")
            if ok and checked["id"] not in duplicate:
                out[checked["id"]] = m.Organization(checked["id"], checked["name"], checked["region"], checked["actor"])
        return out

    def _terms(self) -> dict[str, m.Term]:
        path = self.root / "glossary.yaml"
        records = self.r.records(path, TERM_SPEC)
        duplicate = _unique(((c["id"], w, _line_of(raw, "id")) for c, raw, w in records), "term")
        zh_seen: dict[str, int] = {}
        out: dict[str, m.Term] = {}
        for checked, raw, where in records:
            if checked["zh"] in zh_seen:
                where.add(_line_of(raw, "zh"), "zh", f"term {checked['zh']!r} is already in the glossary (line {zh_seen[checked['zh']]})", "each term once")
                continue
            zh_seen[checked["zh"]] = _line_of(raw, "zh")
            if checked["id"] not in duplicate:
                out[checked["id"]] = m.Term(checked["id"], checked["zh"], checked["en"], checked["en_variants"] or (), checked["note"], checked["source"])
        return out

    def _ref(self, value: str, table: dict[str, Any], kind: str, where: _File, raw: Map, name: str, line: int | None = None) -> bool:
        if value in table:
            return True
        where.add(line or _line_of(raw, name), name, f"unknown {kind} {value!r}{_hint(value, table)}", f"an id from {kind}s")
        return False

    def _refs(self, values: tuple[str, ...], table: dict[str, Any], kind: str, where: _File, raw: Map, name: str, prefix: str = "") -> bool:
        ok = True
        items = raw.get(name)
        lines = items.item_lines if isinstance(items, Seq) else []
        for i, value in enumerate(values):
            line = lines[i] if i < len(lines) else _line_of(raw, name)
            ok &= self._ref(value, table, kind, where, raw, f"{prefix}{name}[{i}]", line)
        return ok

    # plans
    def _plans(
        self,
        sources: dict[str, m.Source],
        texts: dict[str, SourceText],
        vocab: dict[str, dict[str, Any]],
        organizations: dict[str, m.Organization],
        terms: dict[str, m.Term],
        plans: dict[str, m.Plan],
        tasks: dict[str, m.Task],
        figures: dict[str, m.Figure],
    ) -> None:
        folder = self.root / "plans"
        paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not paths:
            self.r.problems.append(Problem(Location(self.r.shown(folder)), "", "no plan found", "at least one plans/<id>.yaml"))
        job = _PlanFile(self, _PlanContext(sources, texts, vocab, organizations, _Glossary(terms)))
        places: dict[str, dict[str, str]] = {"task": {}, "figure": {}}
        built_plans: list[tuple[m.Plan, list[m.Task], list[m.Figure]]] = []
        for result in _each_file(job, paths):
            self.r.problems.extend(result.problems)
            # Ids must be unique across files, so they are checked here, in file order.
            where = _File(result.shown, self.r.problems)
            for kind, record_id, line, name in result.ids:
                seen = places[kind]
                if record_id in seen:
                    where.add(line, name, f"duplicate {kind} id {record_id!r} (first at {seen[record_id]})", f"a unique {kind} id")
                seen.setdefault(record_id, f"{result.shown}:{line}")
            if result.built is not None:
                built_plans.append(result.built)
        # Plans in the order their sources print them; tasks and figures follow their plan.
        for record, plan_tasks, plan_figures in sorted(built_plans, key=lambda b: (b[0].source_id, b[0].title_span.start)):
            plans[record.id] = record
            tasks.update((t.id, t) for t in plan_tasks)
            figures.update((f.id, f) for f in plan_figures)


def _lang_line(at: int | Map, lang: str) -> int:
    """The line of a text's ``zh`` or ``en`` value, given the text's mapping (or a line)."""
    return at.key_lines.get(lang, at.line) if isinstance(at, Map) else at


class _Glossary:
    """Finds glossary terms in Chinese text (longest match first) and checks English renderings."""

    def __init__(self, terms: dict[str, m.Term]) -> None:
        self.terms = sorted(terms.values(), key=lambda t: -len(t.zh))

    def missing(self, text: m.Text) -> list[m.Term]:
        zh = text.zh
        present = [term for term in self.terms if term.zh in zh]
        if not present:
            return []
        taken = [False] * len(zh)
        found: list[m.Term] = []
        for term in present:
            start = zh.find(term.zh)
            hit = False
            while start >= 0:
                end = start + len(term.zh)
                if not any(taken[start:end]):
                    for i in range(start, end):
                        taken[i] = True
                    hit = True
                start = zh.find(term.zh, end)
            if hit:
                found.append(term)
        english = text.en.casefold()
        return [t for t in found if not any(r.casefold() in english for r in (t.en, *t.en_variants))]


@dataclass
class _SourceResult:
    """What reading one source file gave. ``later`` holds the problems found after its id was
    known, which are not reported if the id turns out to repeat an earlier source's."""

    shown: str
    problems: list[Problem]
    id: str | None = None
    id_line: int = 0
    later: list[Problem] = field(default_factory=list)
    named: bool = False  # its id is its file's name, so plans may cite it
    source: m.Source | None = None
    text: SourceText | None = None


class _SourceFile:
    """Reads and checks one source file, and the text it describes against its hash."""

    def __init__(self, reader: _Reader) -> None:
        self.root, self.cwd = reader.root, reader.cwd

    def __call__(self, path: Path) -> _SourceResult:
        reader = _Reader(self.root, cwd=self.cwd)
        data = reader.yaml(path)
        result = _SourceResult(reader.shown(path), reader.problems)
        if data is None:
            return result
        checked = _check_record(data, SOURCE_SPEC, reader.file(path), "", getattr(data, "line", 1))
        if checked is None:
            return result
        result.id, result.id_line = checked["id"], _line_of(data, "id")
        where = _File(result.shown, result.later)
        if path.stem != checked["id"]:
            where.add(result.id_line, "id", f"{checked['id']!r} differs from the file name {path.stem!r}", f"id {path.stem!r}")
            return result
        result.named = True
        text_path = path.parent / checked["file"]
        if "/" in checked["file"] or "\\" in checked["file"] or checked["file"].startswith("."):
            where.add(_line_of(data, "file"), "file", f"{checked['file']!r} is not a plain file name", "a file beside this one")
            return result
        if not text_path.is_file():
            where.add(_line_of(data, "file"), "file", f"source text {reader.shown(text_path)} is missing", "the verbatim text of the source")
            return result
        raw, problems = read_text(text_path, reader.shown(text_path))
        if raw is None:
            result.later.extend(problems)
            return result
        digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        if digest != checked["sha256"].lower():
            where.add(
                _line_of(data, "sha256"),
                "sha256",
                f"the source text has changed: {reader.shown(text_path)} has SHA-256 {digest}",
                f"{checked['sha256']} (restore the file, or review every quote and update the hash)",
            )
            return result
        result.text = SourceText(raw)
        result.source = m.Source(
            id=checked["id"],
            title=checked["title"],
            publisher=checked["publisher"],
            authors=tuple(t for t, _ in checked["authors"]),
            year=checked["year"],
            year_note=checked["year_note"],
            sha256=digest,
            characters=len(result.text),
            rights=checked["rights"],
        )
        return result


@dataclass
class _PlanResult:
    """What reading one plan file gave: its problems, the plan if it is sound, and the task and
    figure ids it declares (kind, id, line, field), whose uniqueness is checked across files."""

    shown: str
    problems: list[Problem]
    built: tuple[m.Plan, list[m.Task], list[m.Figure]] | None = None
    ids: list[tuple[str, str, int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _PlanContext:
    """What the rest of the content defines, which plans are checked against."""

    sources: dict[str, m.Source]
    texts: dict[str, SourceText]
    vocab: dict[str, dict[str, Any]]
    organizations: dict[str, m.Organization]
    glossary: _Glossary


class _PlanFile:
    """Reads and checks one plan file against what the rest of the content defines."""

    def __init__(self, builder: _Builder, context: _PlanContext) -> None:
        self.builder = builder
        self.context = context

    def __call__(self, path: Path) -> _PlanResult:
        reader = _Reader(self.builder.root, cwd=self.builder.r.cwd)
        data = reader.yaml(path)
        result = _PlanResult(reader.shown(path), reader.problems)
        if data is None:
            return result
        where = reader.file(path)
        checked = _check_record(data, PLAN_SPEC, where, "", getattr(data, "line", 1))
        if checked is None:
            return result
        plan = _PlanBuilder(self.builder, checked, data, where, self.context)
        result.built = plan.build()
        result.ids = plan.ids
        if result.built is not None and path.stem != checked["id"]:
            where.add(_line_of(data, "id"), "id", f"{checked['id']!r} differs from the file name {path.stem!r}", f"id {path.stem!r}")
            result.built = None
        return result


#: From this many files of a kind on, they are read by one forked worker process per CPU.
PARALLEL_FILES = 64
#: The job forked workers run; set before they are forked, so they inherit it with its context.
_JOB: Callable[[Path], Any] | None = None
_Result = TypeVar("_Result")


def _each_file(job: Callable[[Path], _Result], paths: list[Path]) -> list[_Result]:
    """``job`` applied to each path, in order; by worker processes when there are many paths.
    Every problem is kept with its file, so the report is the same either way."""
    import multiprocessing

    workers = min(os.cpu_count() or 1, len(paths) // PARALLEL_FILES)
    # A daemon process (a pool's worker) may not start processes; some systems cannot fork.
    if workers < 2 or multiprocessing.current_process().daemon or "fork" not in multiprocessing.get_all_start_methods():
        return [job(path) for path in paths]
    from concurrent.futures import ProcessPoolExecutor

    global _JOB
    _JOB = job
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run_job, paths, chunksize=max(1, len(paths) // (workers * 8))))
    finally:
        _JOB = None


def _run_job(path: Path) -> Any:
    assert _JOB is not None, "forked without a job"
    return _JOB(path)


class _PlanBuilder:
    def __init__(
        self,
        parent: _Builder,
        checked: dict[str, Any],
        raw: Map,
        where: _File,
        context: _PlanContext,
    ) -> None:
        self.p = parent
        self.c = checked
        self.raw = raw
        self.where = where
        self.context = context
        self.ok = True
        #: Each task and figure id declared, as (kind, id, line, field).
        self.ids: list[tuple[str, str, int, str]] = []

    def fail(self, line: int, name: str, message: str, expected: str = "") -> None:
        self.where.add(line, name, message, expected)
        self.ok = False

    def quote(self, text: m.Text, name: str, at: int | Map, source: SourceText | None) -> m.Span | None:
        """Locate a verbatim Chinese quote and check the English uses the glossary."""
        self.check_glossary(text, name, at)
        line = _lang_line(at, "zh")
        if source is None:
            return None
        span = source.locate(text.zh)
        if span is None:
            self.fail(line, f"{name}.zh", f"not found in source {self.c['source']}: {source.explain_miss(text.zh)}", "a verbatim quote of the source (whitespace aside)")
        return span

    def check_glossary(self, text: m.Text, name: str, at: int | Map) -> None:
        line = _lang_line(at, "en")
        for term in self.context.glossary.missing(text):
            renderings = " or ".join(repr(r) for r in (term.en, *term.en_variants))
            self.fail(line, f"{name}.en", f"the Chinese uses the glossary term {term.zh!r} but the English lacks its rendering", f"the English to contain {renderings}")

    def refs(self, values: tuple[str, ...], table: str, kind: str, raw: Map, name: str, prefix: str = "") -> None:
        if not self.p._refs(values, self.context.vocab.get(table, self.context.organizations), kind, self.where, raw, name, prefix):
            self.ok = False

    def build(self) -> tuple[m.Plan, list[m.Task], list[m.Figure]] | None:
        c, raw = self.c, self.raw
        plan_id = c["id"]
        source: SourceText | None = None
        if c["source"] in self.p.unverifiable:
            self.ok = False  # its problem is reported with the source; quotes cannot be checked
        elif c["source"] not in self.context.sources:
            if not self.p._ref(c["source"], self.context.sources, "source", self.where, raw, "source"):
                self.ok = False
        else:
            source = self.context.texts[c["source"]]
        if not self.p._ref(c["region"], self.context.vocab["regions"], "region", self.where, raw, "region"):
            self.ok = False
        self.refs(c["issuers"], "organizations", "organization", raw, "issuers")
        if not c["issuers"]:
            self.fail(_line_of(raw, "issuers"), "issuers", "is empty", "at least one issuing organization")
        self.refs(c["groups"], "groups", "group", raw, "groups")
        self.refs(c["themes"], "themes", "theme", raw, "themes")
        if c["period_start"] is not None and c["period_end"] is not None and c["period_start"] > c["period_end"]:
            self.fail(_line_of(raw, "period_end"), "period_end", f"{c['period_end']} is before period_start {c['period_start']}", "an end year not before the start year")

        title_span = self.quote(c["title"], "title", raw["title"], source)
        statements: list[m.Statement] = []

        def statement(kind: str, ordinal: int, text: m.Text, name: str, line: int | Map) -> m.Statement | None:
            span = self.quote(text, name, line, source)
            if span is None:
                return None
            record = m.Statement(f"{plan_id}-{kind}-{ordinal}", plan_id, cast(m.StatementKind, kind), ordinal, text, span)
            statements.append(record)
            return record

        announcement = statement("announcement", 1, c["announcement"], "announcement", raw["announcement"])
        if c["issuer_count"] is not None and announcement is not None and not is_readable(Decimal(c["issuer_count"]), announcement.text.zh):
            self.fail(_line_of(raw, "issuer_count"), "issuer_count", f"{c['issuer_count']} is not stated in the announcement quote", "the number of issuing departments the announcement states")
        if c["issuer_count"] is not None and c["issuer_count"] < len(c["issuers"]):
            self.fail(_line_of(raw, "issuer_count"), "issuer_count", f"{c['issuer_count']} is fewer than the {len(c['issuers'])} issuers listed", "a count at least the number of issuers")
        if c["task_count_quote"] is not None:
            count_statement = statement("task-count", 1, c["task_count_quote"], "task_count_quote", raw["task_count_quote"])
            if c["task_count"] is None:
                self.fail(_line_of(raw, "task_count"), "task_count", "is empty although task_count_quote is given", "the count the quote states")
            elif count_statement is not None and not is_readable(Decimal(c["task_count"]), count_statement.text.zh):
                self.fail(_line_of(raw, "task_count"), "task_count", f"{c['task_count']} is not stated in task_count_quote", "the count the quote states")
        elif c["task_count"] is not None:
            self.fail(_line_of(raw, "task_count_quote"), "task_count_quote", "is empty although task_count is given", "the sentence that states the count")
        for kind, key in (("aim", "aims"), ("principle", "principles"), ("safeguard", "safeguards")):
            for i, (text, _line) in enumerate(c[key] or [], start=1):
                statement(kind, i, text, f"{key}[{i - 1}]", raw[key][i - 1])

        tasks = self._tasks(plan_id, source)
        figures = self._figures(plan_id, source, {checked["id"] for checked, _ in c["tasks"]})
        described = len(c["tasks"])
        if c["task_count"] is not None:
            line = _line_of(raw, "task_count")
            if c["task_count_rule"] == "equal" and described != c["task_count"]:
                self.fail(line, "task_count", f"the plan states {c['task_count']} tasks but {described} are described", "as many tasks as stated (task_count_rule: equal), or task_count_rule: at-most when the source describes only some")
            if c["task_count_rule"] == "at-most" and described > c["task_count"]:
                self.fail(line, "task_count", f"the plan states {c['task_count']} tasks but {described} are described", "no more tasks than stated")
        elif c["task_count_rule"] == "equal" and not described:
            self.fail(_line_of(raw, "tasks"), "tasks", "no task is described", "the plan's tasks")
        if not self.ok or title_span is None:
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

    def _tasks(self, plan_id: str, source: SourceText | None) -> list[m.Task]:
        out: list[m.Task] = []
        ordinals: dict[int, int] = {}
        for i, (checked, raw) in enumerate(self.c["tasks"]):
            name = f"tasks[{i}]"
            ok_before = self.ok
            self.ok = True
            task_id = checked["id"]
            self.ids.append(("task", task_id, _line_of(raw, "id"), f"{name}.id"))
            ordinal = checked["ordinal"]
            if ordinal in ordinals:
                self.fail(_line_of(raw, "ordinal"), f"{name}.ordinal", f"ordinal {ordinal} is used twice (first at line {ordinals[ordinal]})", "ordinals 1, 2, 3 … in source order")
            elif ordinal != i + 1:
                self.fail(_line_of(raw, "ordinal"), f"{name}.ordinal", f"ordinal {ordinal} in position {i + 1}", f"ordinal {i + 1} (tasks numbered 1, 2, 3 … in source order)")
            ordinals.setdefault(ordinal, _line_of(raw, "ordinal"))
            for key, table in (("themes", "themes"), ("actors", "actors"), ("groups", "groups")):
                self.refs(checked[key], table, key.rstrip("s"), raw, key, f"{name}.")
            if not checked["themes"]:
                self.fail(_line_of(raw, "themes"), f"{name}.themes", "is empty", "at least one theme")
            span = self.quote(checked["text"], f"{name}.text", raw["text"], source)
            title_ok = self.quote(checked["title"], f"{name}.title", raw["title"], source)
            if title_ok is not None and squeeze(checked["title"].zh) not in squeeze(checked["text"].zh):
                self.fail(_line_of(raw, "title"), f"{name}.title.zh", "is not part of the task's text", "a verbatim excerpt of text.zh")
            label = checked["label"]
            if span is not None and label and source is not None:
                before = source.joined[max(0, span.start - len(squeeze(label))) : span.start]
                if before != squeeze(label):
                    self.fail(_line_of(raw, "label"), f"{name}.label", f"{label!r} is not printed right before the task's text (the source has {before!r})", "the number exactly as printed before the text")
            if self.ok and span is not None:
                out.append(
                    m.Task(task_id, plan_id, ordinal, label, checked["title"], checked["text"], span, checked["themes"], checked["actors"], checked["groups"])
                )
            self.ok = ok_before and self.ok
        return out

    def _figures(self, plan_id: str, source: SourceText | None, task_ids: set[str]) -> list[m.Figure]:
        out: list[m.Figure] = []
        for i, (checked, raw) in enumerate(self.c["figures"]):
            name = f"figures[{i}]"
            ok_before = self.ok
            self.ok = True
            figure_id = checked["id"]
            self.ids.append(("figure", figure_id, _line_of(raw, "id"), f"{name}.id"))
            if checked["task"] is not None and checked["task"] not in task_ids:
                self.fail(_line_of(raw, "task"), f"{name}.task", f"unknown task {checked['task']!r}", "the id of a task of this plan")
            for key, table in (("unit", "units"), ("region", "regions")):
                if not self.p._ref(checked[key], self.context.vocab[table], key, self.where, raw, f"{name}.{key}", _line_of(raw, key)):
                    self.ok = False
            span = self.quote(checked["quote"], f"{name}.quote", raw["quote"], source)
            self.check_glossary(checked["measure"], f"{name}.measure", raw["measure"])
            for key in ("value", "value_to"):
                value = checked[key]
                if value is not None and not is_readable(value, checked["quote"].zh):
                    self.fail(_line_of(raw, key), f"{name}.{key}", f"{format_number(value)} cannot be read from the quote {checked['quote'].zh!r}", "a number the quote states (Arabic or Chinese numerals)")
            if checked["value_to"] is not None and checked["value_to"] < checked["value"]:
                self.fail(_line_of(raw, "value_to"), f"{name}.value_to", "is less than value", "the end of the range, not below its start")
            if self.ok and span is not None:
                out.append(
                    m.Figure(
                        figure_id, plan_id, checked["task"], checked["kind"], checked["value"], checked["value_to"], checked["unit"],
                        checked["year"], checked["region"], checked["qualifier"], checked["measure"], checked["quote"], span,
                    )
                )
            self.ok = ok_before and self.ok
        return out


__all__ = ["SLUG", "Spec", "load_content"]
