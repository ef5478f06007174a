"""Parquet downloads: every table read back with DuckDB and with pyarrow equals its CSV, value
by value and type by type; the files are reproducible; the subsets and releases have them too."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from actionplans.downloads import make_downloads, table_rows
from actionplans.files import read_table
from actionplans.parquet import decimal_scale, parquet_bytes
from actionplans.tables import TABLES, TABLES_BY_NAME, Column, SchemaTable

from .conftest import DATAPACKAGE

#: The Arrow type each Table Schema type must come back as (a decimal's scale varies by column).
ARROW = {"string": pa.string(), "integer": pa.int64(), "date": pa.date32(), "boolean": pa.bool_()}
DUCKDB = {"string": "VARCHAR", "integer": "BIGINT", "date": "DATE", "boolean": "BOOLEAN"}
PYTHON = {"string": str, "integer": int, "number": Decimal, "date": datetime.date, "boolean": bool}


@pytest.fixture(scope="module")
def files(dataset) -> dict[str, bytes]:
    return {d.path: d.data for d in make_downloads(DATAPACKAGE, dataset)}


def _csv(table: Any, data: bytes) -> list[dict[str, Any]]:
    """A CSV's rows typed by the declaration; dates as dates (the CSV holds ISO text)."""
    rows = read_table(data, table.name, table.column_names, {c.name: c.type for c in table.columns})
    for row in rows:
        for c in table.columns:
            if c.type == "date" and row[c.name] is not None:
                row[c.name] = datetime.date.fromisoformat(row[c.name])
    return rows


def _assert_same(table: Any, expected: list[dict[str, Any]], got: list[dict[str, Any]], reader: str) -> None:
    assert len(got) == len(expected), f"{reader}: {table.name}: {len(got)} rows, expected {len(expected)}"
    for number, (want, have) in enumerate(zip(expected, got, strict=True), start=1):
        assert list(have) == list(table.column_names), f"{reader}: {table.name}: columns {list(have)}"
        for c in table.columns:
            value = have[c.name]
            assert value == want[c.name], f"{reader}: {table.name} row {number} {c.name}: {value!r} != {want[c.name]!r}"
            if value is not None:
                assert type(value) is PYTHON[c.type], (
                    f"{reader}: {table.name}.{c.name}: {type(value).__name__}, expected {c.type}"
                )


def _check_arrow_types(table: Any, schema: pa.Schema, rows: list[dict[str, Any]]) -> None:
    for c in table.columns:
        field = schema.field(c.name)
        if c.type == "number":
            scale = decimal_scale([r[c.name] for r in rows])
            assert field.type == pa.decimal128(38, scale), f"{table.name}.{c.name}: {field.type}"
        else:
            assert field.type == ARROW[c.type], f"{table.name}.{c.name}: {field.type}, expected {ARROW[c.type]}"
        assert field.nullable == (not c.required), f"{table.name}.{c.name}: nullable {field.nullable}"
        assert field.metadata[b"description"].decode() == c.en and field.metadata[b"description_zh"].decode() == c.zh


def _check_duckdb_types(table: Any, path: Path, rows: list[dict[str, Any]]) -> None:
    described = {name: kind for name, kind, *_ in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()}
    for c in table.columns:
        expected = f"DECIMAL(38,{decimal_scale([r[c.name] for r in rows])})" if c.type == "number" else DUCKDB[c.type]
        assert described[c.name] == expected, f"{table.name}.{c.name}: DuckDB reads {described[c.name]}, expected {expected}"


def _check_table(table: Any, data: bytes, csv: bytes, where: Path) -> None:
    expected = _csv(table, csv)
    arrow = pq.read_table(io.BytesIO(data))
    _check_arrow_types(table, arrow.schema, expected)
    _assert_same(table, expected, arrow.to_pylist(), "pyarrow")
    path = where / f"{table.name}.parquet"
    path.write_bytes(data)
    _check_duckdb_types(table, path, expected)
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
    _assert_same(table, expected, [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()], "duckdb")


def test_every_table_as_parquet_reads_back_as_its_csv_with_duckdb_and_pyarrow(files, tmp_path) -> None:
    for table in TABLES:
        _check_table(table, files[f"downloads/parquet/{table.name}.parquet"], files[f"downloads/csv/{table.name}.csv"], tmp_path)


def test_the_whole_data_set_as_parquet_holds_the_same_files(files) -> None:
    with zipfile.ZipFile(io.BytesIO(files["downloads/actionplans-parquet.zip"])) as archive:
        members = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}
    assert members == {f"{t.name}.parquet": files[f"downloads/parquet/{t.name}.parquet"] for t in TABLES}


def test_each_plan_parquet_subset_has_the_tables_of_its_csv_subset(files, dataset, tmp_path) -> None:
    for plan_id in [*list(dataset.plans)[:5], "nx-children-care"]:
        with zipfile.ZipFile(io.BytesIO(files[f"downloads/plans/{plan_id}.zip"])) as archive:
            csvs = {name.split("/", 1)[1].removesuffix(".csv"): archive.read(name) for name in archive.namelist()}
        with zipfile.ZipFile(io.BytesIO(files[f"downloads/plans/{plan_id}.parquet.zip"])) as archive:
            parquets = {name.split("/", 1)[1].removesuffix(".parquet"): archive.read(name) for name in archive.namelist()}
        assert set(parquets) == set(csvs)
        for name, data in parquets.items():
            _check_table(TABLES_BY_NAME[name], data, csvs[name], tmp_path)


def test_the_whole_data_set_is_compressed_by_zstd_and_each_plan_by_snappy(files, dataset) -> None:
    def codecs(data: bytes) -> set[str]:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        return {meta.row_group(g).column(c).compression for g in range(meta.num_row_groups) for c in range(meta.num_columns)}

    for table in TABLES:
        assert codecs(files[f"downloads/parquet/{table.name}.parquet"]) == {"ZSTD"}
    plan_id = next(iter(dataset.plans))
    with zipfile.ZipFile(io.BytesIO(files[f"downloads/plans/{plan_id}.parquet.zip"])) as archive:
        found = [codecs(archive.read(name)) for name in archive.namelist()]
    assert set().union(*found) == {"SNAPPY"}  # a table without rows has no column chunk to compress


def test_parquet_files_are_byte_reproducible_across_processes(dataset) -> None:
    rows = table_rows(dataset)["figures"]
    here = parquet_bytes(TABLES_BY_NAME["figures"], rows)
    code = (
        "import sys, actionplans\n"
        "from actionplans.downloads import table_rows\n"
        "from actionplans.parquet import parquet_bytes\n"
        "from actionplans.tables import TABLES_BY_NAME\n"
        "sys.stdout.buffer.write(parquet_bytes(TABLES_BY_NAME['figures'], "
        f"table_rows(actionplans.load('{DATAPACKAGE}'))['figures']))\n"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert here == there
    assert pq.ParquetFile(io.BytesIO(here)).metadata.created_by == "actionplans"


def test_booleans_dates_decimals_and_nulls_keep_their_types() -> None:
    """Every type the writer maps, with a null in each nullable column (the data package has
    no boolean column yet)."""
    table = SchemaTable(
        "sample",
        "样例",
        "Sample",
        (
            Column("id", "string", "标识", "Identifier", required=True),
            Column("flag", "boolean", "是否", "Flag"),
            Column("day", "date", "日期", "Day"),
            Column("amount", "number", "数额", "Amount"),
            Column("count", "integer", "数量", "Count"),
        ),
        ("id",),
        (),
    )
    rows = [
        {"id": "a", "flag": True, "day": "2024-02-29", "amount": Decimal("5.1505"), "count": 3},
        {"id": "b", "flag": False, "day": None, "amount": Decimal("21.45"), "count": None},
        {"id": "c", "flag": None, "day": "1969-12-31", "amount": None, "count": -1},
        {"id": "d", "flag": None, "day": None, "amount": Decimal("1.23456789012345E+5"), "count": 0},
    ]
    arrow = pq.read_table(io.BytesIO(parquet_bytes(table, rows)))
    assert [arrow.schema.field(n).type for n in ("flag", "day", "amount", "count")] == [
        pa.bool_(),
        pa.date32(),
        pa.decimal128(38, 9),
        pa.int64(),
    ]
    assert arrow.column("flag").to_pylist() == [True, False, None, None]
    assert arrow.column("day").to_pylist() == [datetime.date(2024, 2, 29), None, datetime.date(1969, 12, 31), None]
    assert arrow.column("amount").to_pylist() == [Decimal("5.1505"), Decimal("21.45"), None, Decimal("123456.789012345")]
    assert arrow.column("count").to_pylist() == [3, None, -1, 0]
    assert arrow.schema.field("id").nullable is False and arrow.schema.field("flag").nullable is True


def test_a_type_without_a_parquet_type_is_refused() -> None:
    table = SchemaTable("sample", "样例", "Sample", (Column("at", "datetime", "时间", "Time"),), ("at",), ())
    with pytest.raises(ValueError, match=r"sample\.at: no Parquet type for the Table Schema type 'datetime'"):
        parquet_bytes(table, [{"at": "2024-01-01T00:00:00Z"}])
