"""Writing, validating and reading the data package."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import actionplans
from actionplans.datapackage import build_files, read_package, validate, write_package
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
        capture_output=True, text=True, check=False,
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
    tasks.write_text(tasks.read_text(encoding="utf-8").replace(",sunshine-volunteers,1,", ",no-such-plan,1,", 1), encoding="utf-8")
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
    for key in ("name", "title", "title_zh", "description", "description_zh", "licenses", "sources", "contributors", "version", "created"):
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


def test_failed_check_leaves_previous_package(dataset, tmp_path) -> None:
    out = tmp_path / "datapackage"
    write_package(dataset, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def veto(folder: Path) -> None:
        assert (folder / "datapackage.json").is_file()
        raise DataPackageError("vetoed")

    with pytest.raises(DataPackageError):
        write_package(dataset, out, check=veto)
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


@pytest.mark.parametrize("workers", [1, 2])
def test_validate_reports_a_broken_foreign_key_in_one_process_or_several(dataset, tmp_path, workers) -> None:
    out = tmp_path / "datapackage"
    write_package(dataset, out)
    validate(out, workers=workers)  # the package as written is valid
    themes = out / "task_themes.csv"
    rows = themes.read_text(encoding="utf-8").split("\n")
    rows[1] = "no-such-task" + rows[1][rows[1].index(","):]
    themes.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(DataPackageError) as error:
        validate(out, workers=workers)
    assert 'task_themes:2: -: foreign-key: for "task_id": values "no-such-task" not found' in str(error.value)


@pytest.mark.parametrize("early_bytes", [0, 2_000, 10**9])
def test_validator_checks_each_table_as_it_is_written(dataset, tmp_path, monkeypatch, early_bytes) -> None:
    """Large tables are validated while the next ones are made, the rest at the end; a broken
    reference stops the package either way."""
    import dataclasses

    import actionplans.datapackage as datapackage
    from actionplans.datapackage import Validator
    from actionplans.model import TaskTable

    monkeypatch.setattr(datapackage, "EARLY_VALIDATION_BYTES", early_bytes)
    out = tmp_path / "datapackage"
    with Validator(workers=2) as validator:
        write_package(dataset, out, check=validator)
        large = {p.stem for p in out.glob("*.csv") if p.stat().st_size >= early_bytes}
        assert set(validator.early) == large  # started as soon as each was written
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # Without the task a figure refers to, figures.csv breaks its foreign key.
    broken = dataclasses.replace(dataset, tasks=TaskTable({k: v for k, v in dataset.tasks.items() if k != "sunshine-volunteers-2"}))
    with Validator(workers=2) as validator, pytest.raises(DataPackageError) as error:
        write_package(broken, out, check=validator)
    assert 'figures:3: -: foreign-key: for "task_id": values "sunshine-volunteers-2" not found' in str(error.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _task_renamed(data: bytes) -> tuple[bytes, int]:
    return data.replace(b"\r\nsunshine-volunteers-1,", b"\r\nno-such-task,", 1), 0


def _task_dropped(data: bytes) -> tuple[bytes, int]:
    rows = data.split(b"\r\n")
    dropped = [row for row in rows if row.startswith(b"sunshine-volunteers-1,")]
    assert len(dropped) == 1
    return b"\r\n".join(row for row in rows if row not in dropped), -1


@pytest.mark.parametrize(
    ("table", "edit", "told", "missing"),
    [
        ("task_themes", _task_renamed, True, "no-such-task"),  # the table itself, after its early start
        ("tasks", _task_dropped, True, "sunshine-volunteers-1"),  # a table it names, after its early start
        ("task_themes", _task_renamed, False, "no-such-task"),  # a folder it was never told of
    ],
)
def test_validator_trusts_an_early_result_only_for_the_tables_it_saw(dataset, tmp_path, monkeypatch, table, edit, told, missing) -> None:
    """An early result holds only while the written descriptor describes the table, and every
    table it names, as the early validation saw them; otherwise the table is validated again."""
    import actionplans.datapackage as datapackage
    from actionplans.datapackage import Validator

    monkeypatch.setattr(datapackage, "EARLY_VALIDATION_BYTES", 0)
    out = tmp_path / "datapackage"
    write_package(dataset, out)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    with Validator(workers=2) as validator:
        if told:
            for resource in descriptor["resources"]:
                validator.written(out, resource)  # all valid as they are
            assert all(future.result() == [] for _, future in validator.early.values())
        path = out / f"{table}.csv"
        data, rows = edit(path.read_bytes())
        path.write_bytes(data)
        resource = next(r for r in descriptor["resources"] if r["name"] == table)
        resource.update(bytes=len(data), rows=resource["rows"] + rows, hash="sha256:" + hashlib.sha256(data).hexdigest())
        (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(DataPackageError, match=f'task_themes:2: -: foreign-key: for "task_id": values "{missing}" not found'):
            validator(out)
