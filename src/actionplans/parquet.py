"""Tables as Parquet files, typed from their declarations.

Each column's Table Schema type becomes a Parquet (Arrow) type: ``string`` as UTF-8 text,
``integer`` as a 64-bit integer, ``number`` as a decimal (``decimal128``, its scale the most
digits after the point that the column holds, so every value is kept exactly), ``date`` as a
date (``date32``), ``boolean`` as a boolean. A column that is not required is nullable, and
an empty cell is a null. The column's descriptions travel in the field's metadata.

The writer is ``arro3-io`` (with ``arro3-core``), the smallest of the Parquet writers that need
no pandas: measured installed, 34 MB against DuckDB's 69 MB and pyarrow's 170 MB. Only the site
build needs it (the ``site`` extra), so it is imported where a file is written, never by
``load()``. The files are reproducible: a fixed compression, a fixed ``created_by``, one row
group. The whole data set's files are compressed by zstd (``WHOLE``); each plan's, a few rows a
table, by snappy (``SMALL``), which writes them four times faster (zstd sets up a context for every
column) and is as small at their size (measured in ``BENCHMARKS.md``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from .tables import SchemaTable, Table

#: The value of every file's ``created_by`` (the writer's own would change with its version).
CREATED_BY = "actionplans"
#: The compression of the whole data set's files, and of each plan's few rows.
WHOLE = "zstd(3)"
SMALL = "snappy"
#: Decimals are stored with this precision (the most ``decimal128`` holds).
PRECISION = 38
_EPOCH = date(1970, 1, 1)


def decimal_scale(values: Sequence[Any]) -> int:
    """The scale that holds every decimal of ``values`` exactly (digits after the point)."""
    scale = 0
    for value in values:
        if value is not None:
            exponent = Decimal(value).as_tuple().exponent
            if isinstance(exponent, int):
                scale = max(scale, -exponent)
    return scale


def parquet_bytes(table: Table | SchemaTable, rows: Sequence[dict[str, Any]], compression: str = WHOLE) -> bytes:
    """One table as a Parquet file: a column per declared column, in order, typed as above."""
    from arro3.core import Array, DataType, Field, Schema, Table
    from arro3.io import write_parquet

    arrays = []
    fields = []
    for column in table.columns:
        values = [row[column.name] for row in rows]
        kind = column.type
        if kind == "string":
            array = Array(values, type=DataType.utf8())
        elif kind == "integer":
            array = Array(values, type=DataType.int64())
        elif kind == "boolean":
            array = Array(values, type=DataType.bool())
        elif kind == "date":
            days = [
                None if v is None else (date.fromisoformat(v) if isinstance(v, str) else v).toordinal() - _EPOCH.toordinal()
                for v in values
            ]
            array = Array(days, type=DataType.int32()).cast(DataType.date32())
        elif kind == "number":
            # Arrow builds a decimal array from text (exactly, at a scale that holds every value)
            text = [None if v is None else format(Decimal(v), "f") for v in values]
            array = Array(text, type=DataType.utf8()).cast(DataType.decimal128(PRECISION, decimal_scale(values)))
            back = array.to_pylist()
            if any((a is None) != (b is None) or (a is not None and Decimal(a) != b) for a, b in zip(values, back, strict=True)):
                raise ValueError(f"{table.name}.{column.name}: a number does not survive as a Parquet decimal")
        else:
            raise ValueError(f"{table.name}.{column.name}: no Parquet type for the Table Schema type {kind!r}")
        arrays.append(array)
        metadata = {"description": column.en, "description_zh": column.zh}
        fields.append(Field(column.name, array.type, nullable=not column.required, metadata=metadata))
    data = Table.from_arrays(arrays, schema=Schema(fields))
    buffer = io.BytesIO()
    write_parquet(data, buffer, compression=compression, created_by=CREATED_BY, max_row_group_size=1 << 20)
    return buffer.getvalue()


__all__ = ["CREATED_BY", "PRECISION", "SMALL", "WHOLE", "decimal_scale", "parquet_bytes"]
