"""Chinese inside English text, marked as Chinese.

English pages keep some Chinese: a newspaper's name after its transliteration ("Beifang Xinbao
(北方新报)"), a word a translation note explains, a task's printed number. A screen reader reads a
page's text in the page's language unless a part of it says otherwise (WCAG 3.1.2, language of
parts), and would read those characters as English, or skip them. Every run of Chinese
characters and Chinese punctuation in English text is wrapped in ``<span lang="zh-Hans">``.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: Chinese characters (CJK ideographs and their extensions A and compatibility forms), Chinese
#: punctuation, and the full-width forms (，（）：) Chinese text is set in.
HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_SPAN = r'<span lang="zh-Hans">\g<0></span>'
_TAG = re.compile(r"(<[^>]*>)")


def zh_parts(text: str) -> Markup:
    """``text`` as HTML, its Chinese runs marked as Chinese."""
    escaped = str(escape(text))
    return Markup(HAN.sub(_SPAN, escaped))


def zh_parts_html(html: str) -> Markup:
    """A trusted HTML fragment with the Chinese runs of its text marked; its tags and their
    attributes are left as they are."""
    if not HAN.search(html):
        return Markup(html)
    parts = _TAG.split(html)
    return Markup("".join(part if i % 2 else HAN.sub(_SPAN, part) for i, part in enumerate(parts)))
