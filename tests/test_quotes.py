from hypothesis import given
from hypothesis import strategies as st

from actionplans.quotes import SourceText, squeeze

RAW = "一是深化开展“青年志愿者\n\n助残阳光行动”，积极会同\n常态化交流探访至少 2次。\n"


def test_squeeze_removes_all_whitespace() -> None:
    assert squeeze(" a\tb\nc\u3000d ") == "abcd"


def test_quote_found_across_line_breaks_with_lines() -> None:
    source = SourceText(RAW)
    span = source.locate("青年志愿者助残阳光行动")
    assert span is not None
    assert source.excerpt(span) == "青年志愿者助残阳光行动"
    assert (span.line_start, span.line_end) == (1, 3)


def test_quote_with_layout_space_matches() -> None:
    source = SourceText(RAW)
    span = source.locate("至少2次")
    assert span is not None and span.line_start == 4


def test_missing_quote_explained() -> None:
    source = SourceText(RAW)
    assert source.locate("至少3次") is None
    message = source.explain_miss("至少3次")
    assert "first 2 characters match at line 4" in message
    assert "'2次。'" in message


def test_empty_quote_is_never_found() -> None:
    assert SourceText(RAW).locate(" \n") is None


@given(st.text(), st.text())
def test_locate_never_raises_and_is_consistent(raw: str, quote: str) -> None:
    source = SourceText(raw)
    span = source.locate(quote)
    if span is None:
        assert isinstance(source.explain_miss(quote), str)
    else:
        assert source.excerpt(span) == squeeze(quote)
        assert 1 <= span.line_start <= span.line_end <= raw.count("\n") + 1


@given(st.text(min_size=1), st.integers(0, 50), st.integers(1, 20))
def test_every_slice_of_the_source_is_found(raw: str, start: int, length: int) -> None:
    source = SourceText(raw)
    piece = source.joined[start : start + length]
    if piece:
        assert source.locate(piece) is not None


@given(st.lists(st.text(alphabet="志愿a \u3000\t", max_size=6), max_size=8))
def test_every_joined_character_is_placed_on_its_own_line(lines: list[str]) -> None:
    """Each character of the joined text maps back to the source line that holds it, across
    empty and whitespace-only lines."""
    source = SourceText("\n".join(lines))
    expected = [number for number, line in enumerate(lines, start=1) for _ in squeeze(line)]
    assert [source.line_of(offset) for offset in range(len(source))] == expected
