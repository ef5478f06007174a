"""`actionplans serve`: the live preview shows an edit, rewrites only the pages it touches, and
leaves the published data package alone."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from actionplans.serve import UP_TO_DATE

from .conftest import copy_project

TASK = "nx-children-care-2"
OLD = "Implement the Guardianship Quality Improvement Action."
NEW = "Implement the Guardianship Quality Improvement Action (edited in the preview)."
NEWER = "Implement the Guardianship Quality Improvement Action (edited twice)."


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _fetch(url):
            return True
        time.sleep(0.2)
    return False


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _count(lines: list[str], text: str) -> int:
    return sum(text in line for line in list(lines))


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_serve_shows_an_edit_and_rewrites_only_the_pages_it_touches(tmp_path) -> None:
    project = copy_project(tmp_path / "project")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/en/tasks/{TASK}/"
    published = _snapshot(project / "datapackage")
    server = subprocess.Popen(
        [sys.executable, "-m", "actionplans", "serve", "--address", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    log_lines: list[str] = []  # the preview's log as it comes, read while it runs
    reader = threading.Thread(
        target=lambda: log_lines.extend(line.decode("utf-8", "replace") for line in iter(server.stderr.readline, b"")),
        daemon=True,
    )
    reader.start()
    try:
        assert _wait_for(url, OLD, 120), "the preview never came up"
        assert _wait_until(lambda: _count(log_lines, UP_TO_DATE) == 1, 120), "the first downloads and search never came"
        index_url = f"http://127.0.0.1:{port}/en/pagefind/pagefind-entry.json"
        index_before = json.loads(_fetch(index_url))["languages"]["en"]
        docs = project / "build" / "docs"
        before = _snapshot(docs)
        plan = project / "content" / "plans" / "nx-children-care.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace(OLD, NEW, 1), encoding="utf-8")
        assert _wait_for(url, NEW, 60), "the edit never showed up"
        # then, in a step of its own, the downloads, the pages that show them, and the search
        assert _wait_until(lambda: _count(log_lines, UP_TO_DATE) == 2, 120), "the downloads and search never followed"
        after = _snapshot(docs)
        # the review page shows the plan's source text with the task marked, and the edit
        review = _fetch(f"http://127.0.0.1:{port}/review/nx-children-care/")
        assert f'<span id="q-{TASK}"></span><mark class="k-task"' in review and NEW in review
        assert "nx-children-care" in _fetch(f"http://127.0.0.1:{port}/review/")
        index_after = json.loads(_fetch(index_url))["languages"]["en"]
        # a broken edit is reported (file:line, no traceback) and the preview keeps the last good
        # version; the next good edit shows again
        good = plan.read_text(encoding="utf-8")
        builds = _count(log_lines, "Building the preview")
        plan.write_text(good.replace("tasks:", "tasks: [", 1), encoding="utf-8")
        assert _wait_until(lambda: _count(log_lines, "keeps showing the last good version") == 1, 60), (
            "the broken edit was never built"
        )
        assert _count(log_lines, "Building the preview") > builds, "no rebuild ran for the broken edit"
        assert NEW in _fetch(url)
        plan.write_text(good.replace(NEW, NEWER, 1), encoding="utf-8")
        assert _wait_for(url, NEWER, 60), "the preview did not recover from a broken edit"
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=30)
    log = "".join(log_lines)
    assert "Traceback" not in log and "Building the preview" in log
    assert "content/plans/nx-children-care.yaml:" in log and "keeps showing the last good version" in log, log
    # the search was indexed again: the English index is a new one (its hash names its content),
    # of as many pages as before
    assert index_after["hash"] != index_before["hash"] and index_after["page_count"] == index_before["page_count"]
    rewritten = sorted(name for name in after if after[name][0] != before.get(name, (None,))[0])
    # the task's two pages (both show the translation) and its source's English page (it lists the
    # quotes with their translations); the data and home pages, whose download checksums and sizes
    # changed; its plan's pages if the size of the plan's downloads did; nothing else
    required = {
        f"tasks/{TASK}.en.md",
        f"tasks/{TASK}.zh.md",
        "sources/seed-page.en.md",
        "data.en.md",
        "data.zh.md",
        "index.en.md",
        "index.zh.md",
    }
    assert required <= set(rewritten) <= required | {"plans/nx-children-care.en.md", "plans/nx-children-care.zh.md"}
    # the preview does not publish: datapackage/ is byte-for-byte what it was
    assert {k: v[1] for k, v in _snapshot(project / "datapackage").items()} == {k: v[1] for k, v in published.items()}
