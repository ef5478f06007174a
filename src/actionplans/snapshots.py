"""Snapshots: a data package in memory, its tables typed by its own descriptor (not by the
current table declarations, so that an old release stays readable when the format changes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import files
from .paths import DESCRIPTOR_NAME

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
        names = self.fields
        return files.csv_bytes(names, ([row.get(n) for n in names] for row in self.rows))


@dataclass
class Snapshot:
    """A data package in memory: its descriptor and its tables."""

    descriptor: dict[str, Any]
    tables: dict[str, TableData]

    @classmethod
    def empty(cls) -> Snapshot:
        return cls({"resources": []}, {})

    @classmethod
    def read(cls, source: files.Source) -> Snapshot:
        """The data package in ``source`` (a folder, or its files by name), each cell typed as
        its field's type says."""
        descriptor = json.loads(files.read(source, DESCRIPTOR_NAME).decode("utf-8"))
        tables = {}
        for resource in descriptor["resources"]:
            fields = resource["schema"]["fields"]
            types = {f["name"]: f["type"] for f in fields}
            name = resource["path"]
            rows = files.read_table(files.read(source, name), files.where(source, name), [f["name"] for f in fields], types)
            tables[resource["name"]] = TableData(resource["name"], resource["schema"], rows)
        return cls(descriptor, tables)

    def files(self) -> dict[str, bytes]:
        """The package's files as the descriptor names them (CSVs rebuilt from the rows)."""
        out = {r["path"]: self.tables[r["name"]].csv() for r in self.descriptor["resources"]}
        out[DESCRIPTOR_NAME] = (json.dumps(self.descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return out
