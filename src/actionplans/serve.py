"""``actionplans serve``: a live preview that rebuilds when content or templates change.

Each rebuild composes the same stages as ``build_site``, from the content as it is, drafts
included and marked as such, in two steps (``Preview``):

1. **What an edit shows**, before the browsers reload: the data package is written to
   ``build/preview/`` (not validated; ``datapackage/`` changes only through ``package`` and
   ``build``, which never publish a draft) and read, the pages rendered (only changed files are
   rewritten) with the downloads as last made, and MkDocs run in this process on the pages that
   changed (``--dirty``; every page after a change of templates or ``mkdocs.yml``, or when a
   page is gone), and the review pages written.
2. **What follows it**, in a thread of its own: the downloads made again, and the pages that show
   them rendered again where they changed; the site's files written; the search indexed again,
   so that a search finds the edit. A new edit stops this step between any two of its files and
   starts over; the search index is never written by two runs at once.

Beside the site, the preview has a review page per plan (``review/<plan-id>/``, listed at
``review/``): the plan's source text with each quote marked where it was found, its records beside
it, and the to-dos ``check`` lists for it (see ``review.py``).

MkDocs' own ``serve`` watches ``docs_dir``, which is generated here, so every rebuild would set
off another. This server watches what people edit: the content, the templates, ``mkdocs.yml``,
and the releases.
An edit that breaks the content is reported as ``path:line`` and the preview keeps showing
the last good version.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import files, load
from . import model as m
from .content import load_content
from .content.sources import read_source_texts
from .datapackage import build_files
from .downloads import Download, Subsets, download_files, listed, plan_subsets, source_downloads, table_rows
from .errors import ActionplansError, ContentError
from .history import History
from .kept import file_sha256
from .pages import SHOW_DOWNLOADS, Job, RenderOptions, render_pages
from .review import review_pages
from .search import Pagefind, find_pagefind
from .site import (
    Layout,
    given_address,
    index_search,
    link_or_copy,
    load_history,
    load_mkdocs_config,
    render_options,
    run_mkdocs,
    site_address,
    site_files,
)

#: The templates of a plan's own pages and of a source's (``pages.Renderer._jobs``), by the value
#: that names their owner: what an edit of another plan leaves as it was.
OWN_PAGES = {"plan.md.j2": "plan", "task.md.j2": "plan", "source.md.j2": "source"}

#: Logged when the step after an edit has made the downloads and the search index anew.
UP_TO_DATE = "The preview's downloads and search are up to date."

#: How often the watcher looks for changed files, in seconds.
POLL_SECONDS = 0.1

log = logging.getLogger("mkdocs.commands.serve")


class _Stopped(Exception):
    """A newer edit stopped the step that follows the last one."""


@dataclass(frozen=True)
class _Shown:
    """What the pages of the last edit were made from: what the step that follows it needs."""

    dataset: m.Dataset
    package: dict[str, bytes]
    options: RenderOptions
    config: Any
    downloads: list[Download]
    #: Whether every page was rendered (else only those an edit of some plans can change).
    whole: bool


class Preview:
    """The preview of ``layout``'s content, built into ``site_dir`` (see the module docstring)."""

    def __init__(self, layout: Layout, site_dir: Path, address: str, pagefind: Pagefind) -> None:
        self.layout, self.site_dir, self.address, self.pagefind = layout, site_dir, address, pagefind
        #: Held while the docs or site folder is written: by an edit's first step, or the step after.
        self.writing = threading.Lock()
        #: Held while Pagefind writes the search index.
        self.indexing = threading.Lock()
        self.stop = threading.Event()
        self.after: threading.Thread | None = None
        self.shown: _Shown | None = None
        self.config: Any = None
        #: The current downloads, once made.
        self.downloads: list[Download] | None = None
        self.subsets = Subsets()  # each plan's files, made again only when its rows change
        #: What the last build's pages were made with, kept while its inputs are the same: the
        #: templates and configuration, the releases, the sources' texts.
        self.made_from = ""
        self.history: tuple[str, History] | None = None
        #: The inputs beside the plans' files, and each plan's rows, when the pages were last rendered.
        self.plans: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        self.texts: dict[str, str] = {}

    def build(self) -> Any:
        """Show the content as it is, and start what follows; return the MkDocs configuration."""
        self.stop.set()  # the step after the last edit stops at its next file
        try:
            with self.writing:
                shown = self._show()
        except ActionplansError:
            if self.shown is not None:  # the last good version's downloads and search, made whole
                self._follow(self.shown)
            raise
        self.shown = shown
        self._follow(shown)
        return shown.config

    def _follow(self, shown: _Shown) -> None:
        """Start the step that follows ``shown``."""
        self.stop = threading.Event()
        self.after = threading.Thread(target=self._after, args=(shown, self.stop), name="preview-after", daemon=True)
        self.after.start()

    def close(self) -> None:
        """Stop the step after the last edit, and wait for it (a Pagefind run ends first)."""
        self.stop.set()
        if self.after is not None:
            self.after.join()

    def _show(self) -> _Shown:
        layout = self.layout
        # drafts shown, marked as such; read in this process, which runs threads (see map_in_processes)
        content = load_content(layout.at(layout.content), drafts=True, workers=1)
        package_dir = layout.at(layout.docs).parent / "preview" / "datapackage"
        package = build_files(content)
        for name, data in package.items():
            files.write_if_changed(package_dir / name, data)
        files.prune(package_dir, set(package))
        dataset = load(package_dir)
        base = site_address(dataset, given_address())
        options = render_options(
            layout, dataset, base, drafts=content.drafts, history=self._history(), texts=self._texts(dataset)
        )
        if self.downloads is None:  # the first build: nothing to show the pages with yet
            self.downloads = listed(dict(download_files(package, dataset, base, self.subsets)), dataset)
        downloads = self.downloads + source_downloads(dataset, options.texts)
        made_from = files.tree_digest(layout.at(layout.templates)) + file_sha256(layout.at(layout.config))
        scope = self._scope(dataset, content.drafts, made_from)
        rendered = render_pages(dataset, downloads, layout.at(layout.docs), options, only=scope)
        # every page again when they may change without their Markdown: a template or the
        # configuration changed, or a page is gone (a dirty build would leave its HTML)
        whole = self.config is None or rendered.removed > 0 or made_from != self.made_from
        config = self._config(base)
        run_mkdocs(config, dirty=not whole)
        self.config, self.made_from = config, made_from
        for path, data in review_pages(dataset, dict(options.texts), content.todos, layout.at(layout.templates)).items():
            files.write_if_changed(self.site_dir / path, data)
        return _Shown(dataset, dict(package), options, config, downloads, whole=scope is None)

    def _history(self) -> History:
        """The releases, read again only when a file of theirs changed."""
        digest = files.tree_digest(self.layout.at(self.layout.releases))
        if self.history is None or self.history[0] != digest:
            self.history = (digest, load_history(self.layout))
        return self.history[1]

    def _texts(self, dataset: m.Dataset) -> dict[str, str]:
        """The sources' texts: those already read while their SHA-256 is the package's."""
        kept = {
            sid: text
            for sid, text in self.texts.items()
            if sid in dataset.sources and hashlib.sha256(text.encode("utf-8")).hexdigest() == dataset.sources[sid].sha256
        }
        missing = {sid: s for sid, s in dataset.sources.items() if sid not in kept}
        self.texts = kept | read_source_texts(self.layout.at(self.layout.content), missing)
        return self.texts

    def _scope(self, dataset: m.Dataset, drafts: frozenset[str], made_from: str) -> Callable[[Job], bool] | None:
        """Which pages the edit can change, when it changed only plans' files: every page but
        the own pages (``OWN_PAGES``) of the plans and sources whose rows are the same as in the
        last build; None (every page) otherwise. The step that follows renders every page."""
        plans = plan_subsets(table_rows(dataset))
        rest = files.tree_digest(self.layout.at(self.layout.content), leave_out=frozenset({"plans"}))
        inputs = (rest, drafts, made_from, self.history[0] if self.history else "")
        earlier, self.plans = self.plans, (inputs, plans)
        if earlier is None or earlier[0] != inputs or earlier[1].keys() != plans.keys():
            return None
        changed = {pid for pid, subset in plans.items() if earlier[1][pid] != subset}
        sources = {dataset.plans[pid].source_id for pid in changed}

        def scope(job: Job) -> bool:
            owner = OWN_PAGES.get(job.template)
            if owner == "plan":
                return bool(job.values["plan"].id in changed)
            return owner is None or job.values["source"].id in sources

        return scope

    def _config(self, base: str) -> Any:
        """A new MkDocs configuration for each build (mkdocs-static-i18n keeps the language it
        built last in its plugin, which a second build would start from)."""
        return load_mkdocs_config(self.layout, self.site_dir, base, dev_addr=self.address, strict=False)

    def _after(self, shown: _Shown, stop: threading.Event) -> None:
        try:
            with self.writing:
                self._refresh(shown, stop)

            with self.indexing:  # a newer edit stops Pagefind: its own index follows
                if index_search(shown.config, self.pagefind, stop):
                    log.info(UP_TO_DATE)
        except _Stopped:
            return
        except ActionplansError as error:
            log.error(f"{error}\nThe preview's downloads or search may show an earlier version until this is fixed.")

    def _refresh(self, shown: _Shown, stop: threading.Event) -> None:
        """The downloads made again; every page rendered again if the first step took only some,
        else those that show the downloads, if these changed; the site's files."""
        made: dict[str, bytes] = {}
        for path, data in download_files(shown.package, shown.dataset, shown.options.base, self.subsets):
            if stop.is_set():
                raise _Stopped
            made[path] = data
        self.downloads = listed(made, shown.dataset)
        downloads = self.downloads + source_downloads(shown.dataset, shown.options.texts)
        same = [d.source for d in downloads] == [d.source for d in shown.downloads]
        if not (same and shown.whole):  # every page now, or those that show the downloads
            docs = self.layout.at(self.layout.docs)
            only = None if not shown.whole else lambda job: job.template in SHOW_DOWNLOADS
            written = render_pages(shown.dataset, downloads, docs, shown.options, only=only).written
            if written and not stop.is_set():  # else the next edit's build takes these pages too
                run_mkdocs(self._config(shown.options.base), dirty=True)
        for path, held in site_files(shown.dataset, downloads, shown.options.history, shown.options.base).items():
            if stop.is_set():
                raise _Stopped
            if isinstance(held, bytes):
                files.write_if_changed(self.site_dir / path, held)
            else:
                link_or_copy(held, self.site_dir / path)


def serve_url(host: str, port: int, mount_path: str) -> str:
    """The address the preview is served at."""
    return f"http://{host}:{port}{mount_path}"


def serve(address: str = "127.0.0.1:8000", layout: Layout | None = None) -> None:
    """Serve the live preview at ``address`` until interrupted."""
    from mkdocs.livereload import LiveReloadServer

    layout = layout or Layout()
    host, _, port = address.rpartition(":")
    pagefind = find_pagefind(layout.root)  # once, before any work: a missing tool is found at once
    site_dir = Path(tempfile.mkdtemp(prefix="actionplans-serve-"))
    _show_progress()
    preview = Preview(layout, site_dir, address, pagefind)
    state: dict[str, Any] = {"config": None}

    def builder(config: Any = None) -> None:
        log.info("Building the preview…")
        try:
            state["config"] = preview.build()
        except ActionplansError as error:
            if state["config"] is None:
                raise  # no preview yet: the command reports it and stops
            report = error.report() if isinstance(error, ContentError) else str(error)
            log.error(f"{report}\nThe preview keeps showing the last good version until this is fixed.")

    try:
        builder()
        config = state["config"]
        mount_path = urlsplit(config.site_url or "/").path or "/"
        server = LiveReloadServer(
            builder=builder, host=host, port=int(port), root=str(site_dir), mount_path=mount_path, polling_interval=POLL_SECONDS
        )
        server.error_handler = lambda code: _error_page(site_dir, code)
        for path in (layout.content, layout.templates, layout.config, layout.releases):
            if layout.at(path).exists():
                server.watch(str(layout.at(path)))
        log.info(f"Serving on {serve_url(host, int(port), mount_path)}")
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            log.info("Shutting down…")
        finally:
            server.shutdown()
    finally:
        preview.close()
        shutil.rmtree(site_dir, ignore_errors=True)


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


def _show_progress() -> None:
    """Print MkDocs' progress (rebuilds, warnings) the way ``mkdocs serve`` does."""
    logging.getLogger("mkdocs.plugins.mkdocs_static_i18n").setLevel(logging.WARNING)  # a line per setting per language
    # MkDocs warns on every dirty build that the navigation may be inaccurate: this site's is the
    # short fixed list of mkdocs.yml, and a change to it rebuilds every page (``Preview``)
    logging.getLogger("mkdocs.commands.build").addFilter(lambda record: not record.getMessage().startswith("A 'dirty' build"))
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
