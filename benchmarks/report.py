"""Sections of BENCHMARKS.md that one script writes and the others keep."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, name: str, text: str) -> None:
    """Put ``text`` between the markers of section ``name`` (at the end if there are none)."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    if begin in old and end in old:
        new = old[: old.index(begin)] + block + old[old.index(end) + len(end) :].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new, encoding="utf-8")


def sections(path: Path) -> str:
    """Every marked section of the file, for a script that rewrites the rest of it."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    out, at = [], 0
    while (start := text.find("<!-- begin ", at)) >= 0:
        name = text[start + len("<!-- begin ") : text.index(" -->", start)]
        stop = text.index(f"<!-- end {name} -->", start) + len(f"<!-- end {name} -->")
        out.append(text[start:stop])
        at = stop
    return "\n\n".join(out) + "\n" if out else ""
