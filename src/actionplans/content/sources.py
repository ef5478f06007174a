"""Sources: ``sources/<id>.yaml`` (attribution and hash) and the verbatim text it describes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .. import model as m
from ..errors import ActionplansError, Problem
from ..problems import (
    ID_DIFFERS_FROM_FILE_NAME,
    INVALID_FILE_NAME,
    SOURCE_CHANGED,
    SOURCE_TEXT_DIFFERS,
    SOURCE_TEXT_MISSING,
    SOURCE_TEXT_UNREADABLE,
)
from ..quotes import SourceText
from ..yamlfile import read_text
from .folder import Folder
from .spec import SOURCE, check_record, line_of
from .where import Where


@dataclass
class SourceResult:
    """What reading one source file gave. ``later`` holds the problems found after its id was
    known, which are not reported if the id turns out to repeat an earlier source's."""

    shown: str
    problems: list[Problem]
    id: str | None = None
    id_line: int = 0
    later: list[Problem] = field(default_factory=list)
    named: bool = False  # its id is its file's name, so plans may cite it
    draft: bool = False
    source: m.Source | None = None
    text: SourceText | None = None


class SourceFile:
    """Reads and checks one source file, and the text it describes against its hash."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder

    def __call__(self, path: Path) -> SourceResult:
        folder = self.folder.fresh()
        data = folder.yaml(path)
        result = SourceResult(folder.shown(path), folder.problems)
        if data is None:
            return result
        checked = check_record(data, SOURCE, folder.where(path), "", getattr(data, "line", 1))
        if checked is None:
            return result
        result.id, result.id_line, result.draft = checked["id"], line_of(data, "id"), checked["status"] == "draft"
        where = Where(result.shown, result.later)
        if path.stem != checked["id"]:
            where.add(result.id_line, "id", ID_DIFFERS_FROM_FILE_NAME(value=checked["id"], stem=path.stem))
            return result
        result.named = True
        name = checked["file"]
        if "/" in name or "\\" in name or name.startswith("."):
            where.add(line_of(data, "file"), "file", INVALID_FILE_NAME(value=name))
            return result
        text_path = path.parent / name
        if not text_path.is_file():
            where.add(line_of(data, "file"), "file", SOURCE_TEXT_MISSING(path=folder.shown(text_path)))
            return result
        raw, problems = read_text(text_path, folder.shown(text_path))
        if raw is None:
            result.later.extend(problems)
            return result
        digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        if digest != checked["sha256"].lower():
            where.add(
                line_of(data, "sha256"),
                "sha256",
                SOURCE_CHANGED(path=folder.shown(text_path), digest=digest, stated=checked["sha256"]),
            )
            return result
        result.text = SourceText(raw)
        unknown = m.Text("", "")  # a draft's field still to fill in (a to-do says so)
        result.source = m.Source(
            id=checked["id"],
            title=checked["title"],
            publisher=checked["publisher"] or unknown,
            authors=tuple(checked["authors"]),
            year=checked["year"],
            year_note=checked["year_note"],
            sha256=digest,
            characters=len(result.text),
            rights=checked["rights"] or unknown,
            kind=checked["kind"],
            republish=checked["republish"],
            extent=checked["extent"],
            url=checked["url"],
            date=checked["date"],
        )
        return result


def read_source_texts(root: Path, sources: dict[str, m.Source]) -> dict[str, str]:
    """The verbatim texts of ``sources`` (a data package's), from the content folder ``root``,
    each checked against the SHA-256 the package states: a page shows only the text the data
    was checked against."""
    import yaml

    out: dict[str, str] = {}
    for source_id, source in sources.items():
        described = root / "sources" / f"{source_id}.yaml"
        try:
            name = (yaml.safe_load(described.read_text(encoding="utf-8")) or {}).get("file", f"{source_id}.txt")
            data = (described.parent / str(name)).read_bytes()
        except (OSError, yaml.YAMLError) as error:
            raise ActionplansError(
                f"{described}: cannot read the source's text ({error}); expected the content the data package was made from",
                code=SOURCE_TEXT_UNREADABLE,
            ) from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            raise ActionplansError(
                f"{described.parent / str(name)}: SHA-256 {digest} differs from the data package's {source.sha256}; "
                "expected the text the data was checked against (run actionplans package)",
                code=SOURCE_TEXT_DIFFERS,
            )
        out[source_id] = data.decode("utf-8")
    return out
