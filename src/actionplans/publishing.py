"""Publishing beyond the site: the files of a release to attach to a tagged release of the
repository, each verified against the release's ``SHA256SUMS`` in the built site, and
``.zenodo.json``, the metadata Zenodo archives a tagged release with, made from the data
package's own metadata (so it says what ``CITATION.cff`` and ``datapackage.json`` say).

``scripts/build-site`` and ``scripts/release-assets`` (which the workflows in
``.github/workflows/`` run) are thin wrappers around ``actionplans build`` and
``actionplans assets``, which call these functions.
"""

from __future__ import annotations

import fnmatch
import hashlib
import html
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model as m
from .errors import ActionplansError
from .problems import RELEASE_ASSET_UNVERIFIED, RELEASE_TAG_UNKNOWN

#: The files of a release that are attached to it, by pattern over the paths its ``SHA256SUMS``
#: lists, and whether a release must have one. The release's ``SHA256SUMS`` is attached too.
ASSETS: tuple[tuple[str, bool], ...] = (
    ("datapackage.zip", True),
    ("*.xlsx", True),
    ("*.sqlite", True),
    # every table as Parquet in one zip: release assets are flat, and SHA256SUMS names a table's
    # Parquet file by its folder (parquet/<table>.parquet), which a flat copy would not match
    ("actionplans-parquet.zip", False),
)
SUMS = "SHA256SUMS"
_TAG = re.compile(r"v(\d+\.\d+\.\d+)")


class PublishError(ActionplansError):
    """A release's files could not be verified or gathered to attach."""

    code = RELEASE_ASSET_UNVERIFIED


def tag_version(tag: str) -> str:
    """The version a release tag names: ``v1.2.0`` → ``1.2.0``."""
    match = _TAG.fullmatch(tag.strip())
    if match is None:
        raise PublishError(f"tag {tag!r}: not a release tag; expected v and a version, such as v1.2.0", code=RELEASE_TAG_UNKNOWN)
    return match.group(1)


@dataclass(frozen=True)
class Asset:
    """A file to attach: its name on the release, where it is in the built site, its SHA-256."""

    name: str
    path: Path
    sha256: str


def read_sums(path: Path) -> dict[str, str]:
    """A ``SHA256SUMS`` file (the form ``sha256sum`` writes) as {path: SHA-256}."""
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest) or not name:
            raise PublishError(f"{path}:{number}: not a SHA256SUMS line; expected 64 hex digits, two spaces and a file name")
        out[name.removeprefix("*")] = digest
    return out


def release_assets(site: Path, tag: str) -> list[Asset]:
    """The files of the release ``tag`` names, from the built ``site``: its data package zip,
    XLSX workbook, SQLite database and Parquet zip (if it has one), then its ``SHA256SUMS``.
    Every one is checked against ``SHA256SUMS``: listed there, present, and with the SHA-256 it
    lists. Every problem is reported at once."""
    version = tag_version(tag)
    listed = _published_versions(site)
    if version not in listed:
        known = ", ".join(listed) or "none"
        raise PublishError(
            f"tag {tag}: {site} publishes no release {version}; expected one of its releases ({known})", code=RELEASE_TAG_UNKNOWN
        )
    folder = site / "releases" / version
    sums_path = folder / SUMS
    if not sums_path.is_file():
        raise PublishError(f"{sums_path}: missing; expected the release's checksums, as the build writes them")
    sums = read_sums(sums_path)
    problems: list[str] = []
    assets: list[Asset] = []
    for pattern, required in ASSETS:
        matched = sorted(name for name in sums if fnmatch.fnmatchcase(name, pattern))
        unlisted = sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and fnmatch.fnmatchcase(p.relative_to(folder).as_posix(), pattern)
        )
        for name in unlisted:
            if name not in sums:
                problems.append(
                    f"{folder / name}: not listed in {sums_path}; expected every file of the release listed with its SHA-256"
                )
        if required and not matched:
            problems.append(f"{sums_path}: lists no {pattern}; expected the release to have one")
        for name in matched:
            path = folder / name
            if not path.is_file():
                problems.append(f"{path}: missing; {sums_path} lists it")
                continue
            with path.open("rb") as file:
                digest = hashlib.file_digest(file, "sha256").hexdigest()
            if digest != sums[name]:
                problems.append(f"{path}: SHA-256 {digest}; expected {sums[name]}, as {sums_path} lists")
                continue
            assets.append(Asset(Path(name).name, path, digest))
    names = [a.name for a in assets]
    for name in sorted({n for n in names if names.count(n) > 1 or n == SUMS}):
        problems.append(f"{folder}: more than one file to attach is named {name}; expected names unique on the release")
    if problems:
        raise PublishError("\n".join(problems))
    with sums_path.open("rb") as file:
        assets.append(Asset(SUMS, sums_path, hashlib.file_digest(file, "sha256").hexdigest()))
    return assets


def copy_assets(assets: list[Asset], out: Path) -> list[Path]:
    """Copy ``assets`` into ``out`` (created if need be; it must hold no other file, so that
    everything in it can be attached), each checked again once copied."""
    out.mkdir(parents=True, exist_ok=True)
    others = sorted(p.name for p in out.iterdir() if p.name not in {a.name for a in assets})
    if others:
        raise PublishError(
            f"{out}: holds other files ({', '.join(others[:5])}); expected an empty folder, all of which is attached"
        )
    copied = []
    for asset in assets:
        target = out / asset.name
        shutil.copyfile(asset.path, target)
        with target.open("rb") as file:
            if hashlib.file_digest(file, "sha256").hexdigest() != asset.sha256:
                raise PublishError(f"{target}: differs from {asset.path} once copied")
        copied.append(target)
    return copied


def _published_versions(site: Path) -> list[str]:
    """The versions the built site lists in ``releases.json``."""
    path = site / "releases.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return [str(entry["version"]) for entry in document]
    except (OSError, ValueError, KeyError, TypeError):
        raise PublishError(f"{path}: missing or unreadable; expected a built site (actionplans build)") from None


# --- .zenodo.json -----------------------------------------------------------------------------
#: Data Package contributor roles as Zenodo contributor types (authors are Zenodo's creators).
_CONTRIBUTOR_TYPES = {"publisher": "Distributor", "maintainer": "DataManager", "wrangler": "DataCurator", "contributor": "Other"}
_ORCID = re.compile(r"(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")


def zenodo_metadata(dataset: m.Dataset) -> dict[str, Any]:
    """What Zenodo's deposit metadata says of a release of the data set, from the data
    package's metadata: title, both descriptions, creators (the authors among the contributors,
    or all of them if none is), licence, keywords (the themes, in both languages), version and
    date, and, when the data set has a homepage, the site and the release's page."""
    meta = dataset.meta
    authors = [c for c in meta.contributors if c.role == "author"] or list(meta.contributors)
    document: dict[str, Any] = {
        "upload_type": "dataset",
        "access_right": "open",
        "title": meta.title.en,
        "description": f'<p>{html.escape(meta.description.en)}</p>\n<p lang="zh-Hans">{html.escape(meta.description.zh)}</p>',
        "creators": [_person(c) for c in authors],
        "license": meta.licence_name.lower(),
        "keywords": [*(t.label.en for t in dataset.themes.values()), *(t.label.zh for t in dataset.themes.values())],
        "version": meta.version,
        "publication_date": meta.created[:10],
    }
    others = [c for c in meta.contributors if c not in authors]
    if others:
        document["contributors"] = [{**_person(c), "type": _CONTRIBUTOR_TYPES.get(c.role, "Other")} for c in others]
    if meta.homepage:
        base = meta.homepage if meta.homepage.endswith("/") else meta.homepage + "/"
        document["related_identifiers"] = [
            {
                "identifier": f"{base}releases/{meta.version}/",
                "relation": "isIdenticalTo",
                "resource_type": "dataset",
                "scheme": "url",
            },
            {"identifier": base, "relation": "isVersionOf", "resource_type": "dataset", "scheme": "url"},
        ]
    return document


def zenodo_json(dataset: m.Dataset) -> str:
    """``.zenodo.json``: ``zenodo_metadata`` as JSON, keys sorted, so that it is the same from
    the same metadata."""
    return json.dumps(zenodo_metadata(dataset), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def check_zenodo(path: Path, tag: str) -> None:
    """Fail unless ``.zenodo.json`` at ``path`` names the version ``tag`` names (Zenodo would
    archive the release under the version it states). No file, nothing to check."""
    version = tag_version(tag)
    try:
        stated = json.loads(path.read_text(encoding="utf-8")).get("version")
    except FileNotFoundError:
        return
    except (OSError, ValueError, AttributeError):
        raise PublishError(f"{path}: unreadable; expected JSON (nox -s docs writes it)") from None
    if stated != version:
        raise PublishError(
            f"{path}: version {stated!r}; expected {version!r}, the version tag {tag} names (nox -s docs rewrites it)"
        )


def _person(contributor: m.Contributor) -> dict[str, str]:
    person = {"name": contributor.title}
    orcid = _ORCID.fullmatch(contributor.path or "")
    if orcid:
        person["orcid"] = orcid.group(1)
    return person
