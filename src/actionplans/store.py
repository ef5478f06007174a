"""Releases: every data release permanent, citable and diffable, row by row and field by field.

A release is a folder ``releases/<version>/`` that is never changed once written:

- ``release.json``: version, date, the previous release, bilingual notes, the version bump and
  its reasons, how many rows each table gained, lost and changed, and the SHA-256 of the two
  files below;
- ``datapackage.json``: the descriptor as released (its version and ``created`` are the
  release's; every resource carries the SHA-256 of its CSV);
- ``changes.json``: the change log against the previous release (the first release's is
  against nothing: every row added).

The tables themselves are not stored again: a release's tables are rebuilt by applying the
change logs in order, and each rebuilt CSV must have the SHA-256 its descriptor states, so a
release folder edited by hand is detected. A change log names rows by their primary key
(composite keys too): rows added (with the row before which they stand), removed (with their
values) and changed (each changed field's old and new value); fields and tables added or
removed. A key change is a removal plus an addition. Everything here reads descriptors, not
the current table declarations, so old releases stay readable when the format changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import files
from . import model as m
from .changes import RELEASE_PROPERTIES, Changes, apply, diff
from .datapackage import descriptor_of, read_package, zip_files
from .errors import DataPackageError
from .paths import DESCRIPTOR_NAME
from .snapshots import Snapshot
from .versions import VERSION, ReleaseError, parse_version, suggest_bump


@dataclass(frozen=True)
class Release:
    """What a release says of itself."""

    version: str
    date: str
    previous: str | None
    notes: dict[str, str]
    bump: str | None
    reasons: tuple[str, ...]
    counts: dict[str, dict[str, int]]
    #: SHA-256 of the release's datapackage.json, which names the SHA-256 of every table.
    sha256: str
    folder: Path
    #: SHA-256 of its changes.json.
    changes_sha256: str = ""


RELEASE_FILE, CHANGES_FILE, DESCRIPTOR_FILE = "release.json", "changes.json", "datapackage.json"


def record_digest(record: dict[str, Any]) -> str:
    """The SHA-256 a release.json states of itself: of its content without that field, as
    sorted, compact JSON (so that an edit by hand is detected, whatever the formatting)."""
    content = {k: v for k, v in record.items() if k != "sha256"}
    return hashlib.sha256(
        json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ).hexdigest()


class Store:
    """The releases in a folder, oldest first; each checked against its own checksums."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._snapshots: dict[str, Snapshot] = {}
        self._releases: dict[str, Release] = {}
        self._changes: dict[str, Changes] = {}
        #: The tables of each rebuilt release not yet checked against its descriptor.
        self._unchecked: dict[str, list[dict[str, Any]]] = {}

    def releases(self) -> list[Release]:
        """Every release, oldest first, each read and checked once per store."""
        names = (
            sorted((p.name for p in self.folder.iterdir() if p.is_dir() and VERSION.match(p.name)), key=parse_version)
            if self.folder.is_dir()
            else []
        )
        self._releases = {name: self._releases.get(name) or self._read(self.folder / name) for name in names}
        return list(self._releases.values())

    def versions(self) -> list[str]:
        return [r.version for r in self.releases()]

    def latest(self) -> Release | None:
        releases = self.releases()
        return releases[-1] if releases else None

    def get(self, version: str) -> Release:
        releases = {r.version: r for r in self.releases()}
        if version not in releases:
            known = ", ".join(releases) or "none yet"
            raise ReleaseError(f"{self.folder}: no release {version}; expected one of the releases there: {known}")
        return releases[version]

    def _read(self, path: Path) -> Release:
        file = path / RELEASE_FILE
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ReleaseError(
                f"{file}: cannot read it ({error}); expected the release.json that actionplans release wrote"
            ) from None
        for name in (CHANGES_FILE, DESCRIPTOR_FILE):
            digest = _sha256(path / name)
            if digest != data.get("files", {}).get(name):
                raise ReleaseError(
                    f"{path / name}: changed after the release was made (SHA-256 {digest}); "
                    f"expected {data.get('files', {}).get(name)}: "
                    "a release is never edited; restore the file from version control"
                )
        if data.get("sha256") != record_digest(data):
            raise ReleaseError(
                f"{file}: changed after the release was made (its content's SHA-256 is {record_digest(data)}, "
                f"it states {data.get('sha256')}): "
                "a release is never edited; restore the file from version control"
            )
        if data.get("version") != path.name:
            raise ReleaseError(f"{file}: says version {data.get('version')!r}; expected {path.name!r}, the name of its folder")
        return Release(
            data["version"],
            data["date"],
            data.get("previous"),
            data["notes"],
            data.get("bump"),
            tuple(data.get("reasons", [])),
            data.get("counts", {}),
            data["files"][DESCRIPTOR_FILE],
            path,
            data["files"][CHANGES_FILE],
        )

    def changes(self, version: str) -> Changes:
        """Release ``version``'s change log, every value typed by its field (as the release and
        the one before it declare them)."""
        if version not in self._changes:
            release = self.get(version)
            types: dict[str, dict[str, str]] = {}
            for known in (release.previous, version):
                if known is not None:
                    for resource in self._descriptor(self.get(known))["resources"]:
                        types.setdefault(resource["name"], {}).update(
                            {f["name"]: f["type"] for f in resource["schema"]["fields"]}
                        )
            data = json.loads((release.folder / CHANGES_FILE).read_text(encoding="utf-8"), parse_float=Decimal)
            self._changes[version] = Changes.from_json(data, types)
        return self._changes[version]

    def _descriptor(self, release: Release) -> dict[str, Any]:
        descriptor: dict[str, Any] = json.loads((release.folder / DESCRIPTOR_FILE).read_text(encoding="utf-8"))
        return descriptor

    def snapshot(self, version: str, *, verify: bool = True) -> Snapshot:
        """The release's package rebuilt from the change logs. With ``verify`` (the default),
        every release up to it is checked: each table it changed, against the SHA-256 its
        descriptor states (a check made once per release and store)."""
        chain: list[Release] = []
        for release in self.releases():
            chain.append(release)
            if release.version == version:
                break
        else:
            self.get(version)  # raises, naming the versions there are
        snapshot = Snapshot.empty()
        for release in chain:
            if release.version not in self._snapshots:
                descriptor = self._descriptor(release)
                changes = self.changes(release.version)
                hashes = {r["name"]: r.get("hash") for r in snapshot.descriptor["resources"]}
                snapshot = apply(snapshot, changes, descriptor)
                self._snapshots[release.version] = snapshot
                # the tables to check: those it changed (the others are the release before's, checked with it)
                self._unchecked[release.version] = [
                    r for r in descriptor["resources"] if r["name"] in changes.tables or r.get("hash") != hashes.get(r["name"])
                ]
            snapshot = self._snapshots[release.version]
            if verify:
                self._verify(release, snapshot)
        return snapshot

    def _verify(self, release: Release, snapshot: Snapshot) -> None:
        for resource in self._unchecked.pop(release.version, []):
            data = snapshot.tables[resource["name"]].csv()
            if "sha256:" + hashlib.sha256(data).hexdigest() != resource.get("hash"):
                raise ReleaseError(
                    f"{release.folder / CHANGES_FILE}: rebuilds {resource['path']} other than released (its SHA-256 differs from "
                    f"{resource.get('hash')}); expected the change log actionplans release wrote"
                )

    def dataset(self, version: str) -> m.Dataset:
        """Release ``version`` read into the model (``actionplans.load(version=…)``)."""
        return read_package(self.snapshot(version).files())

    def check_descriptor(self, data: bytes, where: str) -> None:
        """A descriptor that says it is a release this store holds must be that release's."""
        version = str(descriptor_of(data, where).get("version", ""))
        if not VERSION.match(version) or not (self.folder / version).is_dir():
            return
        if hashlib.sha256(data).hexdigest() != self.get(version).sha256:
            raise DataPackageError(
                f"{where}: says it is release {version}, but its descriptor differs from that release's; "
                f"expected the file as published"
            )

    def record(self, snapshot: Snapshot, version: str, date: str, notes: dict[str, str]) -> Release:
        """Store ``snapshot`` as release ``version`` (atomically: the folder appears whole or not at all)."""
        latest = self.latest()
        previous = self.snapshot(latest.version) if latest is not None else Snapshot.empty()
        changes = diff(previous, snapshot)
        bump, reasons = suggest_bump(previous, changes) if latest is not None else ("major", ["the first release"])
        target = self.folder / version
        if target.exists():
            raise ReleaseError(
                f"{target}: release {version} exists already; expected a new version (a release is never replaced)"
            )
        previous_version = latest.version if latest else None
        descriptor = (json.dumps(snapshot.descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        change_log = changes.json_bytes(version, previous_version)
        record = {
            "version": version,
            "date": date,
            "previous": previous_version,
            "notes": notes,
            "bump": bump,
            "reasons": reasons,
            "counts": changes.counts(),
            "files": {
                DESCRIPTOR_FILE: hashlib.sha256(descriptor).hexdigest(),
                CHANGES_FILE: hashlib.sha256(change_log).hexdigest(),
            },
        }
        record["sha256"] = record_digest(record)
        # the folder appears whole or not at all (the one step that makes the release)
        files.write_folder(
            target,
            {
                DESCRIPTOR_FILE: descriptor,
                CHANGES_FILE: change_log,
                RELEASE_FILE: (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
            },
        )
        for leftover in self.folder.glob(".*.tmp-*"):  # of releases interrupted before
            shutil.rmtree(leftover, ignore_errors=True)
        return self.get(version)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "(missing)"


def unreleased(release: Snapshot, package: files.Source) -> bool:
    """Whether the data package in ``package`` differs from ``release`` in any table or any
    property but its version and date (compared by the tables' SHA-256, without reading them)."""
    descriptor = json.loads(files.read(package, DESCRIPTOR_FILE).decode("utf-8"))

    def shape(d: dict[str, Any]) -> tuple[Any, ...]:
        meta = {k: v for k, v in d.items() if k not in RELEASE_PROPERTIES}
        return meta, [(r["name"], r.get("hash"), r.get("schema")) for r in d["resources"]]

    return shape(descriptor) != shape(release.descriptor)


def read_zip(path: Path, *, sha256: str | None = None, releases: Path | None = None) -> m.Dataset:
    """Read a data package from its zip (a release's ``datapackage.zip``), checked: the whole
    file against ``sha256`` if given, every table against the SHA-256 its descriptor states,
    and the descriptor against that of the release it names, if ``releases`` holds it."""
    package = zip_files(path, sha256=sha256)
    if releases is not None:
        Store(releases).check_descriptor(package[DESCRIPTOR_NAME], f"{path}:{DESCRIPTOR_NAME}")
    return read_package(package)
