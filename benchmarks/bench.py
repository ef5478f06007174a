"""Benchmark check, package, render and the full build on synthetic corpora of growing size.

Each stage runs as a whole process (`python -m actionplans …`), several times; the table shows
the median wall time and the peak resident memory. A plain `mkdocs build` of the same generated
docs tree, with the same configuration, is measured too: it is the floor the site generator sets.

    python benchmarks/bench.py [--sizes 10 100 1000 10000] [--runs 3] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import serve_latency
from corpus import write_corpus

HERE = Path(__file__).resolve().parent
# Runs a command and prints the peak RSS (KiB) of its process tree.
_WRAP = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=2, stderr=2).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run_once(command: list[str], cwd: Path, prepare: Callable[[], None] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak MiB and standard error of one run of ``command``."""
    if prepare:
        prepare()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # the corpora are folders of their own: they use the project's Pagefind (`npm ci`)
    env.setdefault("PAGEFIND_BINARY", str(HERE.parent / "node_modules/@pagefind/linux-x64/bin/pagefind_extended"))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _WRAP, *command], cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{result.stderr[-2000:]}")
    return elapsed, int(result.stdout.strip().splitlines()[-1]) / 1024, result.stderr


def measure(command: list[str], cwd: Path, runs: int, prepare: Callable[[], None] | None = None) -> tuple[float, float]:
    """Median seconds and peak MiB over ``runs`` runs of ``command``."""
    times, peaks = zip(*(run_once(command, cwd, prepare)[:2] for _ in range(runs)), strict=True)
    return statistics.median(times), max(peaks)


def measure_against_floor(
    build: list[str], floor: list[str], cwd: Path, runs: int, prepare_build: Callable[[], None], prepare_floor: Callable[[], None]
) -> dict[str, float]:
    """The full build and the plain ``mkdocs build`` run in turn (build, floor, build, floor…),
    so that a drift in the machine's speed touches both alike. Returns their medians and peaks,
    the median of the build's own MkDocs stage, and the median over the pairs of the share of
    the build spent outside MkDocs, (build - floor) / build."""
    builds, floors, stages, shares, peaks, floor_peaks = [], [], [], [], [], []
    for _ in range(runs):
        elapsed, peak, stderr = run_once(build, cwd, prepare_build)
        builds.append(elapsed)
        peaks.append(peak)
        found = re.search(r"\bmkdocs ([0-9.]+) s", stderr)
        if found:
            stages.append(float(found.group(1)))
        floor_elapsed, floor_peak, _ = run_once(floor, cwd, prepare_floor)
        floors.append(floor_elapsed)
        floor_peaks.append(floor_peak)
        shares.append(max(0.0, (elapsed - floor_elapsed) / elapsed))
    return {
        "build": statistics.median(builds),
        "build_mem": max(peaks),
        "mkdocs": statistics.median(floors),
        "mkdocs_mem": max(floor_peaks),
        "mkdocs_stage": statistics.median(stages) if stages else 0.0,
        "outside": statistics.median(shares),
    }


def bench(size: int, runs: int, workdir: Path, build_runs: int) -> dict[str, float]:
    project = write_corpus(workdir / f"corpus-{size}", size)
    ap = [sys.executable, "-m", "actionplans"]

    def clean_build() -> None:
        for name in ("build", "site"):
            shutil.rmtree(project / name, ignore_errors=True)

    row: dict[str, float] = {"tasks": size}
    row["check"], row["check_mem"] = measure([*ap, "check"], project, runs)
    row["check_serial"], _ = measure(["env", "ACTIONPLANS_WORKERS=1", *ap, "check"], project, runs)
    row["package"], row["package_mem"] = measure([*ap, "package"], project, runs)
    row["render"], row["render_mem"] = measure(
        [*ap, "render"], project, runs, prepare=lambda: shutil.rmtree(project / "build", ignore_errors=True)
    )
    floor_site = project / "floor-site"
    row |= measure_against_floor(
        [*ap, "build"],
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", str(floor_site)],
        project,
        build_runs,
        prepare_build=clean_build,
        prepare_floor=lambda: shutil.rmtree(floor_site, ignore_errors=True),
    )
    row["pages"] = sum(1 for _ in (project / "site").rglob("*.html"))
    row["site_mb"] = sum(p.stat().st_size for p in (project / "site").rglob("*") if p.is_file()) / 2**20
    shutil.rmtree(project, ignore_errors=True)
    return row


def real_corpus(workdir: Path, runs: int) -> dict[str, float]:
    """The full build of the bundled content against the tools it calls run alone: ``mkdocs
    build`` of the same generated pages, then the same Pagefind runs on what it built."""
    project = workdir / "real"
    for name in ("content", "site_templates", "datapackage", "releases"):
        shutil.copytree(HERE.parent / name, project / name)
    shutil.copy(HERE.parent / "mkdocs.yml", project / "mkdocs.yml")
    build = [sys.executable, "-m", "actionplans", "build"]
    run_once(build, project)  # the pages MkDocs builds, and the site the Pagefind runs are read from
    floor_site = project / "floor-site"
    script = " && ".join(
        [
            shlex.join([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", str(floor_site)]),
            *(shlex.join(command) for command in pagefind_commands(project / "site", floor_site)),
        ]
    )
    row = measure_against_floor(
        build,
        ["sh", "-c", script],
        project,
        runs,
        prepare_build=lambda: shutil.rmtree(project / "site", ignore_errors=True),
        prepare_floor=lambda: shutil.rmtree(floor_site, ignore_errors=True),
    )
    shutil.rmtree(project, ignore_errors=True)
    return row


def pagefind_commands(site: Path, floor_site: Path) -> list[list[str]]:
    """The Pagefind runs of a build of ``site``, aimed at ``floor_site``."""
    from actionplans.search import find_pagefind, runs

    pagefind = find_pagefind(HERE.parent)
    out = []
    for _, folder, options in runs(site, "zh", ["en"]):
        command = pagefind.command(folder, folder / "pagefind", **options)
        assert command is not None
        out.append([part.replace(str(site), str(floor_site)) for part in command])
    return out


def table(rows: list[dict[str, float]]) -> str:
    head = (
        "| tasks | pages (zh+en) | check | check in one process | package | render | full build | `mkdocs build` alone "
        "| outside MkDocs | MkDocs stage of the build | outside it | build per page | build peak memory | site size |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in rows:
        outside = r["outside"]
        inside = r.get("mkdocs_stage", 0.0)
        lines.append(
            f"| {int(r['tasks']):,} | {int(r['pages']):,} | {r['check']:.2f} s | {r['check_serial']:.2f} s | "
            f"{r['package']:.2f} s | {r['render']:.2f} s | "
            f"{r['build']:.1f} s | {r['mkdocs']:.1f} s | {outside:.0%} | {inside:.1f} s | {1 - inside / r['build']:.0%} | "
            f"{1000 * r['build'] / r['pages']:.1f} ms | "
            f"{r['build_mem']:.0f} MiB | {r['site_mb']:.1f} MiB |"
        )
    return head + "\n".join(lines) + "\n"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = 0
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


LIVE = "\n## Live preview\n"


def live_preview(runs: int) -> str:
    """The live preview section: edits timed on the real corpus and at 1,000 tasks."""
    out = LIVE + "\n"
    for tasks in (None, 1000):
        first, latencies = serve_latency.measure(runs, tasks, log=False)
        corpus = "the real corpus" if tasks is None else f"a synthetic corpus of {tasks:,} tasks"
        out += (
            f"- `actionplans serve` on {corpus} (`benchmarks/serve_latency.py`): one task's English text edited "
            f"{len(latencies)} times, each 1.5 s after the last was shown, and the task's page fetched again when its "
            f"live-reload request is answered, as a browser does. Median {statistics.median(latencies):.2f} s (each: "
            f"{', '.join(f'{x:.2f}' for x in latencies)} s); first build served after {first:.1f} s.\n"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the build runs once from 10,000 tasks)")
    parser.add_argument("--out", type=Path, default=HERE.parent / "BENCHMARKS.md")
    parser.add_argument("--serve-runs", type=int, default=5, help="edits timed in the live preview (0: skip)")
    parser.add_argument("--real-runs", type=int, default=5, help="pairs of builds of the real corpus (0: skip)")
    parser.add_argument("--serve-only", action="store_true", help="measure the live preview alone and replace its section")
    args = parser.parse_args()
    notes = _notes(args.out)
    if args.serve_only:
        text = args.out.read_text(encoding="utf-8")
        head = text[: text.index(LIVE)] if LIVE in text else text[: text.index(NOTES)]
        args.out.write_text(head + live_preview(args.serve_runs) + notes, encoding="utf-8")
        return
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="ap-bench-") as folder:
        for size in args.sizes:
            rows.append(bench(size, args.runs, Path(folder), build_runs=args.runs if size < 10_000 else 1))
            print(table(rows).splitlines()[-1], flush=True)
            args.out.write_text(_method(args.runs) + table(rows) + notes, encoding="utf-8")  # kept after each size
        print(table(rows))
        extra = ""
        if args.real_runs:
            real = real_corpus(Path(folder), args.real_runs)
            extra += (
                "\n## The real corpus\n\n"
                "`actionplans build` of the bundled content (its data package current; the generated pages and the releases' "
                "files kept in `build/` from the run before, as a rebuild finds them) against the tools it calls run alone "
                f"(`mkdocs build` of the same generated pages, then the same two Pagefind runs), {args.real_runs} "
                f"pairs run in turn: medians {real['build']:.2f} s and {real['mkdocs']:.2f} s, the build "
                f"{real['build'] / real['mkdocs']:.2f} times the tools ({real['outside']:.0%} of it outside them by the median "
                f"over the pairs; its MkDocs stage {real['mkdocs_stage']:.2f} s).\n"
            )
    if args.serve_runs:
        extra += live_preview(args.serve_runs)
    args.out.write_text(_method(args.runs) + table(rows) + extra + notes, encoding="utf-8")
    print(extra)


NOTES = "\n## Notes\n"


def _notes(path: Path) -> str:
    """The hand-written notes at the end of the file (from "## Notes"), which a run keeps."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return text[text.index(NOTES) :] if NOTES in text else ""


def _method(runs: int) -> str:
    return (
        "# Benchmarks\n\n"
        "Generated by `nox -s bench` (`python benchmarks/bench.py`); do not edit by hand, except the notes at the end, "
        "which a run keeps.\n\n"
        f"Machine: {machine()}.\n\n"
        "Method: synthetic corpora (`benchmarks/corpus.py`) of plans with ten tasks each, every plan quoting its own "
        "synthetic newspaper-layout source (about 140 Chinese characters and 1 KB of English per task). Each stage runs "
        f"as a whole process (`python -m actionplans check|package|render|build`), {runs} times (the full build and "
        "`mkdocs build` alone once at 10,000 tasks); the table shows the median wall time and the peak resident memory "
        "of the full build. "
        '"check in one process" is `check` with `ACTIONPLANS_WORKERS=1`: the content files read one after another instead '
        "of by one "
        "process per CPU, the one parallel path left (it stays where it saves at least 20 % at 10,000 tasks). "
        "`mkdocs build` alone builds the same generated docs tree with the same configuration: the floor MkDocs, "
        "Material and mkdocs-static-i18n set (the search index is not MkDocs' any more: the build runs Pagefind after it, "
        "one of our stages here, measured on its own in the search section below). The full build and `mkdocs build` alone "
        "run in turn "
        '(build, mkdocs, build, mkdocs…), so that a drift in the machine\'s speed touches both alike; "outside MkDocs" '
        "is the median over those pairs of (full build - `mkdocs build` alone) / full build: the share spent in our own "
        "stages (checking the content, "
        "reading the data package, making the downloads, rendering the pages, indexing the search, writing the files). "
        '"MkDocs stage of the build" is the time the build itself reports for running MkDocs (its `timings:` line), '
        'and "outside it" is 1 - that / full build: the same share measured inside one process, free of the '
        "run-to-run noise of two separate commands (and counting interpreter start-up and imports as ours).\n\n"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
