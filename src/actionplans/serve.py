"""``actionplans serve``: a live preview that rebuilds when content or templates change."""

from __future__ import annotations

import os

from .site import Layout


def serve(address: str = "127.0.0.1:8000", layout: Layout | None = None) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.serve import serve as mkdocs_serve

    layout = layout or Layout()
    layout.at(layout.docs).mkdir(parents=True, exist_ok=True)  # MkDocs checks it before the plugin fills it
    watch = [str(layout.at(p)) for p in (layout.content, layout.templates)]
    mkdocs_serve(str(layout.at(layout.config)), dev_addr=address, livereload=True, watch=watch, strict=False)
