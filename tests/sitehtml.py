"""Reading built HTML pages with the standard library, for the site tests."""

from __future__ import annotations

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
