"""Reading built HTML pages with the standard library, for the site tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class ParsedPage:
    path: Path
    html_lang: str | None = None
    links: list[tuple[str, str, dict[str, str | None]]] = field(default_factory=list)  # (tag, url, attrs)
    ids: set[str] = field(default_factory=set)
    langs: list[str] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, page: ParsedPage) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.page.html_lang = a.get("lang")
        if a.get("id"):
            self.page.ids.add(str(a["id"]))
        if tag == "a" and a.get("name"):
            self.page.ids.add(str(a["name"]))
        if a.get("lang"):
            self.page.langs.append(str(a["lang"]))
        for key in ("href", "src"):
            if a.get(key):
                self.page.links.append((tag, str(a[key]), a))
        if tag == "script":
            self._script, self._script_text = a, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        else:
            self.page.text.append(data)


def parse(path: Path) -> ParsedPage:
    page = ParsedPage(path)
    parser = _Parser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return page


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _LangParser(HTMLParser):
    """Collects the text in Chinese characters that no element around it says is Chinese."""

    def __init__(self, han: re.Pattern[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.han = han
        self.stack: list[tuple[str, str]] = []  # (tag, the language in force inside it)
        self.unmarked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        inherited = self.stack[-1][1] if self.stack else ""
        language = dict(attrs).get("lang") or inherited
        if tag in ("script", "style", "title"):  # not text a reader is read; a <title> holds no markup
            language = "-"
        if tag not in _VOID:
            self.stack.append((tag, language))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        language = self.stack[-1][1] if self.stack else ""
        if language != "-" and not language.startswith("zh") and self.han.search(data):
            self.unmarked.append(" ".join(data.split()))


def unmarked_chinese(path: Path) -> list[str]:
    """The texts of a page that hold Chinese characters outside any element marked ``lang="zh…"``
    (a ``<title>``, which cannot hold markup, and scripts left out)."""
    parser = _LangParser(re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"))
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.unmarked
