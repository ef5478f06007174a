"""Reading files of a content folder: paths as reports show them, YAML, lists of records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Location, Problem
from ..problems import FILE_MISSING, WRONG_TYPE
from ..yamlfile import Map, Seq, load_yaml
from .spec import Spec, check_record
from .where import Where, kind_name


@dataclass
class Folder:
    """A content folder and the problems found in it so far."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    cwd: Path = field(default_factory=Path.cwd)
    #: The ids of the draft records read, by table.
    drafts: dict[str, set[str]] = field(default_factory=dict)
    #: The ids of draft records not built, for a field still to fill in, by table.
    pending: dict[str, set[str]] = field(default_factory=dict)

    def shown(self, path: Path) -> str:
        """``path`` as problem reports show it: relative to the working folder where it can be."""
        try:
            return path.relative_to(self.cwd).as_posix()
        except ValueError:
            return path.as_posix()

    def where(self, path: Path) -> Where:
        return Where(self.shown(path), self.problems)

    def fresh(self) -> Folder:
        """The same folder with a problem list of its own (for one file read on its own)."""
        return Folder(self.root, cwd=self.cwd)

    def yaml(self, path: Path) -> Any:
        """The parsed file, or None (with its problems recorded)."""
        if not path.is_file():
            self.problems.append(Problem.of(Location(self.shown(path)), "", FILE_MISSING()))
            return None
        data, problems = load_yaml(path, self.shown(path))
        self.problems.extend(problems)
        return data

    def records(self, path: Path, spec: dict[str, Spec]) -> list[tuple[dict[str, Any], Map, Where]]:
        """Each valid record of a YAML list file, with its raw mapping and where it is."""
        data = self.yaml(path)
        if data is None:
            return []
        where = self.where(path)
        if not isinstance(data, Seq):
            where.add(getattr(data, "line", 1), "(file)", WRONG_TYPE(kind=kind_name(data), expected="a list of records"))
            return []
        out = []
        for i, item in enumerate(data):
            checked = check_record(item, spec, where, f"[{i}].", data.item_lines[i])
            if checked is not None:
                out.append((checked, item, where))
        return out
