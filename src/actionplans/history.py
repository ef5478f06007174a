"""The data's history as the site publishes it: every release's permanent files, the list of
releases, each record's changes, and the catalogue and citation of each version.

Each release gets, under ``releases/<version>/``: its data package as a zip, every table as
CSV, one JSON, XLSX and SQLite file, its change log as ``changes.json`` and ``changes.csv``
(table, op, key, field, old, new), a DCAT description (``catalog.jsonld``) and a
``SHA256SUMS``. Every file is made from the release's own descriptor and its rows rebuilt by
the store, so an old release keeps its own format.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import model as m
from .downloads import Download, distribution, json_bytes, sqlite_bytes, xlsx_bytes, zip_bytes
from .tables import schema_tables
from .versions import Changes, Release, Snapshot, Store

#: Tables whose records have pages of their own, and so a history on them.
PAGED = ("plans", "tasks")


@dataclass(frozen=True)
class Published:
    """A release as the site shows it: what it says, what changed, and its files."""

    release: Release
    changes: Changes
    downloads: list[Download]
    #: The release's data, rebuilt and checked by the store.
    snapshot: Snapshot

    @property
    def version(self) -> str:
        return self.release.version

    @property
    def path(self) -> str:
        return f"releases/{self.release.version}/"

    @property
    def files(self) -> list[Download]:
        """The release's files but the tables' CSVs (the package, the workbooks, the change log)."""
        return [d for d in self.downloads if not d.path.startswith(self.path + "csv/")]

    @property
    def table_files(self) -> list[Download]:
        """Each table of the release as CSV."""
        return [d for d in self.downloads if d.path.startswith(self.path + "csv/")]

    def download(self, name: str) -> Download:
        return next(d for d in self.downloads if d.name == name)


def publish(store: Store, cache: Path | None = None) -> list[Published]:
    """Every release with its files, oldest first (see ``release_files``)."""
    published = []
    for release in store.releases():
        downloads = release_files(store, release, cache)
        published.append(Published(release, store.changes(release.version), downloads, store.snapshot(release.version, verify=False)))
    return published


def release_files(store: Store, release: Release, cache: Path | None = None) -> list[Download]:
    """The permanent files of one release, in the order its page lists them, made from the
    release's own descriptor and rows (rebuilt by the store and checked against the SHA-256
    of every table).

    A release never changes, so its files are made once: with ``cache``, they are kept in
    ``cache/<version>/`` with what they were made from (the release's two files' SHA-256, and
    the code and libraries that made them) and their own checksums and sizes, and taken from
    there while all of it holds; anything else, and they are made again."""
    kept = _kept(cache / release.version, release) if cache is not None else None
    if kept is not None:
        return kept
    snapshot = store.snapshot(release.version)  # checked: what the files are made from is what was released
    when = datetime.strptime(release.date, "%Y-%m-%d").replace(tzinfo=UTC)
    descriptor = snapshot.descriptor
    rows = {name: table.rows for name, table in snapshot.tables.items()}
    schema = schema_tables(descriptor)
    head = {k: descriptor.get(k) for k in ("name", "version", "licenses")}
    changes = store.changes(release.version)
    files = snapshot.files()
    change_log = {"version": release.version, "previous": release.previous, **changes.to_json()}
    made = [
        ("datapackage.zip", "ZIP", zip_bytes(files, when, folder=f"{descriptor.get('name', 'data')}-{release.version}")),
        ("actionplans.xlsx", "XLSX", xlsx_bytes(rows, when, schema)),
        ("actionplans.sqlite", "SQLite", sqlite_bytes(rows, schema)),
        ("actionplans.json", "JSON", json_bytes(head, rows)),
        ("changes.json", "JSON", (json.dumps(change_log, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")),
        ("changes.csv", "CSV", changes_csv(changes)),
        *(("csv/" + r["path"], "CSV", files[r["path"]]) for r in descriptor["resources"]),
    ]
    titles = _titles(descriptor)
    out = [Download(f"releases/{release.version}/{name}", kind, *titles[name], data) for name, kind, data in made]
    if cache is not None:
        _keep(cache / release.version, release, out)
    return out


#: What each file of a release is, in both languages (the tables' are their titles).
_WHAT = {
    "datapackage.zip": ("完整数据包（datapackage.json 与全部 CSV）", "The whole data package (datapackage.json and every CSV)"),
    "actionplans.xlsx": ("Excel 工作簿", "Excel workbook"),
    "actionplans.sqlite": ("SQLite 数据库", "SQLite database"),
    "actionplans.json": ("全部数据表（JSON）", "Every table as JSON"),
    "changes.json": ("与上一版本相比的变化（JSON）", "Changes from the previous release (JSON)"),
    "changes.csv": ("与上一版本相比的变化（CSV，每项变化一行）", "Changes from the previous release (CSV, a row per change)"),
}


def _titles(descriptor: dict[str, Any]) -> dict[str, tuple[str, str]]:
    out = dict(_WHAT)
    for r in descriptor["resources"]:
        out["csv/" + r["path"]] = (r.get("title_zh", r["name"]), r.get("title", r["name"]))
    return out


_MANIFEST = "KEPT.json"


def _made_from(release: Release) -> dict[str, Any]:
    """What a release's kept files depend on: the release, and the code and libraries that make them."""
    return {"version": release.version, "date": release.date, "datapackage": release.sha256, "changes": release.changes_sha256, "makers": _makers()}


@functools.cache
def _makers() -> str:
    import sqlite3
    import zlib
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    code = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes() for name in ("history.py", "downloads.py", "versions.py", "tables.py", "numerals.py")))
    try:
        xlsx = version("XlsxWriter")
    except PackageNotFoundError:
        xlsx = "none"
    return f"actionplans {__version__} code {code.hexdigest()[:16]} xlsxwriter {xlsx} sqlite {sqlite3.sqlite_version} zlib {zlib.ZLIB_VERSION}"


def _kept(folder: Path, release: Release) -> list[Download] | None:
    """The files kept for ``release`` (as files, not read), if they were made from it by this
    code and each is there with the size it was made with."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("made_from") != _made_from(release):
            return None
        out = []
        for entry in manifest["files"]:
            path = folder / entry["name"]
            if path.stat().st_size != entry["size"]:
                return None
            out.append(Download(f"releases/{release.version}/{entry['name']}", entry["format"], entry["zh"], entry["en"], path, entry["sha256"], entry["size"]))
        return out
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep(folder: Path, release: Release, downloads: list[Download]) -> None:
    """Keep a release's files for later builds (written whole, or not at all)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    prefix = f"releases/{release.version}/"
    try:
        entries = []
        for d in downloads:
            name = d.path.removeprefix(prefix)
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(d.data)
            entries.append({"name": name, "format": d.format, "zh": d.zh, "en": d.en, "sha256": d.sha256, "size": d.size})
        manifest = {"made_from": _made_from(release), "files": entries}
        (staging / _MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.rename(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def changes_csv(changes: Changes) -> bytes:
    """The change log flat: a row per change (table, op, key, field, old, new)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["table", "op", "key", "field", "old", "new"])
    for table, op, key, field_name, old, new in changes.records():
        writer.writerow([table, op, key, field_name, _cell(old), _cell(new)])
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def sha256sums(downloads: list[Download], prefix: str) -> bytes:
    """A ``SHA256SUMS`` file for the downloads under ``prefix`` (the form ``sha256sum -c`` reads)."""
    lines = [f"{d.sha256}  {d.path.removeprefix(prefix)}" for d in downloads if d.path.startswith(prefix)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def releases_json(published: Sequence[Published], base: str) -> bytes:
    """``releases.json``: every release, oldest first, as {version, date, previous, url, sha256, changes, notes}."""
    document = [
        {
            "version": p.version, "date": p.release.date, "previous": p.release.previous, "url": base + p.path,
            "sha256": p.release.sha256, "changes": p.release.counts, "notes": p.release.notes,
            "bump": p.release.bump,
        }
        for p in published
    ]
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


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
                                rows = {tuple(_json_key(v) for v in data.key_of(r)): r for r in data.rows}
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


def _json_key(value: Any) -> Any:
    return int(value) if isinstance(value, Decimal) and value == value.to_integral_value() else value


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
    titles = {r["name"]: m.Text(r.get("title_zh", r["name"]), r.get("title", r["name"])) for r in p.snapshot.descriptor["resources"]}
    if previous is not None:
        for r in previous.descriptor["resources"]:
            titles.setdefault(r["name"], m.Text(r.get("title_zh", r["name"]), r.get("title", r["name"])))
    first = p.release.previous is None
    out = []
    for name, t in p.changes.tables.items():
        table = p.snapshot.tables.get(name) or (previous.tables.get(name) if previous else None)
        fields = {f["name"]: f for f in table.schema["fields"]} if table else {}
        rows = {tuple(_json_key(v) for v in table.key_of(r)): r for r in table.rows} if table and t.changed else {}

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
        out.append(TableView(
            name, titles.get(name, m.Text(name, name)), t.counts(), tuple(changed), added, removed,
            tuple(t.fields_added), tuple(t.fields_removed), tuple(c["name"] for c in t.fields_changed),
        ))
    return out


# --- catalogues and citation ------------------------------------------------------------------------
_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "adms": "http://www.w3.org/ns/adms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "spdx": "http://spdx.org/rdf/terms#", "foaf": "http://xmlns.com/foaf/0.1/",
}


def release_id(base: str, version: str) -> str:
    return f"{base}releases/{version}/#dataset"


def release_catalog(p: Published, base: str) -> bytes:
    """A release described in a file of its own, from its own descriptor (so that it never
    changes): a version of the dataset, with its distributions."""
    descriptor = p.snapshot.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]
    node: dict[str, Any] = {
        "@id": release_id(base, p.version),
        "@type": "dcat:Dataset",
        "dct:identifier": f"{descriptor.get('name')}@{p.version}",
        "dct:title": [
            {"@value": f"{descriptor.get('title_zh', '')}（{p.version}）", "@language": "zh-Hans"},
            {"@value": f"{descriptor.get('title', '')} ({p.version})", "@language": "en"},
        ],
        "dcat:version": p.version,
        "dct:issued": {"@value": p.release.date, "@type": "xsd:date"},
        "dct:isVersionOf": {"@id": base + "#dataset"},
        "adms:versionNotes": [{"@value": p.release.notes.get("zh", ""), "@language": "zh-Hans"}, {"@value": p.release.notes.get("en", ""), "@language": "en"}],
        "dcat:distribution": [distribution(d, base) for d in p.downloads],
        "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"}, "spdx:checksumValue": p.release.sha256},
    }
    if licence.get("path"):
        node["dct:license"] = {"@id": licence["path"]}
    if p.release.previous:
        node["dcat:previousVersion"] = {"@id": release_id(base, p.release.previous)}
    document = {"@context": _CONTEXT, **node}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def versions_of(published: Sequence[Published], base: str) -> dict[str, Any]:
    """What the main catalogue says of the dataset's versions (its releases are described in files of their own)."""
    if not published:
        return {}
    return {
        "dcat:hasVersion": [{"@id": release_id(base, p.version)} for p in published],
        "dcat:hasCurrentVersion": {"@id": release_id(base, published[-1].version)},
    }


def citation_cff(dataset: m.Dataset, current: Published | None, base: str) -> bytes:
    """CITATION.cff for the data set, naming its version and that version's permanent address."""
    meta = dataset.meta
    version = current.version if current else meta.version
    date = current.release.date if current else meta.created[:10]
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this data, please cite it as below."',
        "type: dataset",
        f"title: {json.dumps(meta.title.en, ensure_ascii=False)}",
        f"version: {json.dumps(version)}",
        f"date-released: {json.dumps(date)}",
        f"license: {json.dumps(meta.licence_name)}",
        "authors:",
        *[f"  - name: {json.dumps(c.title, ensure_ascii=False)}" for c in meta.contributors],
    ]
    if base:
        lines.append(f"url: {json.dumps(base + f'releases/{version}/')}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def descriptor_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
