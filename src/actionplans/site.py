"""Building the site: data package (if stale) → pages → MkDocs → downloads, swapped in atomically.

Each stage is a function of its own; ``build_site`` calls them in a row. The site is built into
a staging folder beside ``site/``, which replaces ``site/`` in one step only when every stage
succeeded: a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model as m
from .content import load_content
from .datapackage import staged_folder, stale_files, validate, write_package
from .downloads import Download, dcat_catalog, endpoints, make_downloads
from .errors import ActionplansError
from .pages import Renderer, copy_assets, write_tree


class SiteError(ActionplansError):
    """The site could not be built (MkDocs reported warnings in strict mode, or failed)."""


@dataclass(frozen=True)
class Layout:
    """Where each stage reads and writes, relative to the project folder."""

    root: Path = Path(".")
    content: Path = Path("content")
    datapackage: Path = Path("datapackage")
    templates: Path = Path("site_templates")
    docs: Path = Path("build/docs")
    site: Path = Path("site")
    config: Path = Path("mkdocs.yml")
    changelog: Path = Path("CHANGELOG.md")

    def at(self, path: Path) -> Path:
        return path if path.is_absolute() else self.root / path


@dataclass
class BuildReport:
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    pages_written: int = 0
    downloads: int = 0
    package_written: bool = False

    def lines(self) -> list[str]:
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())
        return [
            f"{self.pages} pages ({self.pages_written} changed), {self.downloads} downloads; data package "
            + ("rewritten" if self.package_written else "up to date"),
            f"timings: {stages}",
        ]


class _Timer:
    def __init__(self, report: BuildReport, name: str) -> None:
        self.report, self.name = report, name

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.report.timings[self.name] = time.perf_counter() - self.started


def ensure_package(layout: Layout, report: BuildReport) -> None:
    """Write the data package if it is stale against the content."""
    dataset = load_content(layout.at(layout.content))
    out = layout.at(layout.datapackage)
    if stale_files(dataset, out):
        write_package(dataset, out, check=validate)
        report.package_written = True


def preview_package(layout: Layout) -> Path:
    """The data package of the current content, for the live preview, in ``build/preview/``.

    Not validated and not published: ``datapackage/`` changes only through ``actionplans
    package`` or ``build``. Only files whose bytes changed are rewritten.
    """
    from .datapackage import build_files

    dataset = load_content(layout.at(layout.content))
    folder = layout.at(layout.docs).parent / "preview" / "datapackage"
    folder.mkdir(parents=True, exist_ok=True)
    files = build_files(dataset)
    for name, data in files.items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    for path in folder.iterdir():
        if path.name not in files:
            path.unlink()
    return folder


def load_mkdocs_config(layout: Layout, site_dir: Path | None = None) -> Any:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    layout.at(layout.docs).mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {"strict": True, "docs_dir": str(layout.at(layout.docs).absolute())}
    if site_dir is not None:
        options["site_dir"] = str(site_dir)
    try:
        return load_config(str(layout.at(layout.config)), **options)
    except (Abort, ConfigurationError) as error:
        raise SiteError(f"{layout.at(layout.config)}: {error}; expected a valid MkDocs configuration") from None


def render_pages(layout: Layout, dataset: m.Dataset, downloads: list[Download], site_url: str) -> tuple[int, int]:
    """Write the generated Markdown tree; return (pages, pages rewritten)."""
    templates = layout.at(layout.templates)
    renderer = Renderer(dataset, templates, layout.at(layout.content), downloads, site_url, layout.at(layout.changelog))
    pages = list(renderer.pages())
    written, _removed = write_tree(pages, layout.at(layout.docs), extra=lambda docs: copy_assets(templates / "assets", docs))
    return len(pages), written


def run_mkdocs(config: Any) -> None:
    """``mkdocs build --strict`` in this process; warnings become a SiteError."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    warnings: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warnings.append(record.getMessage())

    handler = _Collect()
    import jieba  # its dictionary-loading chatter: jieba sets its own level when imported

    jieba.setLogLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, MkDocsException) as error:
        detail = "\n".join(f"  {w}" for w in warnings[:30])
        raise SiteError(f"MkDocs build failed: {error}\n{detail}".rstrip()) from None
    finally:
        logger.removeHandler(handler)
    if warnings:
        raise SiteError("MkDocs reported warnings in strict mode:\n" + "\n".join(f"  {w}" for w in warnings[:30]))


def write_downloads(site_dir: Path, downloads: list[Download], dataset: m.Dataset, site_url: str) -> None:
    """Downloads, JSON endpoints and the DCAT catalogue, at the site root (shared by both languages)."""
    for download in downloads:
        _write(site_dir / download.path, download.data)
    for path, data in endpoints(dataset).items():
        _write(site_dir / path, data)
    _write(site_dir / "catalog.jsonld", dcat_catalog(dataset, downloads, site_url))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_site(layout: Layout | None = None) -> BuildReport:
    """Every stage in a row; the new site replaces the old one only if all succeed."""
    from . import load

    layout = layout or Layout()
    report = BuildReport()
    with _Timer(report, "package"):
        ensure_package(layout, report)
    with _Timer(report, "load"):
        dataset = load(layout.at(layout.datapackage))
    with _Timer(report, "downloads"):
        downloads = make_downloads(layout.at(layout.datapackage), dataset)
        report.downloads = len(downloads)
    config = load_mkdocs_config(layout)
    with _Timer(report, "render"):
        report.pages, report.pages_written = render_pages(layout, dataset, downloads, str(config["site_url"] or "/"))
    with staged_folder(layout.at(layout.site), marker="index.html") as staging:
        with _Timer(report, "mkdocs"):
            run_mkdocs(load_mkdocs_config(layout, site_dir=staging))
        with _Timer(report, "write downloads"):
            write_downloads(staging, downloads, dataset, str(config["site_url"] or "/"))
    return report
