"""Writing the model as a Frictionless data package, and reading one back into the model.

Reading (``read_package``) uses only the standard library, so ``actionplans.load()`` works
without frictionless. Writing is atomic: files go to a temporary folder beside the target,
which then takes the target's place in one step.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import model as m
from .errors import DataPackageError
from .paths import DESCRIPTOR_NAME
from .tables import COLLECTIONS, TABLES, TABLES_BY_NAME, Table, csv_value, records_from_rows

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
#: Marks a folder as written by this program; a folder without it is never replaced.
FORMAT = "actionplans-datapackage/1"


# --- writing ---------------------------------------------------------------------------------
def csv_bytes(table: Table, dataset: m.Dataset) -> bytes:
    """The table as UTF-8 CSV per RFC 4180 (header row, CRLF line ends, empty cell for no value)."""
    return write_csv(table, table.rows(dataset))


def write_csv(table: Table, rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as UTF-8 CSV; CRLF line ends also make the writer quote any text holding a line break."""
    return _csv(table, rows)[0]


def _csv(table: Table, rows: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    """The CSV bytes and the number of rows under the header."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.column_names)
    count = 0
    for row in rows:
        if len(row) != len(table.columns):
            raise AssertionError(f"{table.name}: row of {len(row)} values for {len(table.columns)} columns")
        writer.writerow([csv_value(value) for value in row])
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def build_files(dataset: m.Dataset) -> dict[str, bytes]:
    """Every file of the data package, by relative path, without writing anything."""
    files: dict[str, bytes] = {}
    resources = []
    for table in TABLES:
        data, rows = _csv(table, table.rows(dataset))
        path = f"{table.name}.csv"
        files[path] = data
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
                "rows": rows,
                "schema": {"$schema": SCHEMA_PROFILE, **table.schema()},
            }
        )
    files[DESCRIPTOR_NAME] = (json.dumps(descriptor(dataset, resources), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def descriptor(dataset: m.Dataset, resources: list[dict[str, Any]]) -> dict[str, Any]:
    meta = dataset.meta
    sources = []
    for source in dataset.sources.values():
        authors = ", ".join(a.en for a in source.authors)
        sources.append(
            {
                "title": f"{source.title.en} ({source.publisher.en}; {authors}; {source.year or 'year not stated'})",
                "title_zh": f"{source.title.zh}（{source.publisher.zh}；{'、'.join(a.zh for a in source.authors)}；{source.year or '年份未说明'}）",
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
    files = build_files(dataset)
    with staged_folder(Path(out_dir)) as staging:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if validate:
            validate_package(staging)
    return files


def stale_files(files: dict[str, bytes], out_dir: Path | str) -> list[str]:
    """Files of ``out_dir`` that differ from ``files`` (what ``build_files`` made), or are extra."""
    out_dir = Path(out_dir)
    stale = [name for name, data in files.items() if not (out_dir / name).is_file() or (out_dir / name).read_bytes() != data]
    if out_dir.is_dir():
        stale += sorted(p.name for p in out_dir.iterdir() if p.name not in files)
    return sorted(stale)


@contextmanager
def staged_folder(target: Path, marker: str | None = DESCRIPTOR_NAME) -> Iterator[Path]:
    """A new empty folder beside ``target`` that replaces it in one step when the block ends
    without error. On error (or a kill) the target is untouched and the staging folder is
    removed (or, after a kill, left as a hidden ``.name.tmp-*`` folder that the next run clears)."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_dir():
        raise DataPackageError(f"{target}: exists and is not a folder; expected a folder to write into")
    if target.is_dir() and marker and any(target.iterdir()) and not (target / marker).exists():
        raise DataPackageError(f"{target}: is not empty and has no {marker}; refusing to replace a folder this program did not write")
    _clear_leftovers(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _clear_leftovers(target: Path) -> None:
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in target.parent.glob(f".{target.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_into_place(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``: an atomic exchange where the OS offers one."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old version
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def validate_package(folder: Path) -> None:
    """Validate a written data package with frictionless; raise DataPackageError on any error.

    Every row of every resource is checked against its schema, foreign keys included, and the
    descriptor's metadata against the Data Package profile. (Validating in several processes
    saved 16 % of ``package`` at 10,000 tasks, under the 20 % a parallel path must save to
    stay: see BENCHMARKS.md.)
    """
    descriptor = str(folder / DESCRIPTOR_NAME)
    resources = json.loads((folder / DESCRIPTOR_NAME).read_bytes())["resources"]
    _raise_if_any(_validate_resources(descriptor, [r["name"] for r in resources], metadata=True))


def _raise_if_any(lines: list[str]) -> None:
    if lines:
        raise DataPackageError("the data package does not validate:\n" + "\n".join(lines[:40]))


def _validate_resources(descriptor: str, names: list[str], metadata: bool) -> list[str]:
    """Problems frictionless finds in the named resources' rows, and in the metadata if asked."""
    from frictionless import FrictionlessException, Package  # imported here: reading must not need frictionless

    lines: list[str] = []
    try:
        package = Package(descriptor)
        if metadata:
            package.to_descriptor(validate=True)
    except FrictionlessException as exception:
        return [f"{error.type}: {error.note}" for error in exception.to_errors()[:20]]
    for name in names:
        report = package.get_resource(name).validate()
        for task in report.tasks:
            for error in task.errors[:20]:
                row = getattr(error, "row_number", None)
                lines.append(f"{task.name}:{row or '-'}: {getattr(error, 'field_name', '-')}: {error.type}: {error.note}")
        lines.extend(f"{error.type}: {error.note}" for error in report.errors[:20])
    return lines


# --- reading ---------------------------------------------------------------------------------
def read_descriptor(path: Path | str) -> tuple[Path, dict[str, Any]]:
    """The folder and parsed descriptor of a data package given as folder or descriptor path."""
    path = Path(path)
    descriptor_path = path / DESCRIPTOR_NAME if path.is_dir() else path
    if not descriptor_path.is_file():
        raise DataPackageError(f"{descriptor_path}: no data package here; expected a folder with {DESCRIPTOR_NAME}")
    try:
        data = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataPackageError(f"{descriptor_path}: not a JSON descriptor ({error}); expected {DESCRIPTOR_NAME} as written by actionplans") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataPackageError(
            f"{descriptor_path}: not an actionplans data package (format {data.get('format') if isinstance(data, dict) else None!r}); expected format {FORMAT!r}"
        )
    return descriptor_path.parent, data


def read_tables(path: Path | str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The descriptor and every table's rows, typed as the schema says."""
    _folder, data, tables = _read(path)
    return data, tables


def _read(path: Path | str) -> tuple[Path, dict[str, Any], dict[str, list[dict[str, Any]]]]:
    folder, data = read_descriptor(path)
    resources = {r.get("name"): r for r in data.get("resources", []) if isinstance(r, dict)}
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        resource = resources.get(table.name)
        if resource is None:
            raise DataPackageError(f"{folder / DESCRIPTOR_NAME}: resource {table.name!r} is missing; expected the resources {', '.join(TABLES_BY_NAME)}")
        fields = [f.get("name") for f in resource.get("schema", {}).get("fields", []) if isinstance(f, dict)]
        tables[table.name] = _read_csv(folder / str(resource.get("path", "")), table, fields)
    return folder, data, tables


def _read_csv(path: Path, table: Table, fields: list[Any]) -> list[dict[str, Any]]:
    """The rows of a table's CSV, each cell typed as its column says. The CSV has the columns its
    descriptor lists (``fields``): an earlier release's may lack a column added since, which then
    reads as empty, but none other than the table declares."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DataPackageError(f"{path}: cannot read ({error}); expected a UTF-8 CSV file") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    declared = {c.name: c for c in table.columns}
    if header != fields or any(name not in declared for name in header) or len(set(header)) != len(header):
        raise DataPackageError(f"{path}:1: header {header} differs; expected {fields if fields != header else list(table.column_names)}")
    columns = [declared[name] for name in header]
    absent = {c.name: None for c in table.columns if c.name not in header}
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(columns):
            raise DataPackageError(f"{path}:{number}: {len(cells)} cells; expected {len(columns)}")
        row: dict[str, Any] = dict(absent)
        for column, cell in zip(columns, cells, strict=True):
            if cell == "":
                row[column.name] = None
            elif column.type == "integer":
                try:
                    row[column.name] = int(cell)
                except ValueError:
                    raise DataPackageError(f"{path}:{number}: {column.name}: {cell!r} is not an integer") from None
            elif column.type == "number":
                try:
                    row[column.name] = Decimal(cell)
                except InvalidOperation:
                    raise DataPackageError(f"{path}:{number}: {column.name}: {cell!r} is not a number") from None
            else:
                row[column.name] = cell
        rows.append(row)
    return rows


def read_zip(path: Path, *, sha256: str | None = None, releases: Path | None = None) -> m.Dataset:
    """Read a data package from its zip (a release's ``datapackage.zip``), checked: the whole
    file against ``sha256`` if given, every table against the SHA-256 its descriptor states,
    and the descriptor against that of the release it names, if ``releases`` holds it."""
    import zipfile

    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataPackageError(f"{path}: cannot read it ({error.strerror}); expected a datapackage.zip") from None
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256.strip().lower():
        raise DataPackageError(f"{path}: SHA-256 {digest}; expected {sha256.strip().lower()}: the file is not the one published (download it again)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DataPackageError(f"{path}: not a zip file; expected a datapackage.zip") from None
    with archive, tempfile.TemporaryDirectory(prefix="actionplans-zip-") as folder:
        descriptors = sorted((n for n in archive.namelist() if n.rsplit("/", 1)[-1] == DESCRIPTOR_NAME), key=lambda n: n.count("/"))
        if not descriptors:
            raise DataPackageError(f"{path}: holds no {DESCRIPTOR_NAME}; expected a data package's zip")
        prefix = descriptors[0][: -len(DESCRIPTOR_NAME)]
        descriptor_bytes = archive.read(descriptors[0])
        _folder, descriptor = read_descriptor_bytes(descriptor_bytes, f"{path}:{descriptors[0]}")
        out = Path(folder)
        (out / DESCRIPTOR_NAME).write_bytes(descriptor_bytes)
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
                raise DataPackageError(f"{path}: {prefix + name}: its SHA-256 differs from the {stated} its descriptor states; expected the file as published")
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(table)
        if releases is not None:
            _check_against_release(descriptor, descriptor_bytes, releases, path)
        dataset = read_package(out)
    object.__setattr__(dataset, "origin", None)
    return dataset


def _check_against_release(descriptor: dict[str, Any], data: bytes, releases: Path, path: Path) -> None:
    """A descriptor naming a release that ``releases`` holds must be that release's."""
    from .versions import VERSION, Store

    version = str(descriptor.get("version", ""))
    if not VERSION.match(version) or not (releases / version).is_dir():
        return
    release = Store(releases).get(version)
    if hashlib.sha256(data).hexdigest() != release.sha256:
        raise DataPackageError(f"{path}: says it is release {version}, but its descriptor differs from that release's; expected the file as published")


def read_descriptor_bytes(data: bytes, where: str) -> tuple[None, dict[str, Any]]:
    """A descriptor given as bytes, checked as ``read_descriptor`` checks a file."""
    try:
        descriptor = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataPackageError(f"{where}: not a JSON descriptor ({error}); expected {DESCRIPTOR_NAME} as written by actionplans") from None
    if not isinstance(descriptor, dict) or descriptor.get("format") != FORMAT:
        raise DataPackageError(f"{where}: not an actionplans data package; expected format {FORMAT!r}")
    return None, descriptor


def read_package(path: Path | str) -> m.Dataset:
    """Read an actionplans data package into the model (standard library only)."""
    folder, data, rows = _read(path)
    try:
        licence = data["licenses"][0]
        meta = m.PackageMeta(
            name=data["name"], version=data["version"], created=data["created"],
            title=m.Text(data["title_zh"], data["title"]), description=m.Text(data["description_zh"], data["description"]),
            homepage=data.get("homepage"), licence_name=licence["name"], licence_path=licence["path"], licence_title=licence["title"],
            contributors=tuple(m.Contributor(c["title"], c["roles"][0], c.get("path")) for c in data.get("contributors", [])),
        )
        records = records_from_rows(rows)
        collections: dict[str, Any] = {attribute: records[name] for name, attribute in COLLECTIONS.items()}
        collections["tasks"] = m.TaskTable(collections["tasks"])
        dataset = m.Dataset(meta=meta, **collections)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise DataPackageError(f"{path}: inconsistent data package ({error!r}); expected one written by actionplans") from None
    object.__setattr__(dataset, "origin", folder)
    return dataset
