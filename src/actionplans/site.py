"""Building the site: data package (if stale) → pages → MkDocs → downloads, swapped in atomically.

Each stage is a function of its own; ``build_site`` calls them in a row. The site is built into
a staging folder beside ``site/``, which replaces ``site/`` in one step only when every stage
succeeded: a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model as m
from .content import load_content
from .datapackage import staged_folder, stale_files, validate, write_package
from .downloads import Download, DownloadWork, dcat_catalog, endpoints, make_downloads, run_download_job
from .errors import ActionplansError
from .pages import Job, Renderer, _write_if_changed, copy_assets, prune, write_pages


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
        _write_if_changed(folder / name, data)
    prune(folder, set(files))
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


#: From this many pages, worker processes render the pages while the downloads are made.
PARALLEL_PAGES = 1000
#: What page-rendering workers read: (renderer, jobs, docs folder); set while they run.
_RENDER_INPUT: tuple[Renderer, list[Job], Path] | None = None


def pages_and_downloads(layout: Layout, dataset: m.Dataset, package_dir: Path, site_url: str) -> tuple[list[Download], int, int]:
    """Make the downloads and render the pages; return (downloads, pages, pages rewritten).

    Most pages do not show the downloads: on a large site those are rendered by one pool of
    processes, together with the download jobs; the pages that show the downloads' sizes and
    checksums (home, data, plans) follow once the downloads exist.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    templates, docs = layout.at(layout.templates), layout.at(layout.docs)
    renderer = Renderer(dataset, templates, layout.at(layout.content), [], site_url, layout.at(layout.changelog))
    jobs = renderer.jobs()
    early = [job for job in jobs if not job.needs_downloads]
    work = DownloadWork(package_dir, dataset)
    workers = os.cpu_count() or 1
    names: list[str] = []
    written = 0
    docs.mkdir(parents=True, exist_ok=True)
    if len(jobs) >= PARALLEL_PAGES and workers > 1:
        global _RENDER_INPUT
        _RENDER_INPUT = (renderer, early, docs)
        # Forked workers share the parent's objects until they are written to; a collection
        # in a worker would write to all of them. Frozen objects are left alone.
        gc.collect()
        gc.freeze()
        chunk = max(1, len(early) // (4 * workers))
        try:
            with work.inputs(), ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                downloads_made = [pool.submit(run_download_job, job) for job in work.jobs]
                pages_made = [pool.submit(_render_range, i, i + chunk) for i in range(0, len(early), chunk)]
                downloads = work.assemble([future.result() for future in downloads_made])
                for future in pages_made:
                    part, count = future.result()
                    names += part
                    written += count
        finally:
            _RENDER_INPUT = None
            gc.unfreeze()
    else:
        downloads = make_downloads(package_dir, dataset)
        names, written = write_pages((renderer.render_job(job) for job in early), docs)
    renderer.downloads = downloads
    part, count = write_pages((renderer.render_job(job) for job in jobs if job.needs_downloads), docs)
    prune(docs, set(names) | set(part) | set(copy_assets(templates / "assets", docs)))
    return downloads, len(jobs), written + count


def _render_range(start: int, stop: int) -> tuple[list[str], int]:
    """Render and write pages ``start:stop`` of the shared job list (runs in a worker process)."""
    assert _RENDER_INPUT is not None
    renderer, jobs, docs = _RENDER_INPUT
    return write_pages((renderer.render_job(job) for job in jobs[start:stop]), docs)


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
    # Everything alive now (the data set, the downloads) stays alive through the build: keep it
    # out of the garbage collector's full passes, which would otherwise walk it again and again
    # while MkDocs allocates (at 10,000 tasks the build went from 388 to 337 s with this and
    # the pages rendered in parallel).
    gc.collect()
    gc.freeze()
    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
            gc.unfreeze()
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
    config = load_mkdocs_config(layout)
    with _Timer(report, "downloads and pages"):
        downloads, report.pages, report.pages_written = pages_and_downloads(
            layout, dataset, layout.at(layout.datapackage), str(config["site_url"] or "/")
        )
        report.downloads = len(downloads)
    with staged_folder(layout.at(layout.site), marker="index.html") as staging:
        with _Timer(report, "mkdocs"):
            run_mkdocs(load_mkdocs_config(layout, site_dir=staging))
        with _Timer(report, "write downloads"):
            write_downloads(staging, downloads, dataset, str(config["site_url"] or "/"))
    return report
