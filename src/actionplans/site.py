"""Building the site: data package (if stale) → pages → MkDocs, with the downloads made alongside;
swapped in atomically.

Each stage is a function of its own; ``build_site`` calls them in turn. The site is built into
a staging folder beside ``site/``, which replaces ``site/`` in one step only when every stage
succeeded: a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model as m
from .content import load_content
from .datapackage import staged_folder, stale_files, validate, write_package
from .downloads import (
    PLACEHOLDER_START,
    Download,
    PendingDownload,
    dcat_catalog,
    endpoints,
    fill_placeholders,
    listings,
    make_downloads,
)
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


#: From this many pages, worker processes render them.
PARALLEL_PAGES = 1000
#: What page-rendering workers read: (renderer, jobs, docs folder, jobs per task); set while they run.
_RENDER_INPUT: tuple[Renderer, list[Job], Path, int] | None = None


def render_pages(renderer: Renderer, jobs: list[Job], docs: Path) -> tuple[list[str], int]:
    """Render ``jobs`` into ``docs``; return the file names and how many files were rewritten.

    On a large site the pages are rendered by one forked process per CPU."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 1
    if len(jobs) < PARALLEL_PAGES or workers < 2:
        return write_pages((renderer.render_job(job) for job in jobs), docs)
    global _RENDER_INPUT
    chunk = max(1, len(jobs) // (4 * workers))
    _RENDER_INPUT = (renderer, jobs, docs, chunk)
    names: list[str] = []
    written = 0
    # Forked workers share the parent's objects until they are written to; a collection in a
    # worker would write to all of them. Frozen objects are left alone.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for part, count in pool.map(_render_range, range(0, len(jobs), chunk)):
                names += part
                written += count
    finally:
        _RENDER_INPUT = None
        gc.unfreeze()
    return names, written


def _render_range(start: int) -> tuple[list[str], int]:
    """Render and write one chunk of the shared job list, from ``start`` (in a worker)."""
    assert _RENDER_INPUT is not None
    renderer, jobs, docs, chunk = _RENDER_INPUT
    return write_pages((renderer.render_job(job) for job in jobs[start : start + chunk]), docs)


def _renderer(layout: Layout, dataset: m.Dataset, site_url: str) -> Renderer:
    return Renderer(dataset, layout.at(layout.templates), layout.at(layout.content), [], site_url, layout.at(layout.changelog))


def pages_and_downloads(layout: Layout, dataset: m.Dataset, package_dir: Path, site_url: str) -> tuple[list[Download], int, int]:
    """Make the downloads, then render the pages with them (``render`` and the live preview);
    return (downloads, pages, pages rewritten)."""
    docs = layout.at(layout.docs)
    docs.mkdir(parents=True, exist_ok=True)
    renderer = _renderer(layout, dataset, site_url)
    renderer.downloads = downloads = make_downloads(package_dir, dataset)
    jobs = renderer.jobs()
    names, written = render_pages(renderer, jobs, docs)
    prune(docs, set(names) | set(copy_assets(layout.at(layout.templates) / "assets", docs)))
    return downloads, len(jobs), written


class SiteFiles:
    """The site's downloads, JSON endpoints and DCAT catalogue, made by a forked process that runs
    only on CPU time nothing else wants, while the pages are rendered and MkDocs runs.

    MkDocs runs on one core. The downloads need nothing from it, and the pages need only their
    sizes and checksums: so the pages are rendered with placeholders for those
    (``PendingDownload``), and once the downloads exist ``fill_in`` puts the values into the
    pages, both the Markdown in ``build/docs`` and any HTML already built from it. The files are
    written into ``folder`` (MkDocs empties the site folder when it starts); ``move_into`` puts
    them into the site.
    """

    def __init__(self, package_dir: Path, dataset: m.Dataset, site_url: str, folder: Path) -> None:
        titles = {plan.id: plan.title for plan in dataset.plans.values()}
        self.pending = [PendingDownload(item.path, item.format, item.zh, item.en, n) for n, item in enumerate(listings(titles))]
        self.package_dir, self.dataset, self.site_url, self.folder = package_dir, dataset, site_url, folder
        self.values: list[tuple[int, str]] | None = None

    def __enter__(self) -> SiteFiles:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=self._make, args=(send,), name="actionplans-downloads", daemon=True)
        gc.freeze()  # the child shares the parent's objects; its collections leave them alone
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        send.close()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receive.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _make(self, send: Any) -> None:
        """In the child process: make and write everything, send back each download's size and
        checksum, or what went wrong."""
        try:
            _lowest_priority()  # the pages and MkDocs come first
            downloads = make_downloads(self.package_dir, self.dataset, parallel=False)  # one core is MkDocs'
            write_downloads(self.folder, downloads, self.dataset, self.site_url)
            send.send(("ok", [(d.size, d.sha256) for d in downloads]))
        except BaseException as error:  # reported to the parent, which raises it
            frames = traceback.extract_tb(error.__traceback__)
            where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
            send.send(("error", f"{type(error).__name__}: {error}{where}"))
        finally:
            send.close()

    def wait(self) -> list[tuple[int, str]]:
        """Each download's (size, SHA-256), in ``pending`` order, once the child has made them."""
        if self.values is None:
            try:
                status, value = self.receive.recv()
            except EOFError:
                self.process.join()
                raise SiteError(
                    f"the process making the downloads ended without a result (exit code {self.process.exitcode})"
                ) from None
            if status != "ok":
                raise SiteError(f"making the downloads failed: {value}")
            self.process.join()
            self.values = value
        return self.values

    def fill_in(self, paths: Iterable[Path]) -> list[bytes]:
        """Put the values into each file at ``paths``; return the files' new bytes."""
        values = self.wait()
        out = []
        for path in paths:
            data = path.read_bytes()
            filled = fill_placeholders(data.decode("utf-8"), values).encode("utf-8")
            if filled != data:
                path.write_bytes(filled)
            out.append(filled)
        return out

    def move_into(self, site_dir: Path) -> None:
        """Put the files made into ``site_dir``, whose build has finished."""
        self.wait()
        for entry in sorted(self.folder.iterdir()):
            target = site_dir / entry.name
            if target.exists():
                raise SiteError(f"{target}: made by MkDocs and by the downloads; expected no page or asset named {entry.name!r}")
            os.rename(entry, target)


def _lowest_priority() -> None:
    """Run this process only on CPU time no other process wants (Linux), else at a low priority."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(10)


def pages_with_pending_downloads(layout: Layout, files: SiteFiles) -> tuple[list[str], int, dict[str, bytes | None]]:
    """Render every page while ``files`` makes the downloads: the pages that show downloads get
    placeholders. Returns (names of the pages, pages rewritten so far, and for each page with
    placeholders its previous bytes, or None), for ``finish_pages``."""
    docs = layout.at(layout.docs)
    docs.mkdir(parents=True, exist_ok=True)
    renderer = _renderer(layout, files.dataset, files.site_url)
    renderer.downloads = files.pending
    jobs = renderer.jobs()
    before: dict[str, bytes | None] = {}
    for job in jobs:
        if job.needs_downloads:
            path = docs / f"{job.path}.{job.lang}.md"
            before[f"{job.path}.{job.lang}.md"] = path.read_bytes() if path.is_file() else None
    names, written = render_pages(renderer, jobs, docs)
    # Pages with placeholders are counted by ``finish_pages``, against their final text. Their
    # placeholder text was just written unless the file already held it (left by a failed build).
    marker = PLACEHOLDER_START.encode("utf-8")
    written -= sum(1 for old in before.values() if old is None or marker not in old)
    prune(docs, set(names) | set(copy_assets(layout.at(layout.templates) / "assets", docs)))
    return names, written, before


def finish_pages(layout: Layout, files: SiteFiles, before: dict[str, bytes | None]) -> int:
    """Fill the downloads' values into the pages rendered with placeholders; return how many of
    them differ from what was there before the build."""
    docs = layout.at(layout.docs)
    filled = files.fill_in(docs / name for name in before)
    return sum(1 for new, old in zip(filled, before.values(), strict=True) if new != old)


def run_mkdocs(config: Any) -> Any:
    """``mkdocs build --strict`` in this process; warnings become a SiteError. Returns the
    actionplans plugin (which lists the built pages that hold placeholders), if configured."""
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
    return config.plugins.get("actionplans")


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
    """Every stage; the new site replaces the old one only if all succeed.

    The downloads are made by a second process while the pages are rendered and MkDocs runs
    (see ``SiteFiles``); their sizes and checksums are filled into the pages afterwards."""
    from . import load

    layout = layout or Layout()
    report = BuildReport()
    with _Timer(report, "package"):
        ensure_package(layout, report)
    with _Timer(report, "load"):
        dataset = load(layout.at(layout.datapackage))
    with staged_folder(layout.at(layout.site), marker="index.html") as staging:
        config = load_mkdocs_config(layout, site_dir=staging)
        if "actionplans" not in config.plugins:
            raise SiteError(f"{layout.at(layout.config)}: plugins: the actionplans plugin is missing; expected it listed")
        site_url = str(config["site_url"] or "/")
        with SiteFiles(layout.at(layout.datapackage), dataset, site_url, staging.with_name(staging.name + "-files")) as files:
            with _Timer(report, "pages"):
                names, written, before = pages_with_pending_downloads(layout, files)
            with _Timer(report, "mkdocs"):
                plugin = run_mkdocs(config)
            with _Timer(report, "downloads (waiting for them)"):
                files.wait()
            with _Timer(report, "filling in downloads"):
                written += finish_pages(layout, files, before)
                files.fill_in(plugin.pages_with_placeholders)
                files.move_into(staging)
        report.pages, report.pages_written, report.downloads = len(names), written, len(files.pending)
    return report
