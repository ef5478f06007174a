"""Writing, validating and reading the data package."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import actionplans
from actionplans.datapackage import build_files, read_package, validate_package, write_package
from actionplans.errors import DataPackageError
from actionplans.tables import TABLES

from .conftest import DATAPACKAGE, ROOT


def test_committed_datapackage_is_current(dataset) -> None:
    """datapackage/ is generated: it must equal what `actionplans package` writes now."""
    files = build_files(dataset)
    stale = [name for name, data in files.items() if (DATAPACKAGE / name).read_bytes() != data]
    extra = sorted({p.name for p in DATAPACKAGE.iterdir()} - set(files))
    assert not stale and not extra, f"stale: {stale}, extra: {extra}; run `actionplans package`"


def test_upstream_frictionless_validate_accepts_it(dataset, tmp_path) -> None:
    out = tmp_path / "datapackage"
    write_package(dataset, out)
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(out / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert len(report["tasks"]) == len(TABLES)


def test_frictionless_catches_a_broken_foreign_key(dataset, tmp_path) -> None:
    from frictionless import Package

    out = tmp_path / "datapackage"
    write_package(dataset, out)
    tasks = out / "tasks.csv"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace(",sunshine-volunteers,1,", ",no-such-plan,1,", 1), encoding="utf-8"
    )
    report = Package(str(out / "datapackage.json")).validate()
    kinds = {e.type for task in report.tasks for e in task.errors}
    assert "foreign-key" in kinds


def test_two_runs_are_byte_identical(dataset, tmp_path) -> None:
    write_package(dataset, tmp_path / "a")
    write_package(dataset, tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_descriptor_metadata(dataset) -> None:
    descriptor = json.loads(build_files(dataset)["datapackage.json"])
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    for key in (
        "name",
        "title",
        "title_zh",
        "description",
        "description_zh",
        "licenses",
        "sources",
        "contributors",
        "version",
        "created",
    ):
        assert descriptor[key], key
    for resource in descriptor["resources"]:
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0 and resource["rows"] >= 0
        for field in resource["schema"]["fields"]:
            assert field["description"].strip() and field["description_zh"].strip(), (resource["name"], field["name"])


def test_every_column_documented_in_both_languages() -> None:
    for table in TABLES:
        assert table.zh and table.en
        for column in table.columns:
            assert column.zh.strip() and column.en.strip(), f"{table.name}.{column.name}"
            assert column.zh != column.en


def test_bilingual_columns(dataset) -> None:
    header = build_files(dataset)["tasks.csv"].decode().splitlines()[0].split(",")
    assert {"text_zh", "text_en", "title_zh", "title_en"} <= set(header)
    header = build_files(dataset)["figures.csv"].decode().splitlines()[0].split(",")
    assert {"quote_zh", "quote_en"} <= set(header)


def test_a_package_that_does_not_validate_leaves_the_previous_one(dataset, tmp_path, monkeypatch) -> None:
    import actionplans.datapackage as datapackage

    out = tmp_path / "datapackage"
    write_package(dataset, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    seen = []

    def veto(package: dict[str, bytes]) -> None:
        seen.append(dict(package))
        raise DataPackageError("vetoed")

    monkeypatch.setattr(datapackage, "validate_package", veto)
    changed = dataclasses.replace(dataset, terms={})
    with pytest.raises(DataPackageError, match="vetoed"):
        write_package(changed, out)
    assert seen and seen[0] == datapackage.build_files(changed)  # the files it would have written, validated first
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".datapackage.tmp-*"))


def test_refuses_to_replace_a_foreign_folder(dataset, tmp_path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(DataPackageError, match="refusing to replace"):
        write_package(dataset, out)
    assert (out / "notes.txt").read_text() == "keep me"


def test_load_reads_the_bundled_package_equal_to_content(dataset) -> None:
    assert actionplans.load() == dataset


def test_load_from_a_path(dataset, tmp_path) -> None:
    write_package(dataset, tmp_path / "dp")
    assert actionplans.load(tmp_path / "dp") == dataset
    assert actionplans.load(tmp_path / "dp" / "datapackage.json") == dataset


def test_load_missing_package(tmp_path) -> None:
    with pytest.raises(DataPackageError, match="no data package here"):
        actionplans.load(tmp_path)


def test_load_other_package(tmp_path) -> None:
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "other", "resources": []}))
    with pytest.raises(DataPackageError, match="not an actionplans data package"):
        actionplans.load(tmp_path)


def _drop_column(folder: Path, table: str, column: str) -> None:
    """Remove ``column`` from a table's CSV and from its schema in the descriptor."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] != column]
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    rows = list(csv.reader(io.StringIO((folder / f"{table}.csv").read_text(encoding="utf-8"), newline="")))
    index = rows[0].index(column)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([r[:index] + r[index + 1 :] for r in rows])
    (folder / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8", newline="")


def test_a_field_an_earlier_release_lacks_reads_as_empty(dataset, tmp_path) -> None:
    """A data package made before a field was added (as an earlier release is) still loads: the
    field it lacks is None in every record, and the rest is as published."""
    shutil.copytree(DATAPACKAGE, tmp_path / "dp")
    _drop_column(tmp_path / "dp", "sources", "kind")
    old = read_package(tmp_path / "dp")
    assert [s.kind for s in old.sources.values()] == [None] * len(dataset.sources)
    assert {s.kind for s in dataset.sources.values()} == {"news-report", "official-document"}
    assert old.plans == dataset.plans and old.tasks == dataset.tasks


def test_a_column_its_descriptor_does_not_list_is_refused(dataset, tmp_path) -> None:
    shutil.copytree(DATAPACKAGE, tmp_path / "dp")
    path = tmp_path / "dp" / "sources.csv"
    text = path.read_text(encoding="utf-8").replace("kind,", "sort,", 1)
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(DataPackageError, match=r"sources.csv:1: header .* differs"):
        read_package(tmp_path / "dp")


def test_load_reports_a_bad_cell(dataset, tmp_path) -> None:
    shutil.copytree(DATAPACKAGE, tmp_path / "dp")
    path = tmp_path / "dp" / "tasks.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",1,", ",one,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataPackageError, match=r"tasks.csv:2: ordinal: 'one' is not an integer"):
        read_package(tmp_path / "dp")


def test_load_imports_no_heavy_library() -> None:
    code = (
        "import sys, actionplans; actionplans.load(); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'frictionless','mkdocs','jinja2','pandas','yaml'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == ""


def test_validate_reports_a_broken_foreign_key(dataset, tmp_path) -> None:
    out = tmp_path / "datapackage"
    write_package(dataset, out)
    validate_package(out)  # the package as written is valid
    themes = out / "task_themes.csv"
    rows = themes.read_text(encoding="utf-8").split("\n")
    rows[1] = "no-such-task" + rows[1][rows[1].index(",") :]
    themes.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(DataPackageError) as error:
        validate_package(out)
    assert 'task_themes:2: -: foreign-key: for "task_id": values "no-such-task" not found' in str(error.value)


def test_a_row_breaking_a_foreign_key_is_never_written(dataset, tmp_path) -> None:
    from actionplans.model import TaskTable

    out = tmp_path / "datapackage"
    write_package(dataset, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # Without the task a figure refers to, figures.csv breaks its foreign key.
    broken = dataclasses.replace(
        dataset, tasks=TaskTable({k: v for k, v in dataset.tasks.items() if k != "sunshine-volunteers-2"})
    )
    with pytest.raises(DataPackageError) as error:
        write_package(broken, out)
    row = 2 + [f.id for f in dataset.figures.values()].index(dataset.tasks["sunshine-volunteers-2"].figures[0].id)
    assert f'figures:{row}: -: foreign-key: for "task_id": values "sunshine-volunteers-2" not found' in str(error.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
