"""The SQLite download opened in a real Datasette with the published metadata, read through
Datasette's JSON API and its pages."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from actionplans.downloads import make_downloads, table_rows
from actionplans.tables import TABLES

from .conftest import DATAPACKAGE

pytestmark = pytest.mark.slow  # Datasette takes a few seconds to start

BASE = "https://example.org/actionplans/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


@pytest.fixture(scope="module")
def datasette(dataset, tmp_path_factory):
    """Datasette serving the downloaded SQLite file with its metadata; yields its address."""
    folder: Path = tmp_path_factory.mktemp("datasette")
    made = {d.path: d.data for d in make_downloads(DATAPACKAGE, dataset, BASE)}
    (folder / "actionplans.sqlite").write_bytes(made["downloads/actionplans.sqlite"])
    (folder / "actionplans.metadata.json").write_bytes(made["downloads/actionplans.metadata.json"])
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "actionplans.sqlite",
        "--metadata",
        "actionplans.metadata.json",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--immutable",
        "actionplans.sqlite",
    ]
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(address + "-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise AssertionError(f"datasette did not start: {output}") from None
                time.sleep(0.2)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def _json(url: str) -> Any:
    return json.loads(_get(url))


def test_datasette_lists_every_table_with_its_row_count(datasette, dataset) -> None:
    database = _json(datasette + "actionplans.json")
    counts = {t["name"]: t["count"] for t in database["tables"] if not t.get("hidden")}
    assert counts == {name: len(rows) for name, rows in table_rows(dataset).items()}
    assert set(counts) == {t.name for t in TABLES}


def test_a_task_row_shows_its_plans_label(datasette, dataset) -> None:
    task = dataset.plan("nx-children-care").tasks[0]
    rows = _json(datasette + f"actionplans/tasks.json?_shape=objects&_labels=on&id={task.id}")["rows"]
    assert rows[0]["plan_id"] == {"value": "nx-children-care", "label": dataset.plan("nx-children-care").title.en}


def test_datasette_shows_the_licence_source_and_descriptions(datasette, dataset) -> None:
    metadata = _json(datasette + "-/metadata.json")
    assert metadata["license"] == dataset.meta.licence_title and metadata["license_url"] == dataset.meta.licence_path
    tasks = metadata["databases"]["actionplans"]["tables"]["tasks"]
    assert tasks["title"] == "Tasks · 任务" and tasks["label_column"] == "title_en"
    page = _get(datasette + "actionplans/tasks").decode()
    assert f'<a href="{dataset.meta.licence_path}">{dataset.meta.licence_title}</a>' in page  # the licence, in the footer
    assert f'<a href="{BASE}data/">' in page  # the source
    assert "Tasks · 任务" in page
    column = next(c for c in TABLES if c.name == "tasks").columns[1]
    assert f"{column.en} · {column.zh}" in page  # a column's description
