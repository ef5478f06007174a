"""Writing the model as a Frictionless data package, and reading one back into the model.

Reading (``read_package``) uses only the standard library, so ``actionplans.load()`` works
without frictionless. Writing is atomic: files go to a temporary folder beside the target,
which then takes the target's place in one step.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import model as m
from .errors import DataPackageError
from .numerals import format_number
from .paths import DESCRIPTOR_NAME
from .tables import TABLES, TABLES_BY_NAME, Table

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
        writer.writerow(["" if value is None else format_number(value) if isinstance(value, Decimal) else value for value in row])
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def build_files(dataset: m.Dataset, made: Callable[[dict[str, Any], bytes], None] | None = None) -> dict[str, bytes]:
    """Every file of the data package, by relative path, without writing anything. ``made``, if
    given, is called with each table's resource description and bytes as soon as it is made."""
    files: dict[str, bytes] = {}
    resources = []
    for table in TABLES:
        data, rows = _csv(table, table.rows(dataset))
        path = f"{table.name}.csv"
        files[path] = data
        resource = {
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
        resources.append(resource)
        if made is not None:
            made(resource, data)
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


def write_package(
    dataset: m.Dataset,
    out_dir: Path | str,
    *,
    check: Callable[[Path], None] | None = None,
) -> dict[str, bytes]:
    """Write the data package to ``out_dir`` atomically; ``check`` may veto the new folder.

    Each table is written as soon as it is made; a ``Validator`` as ``check`` starts on it then.
    """
    with staged_folder(Path(out_dir)) as staging:
        written = check.written if isinstance(check, Validator) else None

        def made(resource: dict[str, Any], data: bytes) -> None:
            (staging / resource["path"]).write_bytes(data)
            if written is not None:
                written(staging, resource)

        files = build_files(dataset, made)
        (staging / DESCRIPTOR_NAME).write_bytes(files[DESCRIPTOR_NAME])
        if check is not None:
            check(staging)
    return files


def stale_files(dataset: m.Dataset, out_dir: Path | str) -> list[str]:
    """Files of ``out_dir`` that differ from what ``write_package`` would write (or are extra)."""
    out_dir = Path(out_dir)
    files = build_files(dataset)
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


#: Below this many bytes of CSV, validation runs in this process (a worker pool costs more).
PARALLEL_VALIDATION_BYTES = 4 * 1024 * 1024
#: Tables of this many bytes and more are validated as soon as they are written (see ``Validator``).
EARLY_VALIDATION_BYTES = 256 * 1024


class Validator:
    """``validate`` by worker processes started ahead of time, which import frictionless while
    the caller is still reading the content. A context manager; pass it as ``check``.

    ``write_package`` tells it of each table as soon as the table is in the folder, and the
    workers start on it then, while the next tables are made: a table is validated within a
    package of itself and the tables its foreign keys name. When the descriptor is written,
    ``__call__`` validates its metadata, and validates again any table that it describes, or
    whose named tables it describes, otherwise than the early validation saw them: what passes
    is exactly the package as written.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.pool: Any = None
        self.described: dict[str, dict[str, Any]] = {}  # each table written so far: its description
        #: Each table validated early: the descriptions it was validated with (its own and those of
        #: the tables its foreign keys name), and the future of its problems.
        self.early: dict[str, tuple[list[dict[str, Any]], Any]] = {}
        self.folder: Path | None = None

    def __enter__(self) -> Validator:
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            for _ in range(self.workers):
                self.pool.submit(_import_frictionless)
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=kind is None, cancel_futures=True)

    def written(self, folder: Path, resource: dict[str, Any]) -> None:
        """Start validating a table just written to ``folder``, if it is large and the tables its
        foreign keys name are written too. Smaller tables are validated with the descriptor."""
        if self.pool is None:
            return
        if folder != self.folder:
            self.folder, self.described, self.early = folder, {}, {}
        resource = copy.deepcopy(resource)  # as validated, whatever the caller does with its own
        self.described[resource["name"]] = resource
        named = [fk["reference"]["resource"] for fk in resource["schema"].get("foreignKeys", [])]
        others = [name for name in dict.fromkeys(named) if name != resource["name"]]
        if resource["bytes"] < EARLY_VALIDATION_BYTES or any(name not in self.described for name in others):
            return
        package = {"resources": [resource, *(self.described[name] for name in others)]}
        future = self.pool.submit(_validate_resources, package, [resource["name"]], False, str(folder))
        self.early[resource["name"]] = (package["resources"], future)

    def __call__(self, folder: Path) -> None:
        if self.pool is None:
            validate(folder, self.workers)
            return
        descriptor = str(folder / DESCRIPTOR_NAME)
        resources = json.loads((folder / DESCRIPTOR_NAME).read_bytes())["resources"]
        early = self.early if folder == self.folder else {}
        done = {name: future for name, (seen, future) in early.items() if all(d in resources for d in seen)}
        rest = [resource for resource in resources if resource["name"] not in done]
        shares = _shares(rest, resources, self.workers)
        futures = [self.pool.submit(_validate_resources, descriptor, share, i == 0) for i, share in enumerate(shares) if share or i == 0]
        _raise_if_any([line for future in [*futures, *done.values()] for line in future.result()])


def _import_frictionless() -> None:
    import frictionless  # noqa: F401


def validate(folder: Path, workers: int | None = None) -> None:
    """Validate a written data package with frictionless; raise DataPackageError on any error.

    Every row of every resource is checked against its schema, including foreign keys. Large
    packages are validated by several processes, each taking whole resources (largest first);
    ``workers`` overrides the number, which is otherwise one per CPU for large packages.
    """
    descriptor = folder / DESCRIPTOR_NAME
    resources = json.loads(descriptor.read_bytes())["resources"]
    if workers is None:
        large = sum((folder / r["path"]).stat().st_size for r in resources) >= PARALLEL_VALIDATION_BYTES
        workers = min(len(resources), os.cpu_count() or 1) if large else 1
    if workers <= 1:
        lines = _validate_resources(str(descriptor), [r["name"] for r in resources], True)
    else:
        from concurrent.futures import ProcessPoolExecutor

        import frictionless  # noqa: F401  (imported once here; forked workers inherit it)

        arguments = ([str(descriptor)] * workers, _shares(resources, resources, workers), [i == 0 for i in range(workers)])
        with ProcessPoolExecutor(workers) as pool:
            lines = [line for result in pool.map(_validate_resources, *arguments) for line in result]
    _raise_if_any(lines)


def _shares(resources: list[dict[str, Any]], among: list[dict[str, Any]], workers: int) -> list[list[str]]:
    """The names of ``resources`` in ``workers`` lists of about equal cost, largest first. A
    resource costs its own rows plus the rows of those its foreign keys look up in ``among``."""
    rows = {r["name"]: int(r.get("rows", 0)) for r in among}
    cost = {
        r["name"]: rows.get(r["name"], 0) + sum(rows.get(fk["reference"]["resource"], 0) for fk in r["schema"].get("foreignKeys", []))
        for r in resources
    }
    shares: list[list[str]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for name in sorted(cost, key=lambda n: -cost[n]):
        least = loads.index(min(loads))
        shares[least].append(name)
        loads[least] += cost[name]
    return shares


def _raise_if_any(lines: list[str]) -> None:
    if lines:
        raise DataPackageError("the data package does not validate:\n" + "\n".join(lines[:40]))


def _validate_resources(descriptor: str | dict[str, Any], names: list[str], metadata: bool, basepath: str | None = None) -> list[str]:
    """Problems frictionless finds in the named resources' rows, and in the metadata if asked.
    ``descriptor`` is a descriptor's path, or a descriptor whose paths are under ``basepath``."""
    from frictionless import FrictionlessException, Package  # imported here: reading must not need frictionless

    lines: list[str] = []
    try:
        package = Package(descriptor, basepath=basepath) if basepath is not None else Package(descriptor)
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
        tables[table.name] = _read_csv(folder / str(resource.get("path", "")), table)
    return folder, data, tables


def _read_csv(path: Path, table: Table) -> list[dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DataPackageError(f"{path}: cannot read ({error}); expected a UTF-8 CSV file") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != list(table.column_names):
        raise DataPackageError(f"{path}:1: header {header} differs; expected {list(table.column_names)}")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(table.columns):
            raise DataPackageError(f"{path}:{number}: {len(cells)} cells; expected {len(table.columns)}")
        row: dict[str, Any] = {}
        for column, cell in zip(table.columns, cells, strict=True):
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


def _t(row: dict[str, Any], name: str) -> m.Text | None:
    zh, en = row[f"{name}_zh"], row[f"{name}_en"]
    return None if zh is None and en is None else m.Text(zh or "", en or "")


def _tx(row: dict[str, Any], name: str) -> m.Text:
    text = _t(row, name)
    if text is None:
        raise DataPackageError(f"{name}: empty in row {row.get('id')!r}; expected text in both languages")
    return text


def _span(row: dict[str, Any]) -> m.Span:
    return m.Span(row["char_start"], row["char_end"], row["line_start"], row["line_end"])


def _grouped(rows: list[dict[str, Any]], key: str, value: str) -> dict[str, tuple[Any, ...]]:
    out: dict[str, list[tuple[int, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append((row["position"], row[value]))
    return {k: tuple(v for _, v in sorted(items)) for k, items in out.items()}


def read_package(path: Path | str) -> m.Dataset:
    """Read an actionplans data package into the model (standard library only)."""
    folder, data, t = _read(path)
    try:
        dataset = _dataset(data, t)
        object.__setattr__(dataset, "origin", folder)
        return dataset
    except (KeyError, TypeError, ValueError) as error:
        raise DataPackageError(f"{path}: inconsistent data package ({error!r}); expected one written by actionplans") from None


def _dataset(data: dict[str, Any], t: dict[str, list[dict[str, Any]]]) -> m.Dataset:
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
    authors = _grouped([{**r, "name": m.Text(r["name_zh"], r["name_en"])} for r in t["source_authors"]], "source_id", "name")
    sources = {
        r["id"]: m.Source(
            r["id"], _tx(r, "title"), _tx(r, "publisher"), authors.get(r["id"], ()), r["year"], _t(r, "year_note"),
            r["sha256"], r["characters"], _tx(r, "rights"),
        )
        for r in t["sources"]
    }
    regions = {r["id"]: m.Region(r["id"], _tx(r, "label"), r["level"], r["code_gb2260"], r["code_iso"]) for r in t["regions"]}

    def concepts(name: str) -> dict[str, m.Concept]:
        return {r["id"]: m.Concept(r["id"], _tx(r, "label"), _t(r, "description")) for r in t[name]}

    organizations = {r["id"]: m.Organization(r["id"], _tx(r, "name"), r["region_id"], r["actor_id"]) for r in t["organizations"]}
    issuers = _grouped(t["plan_issuers"], "plan_id", "organization_id")
    plan_groups = _grouped(t["plan_groups"], "plan_id", "group_id")
    plan_themes = _grouped(t["plan_themes"], "plan_id", "theme_id")
    statements: dict[str, list[m.Statement]] = {}
    for r in t["statements"]:
        statements.setdefault(r["plan_id"], []).append(m.Statement(r["id"], r["plan_id"], r["kind"], r["ordinal"], _tx(r, "text"), _span(r)))
    plans = {
        r["id"]: m.Plan(
            id=r["id"], source_id=r["source_id"], title=_tx(r, "title"), title_span=_span(r), issuer_ids=issuers.get(r["id"], ()),
            issuer_count=r["issuer_count"], level=r["level"], region_id=r["region_id"], period_start=r["period_start"],
            period_end=r["period_end"], group_ids=plan_groups.get(r["id"], ()), theme_ids=plan_themes.get(r["id"], ()),
            task_count=r["task_count"], task_count_rule=r["task_count_rule"], statements=tuple(statements.get(r["id"], ())),
        )
        for r in t["plans"]
    }
    themes = _grouped(t["task_themes"], "task_id", "theme_id")
    actors = _grouped(t["task_actors"], "task_id", "actor_id")
    groups = _grouped(t["task_groups"], "task_id", "group_id")
    tasks = {
        r["id"]: m.Task(
            r["id"], r["plan_id"], r["ordinal"], r["label"], _tx(r, "title"), _tx(r, "text"), _span(r),
            themes.get(r["id"], ()), actors.get(r["id"], ()), groups.get(r["id"], ()),
        )
        for r in t["tasks"]
    }
    figures = {
        r["id"]: m.Figure(
            r["id"], r["plan_id"], r["task_id"], r["kind"], r["value"], r["value_to"], r["unit_id"], r["year"], r["region_id"],
            r["qualifier"], _tx(r, "measure"), _tx(r, "quote"), _span(r),
        )
        for r in t["figures"]
    }
    variants = _grouped(t["term_variants"], "term_id", "en")
    terms = {r["id"]: m.Term(r["id"], r["zh"], r["en"], variants.get(r["id"], ()), _t(r, "note"), r["source_url"]) for r in t["terms"]}
    return m.Dataset(
        meta=meta, sources=sources, regions=regions, groups=concepts("groups"), themes=concepts("themes"),
        actors=concepts("actors"), units=concepts("units"), organizations=organizations, plans=plans,
        tasks=m.TaskTable(tasks), figures=figures, terms=terms,
    )
