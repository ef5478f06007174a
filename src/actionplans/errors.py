"""A small exception hierarchy. The library raises; only the CLI turns errors into exit codes.

Every code is declared once, in :mod:`actionplans.problems`, and documented from there in
``docs/problems.md``:

- a problem of the content (:class:`Problem`) is made from a declared problem type, never from a
  code typed out: ``Problem.of(location, field, QUOTE_NOT_FOUND(source=..., miss=...))``
  (``content.where.Where.add`` does this for a file's problems);
- an error (:class:`ActionplansError`) has a ``code``, an :class:`~actionplans.problems.ErrorCode`
  (``str()`` of it is the code). A subclass sets its own as a class attribute, and a raise may
  give a more precise one::

      # problems.py: the code, a title, what it means
      RELEASE_REFUSED = error_code("release-refused", "Release refused", "A release cannot be made.")
      RELEASE_EXISTS = error_code("release-exists", "Release exists", "That version is released already.")

      # versions.py
      class ReleaseError(ActionplansError):
          code = RELEASE_REFUSED

      raise ReleaseError("...; expected ...", code=RELEASE_EXISTS)

  The CLI prints ``error: message [code]``. ``tests/test_problems.py`` fails on a code typed out
  instead of declared, and on a reference page that is not current (``nox -s docs``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .problems import ACTIONPLANS_ERROR, CONTENT_INVALID, DATAPACKAGE_INVALID, ErrorCode, Finding


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: path and 1-based line (None when the whole file is meant)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where, which field, what is wrong, what is expected.

    ``code`` names the kind of problem (``quote-not-found``, ``duplicate-id`` …), as declared in
    :mod:`actionplans.problems`: it stays the same when the wording changes, so tests and users
    can look for it. A problem whose ``severity`` is ``todo`` is work a person must still do on a
    draft, not an error. Make one with :meth:`of`.
    """

    location: Location
    field: str
    message: str
    expected: str
    code: str
    severity: str = "error"

    @classmethod
    def of(cls, location: Location, field: str, finding: Finding) -> Problem:
        """The problem a check found (a declared problem type called with its values), placed."""
        return cls(location, field, finding.message, finding.expected, finding.code, finding.severity)

    def __str__(self) -> str:
        text = f"{self.location}: {self.field}: {self.message}" if self.field else f"{self.location}: {self.message}"
        if self.expected:
            text += f"; expected {self.expected}"
        return f"{text} [{self.code}]"


class ActionplansError(Exception):
    """Base class of every error the library raises on purpose; ``code`` says which it is."""

    code: ErrorCode = ACTIONPLANS_ERROR

    def __init__(self, *args: object, code: ErrorCode | None = None) -> None:
        super().__init__(*args)
        if code is not None:
            self.code = code


class ContentError(ActionplansError):
    """The content folder has one or more problems; all of them are collected."""

    code = CONTENT_INVALID

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        count = len(self.problems)
        super().__init__(f"{count} error{'s' if count != 1 else ''}")

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]], dict[str, object]]:
        # made again from its problems (its args are only the count's wording), so that it
        # crosses a process boundary, as an error raised in a worker of a pool does
        return (type(self), (self.problems,), dict(self.__dict__))

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(str(self))
        return "\n".join(lines)


class DataPackageError(ActionplansError):
    """A data package is missing, of another format, or inconsistent."""

    code = DATAPACKAGE_INVALID


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems by file, line, field and message, each once."""
    return sorted(set(problems), key=_sort_key)


def _sort_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.location.path, problem.location.line or 0, problem.field, problem.message)
