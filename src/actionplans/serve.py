"""``actionplans serve``: a live preview that rebuilds when content or templates change.

MkDocs' own ``serve`` also watches ``docs_dir``; here that folder is generated, so every rebuild
would rewrite a few pages in it and set off a second, useless rebuild. This server watches only
what people edit: ``content/``, ``site_templates/``, ``mkdocs.yml`` and ``CHANGELOG.md``.

A rebuild re-renders the pages, writing only those whose text changed (see the MkDocs plugin),
and then runs MkDocs in this process, so the theme, the search tokenizer's dictionary and the
plugins stay loaded. When the set of pages and the theme are unchanged, MkDocs builds only the
pages whose Markdown is newer than their HTML (its "dirty" mode, in both languages) and the
plugin puts the search index back together from every page's entries; otherwise it builds
everything.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from .errors import ActionplansError, ContentError
from .mkdocs_plugin import _fingerprint
from .site import Layout

#: How often the watcher looks for changed files, in seconds.
POLL_SECONDS = 0.2

log = logging.getLogger("mkdocs.commands.serve")


def _show_progress() -> None:
    """Print MkDocs' progress (serving address, rebuilds, warnings) the way ``mkdocs serve`` does."""
    import jieba  # its dictionary-loading chatter: jieba sets its own level when imported

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("mkdocs.plugins.mkdocs_static_i18n").setLevel(logging.WARNING)  # a line per setting per language
    # A partial rebuild is MkDocs' "dirty" mode, which warns about itself on every rebuild.
    logging.getLogger("mkdocs.commands.build").addFilter(
        lambda record: not record.getMessage().startswith(("A 'dirty' build is being performed", "The directory contains stale files"))
    )
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def serve(address: str = "127.0.0.1:8000", layout: Layout | None = None) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from urllib.parse import urlsplit

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer, _serve_url

    layout = layout or Layout()
    docs = layout.at(layout.docs)
    docs.mkdir(parents=True, exist_ok=True)  # MkDocs checks it before the plugin fills it
    site_dir = tempfile.mkdtemp(prefix="actionplans-serve-")
    _show_progress()

    def get_config() -> Any:
        return load_config(
            str(layout.at(layout.config)), site_dir=site_dir, docs_dir=str(docs.absolute()), dev_addr=address, strict=False
        )

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)

    theme = [layout.at(layout.templates) / "overrides", layout.at(layout.templates) / "hooks", layout.at(layout.config)]
    state: dict[str, Any] = {"theme": None}

    def builder(config: Any = None) -> None:
        if config is None:
            config = get_config()
        config.site_url = serve_url
        plugin = config.plugins["actionplans"]
        try:
            same_pages = plugin.prepare(config)  # re-render now, to know what changed
        except ActionplansError as error:
            if state["theme"] is None:
                raise  # no preview yet: the command reports it and stops
            report = error.report() if isinstance(error, ContentError) else str(error)
            log.error(f"{report}\nThe preview keeps showing the last good version until this is fixed.")
            return
        theme_now = _fingerprint(theme)
        partial = same_pages and theme_now == state["theme"]
        log.info("Building the changed pages…" if partial else "Building the preview…")
        if not partial:
            plugin.search_pages.clear()
        plugin.partial = partial
        # mkdocs-static-i18n builds the other languages itself, in dirty mode only when the
        # command line says --dirty; say it for the length of this build.
        argv = list(sys.argv)
        if partial:
            sys.argv.append("--dirty")
        try:
            build(config, serve_url=serve_url, dirty=partial)
        finally:
            sys.argv[:] = argv
            plugin.partial = False
        state["theme"] = theme_now

    server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path, polling_interval=POLL_SECONDS)

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    try:
        builder(config)
        for path in (layout.content, layout.templates, layout.config, layout.changelog):
            if layout.at(path).exists():
                server.watch(str(layout.at(path)))
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            log.info("Shutting down…")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
