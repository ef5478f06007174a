"""Downloads kept between builds: made once from their inputs, taken again while those hold.

A folder of kept files holds the files and ``KEPT.json``: what they were made from (given by the
caller: a release's checksums, or the current data package's) together with the code and
libraries that made them, and each file's path, format, titles, SHA-256 and size. The files are
taken again only if the manifest says they were made from the same inputs by the same code, and
every file is there with the SHA-256 and size it was made with: each one is read and hashed
again, so a file damaged in the cache is made again, never published under a checksum it no
longer has.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import files
from .downloads import Download

MANIFEST = "KEPT.json"


def kept_or_made(
    folder: Path | None, prefix: str, made_from: dict[str, Any], make: Callable[[], list[Download]]
) -> list[Download]:
    """The downloads kept in ``folder`` for ``made_from``, or ``make()``'s, which are then kept
    there (without ``folder``, always ``make()``'s). Every download's path starts with
    ``prefix``; it is kept in ``folder`` under the rest of its path."""
    if folder is None:
        return make()
    inputs = {**made_from, "makers": makers()}
    kept = _kept(folder, prefix, inputs)
    if kept is not None:
        return kept
    made = make()
    _keep(folder, prefix, inputs, made)
    return made


def file_sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


@functools.cache
def makers() -> str:
    """The code and libraries that make downloads: this package's modules and data files (any
    change to any of them makes every kept file again) and the writers' versions."""
    here = Path(__file__).parent
    code = hashlib.sha256()
    for path in sorted([*here.rglob("*.py"), *(here / "data").glob("*.yaml")]):
        code.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    libraries = []
    for name in ("XlsxWriter", "arro3-core", "arro3-io"):
        try:
            libraries.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libraries.append(f"{name} none")
    return f"code {code.hexdigest()[:16]} {' '.join(libraries)} sqlite {sqlite3.sqlite_version} zlib {zlib.ZLIB_VERSION}"


def _kept(folder: Path, prefix: str, inputs: dict[str, Any]) -> list[Download] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("made_from") != inputs:
            return None
        out = []
        for entry in manifest["files"]:
            path = folder / entry["name"]
            if path.stat().st_size != entry["size"] or file_sha256(path) != entry["sha256"]:
                return None
            out.append(
                Download(prefix + entry["name"], entry["format"], entry["zh"], entry["en"], path, entry["sha256"], entry["size"])
            )
        return out
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep(folder: Path, prefix: str, inputs: dict[str, Any], downloads: list[Download]) -> None:
    """Keep the downloads for later builds (the folder written whole, or not at all)."""
    contents: dict[str, bytes] = {}
    entries = []
    for d in downloads:
        assert d.path.startswith(prefix), (d.path, prefix)
        name = d.path.removeprefix(prefix)
        contents[name] = d.data
        entries.append({"name": name, "format": d.format, "zh": d.zh, "en": d.en, "sha256": d.sha256, "size": d.size})
    contents[MANIFEST] = (json.dumps({"made_from": inputs, "files": entries}, ensure_ascii=False, indent=1) + "\n").encode(
        "utf-8"
    )
    files.write_folder(folder, contents, marker=MANIFEST)
