"""actionplans: government social-policy action plans as verified bilingual open data.

Read the bundled data offline with ``actionplans.load()``; see the README for the API.
"""

from __future__ import annotations

from pathlib import Path

from .adapters import to_frictionless, to_pandas
from .changes import Changes
from .changes import diff as changes_between
from .datapackage import read_package
from .errors import ActionplansError, ContentError, DataPackageError
from .model import Concept, Dataset, Figure, Organization, Plan, Region, Source, Span, Statement, Task, Term, Text
from .paths import default_datapackage, default_releases
from .store import Release, Store, read_zip

__version__ = "0.2.0"


def load(path: Path | str | None = None, *, version: str | None = None, sha256: str | None = None) -> Dataset:
    """Read a data package in the actionplans format: by default the current release, shipped
    with this package; ``version="1.0.0"`` for an earlier release shipped with it; or ``path``,
    a data package folder, its ``datapackage.json``, or a release's ``datapackage.zip`` as
    downloaded (whose tables are checked against the checksums its descriptor states, the
    descriptor against the release's own when this package ships that release, and the whole
    file against ``sha256`` when given).

    Uses the standard library only: neither frictionless, mkdocs, jinja2 nor pandas is imported.
    Raises :class:`DataPackageError` when ``path`` holds no data package, one of another format,
    or one whose checksums differ; ``ReleaseError`` for a version there is no release of.
    """
    if version is not None:
        if path is not None:
            raise TypeError("load(): give a path or a version, not both")
        return Store(default_releases()).dataset(version)
    if path is not None and str(path).endswith(".zip"):
        return read_zip(Path(path), sha256=sha256, releases=default_releases())
    if sha256 is not None:
        raise TypeError("load(): sha256 checks a downloaded datapackage.zip; give the path of one")
    return read_package(default_datapackage() if path is None else path)


def releases(path: Path | str | None = None) -> list[Release]:
    """The releases of the data, oldest first: those shipped with this package, or those in
    ``path`` (a ``releases/`` folder). Each is checked against its checksums."""
    return Store(default_releases() if path is None else Path(path)).releases()


def diff(old: str, new: str, *, releases: Path | str | None = None) -> Changes:
    """What changed from release ``old`` to release ``new``: iterate it for one record per
    change (table, op, key, field, old, new), or call ``.to_pandas()``; ``.to_json()`` is the
    shape of a release's ``changes.json``."""
    store = Store(default_releases() if releases is None else Path(releases))
    return changes_between(store.snapshot(old), store.snapshot(new))


__all__ = [
    "ActionplansError",
    "Concept",
    "ContentError",
    "DataPackageError",
    "Dataset",
    "Figure",
    "Organization",
    "Plan",
    "Region",
    "Source",
    "Span",
    "Statement",
    "Task",
    "Term",
    "Text",
    "__version__",
    "diff",
    "load",
    "releases",
    "to_frictionless",
    "to_pandas",
]
