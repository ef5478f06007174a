"""Datasette metadata for the SQLite download (``actionplans.metadata.json``), in the format of
Datasette's stable release (0.65: ``datasette actionplans.sqlite --metadata
actionplans.metadata.json``).

It gives the database and every table a title and a description (English, then the Chinese,
since Datasette shows one text), the licence and its URL, the source and its URL (the site's
data page, when the site has an address), every column's description, and for each table that
a foreign key refers to its ``label_column`` (the first English name or title), so that Datasette
shows the referred row's name beside the key.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import model as m
from .tables import TABLES, SchemaTable, Table
from .texts import text

#: The database's name in Datasette: the SQLite file's name without its suffix.
DATABASE = "actionplans"


def both(en: str, zh: str) -> str:
    """One text for Datasette, which shows a single one: the English, then the Chinese."""
    return f"{en} · {zh}" if zh and zh != en else en


def label_column(table: Table | SchemaTable) -> str | None:
    """The column that names a row of ``table``: its first English title, label or name."""
    return next((c for c in table.column_names if c.endswith("_en") or c == "en"), None)


def datasette_metadata(meta: m.PackageMeta, base: str = "", schema: Sequence[Table | SchemaTable] | None = None) -> bytes:
    """The metadata of the SQLite database of ``schema`` (every table by default), as JSON."""
    tables = list(schema or TABLES)
    referred = {key.resource for t in tables for key in t.foreign_keys}
    source = text("datasette_source", title=meta.title)
    licence = {"license": meta.licence_title, "license_url": meta.licence_path}
    origin: dict[str, str] = {"source": both(source["en"], source["zh"])}
    if base:
        origin["source_url"] = base + "data/"
    described: dict[str, Any] = {}
    for table in tables:
        line = text("datasette_table", package=meta.name, primary_key=", ".join(table.primary_key))
        entry: dict[str, Any] = {
            "title": both(table.en, table.zh),
            "description": both(line["en"], line["zh"]),
            **licence,
            **origin,
            "columns": {c.name: both(c.en, c.zh) for c in table.columns},
        }
        label = label_column(table) if table.name in referred else None
        if label is not None:
            entry["label_column"] = label
        described[table.name] = entry
    document = {
        "title": both(meta.title.en, meta.title.zh),
        "description": both(meta.description.en, meta.description.zh),
        **licence,
        **origin,
        "databases": {
            DATABASE: {
                "title": both(meta.title.en, meta.title.zh),
                "description": both(meta.description.en, meta.description.zh),
                **licence,
                **origin,
                "tables": described,
            }
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


__all__ = ["DATABASE", "both", "datasette_metadata", "label_column"]
