"""Where problems are collected: one file's, each at its line, and how a report names a value.

The checks of ``ids`` and ``spec`` both report through :class:`Where`; this module imports
neither, so they depend on it and not on each other.
"""

from __future__ import annotations

from typing import Any

from ..errors import Location, Problem
from ..problems import Finding
from ..yamlfile import Map


class Where:
    """Problems found in one file, each reported at its line. In a draft (``status: draft``),
    what a person must still do (a translation, a choice) is a to-do, not an error: the checks
    report another code there, whose declaration says it is a to-do."""

    def __init__(self, shown: str, problems: list[Problem], draft: bool = False) -> None:
        self.shown = shown
        self.problems = problems
        self.draft = draft

    def add(self, line: int | None, field: str, finding: Finding) -> None:
        """Report ``finding`` (a declared problem type called with its values) at ``line``."""
        self.problems.append(Problem.of(Location(self.shown, line), field, finding))

    def drafting(self, data: Any) -> Where:
        """This collector for a record, a draft if the record says ``status: draft``."""
        if self.draft or not (isinstance(data, Map) and data.get("status") == "draft"):
            return self
        return Where(self.shown, self.problems, True)


def kind_name(value: Any) -> str:
    """How a problem report names the kind of a YAML value."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
