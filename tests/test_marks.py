"""Marking quotes in a source's text: every quote covered exactly, on the lines it stands on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from actionplans import model as m
from actionplans.marks import Quote, marked_lines, quotes_of
from actionplans.quotes import SourceText, squeeze

from .conftest import CONTENT

_TEXT = m.Text("", "")


def _quote(i: int, start: int, end: int, source: SourceText) -> Quote:
    span = m.Span(start, end, source.line_of(start), source.line_of(end - 1))
    return Quote(f"q{i}", "task", None, m.Text(source.joined[start:end], ""), span, "tasks/x/")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="中文方案任务 \n，。", min_size=1, max_size=80).filter(lambda t: squeeze(t)),
    st.lists(st.tuples(st.integers(0, 79), st.integers(1, 40)), max_size=6),
)
def test_every_quote_is_marked_exactly_once_on_its_lines(raw, spans) -> None:
    source = SourceText(raw)
    n = len(source.joined)
    quotes = sorted(
        (_quote(i, a % n, min(n, a % n + length), source) for i, (a, length) in enumerate(spans)),
        key=lambda q: (q.span.start, -(q.span.end - q.span.start)),
    )
    lines = marked_lines(raw, quotes)
    assert ["".join(s.text for s in line) for line in lines] == raw.split("\n")  # the text itself, unchanged
    for q in quotes:
        marked = "".join(s.text for line in lines for s in line if q in s.quotes)
        assert squeeze(marked) == source.joined[q.span.start : q.span.end]
        assert sum(q in s.opens for line in lines for s in line) == 1
        assert sum(q in s.closes for line in lines for s in line) == 1
        on = [i + 1 for i, line in enumerate(lines) if any(q in s.quotes and squeeze(s.text) for s in line)]
        assert (on[0], on[-1]) == (q.span.line_start, q.span.line_end)


def test_the_seed_pages_quotes_in_text_order(dataset) -> None:
    quotes = quotes_of(p for p in dataset.plans.values() if p.source_id == "seed-page")
    assert [q.span.start for q in quotes] == sorted(q.span.start for q in quotes)
    raw = (CONTENT / "sources" / "seed-page.txt").read_text(encoding="utf-8")
    lines = marked_lines(raw, quotes)
    for q in quotes:
        assert squeeze("".join(s.text for line in lines for s in line if q in s.quotes)) == squeeze(q.text.zh)
