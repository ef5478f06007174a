"""The lowest layer: values as CSV cells and JSON numbers, typed CSV reading, and files and
folders written whole or not at all. Everything above reads and writes through here.

Readers take a ``Source``: a folder, or a mapping of file names to bytes (a zip's members, a
package built in memory), so nothing is written to a temporary folder only to be read back.

**Numbers.** A table's numbers are decimals (``Decimal``), never floats, from the content to
the CSV. Written as CSV, a number is its shortest exact decimal text (``12.5``, ``5150500``:
no exponent, no trailing zeros). Written as JSON (``actionplans.json``, the API, a release's
``changes.json``), a whole number is a JSON integer and any other a JSON number with the same
digits; the content allows at most 15 significant digits (``MAX_DIGITS``), so a reader that
parses JSON numbers as doubles, as browsers do, gets back the same decimal. One rule, in
``json_number``, for every JSON the project writes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import DataPackageError
from .numerals import format_number

#: Files by name (a path relative to the package, "/" between folders).
Files = Mapping[str, bytes]
#: Where a reader finds its files: a folder, or the files themselves.
Source = Path | Files
#: The most significant digits a number may have, so that JSON gives it back exactly (above).
MAX_DIGITS = 15
#: The cell types of a table schema this project writes.
TYPES = ("string", "integer", "number", "date")


# --- values ------------------------------------------------------------------------------------
def cell(value: Any) -> str:
    """A value as a CSV cell: empty for no value; a decimal as its shortest exact text; a list
    or mapping (a change log's old or new value) as compact JSON with sorted keys."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=json_default)
    return str(value)


def json_number(value: Decimal) -> int | float:
    """A decimal as JSON writes it: an integer when whole, else the number of the same digits
    (exact for up to ``MAX_DIGITS`` significant digits)."""
    return int(value) if value == value.to_integral_value() else float(value)


def json_value(value: Any) -> Any:
    """A cell's value as JSON, XLSX and SQLite hold it (decimals by ``json_number``)."""
    return json_number(value) if isinstance(value, Decimal) else value


def json_default(value: Any) -> Any:
    """``json.dumps(default=…)`` for the values of a table: decimals by ``json_number``."""
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"{type(value).__name__} is not a table value")


def typed(text: str, kind: str, where: str = "", name: str = "") -> Any:
    """A CSV cell as a value of its field's type ("" is no value). A cell that is not of its
    type raises DataPackageError naming ``where`` (``file:line``) and the field."""
    if text == "":
        return None
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = Decimal(text)
            if not number.is_finite():
                raise InvalidOperation
            return number
    except (ValueError, InvalidOperation):
        article = "an" if kind == "integer" else "a"
        raise DataPackageError(
            f"{where}: {name}: {text!r} is not {article} {kind}; expected a value of the field's type"
        ) from None
    return text  # string, date (ISO text, as the CSV holds it)


def from_json(value: Any, kind: str) -> Any:
    """A value as a change log holds it (parsed JSON) as a value of its field's type."""
    if value is None:
        return None
    if kind == "number":
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if kind == "integer":
        return int(value)
    return value


# --- CSV ---------------------------------------------------------------------------------------
def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV per RFC 4180: a header row, CRLF line ends (so a cell holding a line break is
    quoted), every value by ``cell``. Each row must have as many values as the header."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    width = len(header)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values under a header of {width}")
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def read_table(data: bytes, where: str, fields: Sequence[str], types: Mapping[str, str]) -> list[dict[str, Any]]:
    """The rows of a CSV table, each cell typed as ``types`` says (a field not in it is text).
    Its header must be ``fields``; any difference, a row of another width or a cell not of its
    type raises DataPackageError at ``where:line``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataPackageError(f"{where}: not UTF-8 ({error.reason} at byte {error.start}); expected a UTF-8 CSV file") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != list(fields):
        raise DataPackageError(f"{where}:1: header {header} differs from the declared columns; expected {list(fields)}")
    kinds = [types.get(name, "string") for name in header]
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise DataPackageError(f"{where}:{number}: {len(cells)} cells; expected {len(header)}")
        rows.append(
            {name: typed(text, kind, f"{where}:{number}", name) for name, kind, text in zip(header, kinds, cells, strict=True)}
        )
    return rows


# --- reading a source --------------------------------------------------------------------------
def where(source: Source, name: str) -> str:
    """How a message names file ``name`` of ``source``."""
    return str(source / name) if isinstance(source, Path) else name


def read(source: Source, name: str) -> bytes:
    """File ``name`` of ``source``; DataPackageError when it is not there."""
    if isinstance(source, Path):
        try:
            return (source / name).read_bytes()
        except OSError as error:
            raise DataPackageError(
                f"{source / name}: cannot read it ({error.strerror}); expected the file its package names"
            ) from None
    try:
        return source[name]
    except KeyError:
        raise DataPackageError(f"{name}: missing; expected the file its package names") from None


def has(source: Source, name: str) -> bool:
    return (source / name).is_file() if isinstance(source, Path) else name in source


def tree_digest(folder: Path, leave_out: frozenset[str] = frozenset()) -> str:
    """The SHA-256 of every file under ``folder`` (but the subfolders named in ``leave_out``):
    their paths and bytes, in path order ("" for no folder)."""
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).parts[0] not in leave_out):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as file:
            digest.update(hashlib.file_digest(file, "sha256").digest())
    return digest.hexdigest()


# --- writing -----------------------------------------------------------------------------------
def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: into a new file beside it, which then replaces it."""
    write_all_atomic({path: data})


def write_all_atomic(contents: Mapping[Path, bytes]) -> None:
    """Write every file whole or not at all (``write_atomic``), replacing none of them until
    all are written beside their targets."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((Path(temporary), path))
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o644)
        for temporary_path, target in staged:
            os.replace(temporary_path, target)
    finally:
        for temporary_path, _ in staged:
            temporary_path.unlink(missing_ok=True)


def write_new(path: Path, data: bytes) -> bool:
    """Write ``path`` in a folder no one reads yet (a staging folder, replaced whole): plainly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def write_if_changed(path: Path, data: bytes, *, atomic: bool = True) -> bool:
    """``write_atomic`` unless the file holds ``data`` already; whether it wrote. A folder that
    only a later step of the same command reads (the generated pages) may be written without
    ``atomic``: a file half-written by a kill differs from what the next run makes, which then
    rewrites it."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    if atomic:
        write_atomic(path, data)
    else:
        write_new(path, data)
    return True


def prune(folder: Path, keep: set[str]) -> int:
    """Remove the files under ``folder`` not in ``keep`` (paths relative to it), and the folders
    left empty; how many files it removed."""
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


@contextmanager
def staged_folder(target: Path, marker: str | None = None) -> Iterator[Path]:
    """A new empty folder beside ``target`` that takes its place in one step when the block
    ends without error. On error (or a kill) ``target`` is untouched and the staging folder is
    removed (after a kill, left as a hidden ``.name.tmp-*`` folder, which the next run clears).
    With ``marker``, a folder that is not empty and lacks that file was not written here, and
    is never replaced."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_dir():
        raise DataPackageError(f"{target}: exists and is not a folder; expected a folder to write into")
    if target.is_dir() and marker and any(target.iterdir()) and not (target / marker).exists():
        raise DataPackageError(
            f"{target}: is not empty and has no {marker}; refusing to replace a folder this program did not write"
        )
    for leftover in (*target.parent.glob(f".{target.name}.tmp-*"), *target.parent.glob(f".{target.name}.old-*")):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def write_folder(target: Path, files: Files, marker: str | None = None) -> None:
    """``target`` holding exactly ``files``, written whole or not at all (``staged_folder``)."""
    with staged_folder(target, marker) as staging:
        for name, data in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)


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
