"""Downloads made from the published data package: zip, CSV (plain and with BOM for Excel),
Parquet (``parquet.py``), JSON, one XLSX workbook, one SQLite database with its Datasette
metadata (``datasette.py``), per-plan subsets, static JSON endpoints and a DCAT catalogue.

Everything is derived from the table declarations in ``tables.py`` and is deterministic: the
same package gives the same bytes (zip entry times come from ``SOURCE_DATE_EPOCH`` or the
package's ``created`` date).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import files
from . import model as m
from .datasette import datasette_metadata
from .files import json_value
from .parquet import SMALL, WHOLE, parquet_bytes
from .paths import DESCRIPTOR_NAME
from .tables import COLLECTIONS, TABLES, TABLES_BY_NAME, SchemaTable, Table
from .texts import descriptions, text

#: A table's rows as JSON-ready objects (column name to typed value).
Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Download:
    """One downloadable file: where it goes under the site, what it is, and its bytes (or the
    file holding them, with their SHA-256 and size, for files kept between builds)."""

    path: str
    format: str
    zh: str
    en: str
    source: bytes | Path
    digest: str = ""
    length: int = -1

    @property
    def data(self) -> bytes:
        return self.source if isinstance(self.source, bytes) else self.source.read_bytes()

    @property
    def sha256(self) -> str:
        return self.digest or hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        if self.length >= 0:
            return self.length
        return len(self.source) if isinstance(self.source, bytes) else self.source.stat().st_size

    @property
    def size_text(self) -> str:
        return human_size(self.size)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[1]

    @property
    def media_type(self) -> str:
        return media_type(self.path)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def build_time(created: str) -> datetime:
    """The time stamped into archives: SOURCE_DATE_EPOCH if set, else the package's created date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def table_rows(dataset: m.Dataset) -> Rows:
    """Every table's rows, as the data package holds them."""
    return {table.name: [dict(zip(table.column_names, row, strict=True)) for row in table.rows(dataset)] for table in TABLES}


def make_downloads(package: files.Source, dataset: m.Dataset, base: str = "") -> list[Download]:
    """Every download of the data package ``package`` (a folder, or its files by name; ``dataset``
    was read from it), in the order the data page lists them. ``base`` is the site's address
    ("" for none), which the Datasette metadata names as the data's source."""
    return listed(dict(download_files(package, dataset, base)), dataset)


def listed(data: Mapping[str, bytes], dataset: m.Dataset) -> list[Download]:
    """The downloads whose bytes ``data`` holds by path, described, in the data page's order."""
    titles = {plan.id: plan.title for plan in dataset.plans.values()}
    return [Download(path, kind, zh, en, data[path]) for path, kind, zh, en in listings(titles)]


class Subsets:
    """Each plan's files made by an earlier ``download_files``, taken again while the plan's rows
    and the build time are the same (a preview keeps one between edits)."""

    def __init__(self) -> None:
        self.made: dict[str, tuple[datetime, dict[str, bytes], dict[str, bytes]]] = {}

    def files(self, plan_id: str, subset: Rows, when: datetime) -> dict[str, bytes]:
        """The plan's CSV zip, XLSX workbook and Parquet zip, by their suffix."""
        tables = {f"{name}.csv": _csv(TABLES_BY_NAME[name], r) for name, r in subset.items()}
        earlier = self.made.get(plan_id)
        if earlier is not None and earlier[0] == when and earlier[1] == tables:
            return earlier[2]
        made = {
            ".zip": zip_bytes(tables, when, folder=plan_id),
            ".xlsx": xlsx_bytes(subset, when),
            ".parquet.zip": parquet_zip(subset, when, folder=plan_id, compression=SMALL),
        }
        self.made[plan_id] = (when, tables, made)
        return made


def download_files(
    package: files.Source, dataset: m.Dataset, base: str = "", subsets: Subsets | None = None
) -> Iterator[tuple[str, bytes]]:
    """Each download's path and bytes, made one at a time: a caller may stop between two.
    ``subsets`` keeps the plans' files for the next call."""
    if isinstance(package, Path):
        package = {p.name: p.read_bytes() for p in sorted(package.iterdir()) if p.is_file()}
    when = build_time(dataset.meta.created)
    rows = table_rows(dataset)
    yield "downloads/datapackage.zip", zip_bytes(dict(package), when, folder=dataset.meta.name)
    yield "downloads/actionplans.xlsx", xlsx_bytes(rows, when)
    yield "downloads/actionplans.sqlite", sqlite_bytes(rows)
    yield "downloads/actionplans.metadata.json", datasette_metadata(dataset.meta, base)
    yield "downloads/actionplans.json", json_bytes(_head(dataset.meta), rows)
    yield "downloads/actionplans-parquet.zip", parquet_zip(rows, when, folder=f"{dataset.meta.name}-parquet")
    for table in TABLES:
        csv = package[f"{table.name}.csv"]
        yield f"downloads/csv/{table.name}.csv", csv
        yield f"downloads/csv-excel/{table.name}.csv", b"\xef\xbb\xbf" + csv
        yield f"downloads/parquet/{table.name}.parquet", parquet_bytes(table, rows[table.name])
    subsets = subsets or Subsets()
    for plan_id, subset in plan_subsets(rows).items():
        at = f"downloads/plans/{plan_id}"
        made = subsets.files(plan_id, subset, when)
        yield f"{at}.zip", made[".zip"]
        yield f"{at}.json", json_bytes(_head(dataset.meta), subset)
        yield f"{at}.xlsx", made[".xlsx"]
        yield f"{at}.parquet.zip", made[".parquet.zip"]


def source_downloads(dataset: m.Dataset, texts: Mapping[str, str]) -> list[Download]:
    """The texts of the sources that may be republished in full (``republish: whole``), as
    plain-text downloads; the others' texts are not offered."""
    return [
        Download(f"downloads/sources/{s.id}.txt", "TXT", *_described("source_text", source=s.title), texts[s.id].encode("utf-8"))
        for s in dataset.sources.values()
        if s.republish == "whole" and s.id in texts
    ]


def listings(titles: dict[str, m.Text]) -> list[tuple[str, str, str, str]]:
    """(path, format, description zh, description en) of every download, in page order."""
    current = descriptions()["current"]
    kinds = {"datapackage.zip": "ZIP", "actionplans.xlsx": "XLSX", "actionplans.sqlite": "SQLite", "actionplans.json": "JSON"}
    out = [(f"downloads/{name}", kinds[name], what["zh"], what["en"]) for name, what in current.items()]
    metadata, parquet = text("datasette_metadata"), text("parquet_zip")
    out.insert(3, ("downloads/actionplans.metadata.json", "JSON (Datasette)", metadata["zh"], metadata["en"]))
    out.append(("downloads/actionplans-parquet.zip", "ZIP (Parquet)", parquet["zh"], parquet["en"]))
    for table in TABLES:
        name = m.Text(table.zh, table.en)
        out.append((f"downloads/csv/{table.name}.csv", "CSV", *_described("table_csv", table=name)))
        out.append((f"downloads/csv-excel/{table.name}.csv", "CSV (BOM)", *_described("table_csv_excel", table=name)))
        one = text("parquet_table", table=name)
        out.append((f"downloads/parquet/{table.name}.parquet", "Parquet", one["zh"], one["en"]))
    for plan_id, title in titles.items():
        at = f"downloads/plans/{plan_id}"
        subset = text("parquet_subset", title=title)
        out += [
            (f"{at}.zip", "ZIP (CSV)", *_described("plan_zip", plan=title)),
            (f"{at}.json", "JSON", *_described("plan_json", plan=title)),
            (f"{at}.xlsx", "XLSX", *_described("plan_xlsx", plan=title)),
            (f"{at}.parquet.zip", "ZIP (Parquet)", subset["zh"], subset["en"]),
        ]
    return out


def _described(kind: str, **names: m.Text) -> tuple[str, str]:
    """A download's description in both languages, each with the titles it names filled in."""
    both = text(kind, **names)
    return both["zh"], both["en"]


# --- plan subsets, by the declared foreign keys ----------------------------------------------
#: The table whose rows own the rest of a subset.
ROOT = "plans"


def owned_tables() -> dict[str, tuple[str, str]]:
    """Tables whose rows belong to one plan, each with the foreign key column that leads to its
    owner and the owner's table (``plans`` leads to itself): the tables reached from ``plans``
    by following foreign keys backwards."""
    owned: dict[str, tuple[str, str]] = {ROOT: ("id", ROOT)}
    changed = True
    while changed:
        changed = False
        for table in TABLES:
            if table.name in owned:
                continue
            for key in table.foreign_keys:
                if key.resource in owned and len(key.columns) == 1:
                    owned[table.name] = (key.columns[0], key.resource)
                    changed = True
                    break
    return owned


def plan_subsets(rows: Rows) -> dict[str, Rows]:
    """Each plan's rows and the rows they refer to, so that every foreign key of the subset
    resolves; in one pass over the tables.

    A plan's subset holds the rows owned by the plan (see ``owned_tables``), every row those
    rows refer to (and the rows those refer to, in turn), and the rows that are parts of a
    referred row (whose primary key holds its foreign key, such as a source's authors). The
    glossary, which no plan refers to, is in no subset.
    """
    owned = owned_tables()
    plan_ids = [r["id"] for r in rows[ROOT]]
    plan_of: dict[str, dict[str, str]] = {ROOT: {pid: pid for pid in plan_ids}}
    subsets: dict[str, dict[str, list[dict[str, Any]]]] = {pid: {} for pid in plan_ids}
    for table in TABLES:  # owners come before the tables that refer to them
        if table.name not in owned:
            continue
        column, owner = owned[table.name]
        mapping = plan_of[owner]
        ids = plan_of.setdefault(table.name, {}) if "id" in table.column_names else None
        for row in rows[table.name]:
            pid = mapping.get(row[column])
            if pid is None:
                continue
            subsets[pid].setdefault(table.name, []).append(row)
            if ids is not None:
                ids[row["id"]] = pid
    position = {
        t.name: {r["id"]: i for i, r in enumerate(rows[t.name])}
        for t in TABLES
        if t.name not in owned and t.primary_key == ("id",)
    }
    out: dict[str, Rows] = {}
    for pid, subset in subsets.items():
        wanted: dict[str, set[str]] = {}
        pending = [row_table for row_table in subset]
        while pending:  # follow foreign keys out of the subset until nothing new is wanted
            name = pending.pop()
            for key in TABLES_BY_NAME[name].foreign_keys:
                if key.resource in owned or len(key.columns) != 1:
                    continue
                source_rows = subset[name] if name in owned else [rows[name][position[name][i]] for i in wanted.get(name, ())]
                new = {r[key.columns[0]] for r in source_rows if r[key.columns[0]] is not None} - wanted.get(key.resource, set())
                if new:
                    wanted.setdefault(key.resource, set()).update(new)
                    pending.append(key.resource)
        result: Rows = {}
        for table in TABLES:
            if table.name in owned:
                result[table.name] = subset.get(table.name, [])
            elif table.name in wanted:
                result[table.name] = [rows[table.name][i] for i in sorted(position[table.name][k] for k in wanted[table.name])]
            else:
                part = next(
                    (k for k in table.foreign_keys if k.resource in wanted and set(k.columns) <= set(table.primary_key)), None
                )
                if part is not None:
                    keys = wanted[part.resource]
                    result[table.name] = [r for r in rows[table.name] if r[part.columns[0]] in keys]
        out[pid] = result
    return out


# --- formats ---------------------------------------------------------------------------------
def zip_bytes(files: dict[str, bytes], when: datetime, folder: str) -> bytes:
    """A zip of ``files`` under ``folder/``, with fixed entry times and order."""
    buffer = io.BytesIO()
    stamp = _zip_time(when)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def parquet_zip(
    rows: Rows, when: datetime, folder: str, schema: Sequence[Schema] | None = None, compression: str = WHOLE
) -> bytes:
    """Every table of ``rows`` as a Parquet file, in one zip under ``folder/``."""
    tables = [t for t in (schema or TABLES) if t.name in rows]
    return zip_bytes({f"{t.name}.parquet": parquet_bytes(t, rows[t.name], compression) for t in tables}, when, folder)


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when, datetime(1980, 1, 1, tzinfo=UTC))
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _csv(table: Table, rows: list[dict[str, Any]]) -> bytes:
    return files.csv_bytes(table.column_names, ([row[c] for c in table.column_names] for row in rows))


def _head(meta: m.PackageMeta) -> dict[str, Any]:
    return {
        "name": meta.name,
        "version": meta.version,
        "licenses": [{"name": meta.licence_name, "path": meta.licence_path, "title": meta.licence_title}],
    }


def json_bytes(head: dict[str, Any], rows: Rows) -> bytes:
    """The tables as one JSON document: ``{name, version, licenses, tables: {table: [rows]}}``
    (``head`` gives the first three, as a descriptor states them)."""
    document = {
        "name": head["name"],
        "version": head["version"],
        "licenses": head["licenses"],
        "tables": {name: [{k: json_value(v) for k, v in row.items()} for row in table_rows] for name, table_rows in rows.items()},
    }
    return _dump(document)


Schema = Table | SchemaTable


def xlsx_bytes(rows: Rows, when: datetime, schema: Sequence[Schema] | None = None) -> bytes:
    """One workbook: a sheet per table and a ``fields`` sheet. Text stays text, never a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties({"author": "actionplans", "created": when.replace(tzinfo=None)})
    bold = book.add_format({"bold": True})

    def write(sheet: Any, row: int, values: Iterable[Any]) -> None:
        for column, value in enumerate(values):
            value = json_value(value)
            if isinstance(value, str):
                sheet.write_string(row, column, value)  # stored as text: "=1+1" stays the characters =1+1
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif value is not None:
                sheet.write_number(row, column, value)

    tables = [t for t in (schema or TABLES) if t.name in rows]
    fields = book.add_worksheet("fields")
    fields.write_row(0, 0, ["table", "field", "type", "constraints", "description_zh", "description_en"], bold)
    line = 1
    for table in tables:
        for column in table.columns:
            write(fields, line, [table.name, column.name, column.type, column.constraint_text(), column.zh, column.en])
            line += 1
    for table in tables:
        sheet = book.add_worksheet(table.name[:31])
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, table.column_names, bold)
        for number, row in enumerate(rows[table.name], start=1):
            write(sheet, number, [row[c] for c in table.column_names])
    book.close()
    return buffer.getvalue()  # reproducible as it is: XlsxWriter stamps every entry 1980-01-01


_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "string": "TEXT", "date": "TEXT"}


def sqlite_bytes(rows: Rows, schema: Sequence[Schema] | None = None) -> bytes:
    """A SQLite database with one table per resource, primary and foreign keys enforced."""
    tables = schema or list(TABLES)
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        for table in tables:
            connection.execute(_create_table(table))
        for table in tables:
            names = table.column_names
            connection.executemany(
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                [tuple(json_value(r[c]) for c in names) for r in rows[table.name]],
            )
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"foreign key problems in the SQLite export: {problems[:5]}")
        connection.commit()
        connection.execute("VACUUM")
        return connection.serialize()
    finally:
        connection.close()


def _create_table(table: Schema) -> str:
    lines = []
    for column in table.columns:
        line = f"  {column.name} {_SQL_TYPES[column.type]}"
        if column.required:
            line += " NOT NULL"
        lines.append(line)
    lines.append(f"  PRIMARY KEY ({', '.join(table.primary_key)})")
    for key in table.foreign_keys:
        # a key to the table's own rows (a region's parent) is checked at the commit, whatever the rows' order
        deferred = " DEFERRABLE INITIALLY DEFERRED" if key.resource == table.name else ""
        lines.append(f"  FOREIGN KEY ({', '.join(key.columns)}) REFERENCES {key.resource} ({', '.join(key.reference)}){deferred}")
    return f"CREATE TABLE {table.name} (\n" + ",\n".join(lines) + "\n)"


# --- static JSON endpoints -------------------------------------------------------------------
def record_json(table: Table, record: Any, children: bool = True) -> dict[str, Any]:
    """A record as its endpoint shows it: its row's columns, each list attribute under the
    attribute's name (``theme_ids``), and, with ``children``, the records it owns (a plan's
    ``statements``, ``tasks`` and ``figures``) under their table's name."""
    out = table.json_row(tuple(c.value(record) for c in table.columns))
    for list_table in TABLES:
        if list_table.list_of is not None and list_table.list_of[0] == table.name:
            items = [c for c in list_table.columns if c.path[0] == "item"]
            values = getattr(record, list_table.list_of[1])
            if len(items) == 1 and items[0].path == ("item",):
                out[list_table.list_of[1]] = list(values)
            else:
                out[list_table.list_of[1]] = [{c.name: c.value(_Holder(v)) for c in items} for v in values]
    if children:
        for child, records in _children(table, record):
            out[child.name] = [record_json(child, r, children=False) for r in records]
    return out


@dataclass(frozen=True)
class _Holder:
    item: Any


def _children(table: Table, record: Any) -> list[tuple[Table, Iterable[Any]]]:
    owned = owned_tables()
    out: list[tuple[Table, Iterable[Any]]] = []
    if table.name not in owned:
        return out
    for child in TABLES:
        if child.name == table.name or child.name not in owned or child.list_of is not None:
            continue
        if any(key.resource == table.name for key in child.foreign_keys):
            out.append((child, _CHILD_RECORDS[(table.name, child.name)](record)))
    return out


#: How a record reaches the records it owns (the model's navigation, constant time each).
_CHILD_RECORDS: dict[tuple[str, str], Any] = {
    ("plans", "statements"): lambda plan: plan.statements,
    ("plans", "tasks"): lambda plan: plan.tasks,
    ("plans", "figures"): lambda plan: plan.figures,
    ("tasks", "figures"): lambda task: task.figures,
}


def _dump(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def endpoints(dataset: m.Dataset) -> dict[str, bytes]:
    """Static JSON endpoints: ``api/<table>/<id>.json`` for every record of every entity table,
    and ``api/index.json`` listing them."""
    out: dict[str, bytes] = {}
    index: dict[str, Any] = {"name": dataset.meta.name, "version": dataset.version}
    for name, attribute in COLLECTIONS.items():
        table = TABLES_BY_NAME[name]
        records = dataset.iter_tasks() if name == "tasks" else getattr(dataset, attribute).values()
        paths = []
        for record in records:
            path = f"{name}/{record.id}.json"
            out[f"api/{path}"] = _dump(record_json(table, record))
            paths.append(path)
        index[name] = paths
    out["api/index.json"] = _dump(index)
    return out


# --- DCAT ------------------------------------------------------------------------------------
def dcat_catalog(dataset: m.Dataset, downloads: list[Download], base: str, versions: dict[str, Any] | None = None) -> bytes:
    """A DCAT catalogue (JSON-LD) describing the dataset and each of its distributions.

    ``base`` is the site's address ending in "/", or "" when the site has none: the IRIs are
    then relative, resolved against wherever the catalogue is served from. ``versions`` are the
    properties naming the dataset's releases (``history.versions_of``); only the current
    dataset is typed ``dcat:Dataset`` here (a harvester makes a dataset of every typed node),
    each release being described in a catalogue of its own."""
    meta = dataset.meta
    document = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "spdx": "http://spdx.org/rdf/terms#",
        },
        "@id": base + "catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": [{"@value": meta.title.zh, "@language": "zh-Hans"}, {"@value": meta.title.en, "@language": "en"}],
        "foaf:homepage": {"@id": base or "./"},
        "dcat:dataset": {
            "@id": base + "#dataset",
            "@type": "dcat:Dataset",
            "dct:identifier": meta.name,
            "dct:title": [{"@value": meta.title.zh, "@language": "zh-Hans"}, {"@value": meta.title.en, "@language": "en"}],
            "dct:description": [
                {"@value": meta.description.zh, "@language": "zh-Hans"},
                {"@value": meta.description.en, "@language": "en"},
            ],
            "dct:license": {"@id": meta.licence_path},
            "dct:language": ["zh", "en"],
            "dcat:version": meta.version,
            "dct:modified": {"@value": meta.created[:10], "@type": "xsd:date"},
            "dcat:keyword": [c.label.en for c in dataset.themes.values()],
            "dcat:landingPage": {"@id": base + "data/"},
            "dcat:distribution": [distribution(d, base) for d in downloads],
            **(versions or {}),
        },
    }
    return _dump(document)


def distribution(download: Download, base: str) -> dict[str, Any]:
    """A download as a DCAT distribution, with its size and SHA-256."""
    return {
        "@type": "dcat:Distribution",
        "dct:title": download.en,
        "dcat:downloadURL": {"@id": base + download.path},
        "dcat:mediaType": download.media_type,
        "dcat:byteSize": {"@value": str(download.size), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": download.sha256,
        },
    }


_MEDIA_TYPES = {
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".sqlite": "application/vnd.sqlite3",
    ".json": "application/json",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".parquet": "application/vnd.apache.parquet",
}


def media_type(path: str) -> str:
    return _MEDIA_TYPES[Path(path).suffix]


__all__ = [
    "DESCRIPTOR_NAME",
    "Download",
    "Subsets",
    "dcat_catalog",
    "download_files",
    "endpoints",
    "human_size",
    "listed",
    "make_downloads",
    "media_type",
    "parquet_zip",
    "plan_subsets",
    "record_json",
    "source_downloads",
]
