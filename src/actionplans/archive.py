"""Each release's permanent files, as the site publishes them under ``releases/<version>/``:
its data package as a zip, every table as CSV and as Parquet (and all of them in one zip), one
JSON, XLSX and SQLite file, its change log
as ``changes.json`` and ``changes.csv`` (table, op, key, field, old, new), a DCAT description
(``catalog.jsonld``) and a ``SHA256SUMS``; and ``releases.json``, the list of them all.

Every file is made from the release's own descriptor and its rows rebuilt by the store, so an
old release keeps its own format. A release never changes, so its files are made once and kept
between builds (``release_files``); a kept file is published only after its SHA-256 is checked
again in the build that publishes it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from . import files
from . import model as m
from .changes import Change, Changes
from .downloads import Download, distribution, json_bytes, parquet_zip, sqlite_bytes, xlsx_bytes, zip_bytes
from .kept import kept_or_made
from .parquet import parquet_bytes
from .snapshots import Snapshot
from .store import Release, Store
from .tables import schema_tables
from .texts import descriptions, text


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
        """The release's files but the tables' CSVs and Parquet files (the package, the workbooks, the change log)."""
        return [d for d in self.downloads if not d.path.startswith((self.path + "csv/", self.path + "parquet/"))]

    @property
    def table_files(self) -> list[Download]:
        """Each table of the release as CSV, then as Parquet."""
        return [d for d in self.downloads if d.path.startswith((self.path + "csv/", self.path + "parquet/"))]

    def download(self, name: str) -> Download:
        return next(d for d in self.downloads if d.name == name)


def publish(store: Store, cache: Path | None = None) -> list[Published]:
    """Every release with its files, oldest first (see ``release_files``)."""
    published = []
    for release in store.releases():
        downloads = release_files(store, release, cache)
        published.append(
            Published(release, store.changes(release.version), downloads, store.snapshot(release.version, verify=False))
        )
    return published


def release_files(store: Store, release: Release, cache: Path | None = None) -> list[Download]:
    """The permanent files of one release, in the order its page lists them, made from the
    release's own descriptor and rows (rebuilt by the store and checked against the SHA-256
    of every table).

    A release never changes, so its files are made once: with ``cache``, they are kept in
    ``cache/<version>/`` with what they were made from (the release's two files' SHA-256, and
    the code and libraries that made them; see ``kept``)."""
    made_from = {
        "version": release.version,
        "date": release.date,
        "datapackage": release.sha256,
        "changes": release.changes_sha256,
    }
    folder = cache / release.version if cache is not None else None
    return kept_or_made(folder, f"releases/{release.version}/", made_from, lambda: _release_files(store, release))


def _release_files(store: Store, release: Release) -> list[Download]:
    snapshot = store.snapshot(release.version)  # checked: what the files are made from is what was released
    when = datetime.strptime(release.date, "%Y-%m-%d").replace(tzinfo=UTC)
    descriptor = snapshot.descriptor
    rows = {name: table.rows for name, table in snapshot.tables.items()}
    schema = schema_tables(descriptor)
    head = {k: descriptor.get(k) for k in ("name", "version", "licenses")}
    changes = store.changes(release.version)
    package = snapshot.files()
    made = [
        ("datapackage.zip", "ZIP", zip_bytes(package, when, folder=f"{descriptor.get('name', 'data')}-{release.version}")),
        ("actionplans.xlsx", "XLSX", xlsx_bytes(rows, when, schema)),
        ("actionplans.sqlite", "SQLite", sqlite_bytes(rows, schema)),
        ("actionplans.json", "JSON", json_bytes(head, rows)),
        (
            "actionplans-parquet.zip",
            "ZIP (Parquet)",
            parquet_zip(rows, when, f"{descriptor.get('name', 'data')}-{release.version}-parquet", schema),
        ),
        ("changes.json", "JSON", changes.json_bytes(release.version, release.previous)),
        ("changes.csv", "CSV", changes_csv(changes)),
        *(("csv/" + r["path"], "CSV", package[r["path"]]) for r in descriptor["resources"]),
        *((f"parquet/{t.name}.parquet", "Parquet", parquet_bytes(t, rows[t.name])) for t in schema),
    ]
    titles = _titles(descriptor)
    return [Download(f"releases/{release.version}/{name}", kind, *titles[name], data) for name, kind, data in made]


def _titles(descriptor: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """What each file of a release is, in both languages (``data/downloads.yaml``; the tables' are their titles)."""
    out = {name: (what["zh"], what["en"]) for name, what in descriptions()["release"].items()}
    parquet = text("parquet_zip")
    out["actionplans-parquet.zip"] = (parquet["zh"], parquet["en"])
    for r in descriptor["resources"]:
        out["csv/" + r["path"]] = (r.get("title_zh", r["name"]), r.get("title", r["name"]))
        one = text("parquet_table", table=m.Text(r.get("title_zh", r["name"]), r.get("title", r["name"])))
        out[f"parquet/{r['name']}.parquet"] = (one["zh"], one["en"])
    return out


def changes_csv(changes: Changes) -> bytes:
    """The change log flat: a row per change (table, op, key, field, old, new)."""
    return files.csv_bytes(Change._fields, changes.records())


def sha256sums(downloads: list[Download], prefix: str) -> bytes:
    """A ``SHA256SUMS`` file for the downloads under ``prefix`` (the form ``sha256sum -c`` reads)."""
    lines = [f"{d.sha256}  {d.path.removeprefix(prefix)}" for d in downloads if d.path.startswith(prefix)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def releases_json(published: Sequence[Published], base: str) -> bytes:
    """``releases.json``: every release, oldest first: its version, date, previous release,
    page, bump, counts of changes and notes, and its data package as a zip (``datapackage_zip``:
    the file's address, SHA-256 and size, the checksum of what a user downloads)."""
    document = []
    for p in published:
        package = p.download("datapackage.zip")
        document.append(
            {
                "version": p.version,
                "date": p.release.date,
                "previous": p.release.previous,
                "url": base + p.path,
                "datapackage_zip": {"url": base + package.path, "sha256": package.sha256, "bytes": package.size},
                "changes": p.release.counts,
                "notes": p.release.notes,
                "bump": p.release.bump,
            }
        )
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- catalogues and citation ------------------------------------------------------------------------
_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "adms": "http://www.w3.org/ns/adms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
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
            {
                "@value": descriptions()["release_title"]["zh"].format(title=descriptor.get("title_zh", ""), version=p.version),
                "@language": "zh-Hans",
            },
            {
                "@value": descriptions()["release_title"]["en"].format(title=descriptor.get("title", ""), version=p.version),
                "@language": "en",
            },
        ],
        "dcat:version": p.version,
        "dct:issued": {"@value": p.release.date, "@type": "xsd:date"},
        "dct:isVersionOf": {"@id": base + "#dataset"},
        "adms:versionNotes": [
            {"@value": p.release.notes.get("zh", ""), "@language": "zh-Hans"},
            {"@value": p.release.notes.get("en", ""), "@language": "en"},
        ],
        "dcat:distribution": [distribution(d, base) for d in p.downloads],  # each with its own checksum
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
    document: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this data, please cite it as below.",
        "type": "dataset",
        "title": meta.title.en,
        "version": version,
        "date-released": current.release.date if current else meta.created[:10],
        "license": meta.licence_name,
        "authors": [{"name": c.title} for c in meta.contributors],
    }
    if base:
        document["url"] = base + f"releases/{version}/"
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, default_flow_style=False).encode("utf-8")
