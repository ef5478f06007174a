"""How long `actionplans serve` takes to show an edit: change one task's English text in a copy of
the project, then poll the task's page until the new text is served. Prints each run and the median.

    python benchmarks/serve_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASK = "nx-children-care-2"
OLD = "Implement the Guardianship Quality Improvement Action."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def measure(runs: int, log: bool = True) -> tuple[float, list[float]]:
    """Seconds until the first build is served, and until each of ``runs`` edits is served."""
    with tempfile.TemporaryDirectory(prefix="ap-serve-") as folder:
        project = Path(folder)
        for name in ("content", "site_templates", "datapackage", "releases"):
            shutil.copytree(ROOT / name, project / name)
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        port = _free_port()
        url = f"http://127.0.0.1:{port}/en/tasks/{TASK}/"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        # the copy is a folder of its own: it uses the project's Pagefind (`npm ci`)
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
            while OLD not in _fetch(url):
                if time.perf_counter() - started > 180:
                    raise SystemExit("the preview server did not come up")
                time.sleep(0.2)
            first = time.perf_counter() - started
            if log:
                print(f"first build served after {first:.1f} s")
            plan = project / "content" / "plans" / "nx-children-care.yaml"
            latencies = []
            previous = OLD
            for run in range(runs):
                marker = f"Implement the Guardianship Quality Improvement Action (edit {run})."
                plan.write_text(plan.read_text(encoding="utf-8").replace(previous, marker, 1), encoding="utf-8")
                edited = time.perf_counter()
                while marker not in _fetch(url):
                    if time.perf_counter() - edited > 120:
                        raise SystemExit("the edit never showed up")
                    time.sleep(0.05)
                latencies.append(time.perf_counter() - edited)
                if log:
                    print(f"edit {run + 1}: served after {latencies[-1]:.2f} s")
                previous = marker
                time.sleep(1.5)  # let the watcher settle before the next edit
            return first, latencies
        finally:
            server.terminate()
            server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _first, latencies = measure(args.runs)
    print(f"median: {statistics.median(latencies):.2f} s over {len(latencies)} edits")


if __name__ == "__main__":
    main()
