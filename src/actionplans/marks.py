"""A source's text with its quotes marked: where each record's Chinese text stands in it, line by
line, for the source pages and the preview's review pages.

A quote's span counts characters of the text with whitespace removed (``SourceText.joined``);
marking maps it back onto the raw lines, so a quote broken across lines (a newspaper column) is
marked on each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import model as m


@dataclass(frozen=True)
class Quote:
    """One Chinese text a record quotes from its source: what it is, where it stands, the page
    and anchor of the record that quotes it."""

    id: str
    kind: str  # title, announcement, aim, principle, safeguard, task-count, task, task-title, figure
    plan: m.Plan
    text: m.Text
    span: m.Span
    page: str  # the record's page, "plans/<id>/" or "tasks/<id>/"
    anchor: str = ""  # where on that page, "" for its top
    ordinal: int | None = None  # a task's or statement's number


def quotes_of(plans: Iterable[m.Plan]) -> list[Quote]:
    """Every quote the plans record, in the order it stands in the source (longer first where
    two start together, so an enclosing quote opens before the quotes inside it)."""
    out: list[Quote] = []
    for plan in plans:
        page = f"plans/{plan.id}/"
        out.append(Quote(f"{plan.id}-title", "title", plan, plan.title, plan.title_span, page))
        for s in plan.statements:
            out.append(
                Quote(
                    s.id,
                    s.kind,
                    plan,
                    s.text,
                    s.span,
                    page,
                    s.id if s.kind in ("aim", "principle", "safeguard") else "",
                    s.ordinal,
                )
            )
        for task in plan.tasks:
            out.append(Quote(task.id, "task", plan, task.text, task.span, f"tasks/{task.id}/", "", task.ordinal))
        for f in plan.figures:
            out.append(Quote(f.id, "figure", plan, f.quote, f.span, page, f.id))
    return sorted(out, key=lambda q: (q.span.start, -(q.span.end - q.span.start), q.id))


@dataclass(frozen=True)
class Segment:
    """A run of one line's raw text, and the quotes it lies in (innermost last)."""

    text: str
    quotes: tuple[Quote, ...]
    #: Quotes that begin with this segment (an anchor goes before it).
    opens: tuple[Quote, ...] = ()
    #: Quotes that end with this segment (a link to their record follows it).
    closes: tuple[Quote, ...] = ()


def marked_lines(raw: str, quotes: list[Quote]) -> list[list[Segment]]:
    """The raw text's lines, each cut into segments where the quotes covering it change (one pass
    over the text: the covering quotes change only where one starts or ends)."""
    starts: dict[int, list[Quote]] = {}
    ends: dict[int, list[Quote]] = {}
    for q in quotes:  # in text order, so the covering quotes stay in it (enclosing first)
        starts.setdefault(q.span.start, []).append(q)
        ends.setdefault(q.span.end, []).append(q)
    active: list[Quote] = []
    covering: tuple[Quote, ...] = ()
    # Segments are built as [characters, covering quotes, opens, closes], made Segments at the end.
    lines: list[list[list[Any]]] = []
    last: list[Any] | None = None  # the last segment with a character
    position = 0  # in the joined text
    for line in raw.split("\n"):
        segments: list[list[Any]] = []
        lines.append(segments)
        for char in line:
            opens: tuple[Quote, ...] = ()
            if not char.isspace():
                if position in ends or position in starts:
                    closing = ends.get(position, [])
                    if last is not None:
                        last[3].extend(closing)
                    closed = {id(q) for q in closing}  # by identity: comparing quotes field by field is slow
                    active = [q for q in active if id(q) not in closed]
                    opens = tuple(starts.get(position, ()))
                    active.extend(opens)
                    covering = tuple(active)
                position += 1
            if segments and not opens and segments[-1][1] == covering:
                segments[-1][0].append(char)
            else:
                segments.append([[char], covering, opens, []])
            if not char.isspace():
                last = segments[-1]
    if last is not None:
        last[3].extend(active)
    return [
        [Segment("".join(chars), covered, opened, tuple(closed)) for chars, covered, opened, closed in segments]
        for segments in lines
    ]


def numbered(lines: list[list[Segment]]) -> Iterator[tuple[int, list[Segment]]]:
    """The lines with their numbers (1-based), blank lines left out."""
    for number, segments in enumerate(lines, start=1):
        if any(s.text.strip() for s in segments):
            yield number, segments


__all__ = ["Quote", "Segment", "marked_lines", "numbered", "quotes_of"]
