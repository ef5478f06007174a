"""The site's search: a Pagefind index per language, built from the finished pages.

Pagefind reads the built HTML (only the part of each page marked ``data-pagefind-body``) and
writes a chunked static index: a reader's first query downloads a few hundred kilobytes, not the
whole index. Each language gets its own bundle, indexed in its own run (half the peak memory of
one run over both): the default language's pages at ``/pagefind/``, each other language's
pages at ``/<locale>/pagefind/``, without the passages they quote in the default language
(``lang="zh-Hans"``), which its index cannot segment.

An English page searches its own index and the Chinese one, whose results it points at the
English pages (``site_templates/assets/javascripts/search.js``): a Chinese phrase typed on an
English page finds the English page that quotes it. The Chinese index answers there only
queries with Chinese characters, so an English query never finds a page twice.

Pagefind 1.6 is required: it segments Chinese at index time with ICU4X, as browsers split a
query with ``Intl.Segmenter``; 1.5 segments with jieba, and about 7 % of this site's own terms
then find nothing. It is installed from npm (``npm ci`` reads ``package.json``); set
``PAGEFIND_BINARY`` to use another copy.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ActionplansError

#: Where ``npm ci`` puts the binary (the extended build, which segments Chinese).
NPM_BINARY = Path("node_modules/@pagefind/linux-x64/bin/pagefind_extended")
REQUIRED = (1, 6)
BUNDLE = "pagefind"
_VERSION = re.compile(r"pagefind (\d+)\.(\d+)\.(\d+)")


class SearchError(ActionplansError):
    """The search index could not be built."""


@dataclass(frozen=True)
class Pagefind:
    binary: Path

    def command(
        self, root: Path, output: Path, *, exclude: tuple[str, ...] = (), options: tuple[str, ...] = ()
    ) -> list[str] | None:
        """The command that indexes the pages under ``root`` (leaving out its 404 page, its
        bundles and the top-level folders in ``exclude``) into the bundle ``output``; None when
        there is nothing to index."""
        entries = sorted(
            p.name for p in root.iterdir() if p.name not in exclude and not p.name.startswith(BUNDLE) and p.name != "404.html"
        )
        if not entries:
            return None
        pattern = "{" + ",".join(f"{name}/**/*.html" if (root / name).is_dir() else name for name in entries) + "}"
        return [str(self.binary), "--site", str(root), "--output-path", str(output), "--glob", pattern, "--silent", *options]

    def index(
        self,
        root: Path,
        output: Path,
        *,
        exclude: tuple[str, ...] = (),
        options: tuple[str, ...] = (),
        stop: threading.Event | None = None,
    ) -> bool:
        """Run ``command``; whether it ran to the end (a ``stop`` set meanwhile ends it)."""
        command = self.command(root, output, exclude=exclude, options=options)
        if command is None:
            return True
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as error:
            raise SearchError(f"{self.binary}: {error.strerror}; expected the Pagefind binary (run `npm ci`)") from None
        with process:
            try:
                while stop is None or not stop.is_set():
                    try:
                        stdout, stderr = process.communicate(timeout=None if stop is None else 0.05)
                        break
                    except subprocess.TimeoutExpired:
                        continue
                else:
                    return False
            finally:
                if process.poll() is None:  # stopped, or interrupted: no Pagefind outlives the call
                    process.kill()
                    process.communicate()
        if process.returncode != 0:
            detail = (stderr or stdout).strip().splitlines()[-5:]
            raise SearchError(f"{root}: Pagefind failed (exit {process.returncode}): " + " / ".join(detail))
        return True


def find_pagefind(root: Path = Path(".")) -> Pagefind:
    """The Pagefind binary: ``PAGEFIND_BINARY``, else the one ``npm ci`` installed under ``root``."""
    given = os.environ.get("PAGEFIND_BINARY", "").strip()
    binary = Path(given) if given else root / NPM_BINARY
    if not binary.is_file():
        where = "PAGEFIND_BINARY" if given else "node_modules/"
        raise SearchError(
            f"{binary}: no Pagefind binary (looked in {where}); expected Pagefind {REQUIRED[0]}.{REQUIRED[1]}, installed "
            "by `npm ci` in the project folder (package.json pins it)"
        )
    try:
        output = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False).stdout
    except OSError as error:
        raise SearchError(f"{binary}: {error.strerror}; expected an executable Pagefind binary") from None
    found = _VERSION.search(output)
    if found is None or (int(found.group(1)), int(found.group(2))) < REQUIRED:
        version = found.group(0) if found else output.strip() or "no version"
        raise SearchError(
            f"{binary}: {version}; expected Pagefind {REQUIRED[0]}.{REQUIRED[1]} or later (earlier versions segment "
            "Chinese differently from browsers, and queries find nothing); run `npm ci`"
        )
    return Pagefind(binary)


def runs(site: Path, default: str, languages: list[str]) -> list[tuple[str, Path, dict[str, Any]]]:
    """Each language's indexing run: the language, the folder of its pages, and the options of
    ``Pagefind.index`` (bar the output). The default language is indexed from the site's root
    without the other languages' folders; each other language from its own folder, without the
    passages quoted in the default language."""
    out: list[tuple[str, Path, dict[str, Any]]] = [(default, site, {"exclude": tuple(languages)})]
    for language in languages:
        if (site / language).is_dir():
            out.append((language, site / language, {"options": ("--exclude-selectors", f'[lang|="{default}"]')}))
    return out


def index_site(
    site: Path,
    default: str,
    languages: list[str],
    pagefind: Pagefind,
    stop: threading.Event | None = None,
    *,
    early: Early | None = None,
) -> bool:
    """One search bundle per language (see ``runs``), each in its folder's ``pagefind/``;
    whether every run ran to the end (a ``stop`` set meanwhile ends them). The default
    language's run is left to ``early`` when it was given one to make."""
    for language, folder, options in runs(site, default, languages):
        if language == default and early is not None and early.started:
            whole = early.finish()
        else:
            whole = pagefind.index(folder, folder / BUNDLE, stop=stop, **options)
        if not whole:
            return False
    return True


class Early:
    """The default language's index, made in a thread as soon as its pages are written, while
    the caller goes on (mkdocs-static-i18n building the other languages: MkDocs keeps one CPU
    busy, and Pagefind uses the other). ``finish`` waits for it and raises what it raised;
    leaving the ``with`` block stops it if it still runs, so no Pagefind outlives the build."""

    def __init__(self, pagefind: Pagefind, site: Path, default: str, languages: list[str]) -> None:
        self.pagefind, self.site, self.default, self.languages = pagefind, site, default, languages
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.outcome: bool | BaseException = False

    @property
    def started(self) -> bool:
        return self.thread is not None

    def language_built(self, language: str) -> None:
        """Start the default language's run once its pages are written (other languages: nothing)."""
        if language != self.default or self.thread is not None:
            return
        _, folder, options = runs(self.site, self.default, self.languages)[0]

        def run() -> None:
            try:
                self.outcome = self.pagefind.index(folder, folder / BUNDLE, stop=self.stop, **options)
            except BaseException as error:  # given to the caller by finish()
                self.outcome = error

        self.thread = threading.Thread(target=run, name="pagefind-default", daemon=True)
        self.thread.start()

    def finish(self) -> bool:
        """Whether the run ran to the end; what it raised, raised here."""
        if self.thread is None:
            return False
        self.thread.join()
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def __enter__(self) -> Early:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
