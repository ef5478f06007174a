"""Change logs: what changed from one snapshot to another, row by row and field by field,
and a change log applied to rebuild the newer snapshot from the older.

A change log names rows by their primary key (composite keys too): rows added (with the row
before which they stand), removed (with their values) and changed (each changed field's old and
new value); fields and tables added or removed. A key change is a removal plus an addition.
Values are typed (a number is a ``Decimal``); written as JSON by ``files.json_default``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from . import files
from .snapshots import Key, Snapshot, TableData

if TYPE_CHECKING:
    import pandas


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
        return not (
            self.added
            or self.removed
            or self.changed
            or self.order
            or self.fields_added
            or self.fields_removed
            or self.fields_changed
        )

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
        """The change log as ``changes.json`` holds it, its values typed (``json_bytes`` writes it)."""
        tables = {}
        for name, t in self.tables.items():
            entry: dict[str, Any] = {"key": t.key, "added": t.added, "removed": t.removed, "changed": t.changed}
            if t.order is not None:
                entry["order"] = t.order
            if t.fields_added or t.fields_removed or t.fields_changed:
                entry["fields"] = {"added": t.fields_added, "removed": t.fields_removed, "changed": t.fields_changed}
            tables[name] = entry
        return {
            "tables": tables,
            "tables_added": self.tables_added,
            "tables_removed": self.tables_removed,
            "metadata": self.metadata,
        }

    def json_bytes(self, version: str, previous: str | None) -> bytes:
        """``changes.json`` of release ``version``: its numbers by ``files.json_number``."""
        document = {"version": version, "previous": previous, **self.to_json()}
        return (json.dumps(document, ensure_ascii=False, indent=1, default=files.json_default) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: dict[str, Any], types: dict[str, dict[str, str]] | None = None) -> Changes:
        """A change log as ``to_json`` gives it (``changes.json``). With ``types`` (each table's
        fields' types), every value is typed by its field (a number as a ``Decimal``, whether the
        file holds it as a number or, as the first releases did, as text)."""
        if types is not None:
            data = _typed_log(data, types)
        out = cls(
            tables_added=list(data.get("tables_added", [])),
            tables_removed=list(data.get("tables_removed", [])),
            metadata=data.get("metadata", {}),
        )
        for name, t in data.get("tables", {}).items():
            fields_ = t.get("fields", {})
            out.tables[name] = TableChanges(
                t["key"],
                t["added"],
                t["removed"],
                t["changed"],
                t.get("order"),
                fields_.get("added", []),
                fields_.get("removed", []),
                fields_.get("changed", []),
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
RELEASE_PROPERTIES = {"version", "created", "resources"}


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
        changes.tables[name] = TableChanges(
            table.key, removed=[{"key": list(table.key_of(r)), "row": dict(r)} for r in table.rows]
        )
    for prop in sorted(set(old.descriptor) | set(new.descriptor)):
        if prop in RELEASE_PROPERTIES:
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
            result.added.append({"key": list(key), "row": dict(row), "after": list(previous) if previous is not None else None})
        else:
            fields_ = {
                n: {"old": before.get(n), "new": row.get(n)}
                for n in new.fields
                if not _equal(before.get(n), row.get(n))  # a field added: its values, from none
            }
            if fields_:
                result.changed.append({"key": list(key), "fields": fields_})
        previous = key
    removed_rows = old.rows if not same_key else [r for r in old.rows if old.key_of(r) not in new_set]
    result.removed = [{"key": list(old.key_of(r)), "row": dict(r)} for r in removed_rows]
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
        removed = {
            tuple(files.from_json(v, types.get(k, "string")) for k, v in zip(change.key, e["key"], strict=True))
            for e in change.removed
        }
        table.rows = [r for r in table.rows if before.key_of(r) not in removed]
    elif before is not None:  # the key itself changed: every old row was removed
        table.rows = []
    if change.changed:
        position = {tuple(r.get(k) for k in change.key): i for i, r in enumerate(table.rows)}
        for entry in change.changed:
            at = position[
                tuple(files.from_json(v, types.get(k, "string")) for k, v in zip(change.key, entry["key"], strict=True))
            ]
            table.rows[at] = {
                **table.rows[at],
                **{n: files.from_json(v["new"], types.get(n, "string")) for n, v in entry["fields"].items()},
            }
    if change.added:
        # Each added row stands right after the row named in "after" (None: at the start); the
        # kept rows keep their order. Emitted in one pass, so large tables take linear time.
        def typed_key(values: list[Any]) -> Key:
            return tuple(files.from_json(v, types.get(k, "string")) for k, v in zip(change.key, values, strict=True))

        following: dict[Key | None, list[dict[str, Any]]] = {}
        for entry in change.added:
            row = {k: files.from_json(v, types.get(k, "string")) for k, v in entry["row"].items()}
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
        table.rows = [
            by_key[tuple(files.from_json(v, types.get(k, "string")) for k, v in zip(change.key, key, strict=True))]
            for key in change.order
        ]


def _typed_log(data: dict[str, Any], types: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A parsed change log with each row's, key's and field's value typed by its field."""

    def row(table: str, values: dict[str, Any]) -> dict[str, Any]:
        kinds = types.get(table, {})
        return {k: files.from_json(v, kinds.get(k, "string")) for k, v in values.items()}

    def key(table: str, names: list[str], values: list[Any] | None) -> list[Any] | None:
        if values is None:
            return None
        kinds = types.get(table, {})
        return [files.from_json(v, kinds.get(n, "string")) for n, v in zip(names, values, strict=True)]

    tables = {}
    for name, t in data.get("tables", {}).items():
        kinds = types.get(name, {})
        tables[name] = {
            **t,
            "added": [
                {
                    **e,
                    "key": key(name, t["key"], e["key"]),
                    "row": row(name, e["row"]),
                    "after": key(name, t["key"], e.get("after")),
                }
                for e in t["added"]
            ],
            "removed": [{**e, "key": key(name, t["key"], e["key"]), "row": row(name, e.get("row", {}))} for e in t["removed"]],
            "changed": [
                {
                    **e,
                    "key": key(name, t["key"], e["key"]),
                    "fields": {
                        f: {
                            "old": files.from_json(v["old"], kinds.get(f, "string")),
                            "new": files.from_json(v["new"], kinds.get(f, "string")),
                        }
                        for f, v in e["fields"].items()
                    },
                }
                for e in t["changed"]
            ],
            **({"order": [key(name, t["key"], k) for k in t["order"]]} if t.get("order") is not None else {}),
        }
    return {**data, "tables": tables}
