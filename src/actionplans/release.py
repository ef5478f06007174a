"""``actionplans release``: the content's data recorded as a new release of the store."""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from . import files
from .changes import diff
from .content import load_content
from .datapackage import build_files, stale_files, validate_package, write_package
from .snapshots import Snapshot
from .store import Release, Store
from .versions import BUMPS, ReleaseError, bump_of, bumped, parse_version, suggest_bump


@dataclass(frozen=True)
class Outcome:
    """What ``make_release`` did: the release written (None when nothing changed), the bump
    suggested and why, and whether it finished a release interrupted before the content was
    stamped with its version."""

    release: Release | None
    suggested: str | None
    reasons: tuple[str, ...]
    previous: str | None
    finished: bool = False


def make_release(
    content: Path,
    datapackage: Path,
    folder: Path,
    *,
    version: str | None = None,
    notes: dict[str, str] | None = None,
    date: str | None = None,
) -> Outcome:
    """Release the content's data: compare it with the latest release, choose (or check) the
    version, validate the package, record the release, then stamp ``content/package.yaml``
    with its version and date and write the data package. Writes nothing when nothing changed.

    Recording the release folder (one rename) is the step that makes the release: killed
    before it, nothing is released; killed after it, the next ``release`` finds the data
    unchanged and finishes the stamping."""
    notes = notes or {"zh": "", "en": ""}
    if bool(notes.get("zh", "").strip()) != bool(notes.get("en", "").strip()):
        missing = "--notes-en" if notes.get("zh", "").strip() else "--notes-zh"
        raise ReleaseError(f"{missing}: missing; expected notes in both languages, or none")
    store = Store(folder)
    latest = store.latest()
    dataset = load_content(content)
    candidate = Snapshot.read(build_files(dataset))
    previous = store.snapshot(latest.version) if latest is not None else Snapshot.empty()
    changes = diff(previous, candidate)
    suggested, reasons = suggest_bump(previous, changes) if latest is not None else ("major", ["the first release"])
    if latest is not None and changes.empty():
        # Nothing to release; but a release killed after it was recorded may have left the
        # content unstamped or the data package unwritten: finish those.
        created = f"{latest.date}T00:00:00Z"
        stamped = dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, version=latest.version, created=created))
        unstamped = (dataset.meta.version, dataset.meta.created) != (latest.version, created)
        if unstamped:
            _stamp(content / "package.yaml", latest.version, created)
        if unstamped or stale_files(build_files(stamped), datapackage):
            write_package(stamped, datapackage)
            return Outcome(None, None, (), latest.version, finished=True)
        return Outcome(None, None, (), latest.version)
    if version is None:
        version = bumped(latest.version, suggested or "patch") if latest is not None else dataset.meta.version
    parse_version(version)
    if version in store.versions():
        raise ReleaseError(
            f"{folder / version}: release {version} exists already; expected a new version (a release is never replaced)"
        )
    if latest is not None:
        given = bump_of(latest.version, version)
        if given is None:
            raise ReleaseError(
                f"--version {version}: not after the latest release {latest.version}; "
                f"expected a later version such as {bumped(latest.version, suggested or 'patch')}"
            )
        if BUMPS.index(given) < BUMPS.index(suggested or "patch"):
            raise ReleaseError(
                f"--version {version}: a {given} release, but the change needs a {suggested} one ({'; '.join(reasons[:3])}); "
                f"expected {bumped(latest.version, suggested or 'patch')} or later"
            )
    day = date or datetime.datetime.now(datetime.UTC).date().isoformat()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        raise ReleaseError(f"--date {day}: not a date; expected YYYY-MM-DD") from None
    if latest is not None and day < latest.date:
        raise ReleaseError(
            f"--date {day}: before the latest release {latest.version} ({latest.date}); expected {latest.date} or later"
        )
    created = f"{day}T00:00:00Z"
    stamped = dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, version=version, created=created))
    package = build_files(stamped)
    validate_package(package)
    release = store.record(Snapshot.read(package), version, day, notes)
    _stamp(content / "package.yaml", version, created)
    write_package(stamped, datapackage, validate=False)
    return Outcome(release, suggested, tuple(reasons), latest.version if latest else None)


def _stamp(path: Path, version: str, created: str) -> None:
    """Set ``version`` and ``created`` in package.yaml, leaving every other line as it is."""
    text = path.read_text(encoding="utf-8")
    text, versions = re.subn(r"(?m)^version:.*$", f"version: {version}", text, count=1)
    text, dates = re.subn(r"(?m)^created:.*$", f'created: "{created}"', text, count=1)
    if not (versions and dates):
        raise ReleaseError(f"{path}: no version: or created: line to set; expected the package.yaml of the content")
    files.write_atomic(path, text.encode("utf-8"))
