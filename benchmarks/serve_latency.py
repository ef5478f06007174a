"""How long `actionplans serve` takes to show an edit: change one task's English text in a copy of
the project, and wait for the new text as a browser showing the task's page does: the page's
live-reload script asks the server for a newer version of the site (a request the server answers
when a rebuild is visible), and the page is fetched again then. Prints each run and the median.

    python benchmarks/serve_latency.py [--runs 7] [--tasks N]

With ``--tasks``, the project is a synthetic corpus of that many tasks (``corpus.py``); without
it, the bundled content. An edit follows the last one 1.5 s after it was shown.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
#: The page watched and the text edited: in the bundled content, and in a synthetic corpus.
REAL = ("nx-children-care-2", "content/plans/nx-children-care.yaml", "Implement the Guardianship Quality Improvement Action")
SYNTHETIC = ("plan-00000-1", "content/plans/plan-00000.yaml", "Synthetic task 1 of plan 0")
_RELOAD = re.compile(r"livereload\((\d+), (\d+)\)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str, timeout: float = 2) -> str:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _project(folder: Path, tasks: int | None) -> Path:
    if tasks:
        return write_corpus(folder / "corpus", tasks)
    project = folder / "project"
    for name in ("content", "site_templates", "datapackage", "releases"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def _shown(base: str, url: str, marker: str, page: str, limit: float) -> str:
    """Wait as the page's live-reload script does until ``url`` holds ``marker``; the page."""
    started = time.perf_counter()
    while marker not in page:
        if time.perf_counter() - started > limit:
            raise SystemExit("the edit never showed up")
        found = _RELOAD.search(page)
        if found is None:  # no page yet (the server is starting): ask again shortly
            time.sleep(0.1)
        else:
            epoch, request = found.groups()
            answer = _fetch(f"{base}livereload/{epoch}/{request}", timeout=limit)  # answered on a newer build
            if not answer.strip().isdigit():
                time.sleep(0.1)
        page = _fetch(url)
    return page


def measure(runs: int, tasks: int | None = None, log: bool = True) -> tuple[float, list[float]]:
    """Seconds until the first build is served, and until each of ``runs`` edits is served."""
    task, plan_file, old = SYNTHETIC if tasks else REAL
    with tempfile.TemporaryDirectory(prefix="ap-serve-") as folder:
        project = _project(Path(folder), tasks)
        port = _free_port()
        base = f"http://127.0.0.1:{port}/"
        url = f"{base}en/tasks/{task}/"
        # the copy is a folder of its own: it uses the project's Pagefind (`npm ci`)
        env = dict(os.environ)
        env.setdefault("PAGEFIND_BINARY", str(ROOT / "node_modules/@pagefind/linux-x64/bin/pagefind_extended"))
        server = subprocess.Popen(
            [sys.executable, "-m", "actionplans", "serve", "--address", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        try:
            started = time.perf_counter()
            page = _shown(base, url, old, "", limit=600)
            first = time.perf_counter() - started
            if log:
                print(f"first build served after {first:.1f} s")
            plan = project / plan_file
            latencies = []
            previous = old
            for run in range(runs):
                marker = f"{old} (edit {run})"
                plan.write_text(plan.read_text(encoding="utf-8").replace(previous, marker, 1), encoding="utf-8")
                edited = time.perf_counter()
                page = _shown(base, url, marker, page, limit=120)
                latencies.append(time.perf_counter() - edited)
                if log:
                    print(f"edit {run + 1}: served after {latencies[-1]:.2f} s")
                previous = marker
                time.sleep(1.5)  # a reader looks at the page before the next edit
            return first, latencies
        finally:
            server.terminate()
            server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tasks", type=int, default=None, help="a synthetic corpus of this many tasks")
    args = parser.parse_args()
    _first, latencies = measure(args.runs, args.tasks)
    print(f"median: {statistics.median(latencies):.2f} s over {len(latencies)} edits")


if __name__ == "__main__":
    main()
