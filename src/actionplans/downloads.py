"""Downloads made from the published data package: zip, CSV (plain and with BOM for Excel),
JSON, one XLSX workbook, one SQLite database, per-plan subsets, and static JSON endpoints.

Every file is deterministic: the same package gives the same bytes (zip entry times come from
``SOURCE_DATE_EPOCH`` or the package's ``created`` date).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import model as m
from .datapackage import read_tables, write_csv
from .paths import DESCRIPTOR_NAME
from .tables import TABLES, TABLES_BY_NAME, Table

#: Tables that belong to one plan; the others are shared reference tables.
PLAN_TABLES = {
    "plans": "id", "plan_issuers": "plan_id", "plan_groups": "plan_id", "plan_themes": "plan_id",
    "statements": "plan_id", "tasks": "plan_id", "figures": "plan_id",
}
TASK_LINK_TABLES = ("task_themes", "task_actors", "task_groups")

Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Listing:
    """What a page shows of a download before it is made: where it goes and what it is."""

    path: str
    format: str
    zh: str
    en: str


@dataclass(frozen=True)
class Download(Listing):
    """One downloadable file: where it goes under the site, what it is, and its bytes."""

    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def size_text(self) -> str:
        return human_size(len(self.data))


@dataclass(frozen=True)
class PendingDownload(Listing):
    """A download still being made: its size and checksum are placeholders, which
    ``fill_placeholders`` replaces with the values once it exists. The pages can be rendered,
    and MkDocs can run, meanwhile."""

    number: int

    @property
    def sha256(self) -> str:
        return f"{_OPEN}{self.number}h{_CLOSE}"

    @property
    def size(self) -> str:
        return f"{_OPEN}{self.number}b{_CLOSE}"

    @property
    def size_text(self) -> str:
        return f"{_OPEN}{self.number}s{_CLOSE}"


# Placeholders are delimited by two private-use characters, which no page text holds (content
# with private-use characters is refused by the check; the site's own templates do not use them)
# and which Markdown, HTML escaping and JSON without ASCII escaping all leave as they are.
_OPEN, _CLOSE = "\ue000", "\ue001"
PLACEHOLDER_START = _OPEN
PLACEHOLDER = re.compile(f"{_OPEN}([0-9]+)([bsh]){_CLOSE}")


def fill_placeholders(text: str, made: list[tuple[int, str]]) -> str:
    """``text`` with the placeholders of ``PendingDownload`` number *n* replaced by the values
    of ``made[n]`` (its size in bytes and its SHA-256), exactly as ``Download`` renders them."""

    def value(match: re.Match[str]) -> str:
        size, digest = made[int(match[1])]
        kind = match[2]
        return str(size) if kind == "b" else human_size(size) if kind == "s" else digest

    return PLACEHOLDER.sub(value, text)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def build_time(descriptor: dict[str, Any]) -> datetime:
    """The time stamped into archives: SOURCE_DATE_EPOCH if set, else the package's created date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.strptime(descriptor["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def make_downloads(package_dir: Path, dataset: m.Dataset, parallel: bool = True) -> list[Download]:
    """Every download, in the order the data page lists them.

    With many plans (and ``parallel``) the workbooks, the database and the per-plan subsets are
    made by a pool of processes (one per CPU), each forked with the tables already in memory.
    """
    work = DownloadWork(package_dir, dataset)
    with work.inputs():
        if parallel and work.parallel:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(os.cpu_count(), mp_context=multiprocessing.get_context("fork")) as pool:
                made = list(pool.map(run_download_job, work.jobs))
        else:
            made = [run_download_job(job) for job in work.jobs]
    return work.assemble(made)


class DownloadWork:
    """The downloads of one data package: what they are (``listings``, known before any is
    made), independent jobs that make them (for ``run_download_job``), and how the jobs'
    results are put together. A caller may run the jobs in its own processes: they must be
    forked inside ``inputs()``, which is what the jobs read."""

    def __init__(self, package_dir: Path, dataset: m.Dataset) -> None:
        self.descriptor, self.rows = read_tables(package_dir)
        self.when = build_time(self.descriptor)
        self.files = {p.name: p.read_bytes() for p in sorted(package_dir.iterdir()) if p.is_file()}
        self.titles = {plan.id: plan.title for plan in dataset.plans.values()}
        plan_ids = list(self.titles)
        workers = os.cpu_count() or 1
        chunk = max(1, len(plan_ids) // (4 * workers))
        self.jobs: list[tuple[str, list[str]]] = [("xlsx", []), ("sqlite", []), ("json", [])]
        self.jobs += [("plans", plan_ids[i : i + chunk]) for i in range(0, len(plan_ids), chunk)]
        self.parallel = len(plan_ids) >= PARALLEL_FROM and workers > 1

    def listings(self) -> list[Listing]:
        """Every download, in the order the pages list them (see ``listings``)."""
        return listings(self.titles)

    @contextmanager
    def inputs(self) -> Iterator[None]:
        global _JOB_INPUT
        _JOB_INPUT = (self.rows, self.descriptor, self.when)
        try:
            yield
        finally:
            _JOB_INPUT = None

    def assemble(self, made: list[dict[str, bytes]]) -> list[Download]:
        """The downloads in page order, given the results of the jobs."""
        data = {path: part[path] for part in made for path in part}
        data["downloads/datapackage.zip"] = zip_bytes(self.files, self.when, folder="actionplans")
        for table in TABLES:
            csv = self.files[f"{table.name}.csv"]
            data[f"downloads/csv/{table.name}.csv"] = csv
            data[f"downloads/csv-excel/{table.name}.csv"] = b"\xef\xbb\xbf" + csv
        return [Download(item.path, item.format, item.zh, item.en, data[item.path]) for item in self.listings()]


def listings(titles: dict[str, m.Text]) -> list[Listing]:
    """Every download of a data package whose plans have these titles, in the order the pages
    list them, without making any."""
    out = [
        Listing("downloads/datapackage.zip", "ZIP", "完整数据包（datapackage.json 与全部 CSV）", "The whole data package (datapackage.json and every CSV)"),
        Listing("downloads/actionplans.xlsx", "XLSX", "Excel 工作簿：每张表一页，另附字段说明页", "Excel workbook: a sheet per table and a sheet describing the fields"),
        Listing("downloads/actionplans.sqlite", "SQLite", "SQLite 数据库，含主键和外键", "SQLite database with primary and foreign keys"),
        Listing("downloads/actionplans.json", "JSON", "全部数据表（JSON）", "Every table as JSON"),
    ]
    for table in TABLES:
        out.append(Listing(f"downloads/csv/{table.name}.csv", "CSV", f"{table.zh}（UTF-8）", f"{table.en} (UTF-8)"))
        out.append(Listing(f"downloads/csv-excel/{table.name}.csv", "CSV (BOM)", f"{table.zh}（带 BOM，便于 Excel 打开）", f"{table.en} (with BOM, for Excel)"))
    for plan_id, title in titles.items():
        base = f"downloads/plans/{plan_id}"
        out += [
            Listing(f"{base}.zip", "ZIP (CSV)", f"{title.zh}：CSV 子集", f"{title.en}: CSV subset"),
            Listing(f"{base}.json", "JSON", f"{title.zh}：JSON 子集", f"{title.en}: JSON subset"),
            Listing(f"{base}.xlsx", "XLSX", f"{title.zh}：Excel 子集", f"{title.en}: Excel subset"),
        ]
    return out


#: Plans from which downloads are made by several processes.
PARALLEL_FROM = 16
#: What the download jobs read: (rows, descriptor, time stamp); set while they run.
_JOB_INPUT: tuple[Rows, dict[str, Any], datetime] | None = None


def run_download_job(job: tuple[str, list[str]]) -> dict[str, bytes]:
    """One unit of download work: the bytes of its files by path (a top-level function: it runs
    in worker processes)."""
    assert _JOB_INPUT is not None
    rows, descriptor, when = _JOB_INPUT
    kind, plan_ids = job
    if kind == "xlsx":
        return {"downloads/actionplans.xlsx": xlsx_bytes(rows, when)}
    if kind == "sqlite":
        return {"downloads/actionplans.sqlite": sqlite_bytes(rows)}
    if kind == "json":
        return {"downloads/actionplans.json": json_bytes(descriptor, rows)}
    out: dict[str, bytes] = {}
    for plan_id, subset in plan_subsets(rows, plan_ids).items():
        base = f"downloads/plans/{plan_id}"
        csvs = {f"{name}.csv": _csv(TABLES_BY_NAME[name], table_rows) for name, table_rows in subset.items()}
        out[f"{base}.zip"] = zip_bytes(csvs, when, folder=plan_id)
        out[f"{base}.json"] = json_bytes(descriptor, subset)
        out[f"{base}.xlsx"] = xlsx_bytes(subset, when)
    return out


#: Reference tables a plan's rows point to, and the columns that point to each of them.
REFERENCES = {
    "sources": [("plans", "source_id")],
    "source_authors": [],
    "regions": [("plans", "region_id"), ("figures", "region_id"), ("organizations", "region_id")],
    "organizations": [("plan_issuers", "organization_id")],
    "actors": [("task_actors", "actor_id"), ("organizations", "actor_id")],
    "groups": [("plan_groups", "group_id"), ("task_groups", "group_id")],
    "themes": [("plan_themes", "theme_id"), ("task_themes", "theme_id")],
    "units": [("figures", "unit_id")],
}


def plan_subset(rows: Rows, plan_id: str) -> Rows:
    """The rows of one plan and the reference rows they point to, so that every key resolves.

    The glossary is not part of a plan's subset (it is one list for the whole corpus)."""
    return plan_subsets(rows, [plan_id])[plan_id]


def plan_subsets(rows: Rows, plan_ids: Iterable[str] | None = None) -> dict[str, Rows]:
    """Every plan's subset (see ``plan_subset``), made in one pass over the rows."""
    ids = list(plan_ids) if plan_ids is not None else [r["id"] for r in rows["plans"]]
    grouped: dict[str, Rows] = {pid: {} for pid in ids}
    for name, key in PLAN_TABLES.items():
        for subset in grouped.values():
            subset[name] = []
        for r in rows[name]:
            if r[key] in grouped:
                grouped[r[key]][name].append(r)
    task_plan = {r["id"]: r["plan_id"] for r in rows["tasks"] if r["plan_id"] in grouped}
    for name in TASK_LINK_TABLES:
        for subset in grouped.values():
            subset[name] = []
        for r in rows[name]:
            if r["task_id"] in task_plan:
                grouped[task_plan[r["task_id"]]][name].append(r)
    # reference rows, in their table's order
    position = {name: {r["id"]: i for i, r in enumerate(rows[name])} for name in REFERENCES if name != "source_authors"}
    authors: dict[str, list[dict[str, Any]]] = {}
    for r in rows["source_authors"]:
        authors.setdefault(r["source_id"], []).append(r)
    out: dict[str, Rows] = {}
    for pid, subset in grouped.items():
        # organizations before regions and actors, which they point to
        for name in ("organizations", "sources", "regions", "actors", "groups", "themes", "units"):
            wanted = {r[column] for table, column in REFERENCES[name] for r in subset.get(table, []) if r[column] is not None}
            subset[name] = [rows[name][i] for i in sorted(position[name][w] for w in wanted if w in position[name])]
        subset["source_authors"] = [a for r in subset["sources"] for a in authors.get(r["id"], [])]
        out[pid] = {table.name: subset[table.name] for table in TABLES if table.name in subset}
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


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when, datetime(1980, 1, 1, tzinfo=UTC))
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _csv(table: Table, rows: list[dict[str, Any]]) -> bytes:
    return write_csv(table, ([row[c] for c in table.column_names] for row in rows))


def _json_value(value: Any) -> Any:
    """A Decimal as int or float (JSON, XLSX and SQLite cells); anything else unchanged."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_bytes(descriptor: dict[str, Any], rows: Rows) -> bytes:
    document = {
        "name": descriptor["name"],
        "version": descriptor["version"],
        "licenses": descriptor["licenses"],
        "tables": {name: [{k: _json_value(v) for k, v in row.items()} for row in table_rows] for name, table_rows in rows.items()},
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def xlsx_bytes(rows: Rows, when: datetime) -> bytes:
    """One workbook: a sheet per table and a ``fields`` sheet. Text stays text, never a formula.

    Written with XlsxWriter, which writes about five times faster than openpyxl (16 against
    76 ms for a plan's subset); that matters with a workbook per plan.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties({"author": "actionplans", "created": when.replace(tzinfo=None)})
    bold = book.add_format({"bold": True})

    def write(sheet: Any, row: int, values: Iterable[Any]) -> None:
        for column, value in enumerate(values):
            value = _json_value(value)
            if isinstance(value, str):
                sheet.write_string(row, column, value)  # stored as text: "=1+1" stays the characters =1+1
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif value is not None:
                sheet.write_number(row, column, value)

    tables = [t for t in TABLES if t.name in rows]
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


_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "string": "TEXT"}


def sqlite_bytes(rows: Rows) -> bytes:
    """A SQLite database with one table per resource, primary and foreign keys enforced."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "actionplans.sqlite"
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = DELETE")
            for table in TABLES:
                connection.execute(_create_table(table))
            for table in TABLES:
                names = table.column_names
                connection.executemany(
                    f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                    [tuple(_json_value(r[c]) for c in names) for r in rows[table.name]],
                )
            problems = connection.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ValueError(f"foreign key problems in the SQLite export: {problems[:5]}")
            connection.commit()
            connection.execute("VACUUM")
        finally:
            connection.close()
        return path.read_bytes()


def _create_table(table: Table) -> str:
    lines = []
    for column in table.columns:
        line = f"  {column.name} {_SQL_TYPES[column.type]}"
        if column.required:
            line += " NOT NULL"
        lines.append(line)
    lines.append(f"  PRIMARY KEY ({', '.join(table.primary_key)})")
    for key in table.foreign_keys:
        lines.append(f"  FOREIGN KEY ({', '.join(key.columns)}) REFERENCES {key.resource} ({', '.join(key.reference)})")
    return f"CREATE TABLE {table.name} (\n" + ",\n".join(lines) + "\n)"


# --- static JSON endpoints -------------------------------------------------------------------
def _text(text: m.Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


def _span(span: m.Span, source_id: str) -> dict[str, Any]:
    return {"source": source_id, "char_start": span.start, "char_end": span.end, "line_start": span.line_start, "line_end": span.line_end}


def figure_record(figure: m.Figure) -> dict[str, Any]:
    return {
        "id": figure.id, "plan": figure.plan_id, "task": figure.task_id, "kind": figure.kind,
        "value": _json_value(figure.value), "value_to": _json_value(figure.value_to), "unit": figure.unit_id,
        "year": figure.year, "region": figure.region_id, "qualifier": figure.qualifier,
        "measure": _text(figure.measure), "quote": _text(figure.quote), "span": _span(figure.span, figure.plan.source_id),
    }


def task_record(task: m.Task) -> dict[str, Any]:
    return {
        "id": task.id, "plan": task.plan_id, "ordinal": task.ordinal, "label": task.label,
        "title": _text(task.title), "text": _text(task.text), "span": _span(task.span, task.plan.source_id),
        "themes": list(task.theme_ids), "actors": list(task.actor_ids), "groups": list(task.group_ids),
        "figures": [f.id for f in task.figures],
    }


def plan_record(plan: m.Plan) -> dict[str, Any]:
    return {
        "id": plan.id, "title": _text(plan.title), "source": plan.source_id, "level": plan.level, "region": plan.region_id,
        "issuers": [{"id": o.id, "name": _text(o.name)} for o in plan.issuers], "issuer_count": plan.issuer_count,
        "period_start": plan.period_start, "period_end": plan.period_end, "groups": list(plan.group_ids),
        "themes": list(plan.theme_ids), "task_count": plan.task_count, "task_count_rule": plan.task_count_rule,
        "statements": [
            {"id": s.id, "kind": s.kind, "ordinal": s.ordinal, "text": _text(s.text), "span": _span(s.span, plan.source_id)}
            for s in plan.statements
        ],
        "tasks": [{"id": t.id, "ordinal": t.ordinal, "label": t.label, "title": _text(t.title)} for t in plan.tasks],
        "figures": [f.id for f in plan.figures],
    }


def _dump(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def endpoints(dataset: m.Dataset) -> dict[str, bytes]:
    """Static JSON endpoints by id: api/plans/<id>.json, api/tasks/<id>.json, api/figures/<id>.json."""
    out: dict[str, bytes] = {}
    for plan in dataset.plans.values():
        out[f"api/plans/{plan.id}.json"] = _dump(plan_record(plan))
    for task in dataset.iter_tasks():
        out[f"api/tasks/{task.id}.json"] = _dump(task_record(task))
    for figure in dataset.figures.values():
        out[f"api/figures/{figure.id}.json"] = _dump(figure_record(figure))
    out["api/index.json"] = _dump(
        {
            "version": dataset.version,
            "plans": [f"plans/{p}.json" for p in dataset.plans],
            "tasks": [f"tasks/{t.id}.json" for t in dataset.iter_tasks()],
            "figures": [f"figures/{f}.json" for f in dataset.figures],
        }
    )
    return out


def dcat_catalog(dataset: m.Dataset, downloads: list[Download], site_url: str) -> bytes:
    """A DCAT catalogue (JSON-LD) describing the dataset and each of its distributions."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    meta = dataset.meta
    document = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/", "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": base + "catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": [{"@value": meta.title.zh, "@language": "zh-Hans"}, {"@value": meta.title.en, "@language": "en"}],
        "foaf:homepage": {"@id": base},
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
            "dcat:distribution": [
                {
                    "@type": "dcat:Distribution",
                    "dct:title": d.en,
                    "dcat:downloadURL": {"@id": base + d.path},
                    "dcat:mediaType": _MEDIA_TYPES[Path(d.path).suffix],
                    "dcat:byteSize": {"@value": str(d.size), "@type": "xsd:nonNegativeInteger"},
                    "spdx:checksum": {"spdx:algorithm": "sha256", "spdx:checksumValue": d.sha256},
                }
                for d in downloads
            ],
        },
    }
    document["@context"]["spdx"] = "http://spdx.org/rdf/terms#"  # type: ignore[index]
    return _dump(document)


_MEDIA_TYPES = {
    ".zip": "application/zip", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".sqlite": "application/vnd.sqlite3", ".json": "application/json", ".csv": "text/csv",
}


def media_type(path: str) -> str:
    return _MEDIA_TYPES[Path(path).suffix]


__all__ = [
    "DESCRIPTOR_NAME",
    "Download",
    "Listing",
    "PendingDownload",
    "dcat_catalog",
    "endpoints",
    "fill_placeholders",
    "human_size",
    "make_downloads",
    "media_type",
    "plan_subset",
]
