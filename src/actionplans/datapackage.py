"""Writing the model as a Frictionless data package, and reading one back into the model.

Reading (``read_package``) uses only the standard library, so ``actionplans.load()`` works
without frictionless; it reads a folder, or the package's files held in memory (a zip's
members). Writing is atomic: files go to a folder beside the target, validated there, which
then takes the target's place in one step (``files.staged_folder``).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from . import files
from . import model as m
from .errors import DataPackageError
from .paths import DESCRIPTOR_NAME
from .tables import COLLECTIONS, TABLES, TABLES_BY_NAME, Table, records_from_rows

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
#: Marks a folder as written by this program; a folder without it is never replaced.
FORMAT = "actionplans-datapackage/1"


# --- writing ---------------------------------------------------------------------------------
def csv_bytes(table: Table, dataset: m.Dataset) -> bytes:
    """The table as UTF-8 CSV per RFC 4180 (header row, CRLF line ends, empty cell for no value)."""
    return files.csv_bytes(table.column_names, table.rows(dataset))


def build_files(dataset: m.Dataset) -> dict[str, bytes]:
    """Every file of the data package, by relative path, without writing anything."""
    out: dict[str, bytes] = {}
    resources = []
    for table in TABLES:
        rows = list(table.rows(dataset))
        data = files.csv_bytes(table.column_names, rows)
        path = f"{table.name}.csv"
        out[path] = data
        resources.append(
            {
                "name": table.name,
                "type": "table",
                "path": path,
                "title": table.en,
                "title_zh": table.zh,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "rows": len(rows),
                "schema": {"$schema": SCHEMA_PROFILE, **table.schema()},
            }
        )
    out[DESCRIPTOR_NAME] = (json.dumps(descriptor(dataset, resources), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out


def descriptor(dataset: m.Dataset, resources: list[dict[str, Any]]) -> dict[str, Any]:
    meta = dataset.meta
    sources = []
    for source in dataset.sources.values():
        authors = ", ".join(a.en for a in source.authors)
        sources.append(
            {
                "title": f"{source.title.en} ({source.publisher.en}; {authors}; {source.year or 'year not stated'})",
                "title_zh": f"{source.title.zh}（{source.publisher.zh}；{'、'.join(a.zh for a in source.authors)}；"
                f"{source.year or '年份未说明'}）",
                "sha256": source.sha256,
                "rights": source.rights.en,
                "rights_zh": source.rights.zh,
            }
        )
    out: dict[str, Any] = {
        "$schema": PROFILE,
        "name": meta.name,
        "title": meta.title.en,
        "title_zh": meta.title.zh,
        "description": meta.description.en,
        "description_zh": meta.description.zh,
        "version": meta.version,
        "created": meta.created,
        "languages": ["zh", "en"],
        "licenses": [{"name": meta.licence_name, "path": meta.licence_path, "title": meta.licence_title}],
        "sources": sources,
        "contributors": [
            {k: v for k, v in (("title", c.title), ("roles", [c.role]), ("path", c.path)) if v} for c in meta.contributors
        ],
        "format": FORMAT,
        "resources": resources,
    }
    if meta.homepage:
        out["homepage"] = meta.homepage
    return out


def write_package(dataset: m.Dataset, out_dir: Path | str, *, validate: bool = True) -> dict[str, bytes]:
    """Write the data package to ``out_dir`` atomically, validated with frictionless unless
    ``validate`` is false; return its files. A package that does not validate is not written."""
    package = build_files(dataset)
    if validate:
        validate_package(package)
    files.write_folder(Path(out_dir), package, marker=DESCRIPTOR_NAME)
    return package


def stale_files(package: dict[str, bytes], out_dir: Path | str) -> list[str]:
    """Files of ``out_dir`` that differ from ``package`` (what ``build_files`` made), or are extra."""
    out_dir = Path(out_dir)
    stale = [name for name, data in package.items() if not (out_dir / name).is_file() or (out_dir / name).read_bytes() != data]
    if out_dir.is_dir():
        stale += sorted(p.name for p in out_dir.iterdir() if p.name not in package)
    return sorted(stale)


def validate_package(source: files.Source) -> None:
    """Validate a data package (a folder, or its files by name) with frictionless; raise
    DataPackageError on any error.

    The descriptor's metadata is checked against the Data Package profile, and every table,
    read from its bytes, against its schema (foreign keys included) and against the SHA-256
    and size its descriptor states. (Validating in several processes saved 16 % of ``package``
    at 10,000 tasks, under the 20 % a parallel path must save to stay: see BENCHMARKS.md.)
    """
    from frictionless import FrictionlessException, Package, Resource, Schema  # here: reading must not need frictionless

    descriptor = json.loads(files.read(source, DESCRIPTOR_NAME).decode("utf-8"))
    try:
        Package.from_descriptor(descriptor).to_descriptor(validate=True)
        resources = [
            Resource(
                files.read(source, r["path"]),
                scheme="buffer",
                format="csv",
                encoding="utf-8",
                mediatype="text/csv",
                name=r["name"],
                schema=Schema.from_descriptor(r["schema"]),
                hash=r.get("hash"),
                bytes=r.get("bytes"),
            )
            for r in descriptor["resources"]
        ]
    except FrictionlessException as exception:
        problems = [f"{error.type}: {error.note}" for error in exception.to_errors()[:20]] or [str(exception)]
    else:
        problems = []
    _raise_if_any(problems)
    report = Package(resources=resources, name=descriptor.get("name")).validate()
    lines: list[str] = []
    for task in report.tasks:
        for error in task.errors[:20]:
            row = getattr(error, "row_number", None)
            lines.append(f"{task.name}:{row or '-'}: {getattr(error, 'field_name', '-')}: {error.type}: {error.note}")
    lines.extend(f"{error.type}: {error.note}" for error in report.errors[:20])
    _raise_if_any(lines)


def _raise_if_any(lines: list[str]) -> None:
    if lines:
        raise DataPackageError("the data package does not validate:\n" + "\n".join(lines[:40]))


# --- reading ---------------------------------------------------------------------------------
def descriptor_of(data: bytes, where: str) -> dict[str, Any]:
    """A descriptor's bytes parsed, checked to be an actionplans data package's."""
    try:
        descriptor = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataPackageError(
            f"{where}: not a JSON descriptor ({error}); expected {DESCRIPTOR_NAME} as written by actionplans"
        ) from None
    if not isinstance(descriptor, dict) or descriptor.get("format") != FORMAT:
        found = descriptor.get("format") if isinstance(descriptor, dict) else None
        raise DataPackageError(f"{where}: not an actionplans data package (format {found!r}); expected format {FORMAT!r}")
    return descriptor


def package_source(path: Path | str | files.Files) -> files.Source:
    """Where a package's files are: the files given, or the folder of a folder or descriptor path."""
    if not isinstance(path, (Path, str)):
        return path
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if not (folder / DESCRIPTOR_NAME).is_file() or (not path.is_dir() and path.name != DESCRIPTOR_NAME):
        raise DataPackageError(
            f"{folder / DESCRIPTOR_NAME if path.is_dir() else path}: no data package here; "
            f"expected a folder with {DESCRIPTOR_NAME}"
        )
    return folder


def read_rows(source: files.Source) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The descriptor and every table's rows, each cell typed as its column says. A table's CSV
    has the columns its descriptor lists: an earlier release's may lack a column added since,
    which then reads as empty, but none other than the table declares."""
    descriptor = descriptor_of(files.read(source, DESCRIPTOR_NAME), files.where(source, DESCRIPTOR_NAME))
    resources = {r.get("name"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        resource = resources.get(table.name)
        if resource is None:
            raise DataPackageError(
                f"{files.where(source, DESCRIPTOR_NAME)}: resource {table.name!r} is missing; "
                f"expected the resources {', '.join(TABLES_BY_NAME)}"
            )
        name = str(resource.get("path", ""))
        fields = [str(f.get("name")) for f in resource.get("schema", {}).get("fields", []) if isinstance(f, dict)]
        declared = {c.name: c.type for c in table.columns}
        if any(field not in declared for field in fields) or len(set(fields)) != len(fields):
            raise DataPackageError(
                f"{files.where(source, name)}:1: fields {fields}; expected those of {list(table.column_names)}"
            )
        absent = {c.name: None for c in table.columns if c.name not in fields}
        rows = files.read_table(files.read(source, name), files.where(source, name), fields, declared)
        tables[table.name] = [absent | row for row in rows] if absent else rows
    return descriptor, tables


def read_package(path: Path | str | files.Files) -> m.Dataset:
    """Read an actionplans data package into the model (standard library only): a folder, its
    descriptor's path, or its files by name."""
    source = package_source(path)
    data, rows = read_rows(source)
    try:
        licence = data["licenses"][0]
        meta = m.PackageMeta(
            name=data["name"],
            version=data["version"],
            created=data["created"],
            title=m.Text(data["title_zh"], data["title"]),
            description=m.Text(data["description_zh"], data["description"]),
            homepage=data.get("homepage"),
            licence_name=licence["name"],
            licence_path=licence["path"],
            licence_title=licence["title"],
            contributors=tuple(m.Contributor(c["title"], c["roles"][0], c.get("path")) for c in data.get("contributors", [])),
        )
        records = records_from_rows(rows)
        collections: dict[str, Any] = {attribute: records[name] for name, attribute in COLLECTIONS.items()}
        collections["tasks"] = m.TaskTable(collections["tasks"])
        return m.Dataset(meta=meta, **collections)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise DataPackageError(
            f"{files.where(source, DESCRIPTOR_NAME)}: inconsistent data package ({error!r}); expected one written by actionplans"
        ) from None


def zip_files(path: Path, *, sha256: str | None = None) -> dict[str, bytes]:
    """The files of the data package in a zip (a release's ``datapackage.zip``), by name, checked:
    the whole file against ``sha256`` if given, every table against the SHA-256 its descriptor
    states."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataPackageError(f"{path}: cannot read it ({error.strerror}); expected a datapackage.zip") from None
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256.strip().lower():
        raise DataPackageError(
            f"{path}: SHA-256 {digest}; expected {sha256.strip().lower()}: the file is not the one published (download it again)"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DataPackageError(f"{path}: not a zip file; expected a datapackage.zip") from None
    with archive:
        descriptors = sorted(
            (n for n in archive.namelist() if n.rsplit("/", 1)[-1] == DESCRIPTOR_NAME), key=lambda n: n.count("/")
        )
        if not descriptors:
            raise DataPackageError(f"{path}: holds no {DESCRIPTOR_NAME}; expected a data package's zip")
        prefix = descriptors[0][: -len(DESCRIPTOR_NAME)]
        out = {DESCRIPTOR_NAME: archive.read(descriptors[0])}
        descriptor = descriptor_of(out[DESCRIPTOR_NAME], f"{path}:{descriptors[0]}")
        for resource in descriptor.get("resources", []):
            name = str(resource.get("path", ""))
            if name.startswith("/") or ".." in name.split("/"):
                raise DataPackageError(f"{path}:{descriptors[0]}: resource path {name!r}; expected a path inside the package")
            try:
                table = archive.read(prefix + name)
            except KeyError:
                raise DataPackageError(f"{path}: {prefix + name} is missing; expected every table the descriptor names") from None
            stated = str(resource.get("hash", "")).removeprefix("sha256:")
            if stated and hashlib.sha256(table).hexdigest() != stated:
                raise DataPackageError(
                    f"{path}: {prefix + name}: its SHA-256 differs from the {stated} its descriptor states; "
                    f"expected the file as published"
                )
            out[name] = table
    return out
