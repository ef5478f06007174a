"""Releases: every data release permanent, citable and diffable, row by row and field by field.

A release is a folder ``releases/<version>/`` that is never changed once written:

- ``release.json``: version, date, the previous release, bilingual notes, the version bump and
  its reasons, how many rows each table gained, lost and changed, and the SHA-256 of the two
  files below;
- ``datapackage.json``: the descriptor as released (its version and ``created`` are the
  release's; every resource carries the SHA-256 of its CSV);
- ``changes.json``: the change log against the previous release (the first release's is
  against nothing: every row added).

The tables themselves are not stored again: a release's tables are rebuilt by applying the
change logs in order, and each rebuilt CSV must have the SHA-256 its descriptor states, so a
release folder edited by hand is detected. A change log names rows by their primary key
(composite keys too): rows added (with the row before which they stand), removed (with their
values) and changed (each changed field's old and new value); fields and tables added or
removed. A key change is a removal plus an addition. Everything here reads descriptors, not
the current table declarations, so old releases stay readable when the format changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import pandas

    from .model import Dataset

from .errors import ActionplansError
from .numerals import format_number

VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
#: The version bumps, weakest first.
BUMPS = ("patch", "minor", "major")


class ReleaseError(ActionplansError):
    """A release cannot be made, read or verified (the message names the file)."""


def parse_version(version: str) -> tuple[int, int, int]:
    match = VERSION.match(version)
    if not match:
        raise ReleaseError(f"version {version!r}: not a version; expected MAJOR.MINOR.PATCH such as 1.1.0")
    return int(match[1]), int(match[2]), int(match[3])


def bumped(version: str, bump: str) -> str:
    major, minor, patch = parse_version(version)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def bump_of(old: str, new: str) -> str | None:
    """The bump from ``old`` to ``new`` (None if ``new`` is not later)."""
    a, b = parse_version(old), parse_version(new)
    if b <= a:
        return None
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


# --- snapshots: a package's tables, typed by its own descriptor -----------------------------------
Key = tuple[Any, ...]


@dataclass
class TableData:
    """One table: its schema as the descriptor states it, and its rows in order, typed."""

    name: str
    schema: dict[str, Any]
    rows: list[dict[str, Any]]

    @property
    def fields(self) -> list[str]:
        return [f["name"] for f in self.schema["fields"]]

    @property
    def key(self) -> list[str]:
        key = self.schema.get("primaryKey") or []
        return [key] if isinstance(key, str) else list(key)

    def key_of(self, row: dict[str, Any]) -> Key:
        return tuple(row[k] for k in self.key)

    def csv(self) -> bytes:
        """The table as the data package's CSV (header, CRLF, empty cell for no value)."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        names = self.fields
        writer.writerow(names)
        for row in self.rows:
            writer.writerow(["" if row.get(n) is None else format_number(v) if isinstance(v := row.get(n), Decimal) else v for n in names])
        return buffer.getvalue().encode("utf-8")


@dataclass
class Snapshot:
    """A data package in memory: its descriptor and its tables."""

    descriptor: dict[str, Any]
    tables: dict[str, TableData]

    @classmethod
    def empty(cls) -> Snapshot:
        return cls({"resources": []}, {})

    @classmethod
    def read(cls, folder: Path) -> Snapshot:
        """The data package in ``folder``, each cell typed as its field's type says."""
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        tables = {}
        for resource in descriptor["resources"]:
            text = (folder / resource["path"]).read_bytes().decode("utf-8-sig")
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader)
            types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
            rows = [{name: typed(cell, types[name]) for name, cell in zip(header, cells, strict=True)} for cells in reader]
            tables[resource["name"]] = TableData(resource["name"], resource["schema"], rows)
        return cls(descriptor, tables)

    def files(self) -> dict[str, bytes]:
        """The package's files as the descriptor names them (CSVs rebuilt from the rows)."""
        out = {r["path"]: self.tables[r["name"]].csv() for r in self.descriptor["resources"]}
        out["datapackage.json"] = (json.dumps(self.descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return out


def typed(cell: str, kind: str) -> Any:
    """A CSV cell as a value of the field's type ("" is no value)."""
    if cell == "":
        return None
    if kind == "integer":
        return int(cell)
    if kind == "number":
        try:
            return Decimal(cell)
        except InvalidOperation:
            return cell
    return cell


# --- the differ ------------------------------------------------------------------------------------
@dataclass
class TableChanges:
    """What changed in one table."""

    key: list[str]
    added: list[dict[str, Any]] = field(default_factory=list)  # {"key", "row", "after"}
    removed: list[dict[str, Any]] = field(default_factory=list)  # {"key", "row"}
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"key", "fields": {name: {"old", "new"}}}
    order: list[list[Any]] | None = None  # the new order of every key, when the kept rows moved
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_changed: list[dict[str, Any]] = field(default_factory=list)  # {"name", "old", "new"} (schema)

    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.order or self.fields_added or self.fields_removed or self.fields_changed)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)}


@dataclass
class Changes:
    """The change log from one package to another."""

    tables: dict[str, TableChanges] = field(default_factory=dict)
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)  # descriptor property: {"old", "new"}

    def empty(self) -> bool:
        return not (self.tables_added or self.tables_removed or self.metadata or any(not t.empty() for t in self.tables.values()))

    def counts(self) -> dict[str, dict[str, int]]:
        return {name: t.counts() for name, t in self.tables.items()}

    def to_json(self) -> dict[str, Any]:
        tables = {}
        for name, t in self.tables.items():
            entry: dict[str, Any] = {"key": t.key, "added": t.added, "removed": t.removed, "changed": t.changed}
            if t.order is not None:
                entry["order"] = t.order
            if t.fields_added or t.fields_removed or t.fields_changed:
                entry["fields"] = {"added": t.fields_added, "removed": t.fields_removed, "changed": t.fields_changed}
            tables[name] = entry
        return {"tables": tables, "tables_added": self.tables_added, "tables_removed": self.tables_removed, "metadata": self.metadata}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Changes:
        out = cls(tables_added=list(data.get("tables_added", [])), tables_removed=list(data.get("tables_removed", [])), metadata=data.get("metadata", {}))
        for name, t in data.get("tables", {}).items():
            fields_ = t.get("fields", {})
            out.tables[name] = TableChanges(
                t["key"], t["added"], t["removed"], t["changed"], t.get("order"),
                fields_.get("added", []), fields_.get("removed", []), fields_.get("changed", []),
            )
        return out

    def records(self) -> Iterator[Change]:
        """The change log flat, a row per change: (table, op, key, field, old, new). The key is
        its values joined by "|" (composite keys in their order)."""
        for name, t in self.tables.items():
            for entry in t.added:
                yield Change(name, "add", _key_text(entry["key"]), "", None, None)
            for entry in t.removed:
                yield Change(name, "remove", _key_text(entry["key"]), "", None, None)
            for entry in t.changed:
                for field_name, values in entry["fields"].items():
                    yield Change(name, "change", _key_text(entry["key"]), field_name, values["old"], values["new"])
            for field_name in t.fields_added:
                yield Change(name, "add-field", "", field_name, None, None)
            for field_name in t.fields_removed:
                yield Change(name, "remove-field", "", field_name, None, None)
            for change in t.fields_changed:
                yield Change(name, "change-field", "", change["name"], change["old"], change["new"])
        for name in self.tables_added:
            yield Change(name, "add-table", "", "", None, None)
        for name in self.tables_removed:
            yield Change(name, "remove-table", "", "", None, None)
        for prop, values in self.metadata.items():
            yield Change("", "change-metadata", "", prop, values["old"], values["new"])

    def __iter__(self) -> Iterator[Change]:
        return self.records()

    def __len__(self) -> int:
        return sum(1 for _ in self.records())

    def to_pandas(self) -> pandas.DataFrame:
        """The change log as a DataFrame, a row per change (needs ``pip install 'actionplans[pandas]'``)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'actionplans[pandas]'") from None
        frame = pd.DataFrame(list(self.records()), columns=list(Change._fields))
        for column in ("table", "op", "key", "field"):
            frame[column] = frame[column].astype("string")
        return frame


class Change(NamedTuple):
    """One change: the table, what happened (add, remove, change; add-field, remove-field,
    change-field; add-table, remove-table; change-metadata), the row's key ("|" between the
    values of a composite key), the field, and its old and new values."""

    table: str
    op: str
    key: str
    field: str
    old: Any
    new: Any


def _key_text(key: list[Any]) -> str:
    return "|".join("" if k is None else str(k) for k in key)


#: Descriptor properties that change with every release and are not changes of the data.
_RELEASE_PROPERTIES = {"version", "created", "resources"}


def diff(old: Snapshot, new: Snapshot) -> Changes:
    """The change log from ``old`` to ``new``, table by table, keyed by each table's primary key."""
    changes = Changes()
    for name in new.tables:
        if name not in old.tables:
            changes.tables_added.append(name)
    for name in old.tables:
        if name not in new.tables:
            changes.tables_removed.append(name)
    for name, table in new.tables.items():
        before = old.tables.get(name, TableData(name, {"fields": [], "primaryKey": table.key}, []))
        result = _diff_table(before, table)
        if name not in old.tables or not result.empty():
            changes.tables[name] = result
    for name in changes.tables_removed:  # every row of a removed table is removed
        table = old.tables[name]
        changes.tables[name] = TableChanges(table.key, removed=[{"key": list(table.key_of(r)), "row": _json_row(r)} for r in table.rows])
    for prop in sorted(set(old.descriptor) | set(new.descriptor)):
        if prop in _RELEASE_PROPERTIES:
            continue
        if old.descriptor.get(prop) != new.descriptor.get(prop) and old.tables:
            changes.metadata[prop] = {"old": old.descriptor.get(prop), "new": new.descriptor.get(prop)}
    return changes


def _diff_table(old: TableData, new: TableData) -> TableChanges:
    result = TableChanges(new.key)
    old_fields = {f["name"]: f for f in old.schema.get("fields", [])}
    new_fields = {f["name"]: f for f in new.schema["fields"]}
    if old.rows or old_fields:
        result.fields_added = [n for n in new_fields if n not in old_fields]
        result.fields_removed = [n for n in old_fields if n not in new_fields]
        for name in new_fields:
            if name in old_fields and old_fields[name] != new_fields[name]:
                result.fields_changed.append({"name": name, "old": old_fields[name], "new": new_fields[name]})
        if old.key != new.key:
            result.fields_changed.append({"name": "(primary key)", "old": old.key, "new": new.key})
    same_key = old.key == new.key
    old_rows = {old.key_of(r): r for r in old.rows} if same_key else {}
    new_keys = [new.key_of(r) for r in new.rows]
    new_set = set(new_keys)
    previous: Key | None = None
    for key, row in zip(new_keys, new.rows, strict=True):
        before = old_rows.get(key)
        if before is None:
            result.added.append({"key": list(key), "row": _json_row(row), "after": list(previous) if previous is not None else None})
        else:
            fields_ = {
                n: {"old": _json_value(before.get(n)), "new": _json_value(row.get(n))}
                for n in new.fields if not _equal(before.get(n), row.get(n))  # a field added: its values, from none
            }
            if fields_:
                result.changed.append({"key": list(key), "fields": fields_})
        previous = key
    removed_rows = old.rows if not same_key else [r for r in old.rows if old.key_of(r) not in new_set]
    result.removed = [{"key": list(old.key_of(r)), "row": _json_row(r)} for r in removed_rows]
    if same_key:
        kept_old = [k for k in (old.key_of(r) for r in old.rows) if k in new_set]
        kept_new = [k for k in new_keys if k in old_rows]
        if kept_old != kept_new:
            result.order = [list(k) for k in new_keys]
    return result


def _equal(a: Any, b: Any) -> bool:
    """Values compared as values: 1 and 1.0 are equal, None only to None."""
    if a is None or b is None:
        return a is b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return Decimal(a) == Decimal(b)
    return bool(a == b)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else format_number(value)
    return value


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _json_value(v) for k, v in row.items()}


# --- applying a change log ---------------------------------------------------------------------------
def apply(old: Snapshot, changes: Changes, descriptor: dict[str, Any]) -> Snapshot:
    """``old`` with ``changes`` applied, described by ``descriptor`` (the new package's).

    Rows are never edited in place: a changed row is a new dict, and the rows a release left
    as they were are shared with ``old``, so that a store holding many releases of a large
    table keeps each unchanged row once."""
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    tables: dict[str, TableData] = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        schema = schemas[name]
        types = {f["name"]: f["type"] for f in schema["fields"]}
        before = old.tables.get(name)
        change = changes.tables.get(name)
        if before is not None and change is None and before.fields == list(types):
            tables[name] = TableData(name, schema, before.rows)  # unchanged: the rows are shared
            continue
        table = TableData(name, schema, list(before.rows) if before is not None else [])
        if change is not None:
            _apply_table(table, before, change, types)
        if before is not None and before.fields != list(types):  # fields added or removed: every row anew
            table.rows = [{n: row.get(n) for n in types} for row in table.rows]
        tables[name] = table
    return Snapshot(descriptor, tables)


def _apply_table(table: TableData, before: TableData | None, change: TableChanges, types: dict[str, str]) -> None:
    if before is not None and before.key == change.key:
        removed = {tuple(_typed_value(v, types.get(k, "string")) for k, v in zip(change.key, e["key"], strict=True)) for e in change.removed}
        table.rows = [r for r in table.rows if before.key_of(r) not in removed]
    elif before is not None:  # the key itself changed: every old row was removed
        table.rows = []
    if change.changed:
        position = {tuple(r.get(k) for k in change.key): i for i, r in enumerate(table.rows)}
        for entry in change.changed:
            at = position[tuple(_typed_value(v, types.get(k, "string")) for k, v in zip(change.key, entry["key"], strict=True))]
            table.rows[at] = {**table.rows[at], **{n: _typed_value(v["new"], types.get(n, "string")) for n, v in entry["fields"].items()}}
    if change.added:
        # Each added row stands right after the row named in "after" (None: at the start); the
        # kept rows keep their order. Emitted in one pass, so large tables take linear time.
        def typed_key(values: list[Any]) -> Key:
            return tuple(_typed_value(v, types.get(k, "string")) for k, v in zip(change.key, values, strict=True))

        following: dict[Key | None, list[dict[str, Any]]] = {}
        for entry in change.added:
            row = {k: _typed_value(v, types.get(k, "string")) for k, v in entry["row"].items()}
            following.setdefault(typed_key(entry["after"]) if entry["after"] is not None else None, []).append(row)
        ordered: list[dict[str, Any]] = []

        def emit(after: Key | None) -> None:
            stack = list(reversed(following.pop(after, [])))
            while stack:
                row = stack.pop()
                ordered.append(row)
                stack.extend(reversed(following.pop(tuple(row[k] for k in change.key), [])))

        emit(None)
        for row in table.rows:
            ordered.append(row)
            emit(tuple(row[k] for k in change.key))
        table.rows = ordered
    if change.order is not None:
        by_key = {tuple(r[k] for k in change.key): r for r in table.rows}
        table.rows = [by_key[tuple(_typed_value(v, types.get(k, "string")) for k, v in zip(change.key, key, strict=True))] for key in change.order]


def _typed_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "number":
        return Decimal(str(value))
    if kind == "integer":
        return int(value)
    return value


# --- the version bump the change calls for (the Data Package Version recipe) ------------------------
def suggest_bump(old: Snapshot, changes: Changes) -> tuple[str | None, list[str]]:
    """The weakest bump the change allows, and why: major for a field renamed, removed or
    retyped, a tighter constraint, a table removed, a changed primary key, or a row removed
    that another table's foreign key pointed to; minor for rows, fields or tables added or a
    constraint loosened; patch for values corrected, rows no other row pointed to removed, and
    descriptions changed. None when nothing changed."""
    reasons: dict[str, list[str]] = {b: [] for b in BUMPS}
    for name in changes.tables_removed:
        reasons["major"].append(f"table {name} removed")
    for name in changes.tables_added:
        reasons["minor"].append(f"table {name} added")
    referenced = _referenced(old)
    for name, t in changes.tables.items():
        if name in changes.tables_removed:
            continue
        for f in t.fields_removed:
            reasons["major"].append(f"{name}.{f} removed (or renamed)")
        for f in t.fields_added:
            reasons["minor"].append(f"{name}.{f} added")
        for change in t.fields_changed:
            kind, why = _schema_change(change["name"], change["old"], change["new"])
            reasons[kind].append(f"{name}.{change['name']}: {why}")
        if t.added and name not in changes.tables_added:
            reasons["minor"].append(f"{name}: {_rows(len(t.added))} added")
        pointed = [e for e in t.removed if tuple(e["key"]) in referenced.get(name, set())]
        if pointed:
            reasons["major"].append(f"{name}: {_rows(len(pointed))} removed that other rows pointed to")
        elif t.removed:
            reasons["patch"].append(f"{name}: {_rows(len(t.removed))} removed")
        if t.changed:
            reasons["patch"].append(f"{name}: {_rows(len(t.changed))} corrected")
        if t.order is not None:
            reasons["patch"].append(f"{name} rows reordered")
    for prop in changes.metadata:
        reasons["patch"].append(f"the package's {prop} changed")
    for bump in reversed(BUMPS):
        if reasons[bump]:
            return bump, reasons[bump] + [r for b in reversed(BUMPS) if b != bump for r in reasons[b]]
    return None, []


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def _referenced(old: Snapshot) -> dict[str, set[Key]]:
    """For each table, the keys other tables' foreign keys point to in ``old``."""
    out: dict[str, set[Key]] = {}
    for table in old.tables.values():
        for fk in table.schema.get("foreignKeys", []):
            target = fk["reference"]["resource"]
            if target == table.name:
                continue
            columns = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            keys = out.setdefault(target, set())
            for row in table.rows:
                value = tuple(row.get(c) for c in columns)
                if None not in value:
                    keys.add(value)
    return out


_TIGHTER = "tighter"


def _schema_change(name: str, old: Any, new: Any) -> tuple[str, str]:
    if name == "(primary key)":
        return "major", f"primary key {old} → {new}"
    if old.get("type") != new.get("type"):
        return "major", f"type {old.get('type')} → {new.get('type')}"
    a, b = old.get("constraints", {}), new.get("constraints", {})
    if a != b:
        return ("major", "constraint tightened") if _tightened(a, b) else ("minor", "constraint loosened")
    return "patch", "description changed"


def _tightened(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether any constraint of ``new`` refuses a value ``old`` allowed."""
    for flag in ("required", "unique"):
        if new.get(flag) and not old.get(flag):
            return True
    if "enum" in new and ("enum" not in old or not set(new["enum"]) >= set(old["enum"])):
        return True
    if "pattern" in new and new.get("pattern") != old.get("pattern"):
        return True
    for bound in ("minimum", "minLength"):
        if bound in new and (bound not in old or new[bound] > old[bound]):
            return True
    return any(bound in new and (bound not in old or new[bound] < old[bound]) for bound in ("maximum", "maxLength"))


# --- the store ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Release:
    """What a release says of itself."""

    version: str
    date: str
    previous: str | None
    notes: dict[str, str]
    bump: str | None
    reasons: tuple[str, ...]
    counts: dict[str, dict[str, int]]
    #: SHA-256 of the release's datapackage.json, which names the SHA-256 of every table.
    sha256: str
    folder: Path
    #: SHA-256 of its changes.json.
    changes_sha256: str = ""


RELEASE_FILE, CHANGES_FILE, DESCRIPTOR_FILE = "release.json", "changes.json", "datapackage.json"


def record_digest(record: dict[str, Any]) -> str:
    """The SHA-256 a release.json states of itself: of its content without that field, as
    sorted, compact JSON (so that an edit by hand is detected, whatever the formatting)."""
    content = {k: v for k, v in record.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


class Store:
    """The releases in a folder, oldest first; each checked against its own checksums."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._snapshots: dict[str, Snapshot] = {}
        self._releases: dict[str, Release] = {}
        self._changes: dict[str, Changes] = {}
        #: The tables of each rebuilt release not yet checked against its descriptor.
        self._unchecked: dict[str, list[dict[str, Any]]] = {}

    def releases(self) -> list[Release]:
        """Every release, oldest first, each read and checked once per store."""
        names = sorted((p.name for p in self.folder.iterdir() if p.is_dir() and VERSION.match(p.name)), key=parse_version) if self.folder.is_dir() else []
        self._releases = {name: self._releases.get(name) or self._read(self.folder / name) for name in names}
        return list(self._releases.values())

    def versions(self) -> list[str]:
        return [r.version for r in self.releases()]

    def latest(self) -> Release | None:
        releases = self.releases()
        return releases[-1] if releases else None

    def get(self, version: str) -> Release:
        releases = {r.version: r for r in self.releases()}
        if version not in releases:
            known = ", ".join(releases) or "none yet"
            raise ReleaseError(f"{self.folder}: no release {version}; expected one of the releases there: {known}")
        return releases[version]

    def _read(self, path: Path) -> Release:
        file = path / RELEASE_FILE
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ReleaseError(f"{file}: cannot read it ({error}); expected the release.json that actionplans release wrote") from None
        for name in (CHANGES_FILE, DESCRIPTOR_FILE):
            digest = _sha256(path / name)
            if digest != data.get("files", {}).get(name):
                raise ReleaseError(
                    f"{path / name}: changed after the release was made (SHA-256 {digest}); expected {data.get('files', {}).get(name)}: "
                    "a release is never edited; restore the file from version control"
                )
        if data.get("sha256") != record_digest(data):
            raise ReleaseError(
                f"{file}: changed after the release was made (its content's SHA-256 is {record_digest(data)}, it states {data.get('sha256')}): "
                "a release is never edited; restore the file from version control"
            )
        if data.get("version") != path.name:
            raise ReleaseError(f"{file}: says version {data.get('version')!r}; expected {path.name!r}, the name of its folder")
        return Release(
            data["version"], data["date"], data.get("previous"), data["notes"], data.get("bump"), tuple(data.get("reasons", [])),
            data.get("counts", {}), data["files"][DESCRIPTOR_FILE], path, data["files"][CHANGES_FILE],
        )

    def changes(self, version: str) -> Changes:
        if version not in self._changes:
            release = self.get(version)
            self._changes[version] = Changes.from_json(json.loads((release.folder / CHANGES_FILE).read_text(encoding="utf-8"), parse_float=Decimal))
        return self._changes[version]

    def snapshot(self, version: str, *, verify: bool = True) -> Snapshot:
        """The release's package rebuilt from the change logs. With ``verify`` (the default),
        every release up to it is checked: each table it changed, against the SHA-256 its
        descriptor states (a check made once per release and store)."""
        chain: list[Release] = []
        for release in self.releases():
            chain.append(release)
            if release.version == version:
                break
        else:
            self.get(version)  # raises, naming the versions there are
        snapshot = Snapshot.empty()
        for release in chain:
            if release.version not in self._snapshots:
                descriptor = json.loads((release.folder / DESCRIPTOR_FILE).read_text(encoding="utf-8"))
                changes = self.changes(release.version)
                hashes = {r["name"]: r.get("hash") for r in snapshot.descriptor["resources"]}
                snapshot = apply(snapshot, changes, descriptor)
                self._snapshots[release.version] = snapshot
                # the tables to check: those it changed (the others are the release before's, checked with it)
                self._unchecked[release.version] = [
                    r for r in descriptor["resources"] if r["name"] in changes.tables or r.get("hash") != hashes.get(r["name"])
                ]
            snapshot = self._snapshots[release.version]
            if verify:
                self._verify(release, snapshot)
        return snapshot

    def _verify(self, release: Release, snapshot: Snapshot) -> None:
        for resource in self._unchecked.pop(release.version, []):
            data = snapshot.tables[resource["name"]].csv()
            if "sha256:" + hashlib.sha256(data).hexdigest() != resource.get("hash"):
                raise ReleaseError(
                    f"{release.folder / CHANGES_FILE}: rebuilds {resource['path']} other than released (its SHA-256 differs from "
                    f"{resource.get('hash')}); expected the change log actionplans release wrote"
                )

    def dataset(self, version: str) -> Dataset:
        """Release ``version`` read into the model (``actionplans.load(version=…)``)."""
        from .datapackage import read_package

        with tempfile.TemporaryDirectory(prefix="actionplans-release-") as folder:
            for name, data in self.snapshot(version).files().items():
                (Path(folder) / name).write_bytes(data)
            dataset = read_package(folder)
        object.__setattr__(dataset, "origin", None)
        return dataset

    def record(self, snapshot: Snapshot, version: str, date: str, notes: dict[str, str]) -> Release:
        """Store ``snapshot`` as release ``version`` (atomically: the folder appears whole or not at all)."""
        latest = self.latest()
        previous = self.snapshot(latest.version) if latest is not None else Snapshot.empty()
        changes = diff(previous, snapshot)
        bump, reasons = suggest_bump(previous, changes) if latest is not None else ("major", ["the first release"])
        target = self.folder / version
        if target.exists():
            raise ReleaseError(f"{target}: release {version} exists already; expected a new version (a release is never replaced)")
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{version}.tmp-", dir=self.folder))
        try:
            descriptor = (json.dumps(snapshot.descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            change_log = (json.dumps({"version": version, "previous": latest.version if latest else None, **changes.to_json()}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
            (staging / DESCRIPTOR_FILE).write_bytes(descriptor)
            (staging / CHANGES_FILE).write_bytes(change_log)
            record = {
                "version": version, "date": date, "previous": latest.version if latest else None, "notes": notes,
                "bump": bump, "reasons": reasons, "counts": changes.counts(),
                "files": {DESCRIPTOR_FILE: hashlib.sha256(descriptor).hexdigest(), CHANGES_FILE: hashlib.sha256(change_log).hexdigest()},
            }
            record["sha256"] = record_digest(record)
            (staging / RELEASE_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            os.chmod(staging, 0o755)
            os.rename(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for leftover in self.folder.glob(".*.tmp-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        return self.get(version)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "(missing)"


def rows_equal(a: Iterable[dict[str, Any]], b: Iterable[dict[str, Any]]) -> bool:
    return list(a) == list(b)


def unreleased(release: Snapshot, package: Path) -> bool:
    """Whether the data package in ``package`` differs from ``release`` in any table or any
    property but its version and date (compared by the tables' SHA-256, without reading them)."""
    descriptor = json.loads((package / DESCRIPTOR_FILE).read_text(encoding="utf-8"))

    def shape(d: dict[str, Any]) -> tuple[Any, ...]:
        meta = {k: v for k, v in d.items() if k not in _RELEASE_PROPERTIES}
        return meta, [(r["name"], r.get("hash"), r.get("schema")) for r in d["resources"]]

    return shape(descriptor) != shape(release.descriptor)


# --- making a release from the content ----------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What ``make_release`` did: the release written (None when nothing changed), the bump
    suggested and why, and whether it finished a release interrupted before the content was
    stamped with its version."""

    release: Release | None
    suggested: str | None
    reasons: tuple[str, ...]
    previous: str | None
    finished: bool = False


def snapshot_of(files: dict[str, bytes]) -> Snapshot:
    """A package given as its files (``datapackage.build_files``) as a snapshot."""
    with tempfile.TemporaryDirectory(prefix="actionplans-release-") as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        return Snapshot.read(Path(folder))


def make_release(
    content: Path, datapackage: Path, folder: Path, *, version: str | None = None, notes: dict[str, str] | None = None, date: str | None = None,
) -> Outcome:
    """Release the content's data: compare it with the latest release, choose (or check) the
    version, validate the package, record the release, then stamp ``content/package.yaml``
    with its version and date and write the data package. Writes nothing when nothing changed.

    Recording the release folder (one rename) is the step that makes the release: killed
    before it, nothing is released; killed after it, the next ``release`` finds the data
    unchanged and finishes the stamping."""
    import dataclasses
    import datetime

    from .content import load_content
    from .datapackage import build_files, stale_files, validate_package, write_package

    notes = notes or {"zh": "", "en": ""}
    if bool(notes.get("zh", "").strip()) != bool(notes.get("en", "").strip()):
        missing = "--notes-en" if notes.get("zh", "").strip() else "--notes-zh"
        raise ReleaseError(f"{missing}: missing; expected notes in both languages, or none")
    store = Store(folder)
    latest = store.latest()
    dataset = load_content(content)
    candidate = snapshot_of(build_files(dataset))
    previous = store.snapshot(latest.version) if latest is not None else Snapshot.empty()
    changes = diff(previous, candidate)
    suggested, reasons = suggest_bump(previous, changes) if latest is not None else ("major", ["the first release"])
    if latest is not None and changes.empty():
        # Nothing to release; but a release killed after it was recorded may have left the
        # content unstamped or the data package unwritten: finish those.
        created = f"{latest.date}T00:00:00Z"
        stamped = dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, version=latest.version, created=created))
        unstamped = (dataset.meta.version, dataset.meta.created) != (latest.version, created)
        if unstamped:
            _stamp(content / "package.yaml", latest.version, created)
        if unstamped or stale_files(build_files(stamped), datapackage):
            write_package(stamped, datapackage)
            return Outcome(None, None, (), latest.version, finished=True)
        return Outcome(None, None, (), latest.version)
    if version is None:
        version = bumped(latest.version, suggested or "patch") if latest is not None else dataset.meta.version
    parse_version(version)
    if version in store.versions():
        raise ReleaseError(f"{folder / version}: release {version} exists already; expected a new version (a release is never replaced)")
    if latest is not None:
        given = bump_of(latest.version, version)
        if given is None:
            raise ReleaseError(f"--version {version}: not after the latest release {latest.version}; expected a later version such as {bumped(latest.version, suggested or 'patch')}")
        if BUMPS.index(given) < BUMPS.index(suggested or "patch"):
            raise ReleaseError(
                f"--version {version}: a {given} release, but the change needs a {suggested} one ({'; '.join(reasons[:3])}); "
                f"expected {bumped(latest.version, suggested or 'patch')} or later"
            )
    day = date or datetime.datetime.now(datetime.UTC).date().isoformat()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        raise ReleaseError(f"--date {day}: not a date; expected YYYY-MM-DD") from None
    if latest is not None and day < latest.date:
        raise ReleaseError(f"--date {day}: before the latest release {latest.version} ({latest.date}); expected {latest.date} or later")
    created = f"{day}T00:00:00Z"
    stamped = dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, version=version, created=created))
    files = build_files(stamped)
    with tempfile.TemporaryDirectory(prefix="actionplans-release-") as checked:
        for name, data in files.items():
            (Path(checked) / name).write_bytes(data)
        validate_package(Path(checked))
        release = store.record(Snapshot.read(Path(checked)), version, day, notes)
    _stamp(content / "package.yaml", version, created)
    write_package(stamped, datapackage, validate=False)
    return Outcome(release, suggested, tuple(reasons), latest.version if latest else None)


def _stamp(path: Path, version: str, created: str) -> None:
    """Set ``version`` and ``created`` in package.yaml, leaving every other line as it is."""
    text = path.read_text(encoding="utf-8")
    text, versions = re.subn(r"(?m)^version:.*$", f"version: {version}", text, count=1)
    text, dates = re.subn(r"(?m)^created:.*$", f'created: "{created}"', text, count=1)
    if not (versions and dates):
        raise ReleaseError(f"{path}: no version: or created: line to set; expected the package.yaml of the content")
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
