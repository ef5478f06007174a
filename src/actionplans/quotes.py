"""Source text normalisation and quote location.

The sources are newspaper layouts: lines break inside words and the layout adds spaces around
numbers. A quote is therefore compared with the source after removing every whitespace
character from both; the span records where it stands in that joined text and on which lines
of the source file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from .model import Span

#: Characters of context shown when a quote is not found.
CONTEXT = 16


_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """``text`` without any whitespace (spaces, line breaks, ideographic spaces)."""
    return _SPACE.sub("", text)


class SourceText:
    """A source's verbatim text, joined for matching, with a map back to its lines."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        pieces = [squeeze(line) for line in raw.split("\n")]
        #: Where each line's characters start in the joined text (equal starts: empty lines).
        self._starts = list(accumulate((len(piece) for piece in pieces[:-1]), initial=0))
        self.joined = "".join(pieces)

    def __len__(self) -> int:
        return len(self.joined)

    def locate(self, quote: str) -> Span | None:
        """Where ``quote`` first occurs, or None. An empty quote occurs nowhere."""
        needle = squeeze(quote)
        if not needle:
            return None
        start = self.joined.find(needle)
        if start < 0:
            return None
        end = start + len(needle)
        return Span(start, end, self.line_of(start), self.line_of(end - 1))

    def line_of(self, offset: int) -> int:
        """The line of the source file that holds the joined text's character at ``offset``."""
        return bisect_right(self._starts, offset) if self.joined else 1

    def excerpt(self, span: Span) -> str:
        return self.joined[span.start : span.end]

    def explain_miss(self, quote: str) -> str:
        """Why ``quote`` is not found: how much of it matches and where the texts part."""
        needle = squeeze(quote)
        if not needle:
            return "the quote is empty"
        low, high = 0, len(needle)
        while low < high:  # longest prefix that occurs (occurrence of prefixes is monotone)
            middle = (low + high + 1) // 2
            if needle[:middle] in self.joined:
                low = middle
            else:
                high = middle - 1
        if low == 0:
            return f"its first character {needle[0]!r} does not occur in the source"
        at = self.joined.find(needle[:low])
        source_next = self.joined[at + low : at + low + CONTEXT]
        quote_next = needle[low : low + CONTEXT]
        return (
            f"the first {low} characters match at line {self.line_of(at)}, then the source has "
            f"{source_next!r} where the quote has {quote_next!r}"
        )
