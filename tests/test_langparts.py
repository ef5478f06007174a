"""Chinese inside English text is marked as Chinese, and nothing else about the text changes."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from actionplans.langparts import zh_parts, zh_parts_html

SPAN = '<span lang="zh-Hans">'


def test_each_run_of_chinese_is_marked_once() -> None:
    text = "Beifang Xinbao (北方新报), reprinted; “十四五” and 中国残联 = CDPF"
    assert zh_parts(text) == (
        f"Beifang Xinbao ({SPAN}北方新报</span>), reprinted; “{SPAN}十四五</span>” and {SPAN}中国残联</span> = CDPF"
    )


def test_chinese_punctuation_stays_with_its_chinese() -> None:
    assert zh_parts("Task （三）、四是") == f"Task {SPAN}（三）、四是</span>"


def test_text_is_escaped_and_english_alone_is_unchanged() -> None:
    assert zh_parts("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert zh_parts("<i>残联</i>") == f"&lt;i&gt;{SPAN}残联</span>&lt;/i&gt;"


def test_html_keeps_its_tags_and_attributes() -> None:
    fragment = '<p title="北方新报">Beifang Xinbao (北方新报)</p><ins>日前</ins>'
    expected = f'<p title="北方新报">Beifang Xinbao ({SPAN}北方新报</span>)</p><ins>{SPAN}日前</span></ins>'
    assert zh_parts_html(fragment) == expected
    assert zh_parts_html("<p>No Chinese</p>") == "<p>No Chinese</p>"


@given(st.text(alphabet=st.sampled_from("ab <&>\"'1.北方新报（）、，")))
def test_marking_adds_only_spans_around_all_the_chinese_and_nothing_else(text: str) -> None:
    marked = str(zh_parts(text))
    assert html.unescape(marked.replace(SPAN, "").replace("</span>", "")) == text
    inside = re.findall(f"{SPAN}(.*?)</span>", marked)
    outside = re.sub(f"{SPAN}.*?</span>", "", marked)
    assert all(part and not re.search(r"[ -~]", part) for part in inside)  # Chinese only, nothing empty
    assert not re.search("[北方新报（）、，]", outside)
