"""The data in other libraries' terms: a ``frictionless.Package`` and pandas DataFrames.

Both are made from the data package's own files (``datapackage.build_files``), held in memory:
nothing is written to disk. frictionless is a dependency of this package; pandas comes with
``pip install 'actionplans[pandas]'``. Neither is imported until it is asked for.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import model as m
from .datapackage import build_files
from .paths import DESCRIPTOR_NAME
from .tables import TABLES

if TYPE_CHECKING:
    import frictionless
    import pandas


def to_frictionless(dataset: m.Dataset) -> frictionless.Package:
    """``dataset`` as a ``frictionless.Package``, its tables read from the CSV bytes the data
    package holds (so ``package.validate()`` checks them, foreign keys, SHA-256 and size too)."""
    from frictionless import Package, Resource, Schema

    package = build_files(dataset)
    descriptor = json.loads(package[DESCRIPTOR_NAME].decode("utf-8"))
    resources = [
        Resource(
            package[r["path"]],
            scheme="buffer",
            format="csv",
            encoding="utf-8",
            mediatype="text/csv",
            name=r["name"],
            title=r.get("title"),
            schema=Schema.from_descriptor(r["schema"]),
            hash=r.get("hash"),
            bytes=r.get("bytes"),
        )
        for r in descriptor["resources"]
    ]
    meta = {k: descriptor[k] for k in ("name", "title", "description", "version", "created", "homepage") if descriptor.get(k)}
    return Package(resources=resources, licenses=descriptor.get("licenses"), contributors=descriptor.get("contributors"), **meta)


def to_pandas(dataset: m.Dataset) -> dict[str, pandas.DataFrame]:
    """Every table of ``dataset`` as a pandas DataFrame, by table name: integers as ``Int64``
    (which allows an empty cell), numbers as floats, dates as datetimes, text as ``string``."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install 'actionplans[pandas]'") from None
    frames: dict[str, Any] = {}
    for table in TABLES:
        frame = pd.DataFrame(list(table.rows(dataset)), columns=list(table.column_names))
        for column in table.columns:
            if column.type == "integer":
                frame[column.name] = frame[column.name].astype("Int64")
            elif column.type == "number":
                frame[column.name] = pd.to_numeric(frame[column.name])
            elif column.type == "date":
                frame[column.name] = pd.to_datetime(frame[column.name], format="%Y-%m-%d")
            else:
                frame[column.name] = frame[column.name].astype("string")
        frames[table.name] = frame
    return frames
