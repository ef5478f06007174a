"""MkDocs plugin: re-render the generated pages during ``actionplans serve``; tidy the search index.

``actionplans build`` renders the pages itself before running MkDocs; during ``actionplans
serve`` this plugin does the same on every rebuild, from the content as it is (a preview data
package in ``build/preview/``, not validated, ``datapackage/`` untouched), but only when
content or templates changed since its last render. Unchanged pages are not rewritten.

After every build it removes the search entries of English pages that are identical to their
Chinese page (the changelog, code), in one linear pass. mkdocs-static-i18n can do the same
(``reconfigure_search``), but compares every entry with every other: at 1,000 tasks that took
over half of the whole build, and it grows with the square of the pages.

During ``actionplans build`` it also lists the built pages that still hold placeholders for the
downloads' sizes and checksums, which the build fills in once the downloads are made.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.plugins import BasePlugin, event_priority

from .downloads import PLACEHOLDER_START


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    items = []
    for root in paths:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.is_file():
                stat = path.stat()
                items.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(items)


_ID = re.compile(r'\sid="([^"]+)"')


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory; Jinja checks each against its source's checksum."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self.store.clear()


class ActionplansPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    def __init__(self) -> None:
        super().__init__()
        self.serving = False
        self.last: tuple[tuple[str, int, int], ...] | None = None
        self.downloads: list[Any] = []
        self.dataset: Any = None
        self.bytecode = _MemoryBytecodeCache()
        #: Set by ``actionplans serve`` while it builds only the pages that changed.
        self.partial = False
        #: Search entries of every page built while serving, by page URL, in build order.
        self.search_pages: dict[str, list[dict[str, Any]]] = {}
        #: Built pages that hold placeholders for the downloads' sizes and checksums, which
        #: ``actionplans build`` fills in once the downloads are made (see ``site.SiteFiles``).
        self.pages_with_placeholders: list[Path] = []

    @event_priority(100)  # before any other plugin sees the Markdown
    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        """Pages marked ``markup: html`` are HTML already: keep it aside and give Markdown nothing.

        Converting them would return the same HTML, after three HTML parser passes over it
        (Python-Markdown's raw-HTML block handling, md_in_html, MkDocs' anchor collector).
        """
        if page.meta.get("markup") == "html":
            page.actionplans_html = markdown
            return ""
        return markdown

    @event_priority(100)
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
        stored = getattr(page, "actionplans_html", None)
        if stored is None:
            return html
        del page.actionplans_html
        page.present_anchor_ids = set(_ID.findall(stored))  # for MkDocs' anchor validation
        return str(stored).strip()

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        """Keep the theme's compiled templates between builds (each build, and each language,
        makes a new Jinja environment and would compile Material's templates again)."""
        env.bytecode_cache = self.bytecode
        return env

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.pages_with_placeholders = []

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        if PLACEHOLDER_START in output:
            self.pages_with_placeholders.append(Path(page.file.abs_dest_path))
        return output

    def on_pre_build(self, *, config: Any) -> None:
        if self.serving:
            self.prepare(config)

    def prepare(self, config: Any) -> bool:
        """Re-render the pages if content or templates changed since the last render.

        Returns whether the set of pages stayed the same (no page added or removed), which is
        when a rebuild of only the changed pages is enough.
        """
        from . import load
        from .site import Layout, pages_and_downloads, preview_package

        layout = Layout(root=Path(config.config_file_path).parent)
        inputs = [layout.at(layout.content), layout.at(layout.templates), layout.at(layout.changelog)]
        fingerprint = _fingerprint(inputs)
        if fingerprint == self.last:
            return True
        docs = layout.at(layout.docs)
        before = {p for p in docs.rglob("*") if p.is_file()}
        package = preview_package(layout)
        self.dataset = load(package)
        self.downloads, _pages, _written = pages_and_downloads(layout, self.dataset, package, str(config["site_url"] or "/"))
        self.last = fingerprint
        return before == {p for p in docs.rglob("*") if p.is_file()}

    @event_priority(-50)  # after the search plugin has indexed the page
    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Remember each page's search entries, to rebuild the index after a partial build."""
        if self.serving:
            search = config.plugins.get("material/search") or config.plugins.get("search")
            entries = getattr(getattr(search, "search_index", None), "entries", None) or []
            mine = []
            for entry in reversed(entries):
                rest = entry["location"][len(page.url) :] if entry["location"].startswith(page.url) else None
                if rest is None or (rest and not rest.startswith("#")):
                    break
                mine.append(entry)
            self.search_pages[page.url] = mine[::-1]
        return context

    @event_priority(-200)  # after mkdocs-static-i18n (-100) has built every language and the index
    def on_post_build(self, *, config: Any) -> None:
        i18n = config.plugins.get("i18n")
        if i18n is not None and getattr(i18n, "building", False):
            return  # a language built from inside mkdocs-static-i18n; the index is not final yet
        site = Path(config["site_dir"])
        if self.serving and self.dataset is not None:
            from .site import write_downloads

            write_downloads(site, self.downloads, self.dataset, str(config["site_url"] or "/"))
        if self.serving and self.partial:
            # Only the changed pages were built: the index MkDocs wrote holds only theirs.
            _write_search_docs(site / "search" / "search_index.json", [e for v in self.search_pages.values() for e in v])
        languages = [lang.locale for lang in i18n.config.languages if not lang.default] if i18n is not None else []
        deduplicate_search_index(site / "search" / "search_index.json", languages)


def _write_search_docs(path: Path, docs: list[dict[str, Any]]) -> None:
    import json

    index = json.loads(path.read_bytes())
    index["docs"] = docs
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="ascii")


def deduplicate_search_index(path: Path, languages: list[str]) -> int:
    """Drop entries under ``<lang>/`` that repeat a default-language entry word for word."""
    import json

    if not languages or not path.is_file():
        return 0
    index = json.loads(path.read_bytes())
    prefixes = tuple(f"{lang}/" for lang in languages)
    default = {(d["location"], d["title"], d["text"]) for d in index["docs"] if not d["location"].startswith(prefixes)}
    kept = [
        d
        for d in index["docs"]
        if not (d["location"].startswith(prefixes) and (d["location"].split("/", 1)[1], d["title"], d["text"]) in default)
    ]
    removed = len(index["docs"]) - len(kept)
    if removed:
        index["docs"] = kept
        path.write_text(json.dumps(index, separators=(",", ":")), encoding="ascii")  # as Material writes it
    return removed
