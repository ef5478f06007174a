"""``actionplans serve``: a live preview that rebuilds when content or templates change.

Each rebuild composes the same stages as ``build_site``, from the content as it is, drafts
included and marked as such: the data package is written to ``build/preview/`` (not
validated; ``datapackage/`` changes only through ``package`` and ``build``, which never
publish a draft), then read, its downloads made, its pages rendered (only changed files are
rewritten), MkDocs run in this process, so the theme and plugins stay loaded, and the search
indexed again, so a search finds the edit.

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

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import files, load
from .content import load_content
from .datapackage import build_files
from .errors import ActionplansError, ContentError
from .review import review_pages
from .search import Pagefind, find_pagefind
from .site import (
    Layout,
    given_address,
    index_search,
    load_history,
    load_mkdocs_config,
    render,
    render_options,
    run_mkdocs,
    site_address,
    write_files,
)

#: How often the watcher looks for changed files, in seconds.
POLL_SECONDS = 0.2

log = logging.getLogger("mkdocs.commands.serve")


def preview(layout: Layout, site_dir: Path, address: str, pagefind: Pagefind, config: Any = None) -> Any:
    """Build the preview of the content as it is into ``site_dir``; return the MkDocs config."""
    content = load_content(layout.at(layout.content), drafts=True)  # drafts shown, marked as such
    package = layout.at(layout.docs).parent / "preview" / "datapackage"
    package_files = build_files(content)
    for name, data in package_files.items():
        files.write_if_changed(package / name, data)
    files.prune(package, set(package_files))
    dataset = load(package)
    history = load_history(layout)
    base = site_address(dataset, given_address())
    options = render_options(layout, dataset, base, drafts=content.drafts, history=history)
    downloads, _rendered = render(layout, dataset, package, options, keep=False)  # each edit changes the data
    config = config or load_mkdocs_config(layout, site_dir, base, dev_addr=address, strict=False)
    run_mkdocs(config)
    index_search(config, pagefind)
    write_files(site_dir, dataset, downloads, history, base)
    for path, data in review_pages(dataset, dict(options.texts), content.todos, layout.at(layout.templates)).items():
        files.write_if_changed(site_dir / path, data)
    return config


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
    state: dict[str, Any] = {"config": None}

    def builder(config: Any = None) -> None:
        log.info("Building the preview…")
        try:
            state["config"] = preview(layout, site_dir, address, pagefind)
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
        shutil.rmtree(site_dir, ignore_errors=True)


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


def _show_progress() -> None:
    """Print MkDocs' progress (rebuilds, warnings) the way ``mkdocs serve`` does."""
    logging.getLogger("mkdocs.plugins.mkdocs_static_i18n").setLevel(logging.WARNING)  # a line per setting per language
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
