"""The data's history as the site shows it: what each release did to every plan and task, and
what each release page lists (``TableView``), from the releases' files (``archive``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model as m
from .archive import Published, publish
from .snapshots import Snapshot
from .store import Store
from .tables import schema_tables

#: Tables whose records have pages of their own, and so a history on them.
PAGED = ("plans", "tasks")


@dataclass(frozen=True)
class Event:
    """One change to a record: the release, what happened (added, changed, removed), the fields."""

    version: str
    op: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class History:
    """The releases the site publishes, and what each did to every plan and task."""

    published: tuple[Published, ...] = ()
    events: dict[tuple[str, str], list[Event]] = field(default_factory=dict)
    #: Each release's changes as its page shows them.
    views: dict[str, list[TableView]] = field(default_factory=dict)

    @classmethod
    def of(cls, store: Store, cache: Path | None = None) -> History:
        """Every release in ``store``, each rebuilt and checked against its checksums (its files
        kept in ``cache`` between builds)."""
        published = publish(store, cache)
        views = {p.version: table_views(p, published[i - 1].snapshot if i else None) for i, p in enumerate(published)}
        return cls(tuple(published), record_history(published), views)

    def target(self, event: Event, table: str, record_id: str) -> str:
        """Where on its release page an event of a record is shown: the fragment ("#…") of the
        row's change, else of the first table it changed, else "" (the page itself)."""
        release = self.get(event.version)
        if release is None or release.release.previous is None:
            return ""  # the first release's page lists no rows: it added them all
        views = {v.name: v for v in self.views.get(event.version, [])}
        own = views.get(table)
        if own is not None:
            anchor = anchor_of(table, (record_id,))
            if any(r.anchor == anchor for r in (*own.changed, *own.added, *own.removed)):
                return "#" + anchor
        for name in (table, *event.fields):
            if name in views:
                return "#" + views[name].anchor
        return ""

    @property
    def current(self) -> Published | None:
        return self.published[-1] if self.published else None

    def get(self, version: str) -> Published | None:
        return next((p for p in self.published if p.version == version), None)

    def of_record(self, table: str, record_id: str) -> list[Event]:
        """The releases that added or changed a plan or task, oldest first."""
        return self.events.get((table, record_id), [])


def record_history(published: Sequence[Published]) -> dict[tuple[str, str], list[Event]]:
    """For each plan and task (by table and id), the releases that added, changed or removed
    it, with what changed: its own fields, and the tables of rows that belong to it (a task's
    themes, a plan's figures), found by each release's own foreign keys. A task added to or
    removed from a plan changes the plan's "tasks"."""
    out: dict[tuple[str, str], list[Event]] = {}
    for p in published:
        owners = _owners(p.snapshot.descriptor)
        touched: dict[tuple[str, str], tuple[str, set[str]]] = {}
        touch = functools.partial(_touch, touched)
        for name, table in p.changes.tables.items():
            if name in PAGED:
                for entry in table.added:
                    touch((name, str(entry["key"][0])), "added", ())
                for entry in table.removed:
                    touch((name, str(entry["key"][0])), "removed", ())
                for entry in table.changed:
                    touch((name, str(entry["key"][0])), "changed", entry["fields"])
            rows = None
            for column, owner in owners.get(name, ()):
                # A task added to or removed from a plan changes the plan; a task's own changes do not.
                groups = (table.added, table.removed) if name in PAGED else (table.added, table.removed, table.changed)
                for entries in groups:
                    for entry in entries:
                        row = entry.get("row")
                        if row is None:  # a changed row: its owner is in the release's own table
                            if rows is None:
                                data = p.snapshot.tables[name]
                                rows = {data.key_of(r): r for r in data.rows}
                            row = rows.get(tuple(entry["key"]), {})
                        if row.get(column) is not None:
                            touch((owner, str(row[column])), "changed", [name])
        for key, (op, fields) in touched.items():
            out.setdefault(key, []).append(Event(p.version, op, tuple(sorted(fields))))
    return out


def _touch(touched: dict[tuple[str, str], tuple[str, set[str]]], key: tuple[str, str], op: str, fields: Iterable[str]) -> None:
    """Note what a release did to a record: added or removed wins over changed, whose fields add up."""
    was, seen = touched.get(key, ("changed", set()))
    if was in ("added", "removed"):
        return
    touched[key] = (op, seen | set(fields)) if op == "changed" else (op, set())


def _owners(descriptor: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """For each table whose rows belong to plans or tasks, the single-column foreign keys that
    lead to them: (column, owner). A figure belongs to its plan and, if it names one, its task."""
    out: dict[str, list[tuple[str, str]]] = {}
    for table in schema_tables(descriptor):
        for fk in table.foreign_keys:
            if fk.resource in PAGED and fk.resource != table.name and len(fk.columns) == 1:
                out.setdefault(table.name, []).append((fk.columns[0], fk.resource))
    return out


# --- what a release page shows -----------------------------------------------------------------------
#: At most this many changed rows per table on a release page, and this many added or removed
#: rows of each table readers have pages for (plans, tasks, sources; the others' are counted), so
#: that no page grows past what a reader can use; changes.csv has them all.
CHANGED_SHOWN = 40
LISTED_SHOWN = 100
LISTED_TABLES = ("plans", "tasks", "sources")


@dataclass(frozen=True)
class RowView:
    """A row a release added, removed or changed, as its page names it."""

    key: tuple[str, ...]
    #: The id of its place on the release page, or "" when the page only counts it.
    anchor: str
    title: m.Text | None
    #: The row's own page ("tasks/<id>/"), for plans and tasks.
    page: str | None
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: m.Text
    old: Any
    new: Any


@dataclass(frozen=True)
class TableView:
    """One table's changes in a release."""

    name: str
    title: m.Text
    counts: dict[str, int]
    changed: tuple[RowView, ...]
    added: tuple[RowView, ...]
    removed: tuple[RowView, ...]
    fields_added: tuple[str, ...]
    fields_removed: tuple[str, ...]
    fields_changed: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"changes-{self.name}"

    def more(self, op: str) -> int:
        """How many rows of ``op`` the page leaves to changes.csv."""
        return self.counts[op] - len(getattr(self, op))


def anchor_of(table: str, key: Iterable[Any]) -> str:
    """The id of a row's change on its release page (a valid, readable HTML id)."""
    return "change-" + table + "-" + re.sub(r"[^A-Za-z0-9_-]+", "-", "--".join(str(k) for k in key)).strip("-")


def field_label(descriptor_field: dict[str, Any]) -> m.Text:
    """A field's name for readers: its description without the notes in brackets, keeping the
    language a bilingual pair's field is in ("Full text of the task (English)")."""
    zh = re.sub(r"（[^（）]*）(?=.*（)", "", descriptor_field.get("description_zh", "")) or descriptor_field["name"]
    en = re.sub(r" \([^()]*\)(?=.* \()", "", descriptor_field.get("description", "")) or descriptor_field["name"]
    if not re.search(r"（[中英]文）$", zh):
        zh = re.sub(r"（[^（）]*）$", "", zh)
    if not re.search(r" \((Chinese|English)\)$", en):
        en = re.sub(r" \([^()]*\)$", "", en)
    return m.Text(zh, en)


def table_views(p: Published, previous: Snapshot | None) -> list[TableView]:
    """What the release page of ``p`` shows, table by table, in the release's table order. The
    first release added every row: its page counts them and lists none."""
    titles = {
        r["name"]: m.Text(r.get("title_zh", r["name"]), r.get("title", r["name"])) for r in p.snapshot.descriptor["resources"]
    }
    if previous is not None:
        for r in previous.descriptor["resources"]:
            titles.setdefault(r["name"], m.Text(r.get("title_zh", r["name"]), r.get("title", r["name"])))
    first = p.release.previous is None
    out = []
    for name, t in p.changes.tables.items():
        table = p.snapshot.tables.get(name) or (previous.tables.get(name) if previous else None)
        fields = {f["name"]: f for f in table.schema["fields"]} if table else {}
        rows = {table.key_of(r): r for r in table.rows} if table and t.changed else {}

        def view(entry: dict[str, Any], row: dict[str, Any] | None, listed: bool, name: str = name) -> RowView:
            key = tuple(str(k) for k in entry["key"])
            title = None
            if row and row.get("title_zh") is not None:
                title = m.Text(str(row["title_zh"]), str(row.get("title_en") or ""))
            page = f"{name}/{key[0]}/" if name in PAGED and len(key) == 1 else None
            return RowView(key, anchor_of(name, key) if listed else "", title, page)

        changed = []
        for entry in t.changed[:CHANGED_SHOWN]:
            row = rows.get(tuple(entry["key"]))
            base = view(entry, row, True)
            changes = tuple(
                FieldChange(f, field_label(fields.get(f, {"name": f})), v["old"], v["new"]) for f, v in entry["fields"].items()
            )
            changed.append(RowView(base.key, base.anchor, base.title, base.page, changes))
        listed = name in LISTED_TABLES
        added = () if first or not listed else tuple(view(e, e.get("row"), True) for e in t.added[:LISTED_SHOWN])
        removed = tuple(view(e, e.get("row"), True) for e in t.removed[:LISTED_SHOWN]) if listed else ()
        out.append(
            TableView(
                name,
                titles.get(name, m.Text(name, name)),
                t.counts(),
                tuple(changed),
                added,
                removed,
                tuple(t.fields_added),
                tuple(t.fields_removed),
                tuple(c["name"] for c in t.fields_changed),
            )
        )
    return out
