"""Search and page budgets at scale: the full build of synthetic corpora of 10, 1,000 and 10,000
tasks, then, on the built site,

- the search index: the build's own timings of its search stage (what is left of it after MkDocs,
  which the Chinese run overlaps) against its MkDocs stage, and
  the peak memory of each Pagefind run (run again on the built site, one per bundle, as the
  build runs them);
- what a reader's first query downloads, in Chromium: every byte fetched after the page has
  loaded, from pressing the search button to the first results (the dialog's script and styles,
  Pagefind's script, worker and WebAssembly, the index entry, its meta file, the index chunks
  and the fragments of the results shown), for a Chinese query on a Chinese page and an
  English query on an English page;
- the page budgets: the largest HTML page, the scripts and styles a page loads before any
  interaction (every ``<script src>`` and stylesheet in the HTML, and inline ones), and the
  site's size per task.

    python benchmarks/search.py [--sizes 10 1000 10000] [--out BENCHMARKS.md]

Writes the "search" section of BENCHMARKS.md. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402
from report import replace_section  # noqa: E402

from actionplans.search import BUNDLE, NPM_BINARY, Pagefind, runs  # noqa: E402

_TIMINGS = re.compile(r"timings: (.*)")
_ASSET = re.compile(
    r'<script[^>]+src="([^"]+)"|<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"'
)
_INLINE = re.compile(r"<(script|style)\b(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>(.*?)</\1>", re.S)
#: The queries of the first-search measurement: a task's words, in both languages.
QUERIES = {"zh": "服务", "en": "services"}


def build(project: Path) -> tuple[float, dict[str, float]]:
    """Wall seconds of ``actionplans build`` and the stage timings it reports."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.setdefault("PAGEFIND_BINARY", str(ROOT / NPM_BINARY))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "actionplans", "build"], cwd=project, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed in {project}:\n{result.stderr[-3000:]}")
    found = _TIMINGS.search(result.stdout + result.stderr)
    stages = {}
    for part in found.group(1).split(", ") if found else []:
        name, _, value = part.rpartition(" ")[0].rpartition(" ")
        stages[name] = float(value)
    return elapsed, stages


def pagefind_peaks(site: Path) -> list[tuple[str, float, float, float]]:
    """Each Pagefind run of the build (``search.runs``, the same commands) again on ``site``, into
    a scratch bundle: its language, wall seconds, peak resident MiB and CPU seconds."""
    pagefind = Pagefind(Path(os.environ.get("PAGEFIND_BINARY") or ROOT / NPM_BINARY))
    measured: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for language, folder, options in runs(site, "zh", ["en"]):
            command = pagefind.command(folder, Path(scratch) / language, **options)
            assert command is not None
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
            if status != 0:
                raise SystemExit(
                    f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:] if process.stderr else ''}"
                )
            measured.append((language, elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime))
    return measured


def first_query(site: Path) -> dict[str, dict[str, float]]:
    """Bytes and requests a reader's first query fetches, per language (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, dict[str, float]] = {}
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for language, home in (("zh", ""), ("en", "en/")):
                context = browser.new_context()
                tab = context.new_page()
                fetched: list[str] = []
                tab.goto(base + home)
                tab.wait_for_load_state("networkidle")
                tab.on("requestfinished", lambda request, into=fetched: into.append(request.url))
                tab.click(".ap-search")
                tab.wait_for_function("() => document.querySelector('pagefind-modal')?.isOpen")
                tab.keyboard.type(QUERIES[language])
                tab.wait_for_selector("pagefind-results a", timeout=60_000)
                tab.wait_for_load_state("networkidle")
                files = [site / url.removeprefix(base).split("?")[0] for url in fetched]
                raw = sum(f.stat().st_size for f in files)
                zipped = sum(len(gzip.compress(f.read_bytes())) for f in files)
                index = sum(
                    f.stat().st_size for f in files if "component-ui" not in f.name and f.suffix != ".js" and f.suffix != ".css"
                )
                out[language] = {"bytes": raw, "gz": zipped, "index": index, "requests": len(fetched)}
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def page_budgets(site: Path, tasks: int) -> dict[str, float]:
    """The largest HTML page, the largest load of scripts and styles before interaction (raw and
    gzip-compressed, as a server sends them), and the site's size per task."""
    sizes: dict[Path, tuple[int, int]] = {}

    def asset(path: Path) -> tuple[int, int]:
        if path not in sizes:
            data = path.read_bytes() if path.is_file() else b""
            sizes[path] = (len(data), len(gzip.compress(data)))
        return sizes[path]

    largest, largest_page, heaviest, heaviest_gz, pages = 0, "", 0, 0, 0
    for page in site.rglob("*.html"):
        if any(part.startswith(BUNDLE) for part in page.relative_to(site).parts):
            continue
        pages += 1
        text = page.read_text(encoding="utf-8")
        if len(text.encode()) > largest:
            largest, largest_page = len(text.encode()), page.relative_to(site).as_posix()
        raw = gz = 0
        for match in _ASSET.finditer(text):
            href = next(g for g in match.groups() if g)
            if href.startswith(("http:", "https:", "//")):
                continue
            size, zipped = asset((page.parent / href.split("?")[0]).resolve())
            raw, gz = raw + size, gz + zipped
        for match in _INLINE.finditer(text):
            inline = match.group(2).encode()
            raw, gz = raw + len(inline), gz + len(gzip.compress(inline))
        heaviest, heaviest_gz = max(heaviest, raw), max(heaviest_gz, gz)
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    files = sum(1 for p in site.rglob("*") if p.is_file())
    search = sum(
        p.stat().st_size
        for b in (site / BUNDLE, site / "en" / BUNDLE, site / "en" / f"{BUNDLE}-zh")
        for p in b.rglob("*")
        if p.is_file()
    )
    return {
        "pages": pages,
        "largest": largest,
        "largest_page": largest_page,
        "assets": heaviest,
        "assets_gz": heaviest_gz,
        "site": total,
        "files": files,
        "per_task": total / tasks,
        "search": search,
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="actionplans-search-bench-") as workdir:
        for size in args.sizes:
            project = write_corpus(Path(workdir) / f"corpus-{size}", size)
            subprocess.run(
                [sys.executable, "-m", "actionplans", "release", "--date", "2026-12-01"],
                cwd=project,
                check=True,
                capture_output=True,
            )
            wall, stages = build(project)
            site = project / "site"
            row = {"tasks": size, "wall": wall, **{f"stage {k}": v for k, v in stages.items()}}
            row["runs"] = pagefind_peaks(site)
            row["query"] = first_query(site)
            row |= page_budgets(site, size)
            print(row, flush=True)
            rows.append(row)
            shutil.rmtree(project, ignore_errors=True)
    lines = [
        "## Search and page budgets",
        "",
        f"`python benchmarks/search.py` ({time.strftime('%Y-%m-%d')}; one build per size, synthetic corpora as above, "
        "with one release). "
        "Search is Pagefind 1.6.0: one index per language, one run each; the Chinese run starts as soon as MkDocs has "
        "written the Chinese pages, while it builds the English ones, and the English run after MkDocs. The search stage "
        "is what the build waits for after MkDocs (the Pagefind runs' own times follow it). "
        "A first query is measured in Chromium on the language's home page: every byte fetched from pressing the search "
        f"button to the first results (the dialog's code, then the index), as files served compressed by gzip (what a web "
        f"server sends; the index files are compressed already) and raw, for 「{QUERIES['zh']}」 on the Chinese page and "
        f'"{QUERIES["en"]}" on the English one. Scripts and styles before interaction: every script and stylesheet '
        "a page's HTML "
        "loads, and its inline ones (the search dialog's are fetched only on first use); raw and gzip-compressed, the largest "
        "over all pages.",
        "",
        "| tasks | pages | search stage | MkDocs stage | search / MkDocs | Pagefind runs zh, en: wall (CPU) and peak memory "
        "| first query, zh page | first query, en page | largest HTML page | scripts and styles before interaction "
        "| site per task |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        peaks = "; ".join(f"{wall:.1f} s ({cpu:.1f} s), {mem:,.0f} MiB" for _, wall, mem, cpu in r["runs"])
        search, mkdocs = r.get("stage search", 0.0), r.get("stage mkdocs", 0.0)
        q = r["query"]
        lines.append(
            f"| {r['tasks']:,} | {r['pages']:,} | {search:.1f} s | {mkdocs:.1f} s | {search / mkdocs:.0%} | {peaks} "
            f"| {kib(q['zh']['gz'])} compressed, {kib(q['zh']['bytes'])} raw "
            f"({q['zh']['requests']} files; index {kib(q['zh']['index'])}) "
            f"| {kib(q['en']['gz'])} compressed, {kib(q['en']['bytes'])} raw "
            f"({q['en']['requests']} files; index {kib(q['en']['index'])}) "
            f"| {kib(r['largest'])} | {kib(r['assets'])} ({kib(r['assets_gz'])} compressed) "
            f"| {r['per_task'] / 1024:,.1f} KiB |"
        )
    big = rows[-1]
    lines += [
        "",
        f"At {big['tasks']:,} tasks the site is {big['site'] / 2**20:,.0f} MiB in {big['files']:,} files, "
        f"{big['search'] / 2**20:,.0f} MiB of them the search bundles; the largest page is `{big['largest_page']}`. "
        "The lunr index this search replaced was one 64 MB file (about 11 MB compressed) that every first query downloaded.",
    ]
    replace_section(args.out, "search", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
