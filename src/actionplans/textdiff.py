"""What a correction changed, as a release page shows it: the old and the new value with the
words (or Chinese characters) taken out in ``<del>`` and those put in in ``<ins>``.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from typing import Any

from markupsafe import Markup


def value_text(value: Any) -> str:
    """A changed value as a release page shows it ("" for no value; lists and maps as JSON)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def marked(old: Any, new: Any) -> tuple[Markup, Markup]:
    """Two versions of a value as HTML, the words (or Chinese characters) taken out of the old
    one in <del> and those put into the new one in <ins>, so a reader sees what was corrected."""
    a, b = value_text(old), value_text(new)
    tokens_a, tokens_b = _TOKEN.findall(a), _TOKEN.findall(b)
    before: list[str] = []
    after: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, tokens_a, tokens_b, autojunk=False).get_opcodes():
        left, right = html.escape("".join(tokens_a[i1:i2])), html.escape("".join(tokens_b[j1:j2]))
        if op == "equal":
            before.append(left)
            after.append(right)
            continue
        if left:
            before.append(f"<del>{left}</del>")
        if right:
            after.append(f"<ins>{right}</ins>")
    return Markup("".join(before)), Markup("".join(after))


#: Words and numbers, or any other single character (a Chinese character, a space, a mark).
_TOKEN = re.compile(r"[A-Za-z0-9]+|.", re.S)
