"""A small exception hierarchy. The library raises; only the CLI turns errors into exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: path and 1-based line (None when the whole file is meant)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where, which field, what is wrong, what is expected."""

    location: Location
    field: str
    message: str
    expected: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.field}: {self.message}" if self.field else f"{self.location}: {self.message}"
        return f"{text}; expected {self.expected}" if self.expected else text


class ActionplansError(Exception):
    """Base class of every error the library raises on purpose."""


class ContentError(ActionplansError):
    """The content folder has one or more problems; all of them are collected."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        count = len(self.problems)
        super().__init__(f"{count} error{'s' if count != 1 else ''}")

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(str(self))
        return "\n".join(lines)


class DataPackageError(ActionplansError):
    """A data package is missing, of another format, or inconsistent."""


def _sort_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.location.path, problem.location.line or 0, problem.field, problem.message)
