"""The MkDocs plugin: adapts MkDocs' events to the pages ``render_pages`` writes. It owns no stage.

- Generated pages marked ``markup: html`` are HTML already: they pass through unconverted
  (``on_page_markdown`` / ``on_page_content``). Those outside the navigation (all but a few)
  become ``GeneratedPage``s (``on_nav``), which do not even build a Markdown converter for them:
  MkDocs builds one with every configured extension for each page, a sixth of its time.
- The theme's compiled templates are kept between builds and languages (``on_env``), in this
  process: a preview's every rebuild loads a new configuration, and with it a new plugin.
- On English pages, Chinese is marked as Chinese (``lang="zh-Hans"``): in hand-written pages
  (``on_page_content``) and in the header's page title (the ``zh_parts`` filter, ``on_env``).
- Material's markup that the W3C Nu HTML Checker rejects is mended (``on_post_page``,
  ``on_post_template``): ``autocomplete`` on checkboxes, and the table of contents' ``<label
  for="__toc">`` on pages outside the navigation, whose input does not exist.
- The root ``404.html`` stays in the site's default language, and each other language gets its
  own ``<locale>/404.html`` (mkdocs-static-i18n builds every language into one folder, and the
  language built last would otherwise own the root page).
- A site without an address gets no sitemap: a sitemap lists absolute URLs, and MkDocs would
  write "None" in their place.
- Whoever runs MkDocs may learn when each language's pages are all written (``language_built``,
  called with its locale): the build indexes the default language's pages for search while
  mkdocs-static-i18n builds the others.

It needs no folders of its own: every page it sees was written before MkDocs ran.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config import base
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .langparts import zh_parts_html

_ID = re.compile(r'\sid="([^"]+)"')
_CHECKBOX = re.compile(r'<input\b[^>]*\btype="checkbox"[^>]*>')
_AUTOCOMPLETE = re.compile(r'\s+autocomplete="off"')
_TOC_LABEL = re.compile(r'<label class="md-nav__title" for="__toc">(.*?)</label>', re.S)
_404 = "404.html"


class ActionplansConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin takes no options: it adapts events and reads no folders of its own."""


class ActionplansPlugin(BasePlugin[ActionplansConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        super().__init__()
        #: The default language's rendered 404 page of the current build, by site folder.
        self.default_404: dict[str, str] = {}
        #: Called with a language's locale once its pages are all written (None: no one asks).
        self.language_built: Callable[[str], None] | None = None

    # generated HTML pages ----------------------------------------------------------------------
    @event_priority(100)  # before any other plugin sees the Markdown
    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        """Keep a ``markup: html`` page's HTML aside and give Markdown nothing to convert.

        Converting it would return the same HTML, after three HTML parser passes over it
        (Python-Markdown's raw-HTML block handling, md_in_html, MkDocs' anchor collector).
        """
        if page.meta.get("markup") == "html":
            page.actionplans_html = markdown
            return ""
        return markdown

    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        """Every page outside the navigation becomes a ``GeneratedPage`` (MkDocs lets a plugin
        set a file's page to a subclass of ``Page``). Those in it keep the titles it gives them."""
        listed = {id(page) for page in nav.pages}
        for file in files.documentation_pages():
            if file.page is not None and id(file.page) not in listed:
                GeneratedPage(None, file, config)  # becomes file.page
        return nav

    @event_priority(100)
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
        stored = getattr(page, "actionplans_html", None)
        if stored is None:  # a hand-written page: on English pages, the Chinese in it marked
            return zh_parts_html(html) if config.theme.get("language") == "en" else html
        del page.actionplans_html
        page.present_anchor_ids = set(_ID.findall(stored))  # for MkDocs' anchor validation
        return str(stored).strip()

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        env.bytecode_cache = _BYTECODE
        # The header marks the Chinese in an English page's title. Titles reach the theme
        # HTML-escaped (pages.py stores front matter that way), so the title is HTML here.
        env.filters["zh_parts"] = lambda title: zh_parts_html(str(title))  # "" where a page has none
        return env

    # valid HTML --------------------------------------------------------------------------------
    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        return fix_html(output)

    # the 404 pages -----------------------------------------------------------------------------
    def on_pre_build(self, *, config: Any) -> None:
        current, default = _languages(config)
        if current is not None and current == default:
            self.default_404.pop(os.path.abspath(config.site_dir), None)

    def on_template_context(self, context: Any, *, template_name: str, config: Any) -> Any:
        """The 404 page's language links go to the language home pages, not to the alternates of
        whichever page was rendered last."""
        i18n = config.plugins.get("i18n")
        homes = getattr(i18n, "extra_alternate", None) if i18n is not None else None
        if template_name == _404 and homes:
            # i18n keeps the per-page list as an attribute of config.extra, which Jinja's
            # `config.extra.alternate` reads before the item: set both.
            config.extra["alternate"] = copy.deepcopy(homes)
            config.extra.alternate = copy.deepcopy(homes)
        return context

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        if template_name.endswith(".html"):
            output_content = fix_html(output_content)
        if template_name != _404:
            return output_content
        current, default = _languages(config)
        if current is None or default is None:
            return output_content
        site_dir = os.path.abspath(config.site_dir)
        if current == default:
            self.default_404[site_dir] = output_content
            return output_content
        kept = self.default_404.get(site_dir)
        if kept is None:  # the default language is not built in this run
            return output_content
        path = Path(site_dir) / current / _404
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output_content, encoding="utf-8")
        return kept

    # a language built; the sitemap ---------------------------------------------------------------
    @event_priority(-50)  # after the language's own last steps, before mkdocs-static-i18n (-100) builds the others
    def _language_done(self, *, config: Any) -> None:
        if self.language_built is None:
            return
        current, default = _languages(config)
        self.language_built(current or default or config.theme.get("language", ""))

    @event_priority(-200)  # after mkdocs-static-i18n (-100) has built every language
    def _site_done(self, *, config: Any) -> None:
        i18n = config.plugins.get("i18n")
        if i18n is not None and getattr(i18n, "building", False):
            return  # a language built from inside mkdocs-static-i18n; the site is not final yet
        site = Path(config["site_dir"])
        if not config.site_url:
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (site / name).unlink(missing_ok=True)

    on_post_build = CombinedEvent(_language_done, _site_done)


class GeneratedPage(Page):
    """A page that renders a ``markup: html`` page (its HTML set aside by ``on_page_markdown``)
    without Python-Markdown: what converting its empty Markdown would give, and no converter
    built for it. Any other page renders as MkDocs renders it."""

    def render(self, config: Any, files: Any) -> None:
        if getattr(self, "actionplans_html", None) is None:
            super().render(config, files)
            return
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()  # on_page_content reads them from the HTML
        self.links_to_anchors = {}


def fix_html(html: str) -> str:
    """``html`` without the Material markup the Nu checker rejects (see the module docstring).
    Should Material change that markup, the patterns stop matching and the Nu check in the
    test suite shows the errors again."""
    html = _CHECKBOX.sub(lambda m: _AUTOCOMPLETE.sub("", m.group(0)), html)
    if 'id="__toc"' not in html:
        html = _TOC_LABEL.sub(r'<div class="md-nav__title">\1</div>', html)
    return html


def _languages(config: Any) -> tuple[str | None, str | None]:
    """The language being built and the default one (None, None without mkdocs-static-i18n)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return None, None
    return getattr(i18n, "current_language", None), getattr(i18n, "default_language", None)


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


#: The theme's compiled templates, for every build in this process.
_BYTECODE = _MemoryBytecodeCache()
