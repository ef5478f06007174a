"""MkDocs plugin for ``actionplans serve``: re-render the generated pages before each rebuild.

``actionplans build`` renders the pages itself before running MkDocs; during ``mkdocs serve``
this plugin does the same on every rebuild, but only when content, templates or the data
package changed since its last render. Unchanged pages are not rewritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    items = []
    for root in paths:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.is_file():
                stat = path.stat()
                items.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(items)


class ActionplansPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    def __init__(self) -> None:
        super().__init__()
        self.serving = False
        self.last: tuple[tuple[str, int, int], ...] | None = None
        self.downloads: list[Any] = []
        self.dataset: Any = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_pre_build(self, *, config: Any) -> None:
        if not self.serving:
            return
        from . import load
        from .downloads import make_downloads
        from .site import BuildReport, Layout, ensure_package, render_pages

        layout = Layout(root=Path(config.config_file_path).parent)
        inputs = [layout.at(layout.content), layout.at(layout.templates), layout.at(layout.datapackage)]
        fingerprint = _fingerprint(inputs)
        if fingerprint == self.last:
            return
        ensure_package(layout, BuildReport())
        self.dataset = load(layout.at(layout.datapackage))
        self.downloads = make_downloads(layout.at(layout.datapackage), self.dataset)
        render_pages(layout, self.dataset, self.downloads, str(config["site_url"] or "/"))
        self.last = _fingerprint(inputs)

    def on_post_build(self, *, config: Any) -> None:
        if self.serving and self.dataset is not None:
            from .site import write_downloads

            write_downloads(Path(config["site_dir"]), self.downloads, self.dataset, str(config["site_url"] or "/"))
