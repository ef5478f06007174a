"""Releases at scale: the differ at 100,000 rows; the store at 100 releases of a 10,000-task
corpus (its size on disk and the time to rebuild and check every release, as a build does);
the build of the real corpus with 20 releases against the same build with one.

    python benchmarks/releases.py [--out BENCHMARKS.md] [--runs 3]

Writes the "releases" section of BENCHMARKS.md. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402
from report import replace_section  # noqa: E402

from actionplans.changes import Changes, apply, diff  # noqa: E402
from actionplans.content import load_content  # noqa: E402
from actionplans.datapackage import build_files  # noqa: E402
from actionplans.history import History  # noqa: E402
from actionplans.snapshots import Snapshot, TableData  # noqa: E402
from actionplans.store import Store  # noqa: E402


def timed(function, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- the differ at 100,000 rows ------------------------------------------------------------------------
def synthetic(rows: int, seed: int = 7) -> tuple[Snapshot, Snapshot]:
    """Two versions of a 100,000-row table with a composite key and typed columns: 1 % of rows
    corrected, 0.5 % added, 0.5 % removed."""
    rng = random.Random(seed)
    fields = [
        {"name": "plan", "type": "string"},
        {"name": "ordinal", "type": "integer"},
        {"name": "title", "type": "string"},
        {"name": "text", "type": "string"},
        {"name": "value", "type": "number"},
        {"name": "year", "type": "integer"},
    ]
    schema = {"fields": fields, "primaryKey": ["plan", "ordinal"]}
    old_rows = [
        {
            "plan": f"plan-{i // 10}",
            "ordinal": i % 10 + 1,
            "title": f"Task {i}",
            "text": "Improve the service network " * 8,
            "value": Decimal(rng.randint(1, 10_000)) / 10,
            "year": 2024 + i % 3,
        }
        for i in range(rows)
    ]
    new_rows = []
    for row in old_rows:
        roll = rng.random()
        if roll < 0.005:
            continue  # removed
        row = dict(row)
        if roll < 0.015:
            row["text"] = row["text"].replace("service", "care", 1)
        new_rows.append(row)
        if rng.random() < 0.005:
            new_rows.append({**row, "ordinal": row["ordinal"] + 1000, "title": "An added task"})
    descriptor = {"name": "bench", "resources": [{"name": "tasks", "path": "tasks.csv", "schema": schema}]}
    return Snapshot(descriptor, {"tasks": TableData("tasks", schema, old_rows)}), Snapshot(
        descriptor, {"tasks": TableData("tasks", schema, new_rows)}
    )


def differ(rows: int, runs: int) -> dict[str, float]:
    old, new = synthetic(rows)
    seconds, changes = timed(lambda: diff(old, new), runs)
    assert isinstance(changes, Changes)
    document = changes.json_bytes("2.0.0", "1.0.0")
    stored = Changes.from_json(json.loads(document, parse_float=Decimal))
    applied, rebuilt = timed(lambda: apply(old, stored, new.descriptor), runs)
    assert rebuilt.files() == new.files()  # type: ignore[attr-defined]
    counts = changes.tables["tasks"].counts()
    return {"rows": rows, "diff": seconds, "apply": applied, "log_bytes": len(document), **counts}


# --- the store at 100 releases of 10,000 tasks -----------------------------------------------------------
def store_at_scale(workdir: Path, tasks: int, releases: int, share: float) -> dict[str, float]:
    """``releases`` releases of a ``tasks``-task corpus, each correcting the English text of
    ``share`` of the tasks; the size of the releases folder and the time to read it back."""
    project = write_corpus(workdir / f"corpus-{tasks}", tasks)
    base = Snapshot.read(build_files(load_content(project / "content")))
    store = Store(workdir / "releases")
    rng = random.Random(3)
    record_times = []
    rows = base.tables["tasks"].rows
    for number in range(releases):
        if number:
            rows = [dict(r) for r in rows]
            for row in rng.sample(rows, int(len(rows) * share)):
                row["text_en"] = f"{row['text_en'][:-1]} (corrected in release {number})."
        tables = dict(base.tables)
        tables["tasks"] = TableData("tasks", base.tables["tasks"].schema, rows)
        snapshot = Snapshot(json.loads(json.dumps(base.descriptor)), tables)
        for resource in snapshot.descriptor["resources"]:  # the checksums a released descriptor states
            import hashlib

            resource["hash"] = "sha256:" + hashlib.sha256(snapshot.tables[resource["name"]].csv()).hexdigest()
        started = time.perf_counter()
        store.record(snapshot, f"1.{number}.0", "2026-12-01", {"zh": "", "en": ""})
        record_times.append(time.perf_counter() - started)
    size = sum(p.stat().st_size for p in store.folder.rglob("*") if p.is_file())
    first = sum(p.stat().st_size for p in (store.folder / "1.0.0").iterdir())
    fresh = Store(store.folder)
    started = time.perf_counter()
    fresh.snapshot(fresh.versions()[-1])
    rebuild = time.perf_counter() - started
    git = git_size(store.folder)
    cache = workdir / "cache"
    started = time.perf_counter()
    History.of(Store(store.folder), cache)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    History.of(Store(store.folder), cache)
    warm = time.perf_counter() - started
    return {
        "tasks": tasks,
        "releases": releases,
        "share": share,
        "size": size,
        "first": first,
        "git": git,
        "later": (size - first) / max(1, releases - 1),
        "record": statistics.median(record_times[1:] or record_times),
        "rebuild": rebuild,
        "cold": cold,
        "warm": warm,
        "cache": sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()),
    }


def git_size(folder: Path) -> int:
    """What the releases add to a git repository: each release committed in turn, then packed."""
    repo = folder.parent / "git"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for release in sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: tuple(int(x) for x in p.name.split("."))):
        shutil.copytree(release, repo / "releases" / release.name)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run(
            ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", release.name],
            cwd=repo,
            check=True,
        )
    subprocess.run(["git", "gc", "-q"], cwd=repo, check=True)
    return sum(p.stat().st_size for p in (repo / ".git").rglob("*") if p.is_file())


# --- the build with 20 releases of the real corpus ---------------------------------------------------------
def real_builds(workdir: Path, releases: int, runs: int) -> dict[str, float]:
    """``actionplans build`` of the bundled content with one release, and with ``releases``."""

    def project(name: str, count: int) -> Path:
        target = workdir / name
        for folder in ("content", "site_templates"):
            shutil.copytree(ROOT / folder, target / folder)
        shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
        plan = target / "content" / "plans" / "nm-elderly-meals.yaml"
        text = plan.read_text(encoding="utf-8")
        title = "Diversified funding mechanism"
        for number in range(count):
            if number:  # each later release corrects one task's English title
                text = text.replace(
                    f'en: "{title}"', f'en: "{title}"'.replace(title, new := f"Diversified funding mechanism ({number})"), 1
                )
                title = new
                plan.write_text(text, encoding="utf-8")
            subprocess.run(
                [sys.executable, "-m", "actionplans", "release", "--date", "2026-12-01"],
                cwd=target,
                check=True,
                capture_output=True,
            )
        return target

    one, many = project("one", 1), project("many", releases)
    assert len([p for p in (many / "releases").iterdir() if p.is_dir()]) == releases
    out: dict[str, float] = {"releases": releases}
    for kind in ("cold", "warm"):  # cold: nothing kept from an earlier build; warm: each release's files kept
        for name, folder in (("one", one), ("many", many)):
            times, stages = [], []
            for _ in range(runs):
                shutil.rmtree(folder / "site", ignore_errors=True)
                shutil.rmtree(folder / "build" / "docs", ignore_errors=True)
                if kind == "cold":
                    shutil.rmtree(folder / "build", ignore_errors=True)
                started = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-m", "actionplans", "build"], cwd=folder, check=True, capture_output=True, text=True
                )
                times.append(time.perf_counter() - started)
                line = next(x for x in result.stdout.splitlines() if x.startswith("timings:"))
                stages.append(float(line.split("releases ")[1].split(" s")[0]))
            out[f"{name}_{kind}"] = statistics.median(times)
            out[f"{name}_{kind}_stage"] = statistics.median(stages)
            out[f"{name}_files"] = sum(1 for p in (folder / "site").rglob("*") if p.is_file())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--releases", type=int, default=100)
    args = parser.parse_args()
    d = differ(args.rows, args.runs)
    print(d, flush=True)
    with tempfile.TemporaryDirectory(prefix="ap-releases-") as folder:
        s = store_at_scale(Path(folder), args.tasks, args.releases, share=0.01)
        print(s, flush=True)
    with tempfile.TemporaryDirectory(prefix="ap-releases-") as folder:
        b = real_builds(Path(folder), 20, args.runs)
        print(b, flush=True)
    mib = 2**20
    text = (
        "## Releases\n\n"
        f"`python benchmarks/releases.py` ({time.strftime('%Y-%m-%d')}; medians of {args.runs} runs).\n\n"
        f"- **Differ**: {d['rows']:,} rows of six typed columns with a composite key, {d['changed']:,} corrected, "
        f"{d['added']:,} added, {d['removed']:,} removed: `diff` {d['diff']:.2f} s, applying the stored change log "
        f"{d['apply']:.2f} s (the rebuilt table byte for byte the new one); change log {d['log_bytes'] / mib:.1f} MiB as JSON.\n"
        f"- **Store**: {s['releases']} releases of a {s['tasks']:,}-task corpus, each correcting the English text of "
        f"{s['share']:.0%} of the tasks: {s['size'] / mib:.1f} MiB on disk, the first release {s['first'] / mib:.1f} MiB "
        f"(all its rows) and each later one {s['later'] / 1024:.0f} KiB (its descriptor, changes and record); "
        f"recording one release {s['record']:.2f} s; "
        f"rebuilding and checking all {s['releases']} (what every build and `check` does) {s['rebuild']:.2f} s. "
        "In git, each release "
        f"committed in turn and the repository packed: {s['git'] / mib:.1f} MiB. The releases stage of a build (every release's "
        f"pages' data and files): {s['cold']:.1f} s with nothing kept, {s['warm']:.1f} s with each release's files kept from an "
        f"earlier build ({s['cache'] / mib:.0f} MiB kept in `build/releases/`).\n"
        f"- **Build**: the real corpus with {b['releases']} releases {b['many_cold']:.2f} s with nothing kept (releases stage "
        f"{b['many_cold_stage']:.2f} s) and {b['many_warm']:.2f} s with the releases' files kept "
        f"(stage {b['many_warm_stage']:.2f} s), "
        f"{b['many_files']:,} files; with one release {b['one_cold']:.2f} s and {b['one_warm']:.2f} s "
        f"({b['one_files']:,} files): "
        f"{b['many_cold'] / b['one_cold']:.2f} and {b['many_warm'] / b['one_warm']:.2f} times.\n"
    )
    replace_section(args.out, "releases", text)
    print(text)


if __name__ == "__main__":
    main()
