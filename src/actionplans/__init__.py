"""actionplans: government social-policy action plans as verified bilingual open data.

Read the bundled data offline with ``actionplans.load()``; see the README for the API.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ActionplansError, ContentError, DataPackageError
from .model import Concept, Dataset, Figure, Organization, Plan, Region, Source, Span, Statement, Task, Term, Text

__version__ = "0.1.0"


def load(path: Path | str | None = None) -> Dataset:
    """Read a data package in the actionplans format (default: the one shipped with this package).

    Uses the standard library only: neither frictionless, mkdocs, jinja2 nor pandas is imported.
    Raises :class:`DataPackageError` when ``path`` holds no data package or one of another format.
    """
    from .datapackage import read_package
    from .paths import default_datapackage

    return read_package(default_datapackage() if path is None else path)


__all__ = [
    "ActionplansError", "Concept", "ContentError", "DataPackageError", "Dataset", "Figure", "Organization", "Plan",
    "Region", "Source", "Span", "Statement", "Task", "Term", "Text", "__version__", "load",
]
