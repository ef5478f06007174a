"""The site: where each stage reads and writes, the stages that need MkDocs, and ``build_site``,
which composes every stage:

    load_content → write_package (if stale) → load → History.of(releases) → make_downloads
        → render_pages → run_mkdocs → index_site (search) → write_files

The site is built into a staging folder beside ``site/``, which replaces ``site/`` in one step
only when every stage succeeded: a failed build leaves the previous site untouched.
``actionplans render`` and ``actionplans serve`` compose the same stages (``render``,
``serve.preview``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import files, load, paths
from . import model as m
from .archive import citation_cff, release_catalog, releases_json, sha256sums, versions_of
from .content import load_content
from .content.sources import read_source_texts
from .datapackage import build_files, stale_files, write_package
from .downloads import Download, dcat_catalog, endpoints, make_downloads, source_downloads
from .errors import ActionplansError
from .history import History
from .kept import file_sha256, kept_or_made, makers
from .pages import Rendered, RenderOptions, render_pages
from .search import Early, Pagefind, find_pagefind, index_site
from .store import Store, unreleased

#: Warned once per build when the site has no address (see ``site_address``).
NO_ADDRESS = (
    "the site has no address (homepage in content/package.yaml, or SITE_URL): links are relative, "
    "and pages carry no canonical URL and citations no address"
)


class SiteError(ActionplansError):
    """The site could not be built (MkDocs reported warnings in strict mode, or failed)."""


@dataclass(frozen=True)
class Layout:
    """Where each stage reads and writes, relative to the project folder."""

    root: Path = Path(".")
    content: Path = paths.CONTENT_DIR
    datapackage: Path = paths.DATAPACKAGE_DIR
    templates: Path = paths.TEMPLATES_DIR
    docs: Path = paths.DOCS_DIR
    files: Path = paths.FILES_DIR
    site: Path = paths.SITE_DIR
    config: Path = paths.MKDOCS_CONFIG
    #: The accessibility test report the accessibility page quotes, if it exists.
    report: Path = paths.ACCESSIBILITY_REPORT
    #: The releases of the data (``actionplans release`` writes them).
    releases: Path = paths.RELEASES_DIR
    #: Each release's files, made by an earlier build and kept for the next (see ``release_files``).
    cache: Path = paths.RELEASE_CACHE_DIR
    #: The current downloads, kept for the next build while the data package is the same.
    downloads_cache: Path = paths.DOWNLOADS_CACHE_DIR
    #: What the last build found current: the content and the data package, by their checksums.
    package_record: Path = paths.PACKAGE_RECORD
    #: The page templates compiled by an earlier build (Jinja checks each against its source).
    template_cache: Path = paths.TEMPLATE_CACHE_DIR

    def at(self, path: Path) -> Path:
        return path if path.is_absolute() else self.root / path


@dataclass
class BuildReport:
    """What a build did and how long each stage took."""

    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    pages_written: int = 0
    downloads: int = 0
    package_written: bool = False
    warnings: list[str] = field(default_factory=list)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = time.perf_counter() - started

    def lines(self) -> list[str]:
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())
        return [
            f"{self.pages} pages ({self.pages_written} changed), {self.downloads} downloads; data package "
            + ("rewritten" if self.package_written else "up to date"),
            f"timings: {stages}",
        ]


def site_address(dataset: m.Dataset, given: str = "") -> str:
    """The site's address ending in "/": ``given`` (``SITE_URL``, read by the command that
    builds) if not empty, else the data set's homepage, else "" (no address: the site links
    relatively)."""
    address = given.strip() or (dataset.meta.homepage or "")
    return address if not address or address.endswith("/") else address + "/"


def given_address() -> str:
    """``SITE_URL``: the address a build is given from outside, read once where a build starts."""
    return os.environ.get("SITE_URL", "")


def ensure_package(layout: Layout) -> bool:
    """Write the data package from the content if it is stale; whether it was written.

    The content is checked and the package compared with it unless the layout's
    ``package_record`` shows that this code found them current, and that neither the content
    nor the package has changed since (by the SHA-256 of every file of both)."""
    content, out, record = layout.at(layout.content), layout.at(layout.datapackage), layout.at(layout.package_record)
    inputs = {"content": files.tree_digest(content), "makers": makers()}
    try:
        if json.loads(record.read_text(encoding="utf-8")) == {**inputs, "package": files.tree_digest(out)}:
            return False
    except (OSError, ValueError):
        pass
    dataset = load_content(content)
    written = bool(stale_files(build_files(dataset), out))
    if written:
        write_package(dataset, out)
    files.write_atomic(record, (json.dumps({**inputs, "package": files.tree_digest(out)}, indent=1) + "\n").encode("utf-8"))
    return written


def load_history(layout: Layout) -> History:
    """Every release of the data, each rebuilt and checked against its checksums (a release
    folder edited by hand stops the build, naming the file), its files kept between builds."""
    return History.of(Store(layout.at(layout.releases)), layout.at(layout.cache))


def render_options(
    layout: Layout,
    dataset: m.Dataset,
    base: str,
    *,
    drafts: frozenset[str] = frozenset(),
    history: History | None = None,
    texts: dict[str, str] | None = None,
) -> RenderOptions:
    """What ``dataset``'s pages are rendered with in ``layout``: the sources' texts are read from
    the content (and checked against the package) when not given."""
    return RenderOptions(
        templates=layout.at(layout.templates),
        content=layout.at(layout.content),
        base=base,
        report=layout.at(layout.report),
        drafts=drafts,
        history=history or History(),
        texts=texts if texts is not None else read_source_texts(layout.at(layout.content), dataset.sources),
        template_cache=layout.at(layout.template_cache),
    )


def render(
    layout: Layout, dataset: m.Dataset, package: Path, options: RenderOptions, *, keep: bool = True
) -> tuple[list[Download], Rendered]:
    """The downloads and the pages of ``dataset``, read from ``package``: the pages rendered into
    the docs folder, ready for MkDocs. With ``keep``, the downloads are kept in the layout's
    ``downloads_cache`` and taken from there while the package's files are the same."""
    made_from = {"base": options.base, "package": {p.name: file_sha256(p) for p in sorted(package.iterdir()) if p.is_file()}}
    cache = layout.at(layout.downloads_cache) if keep else None
    downloads = kept_or_made(cache, "downloads/", made_from, lambda: make_downloads(package, dataset, options.base))
    downloads += source_downloads(dataset, options.texts)
    return downloads, render_pages(dataset, downloads, layout.at(layout.docs), options)


def site_files(
    dataset: m.Dataset, downloads: list[Download], history: History | None = None, base: str = ""
) -> dict[str, bytes | Path]:
    """The files served beside the pages, by path from the site root (shared by both languages):
    the current downloads with their ``SHA256SUMS``, the JSON endpoints, the DCAT catalogue,
    ``CITATION.cff``; and every release's permanent files, its catalogue and ``SHA256SUMS``,
    listed in ``releases.json``. A release's files kept from an earlier build are given as the
    file that holds them."""
    history = history or History()
    out: dict[str, bytes | Path] = {d.path: d.source for d in downloads}
    out |= endpoints(dataset)
    out["downloads/SHA256SUMS"] = sha256sums(downloads, "downloads/")
    current = history.current if history.current is not None and history.current.version == dataset.version else None
    out["catalog.jsonld"] = dcat_catalog(dataset, downloads, base, versions_of(history.published, base))
    out["CITATION.cff"] = citation_cff(dataset, current, base)
    for p in history.published:
        out |= {d.path: d.source for d in p.downloads}
        out[p.path + "SHA256SUMS"] = sha256sums(p.downloads, p.path)
        out[p.path + "catalog.jsonld"] = release_catalog(p, base)
    out["releases.json"] = releases_json(history.published, base)
    return out


def write_files(
    folder: Path,
    dataset: m.Dataset,
    downloads: list[Download],
    history: History | None = None,
    base: str = "",
    *,
    staged: bool = False,
) -> int:
    """Write ``site_files`` into ``folder``, rewriting only files that changed (a kept file is
    linked where the file system allows, else copied). A ``staged`` folder, which no one reads
    until it replaces the site whole, is written plainly; any other file by file atomically."""
    out = site_files(dataset, downloads, history, base)
    write = files.write_new if staged else files.write_if_changed
    for path, data in out.items():
        if isinstance(data, bytes):
            write(folder / path, data)
        else:
            link_or_copy(data, folder / path)
    return len(out)


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` the same file as ``source``: a hard link, or a copy across file systems."""
    if target.exists():
        if os.path.samefile(source, target):
            return
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def load_mkdocs_config(layout: Layout, site_dir: Path, base: str, **options: Any) -> Any:
    """The MkDocs configuration for building the pages into ``site_dir`` for the address ``base``."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    docs = layout.at(layout.docs)
    docs.mkdir(parents=True, exist_ok=True)
    options = {"strict": True, "docs_dir": str(docs.absolute()), "site_dir": str(site_dir), "site_url": base or None, **options}
    try:
        config = load_config(str(layout.at(layout.config)), **options)
    except (Abort, ConfigurationError) as error:
        raise SiteError(f"{layout.at(layout.config)}: {error}; expected a valid MkDocs configuration") from None
    if "actionplans" not in config.plugins:
        raise SiteError(f"{layout.at(layout.config)}: plugins: the actionplans plugin is missing; expected it listed")
    return config


def run_mkdocs(config: Any, *, dirty: bool = False, language_built: Callable[[str], None] | None = None) -> None:
    """``mkdocs build --strict`` in this process; a warning or failure becomes a SiteError.
    ``dirty`` builds only the pages whose Markdown is newer than their HTML (``--dirty``);
    ``language_built`` is called with each language's locale once its pages are written."""
    config.plugins["actionplans"].language_built = language_built
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    warnings: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warnings.append(record.getMessage())

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config.plugins.on_startup(command="build", dirty=dirty)
        try:
            with _dirty_argv(dirty):
                build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
    except (Abort, MkDocsException) as error:
        detail = "\n".join(f"  {w}" for w in warnings[:30])
        raise SiteError(f"MkDocs build failed: {error}\n{detail}".rstrip()) from None
    finally:
        logger.removeHandler(handler)
    if warnings and config.strict:
        raise SiteError("MkDocs reported warnings in strict mode:\n" + "\n".join(f"  {w}" for w in warnings[:30]))


@contextmanager
def _dirty_argv(dirty: bool) -> Iterator[None]:
    """mkdocs-static-i18n builds its other languages dirty only when ``--dirty`` is in
    ``sys.argv`` (it is not given the flag): put it there for a dirty build's duration."""
    if not dirty or "--dirty" in sys.argv:
        yield
        return
    sys.argv.append("--dirty")
    try:
        yield
    finally:
        sys.argv.remove("--dirty")


def index_search(config: Any, pagefind: Pagefind, stop: threading.Event | None = None, *, early: Early | None = None) -> bool:
    """The search index of the site MkDocs built with ``config``: one per language; whether it
    was made whole (a ``stop`` set meanwhile ends it). ``early`` holds the default language's
    run if it was started while MkDocs built the others."""
    return index_site(Path(config.site_dir), *search_languages(config), pagefind, stop, early=early)


def search_languages(config: Any) -> tuple[str, list[str]]:
    """The default language of the site MkDocs builds with ``config``, and the others."""
    i18n = config.plugins.get("i18n")
    languages = i18n.config.languages if i18n is not None else []
    others = [language.locale for language in languages if not language.default]
    default = next((language.locale for language in languages if language.default), config.theme.get("language", "zh"))
    return default, others


def build_site(layout: Layout | None = None) -> BuildReport:
    """Every stage; the new site replaces the old one only if all succeed. The site's address is
    ``SITE_URL`` if set, else the data set's homepage."""
    layout = layout or Layout()
    report = BuildReport()
    pagefind = find_pagefind(layout.root)  # before any work: a missing tool is found at once
    given = given_address()
    with report.timed("package"):
        report.package_written = ensure_package(layout)
    with report.timed("load"):
        package = layout.at(layout.datapackage)
        dataset = load(package)
    base = site_address(dataset, given)
    if not base:
        report.warnings.append(NO_ADDRESS)
    with report.timed("releases"):
        history = load_history(layout)
    if history.current is None:
        report.warnings.append(
            f"{layout.at(layout.releases)}: no release yet; `actionplans release` records the data as its first"
        )
    elif unreleased(history.current.snapshot, package):
        report.warnings.append(
            f"{layout.at(layout.content)}: the data differs from release {history.current.version}; the site shows it as "
            "the current data, and `actionplans release` records it as a new release"
        )
    with report.timed("downloads and pages"):
        downloads, rendered = render(layout, dataset, package, render_options(layout, dataset, base, history=history))
    report.pages, report.pages_written, report.downloads = rendered.pages, rendered.written, len(downloads)
    with files.staged_folder(layout.at(layout.site), marker="index.html") as staging:
        config = load_mkdocs_config(layout, staging, base)
        # the default language indexed while MkDocs builds the others (BENCHMARKS.md: 10,000 tasks)
        with Early(pagefind, staging, *search_languages(config)) as early:
            with report.timed("mkdocs"):
                run_mkdocs(config, language_built=early.language_built)
            with report.timed("search"):
                index_search(config, pagefind, early=early)
        with report.timed("files"):
            write_files(staging, dataset, downloads, history, base, staged=True)
    return report
