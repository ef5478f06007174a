"""Releases: the differ, the version bump rules, the store and its faults, ``release`` and
``diff`` on the command line, and the Python API over releases."""

from __future__ import annotations

import copy
import json
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actionplans
from actionplans.changes import Changes, apply, diff
from actionplans.cli import main
from actionplans.errors import DataPackageError
from actionplans.snapshots import Snapshot, TableData
from actionplans.store import Store, record_digest
from actionplans.versions import ReleaseError, suggest_bump

from .conftest import ROOT, edit, run_release, unreleased_content
from .killpoints import KillPoint, run_killed


# --- packages made by hand ---------------------------------------------------------------------------
def field(name: str, kind: str = "string", **constraints: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": kind, "description": f"The {name}"}
    if constraints:
        out["constraints"] = constraints
    return out


def package(**tables: tuple[list[dict[str, Any]], list[str] | str, list[dict[str, Any]]]) -> Snapshot:
    """A snapshot of tables given as name=(fields, primary key, rows)."""
    resources, data = [], {}
    for name, (fields, key, rows) in tables.items():
        schema = {"fields": fields, "primaryKey": key}
        resources.append({"name": name, "path": f"{name}.csv", "schema": schema})
        data[name] = TableData(name, schema, [dict(r) for r in rows])
    return Snapshot({"name": "test", "resources": resources}, data)


PEOPLE = [field("id"), field("name"), field("age", "integer")]


def people(*rows: tuple[str, str, int | None]) -> Snapshot:
    return package(people=(PEOPLE, "id", [{"id": i, "name": n, "age": a} for i, n, a in rows]))


def with_fk(children: list[dict[str, Any]], parents: list[dict[str, Any]]) -> Snapshot:
    snapshot = package(
        parents=([field("id")], "id", parents),
        children=([field("id"), field("parent_id")], "id", children),
    )
    snapshot.tables["children"].schema["foreignKeys"] = [
        {"fields": "parent_id", "reference": {"resource": "parents", "fields": "id"}}
    ]
    return snapshot


def roundtrip(old: Snapshot, new: Snapshot) -> Changes:
    """The change log from old to new, checked to rebuild new exactly from old (as JSON, the way
    the store keeps it)."""
    changes = diff(old, new)
    stored = Changes.from_json(json.loads(changes.json_bytes("2.0.0", "1.0.0"), parse_float=Decimal))
    rebuilt = apply(old, stored, new.descriptor)
    assert rebuilt.files() == new.files()
    return changes


# --- the differ ------------------------------------------------------------------------------------
def test_a_changed_field_is_named_with_its_old_and_new_value() -> None:
    changes = roundtrip(people(("a", "Ann", 30), ("b", "Bo", 40)), people(("a", "Ann", 31), ("b", "Bo", 40)))
    table = changes.tables["people"]
    assert table.changed == [{"key": ["a"], "fields": {"age": {"old": 30, "new": 31}}}]
    assert not table.added and not table.removed
    assert list(changes) == [("people", "change", "a", "age", 30, 31)]


def test_composite_keys_name_rows_by_every_key_column() -> None:
    fields = [field("plan"), field("position", "integer"), field("name")]
    old = package(
        items=(
            fields,
            ["plan", "position"],
            [{"plan": "p", "position": 1, "name": "x"}, {"plan": "q", "position": 1, "name": "y"}],
        )
    )
    new = package(
        items=(
            fields,
            ["plan", "position"],
            [
                {"plan": "p", "position": 1, "name": "x"},
                {"plan": "q", "position": 1, "name": "z"},
                {"plan": "p", "position": 2, "name": "w"},
            ],
        )
    )
    table = roundtrip(old, new).tables["items"]
    assert table.changed == [{"key": ["q", 1], "fields": {"name": {"old": "y", "new": "z"}}}]
    assert [e["key"] for e in table.added] == [["p", 2]]
    assert ("items", "add", "p|2", "", None, None) in list(diff(old, new))


def test_null_values_are_values_of_their_own() -> None:
    changes = roundtrip(people(("a", "Ann", None), ("b", "Bo", 40)), people(("a", "Ann", 30), ("b", "Bo", None)))
    assert {tuple(e["key"]): e["fields"] for e in changes.tables["people"].changed} == {
        ("a",): {"age": {"old": None, "new": 30}},
        ("b",): {"age": {"old": 40, "new": None}},
    }
    assert diff(people(("a", "Ann", None)), people(("a", "Ann", None))).empty()


def test_typed_values_are_compared_as_values_not_as_text(tmp_path: Path) -> None:
    fields = [field("id"), field("value", "number"), field("code")]
    for name, rows in (("old", [["a", "1.0", "01"]]), ("new", [["a", "1", "1"]])):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "t.csv").write_text("id,value,code\r\n" + "".join(",".join(r) + "\r\n" for r in rows), encoding="utf-8")
        (folder / "datapackage.json").write_text(
            json.dumps({"resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields, "primaryKey": "id"}}]})
        )
    changes = diff(Snapshot.read(tmp_path / "old"), Snapshot.read(tmp_path / "new"))
    # 1.0 and 1 are the same number; "01" and "1" are different strings
    assert changes.tables["t"].changed == [{"key": ["a"], "fields": {"code": {"old": "01", "new": "1"}}}]


def test_a_key_change_is_a_removal_and_an_addition() -> None:
    changes = roundtrip(people(("a", "Ann", 30), ("b", "Bo", 40)), people(("a2", "Ann", 30), ("b", "Bo", 40)))
    table = changes.tables["people"]
    assert [e["key"] for e in table.removed] == [["a"]] and table.removed[0]["row"] == {"id": "a", "name": "Ann", "age": 30}
    assert [e["key"] for e in table.added] == [["a2"]] and not table.changed


def test_schema_changes_fields_and_tables_added_and_removed() -> None:
    old = package(people=(PEOPLE, "id", [{"id": "a", "name": "Ann", "age": 30}]), pets=([field("id")], "id", [{"id": "cat"}]))
    new = package(
        people=([field("id"), field("name", "integer"), field("city")], "id", [{"id": "a", "name": None, "city": "Hohhot"}]),
        places=([field("id")], "id", [{"id": "x"}]),
    )
    changes = roundtrip(old, new)
    people_changes = changes.tables["people"]
    assert people_changes.fields_added == ["city"] and people_changes.fields_removed == ["age"]
    assert [c["name"] for c in people_changes.fields_changed] == ["name"]
    assert changes.tables_added == ["places"] and changes.tables_removed == ["pets"]
    assert [e["key"] for e in changes.tables["pets"].removed] == [["cat"]]


def test_a_primary_key_change_is_a_schema_change_and_replaces_every_row() -> None:
    new = package(people=(PEOPLE, ["id", "name"], [{"id": "a", "name": "Ann", "age": 30}]))
    changes = roundtrip(people(("a", "Ann", 30)), new)
    assert any(c["name"] == "(primary key)" for c in changes.tables["people"].fields_changed)
    assert suggest_bump(people(("a", "Ann", 30)), changes)[0] == "major"


def test_rows_moved_are_recorded_so_the_order_is_rebuilt() -> None:
    changes = roundtrip(people(("a", "A", 1), ("b", "B", 2), ("c", "C", 3)), people(("c", "C", 3), ("a", "A", 1), ("b", "B", 2)))
    assert changes.tables["people"].order == [["c"], ["a"], ["b"]]


def test_no_change_is_an_empty_change_log() -> None:
    same = people(("a", "Ann", 30))
    assert diff(same, copy.deepcopy(same)).empty()


rows_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.sampled_from(["x", "y", "中文", ""]), st.one_of(st.none(), st.integers(-5, 5))),
    unique_by=lambda r: r[0],
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(rows_strategy, rows_strategy)
def test_any_change_log_rebuilds_the_new_table_exactly(
    old: list[tuple[str, str, int | None]], new: list[tuple[str, str, int | None]]
) -> None:
    roundtrip(people(*[(i, n or "", a) for i, n, a in old]), people(*[(i, n or "", a) for i, n, a in new]))


# --- the version bump: one test per rule of the Data Package Version recipe -----------------------
def bump(old: Snapshot, new: Snapshot) -> str | None:
    return suggest_bump(old, diff(old, new))[0]


BASE = people(("a", "Ann", 30))


def reshaped(fields: list[dict[str, Any]], rows: list[dict[str, Any]] | None = None) -> Snapshot:
    return package(people=(fields, "id", rows if rows is not None else [{"id": "a", "name": "Ann", "age": 30}]))


def test_bump_a_field_renamed_is_major() -> None:
    assert (
        bump(
            BASE,
            reshaped([field("id"), field("full_name"), field("age", "integer")], [{"id": "a", "full_name": "Ann", "age": 30}]),
        )
        == "major"
    )


def test_bump_a_field_removed_is_major() -> None:
    assert bump(BASE, reshaped([field("id"), field("name")], [{"id": "a", "name": "Ann"}])) == "major"


def test_bump_a_field_retyped_is_major() -> None:
    assert bump(BASE, reshaped([field("id"), field("name"), field("age", "number")])) == "major"


@pytest.mark.parametrize(
    "constraints", [{"required": True}, {"minimum": 40}, {"maximum": 20}, {"enum": [31, 32]}, {"unique": True}]
)
def test_bump_a_tighter_constraint_is_major(constraints: dict[str, Any]) -> None:
    assert bump(BASE, reshaped([field("id"), field("name"), field("age", "integer", **constraints)])) == "major"


def test_bump_a_table_removed_is_major() -> None:
    assert (
        bump(
            package(a=([field("id")], "id", [{"id": "1"}]), b=([field("id")], "id", [])),
            package(a=([field("id")], "id", [{"id": "1"}])),
        )
        == "major"
    )


def test_bump_a_row_removed_that_a_foreign_key_pointed_to_is_major() -> None:
    old = with_fk([{"id": "c", "parent_id": "p"}], [{"id": "p"}, {"id": "q"}])
    new = with_fk([], [{"id": "q"}])
    assert bump(old, new) == "major"


def test_bump_a_row_removed_that_nothing_pointed_to_is_a_patch() -> None:
    old = with_fk([{"id": "c", "parent_id": "p"}], [{"id": "p"}, {"id": "q"}])
    assert bump(old, with_fk([{"id": "c", "parent_id": "p"}], [{"id": "p"}])) == "patch"


def test_bump_rows_added_is_minor() -> None:
    assert bump(BASE, people(("a", "Ann", 30), ("b", "Bo", 40))) == "minor"


def test_bump_a_table_added_is_minor() -> None:
    assert (
        bump(
            BASE,
            package(people=(PEOPLE, "id", [{"id": "a", "name": "Ann", "age": 30}]), pets=([field("id")], "id", [{"id": "cat"}])),
        )
        == "minor"
    )


def test_bump_a_field_added_is_minor() -> None:
    assert bump(BASE, reshaped([*PEOPLE, field("city")], [{"id": "a", "name": "Ann", "age": 30, "city": None}])) == "minor"


def test_bump_a_constraint_loosened_is_minor() -> None:
    tight = reshaped([field("id"), field("name"), field("age", "integer", minimum=10)])
    assert bump(tight, reshaped([field("id"), field("name"), field("age", "integer", minimum=0)])) == "minor"


def test_bump_a_value_corrected_is_a_patch() -> None:
    assert bump(BASE, people(("a", "Anne", 30))) == "patch"


def test_bump_a_description_changed_is_a_patch() -> None:
    described = [field("id"), {**field("name"), "description": "The person's name as printed"}, field("age", "integer")]
    assert bump(BASE, reshaped(described)) == "patch"


def test_the_strongest_rule_wins_and_every_reason_is_given() -> None:
    new = people(("a", "Anne", 30), ("b", "Bo", 40))
    kind, reasons = suggest_bump(BASE, diff(BASE, new))
    assert kind == "minor"
    assert reasons == ["people: 1 row added", "people: 1 row corrected"]


# --- the store and the release command --------------------------------------------------------------
@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the content with no release yet (run commands inside it)."""
    unreleased_content(tmp_path / "content")
    return tmp_path


CORRECTION = ('      en: "Diversified funding mechanism"', '      en: "A diversified funding mechanism"')


def test_first_release_then_a_correction(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_release(project, "--date", "2026-12-01", "--notes-zh", "首次发布。", "--notes-en", "First release.") == 0
    store = Store(project / "releases")
    (first,) = store.releases()
    assert (first.version, first.date, first.previous, first.bump) == ("1.0.0", "2026-12-01", None, "major")
    assert first.notes == {"zh": "首次发布。", "en": "First release."}
    descriptor = json.loads((project / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert (descriptor["version"], descriptor["created"]) == ("1.0.0", "2026-12-01T00:00:00Z")
    assert 'created: "2026-12-01T00:00:00Z"' in (project / "content" / "package.yaml").read_text(encoding="utf-8")

    edit(project, *CORRECTION)
    capsys.readouterr()
    assert run_release(project, "--date", "2026-12-02", "--notes-zh", "更正译文。", "--notes-en", "A translation corrected.") == 0
    out = capsys.readouterr().out
    assert "released 1.0.1 (2026-12-02) after 1.0.0: tasks: 1 changed" in out and "a patch release: tasks: 1 row corrected" in out
    second = store.get("1.0.1")
    assert second.previous == "1.0.0" and second.counts["tasks"] == {"added": 0, "removed": 0, "changed": 1}
    (change,) = [c for c in store.changes("1.0.1") if c.field == "title_en"]
    assert (change.key, change.old, change.new) == (
        "nm-elderly-meals-3",
        "Diversified funding mechanism",
        "A diversified funding mechanism",
    )
    assert actionplans.load(project / "datapackage").version == "1.0.1"
    assert store.dataset("1.0.0").task("nm-elderly-meals-3").title.en == "Diversified funding mechanism"
    assert store.dataset("1.0.1").task("nm-elderly-meals-3").title.en == "A diversified funding mechanism"


def test_nothing_changed_writes_nothing_and_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_release(project) == 0
    before = sorted(p.as_posix() for p in (project / "releases").rglob("*"))
    capsys.readouterr()
    assert run_release(project) == 0
    assert "nothing changed since release 1.0.0; no release written" in capsys.readouterr().out
    assert sorted(p.as_posix() for p in (project / "releases").rglob("*")) == before


def test_a_version_lower_than_the_change_needs_is_refused_with_the_reason(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_release(project)
    edit(project, "  - id: nm-elderly-meals-5\n", "  - id: nm-elderly-meals-five\n")  # a task's id: a row others point to removed
    capsys.readouterr()
    assert run_release(project, "--version", "1.1.0") == 1
    err = capsys.readouterr().err
    assert (
        "--version 1.1.0: a minor release, but the change needs a major one" in err
        and "removed that other rows pointed to" in err
    )
    assert "expected 2.0.0 or later" in err
    assert Store(project / "releases").versions() == ["1.0.0"]


def test_a_version_that_exists_or_is_not_later_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_release(project, "--version", "1.0.0")
    edit(project, *CORRECTION)
    capsys.readouterr()
    assert run_release(project, "--version", "1.0.0") == 1
    assert "release 1.0.0 exists already" in capsys.readouterr().err
    assert run_release(project, "--version", "0.9.0") == 1
    assert "not after the latest release 1.0.0" in capsys.readouterr().err
    assert run_release(project, "--version", "one") == 1
    assert "not a version; expected MAJOR.MINOR.PATCH" in capsys.readouterr().err


def test_notes_in_one_language_only_are_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_release(project, "--notes-en", "First release.") == 1
    assert "--notes-zh: missing; expected notes in both languages, or none" in capsys.readouterr().err
    assert not (project / "releases").exists()


def test_a_release_folder_edited_by_hand_is_detected(project: Path) -> None:
    run_release(project)
    edit(project, *CORRECTION)
    run_release(project)
    changes = project / "releases" / "1.0.1" / "changes.json"
    changes.write_text(changes.read_text(encoding="utf-8").replace("A diversified", "An edited"), encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"1\.0\.1/changes\.json: changed after the release was made"):
        Store(project / "releases").snapshot("1.0.1")
    # the same edit with release.json's checksum updated to match: the rebuilt table gives it away
    record_file = project / "releases" / "1.0.1" / "release.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    import hashlib

    record["files"]["changes.json"] = hashlib.sha256(changes.read_bytes()).hexdigest()
    record["sha256"] = record_digest(record)
    record_file.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"1\.0\.1/changes\.json: rebuilds tasks\.csv other than released"):
        Store(project / "releases").snapshot("1.0.1")


def test_build_and_check_fail_naming_the_edited_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_release(project)
    descriptor = project / "releases" / "1.0.0" / "datapackage.json"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace('"1.0.0"', '"1.0.0-edited"', 1), encoding="utf-8")
    assert main(["check", "--content", str(project / "content"), "--releases", str(project / "releases")]) == 1
    err = capsys.readouterr().err
    assert f"error: {descriptor}: changed after the release was made" in err and "restore the file from version control" in err
    assert (
        main(
            [
                "render",
                "--content",
                str(project / "content"),
                "--datapackage",
                str(project / "datapackage"),
                "--out",
                str(project / "build" / "docs"),
                "--releases",
                str(project / "releases"),
            ]
        )
        == 1
    )
    assert f"error: {descriptor}: changed after the release was made" in capsys.readouterr().err


def test_diff_of_releases_and_of_the_working_data(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_release(project)
    edit(project, *CORRECTION)
    args = ["--content", str(project / "content"), "--releases", str(project / "releases")]
    capsys.readouterr()
    assert main(["diff", "1.0.0", "working", *args]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1.0.0 → working: a patch change (tasks: 1 row corrected)",
        "  tasks: 1 changed; fields title_en",
    ]
    assert main(["diff", "1.0.0", "working", "--json", *args]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["old"] == "1.0.0" and document["tables"]["tasks"]["changed"][0]["key"] == ["nm-elderly-meals-3"]
    assert main(["diff", "1.0.0", "1.0.0", *args]) == 0
    assert capsys.readouterr().out.strip() == "1.0.0 → 1.0.0: no change"


def test_diff_of_an_unknown_version_names_the_versions_there_are(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_release(project)
    assert main(["diff", "1.0.0", "9.9.9", "--releases", str(project / "releases")]) == 1
    err = capsys.readouterr().err
    assert "no release 9.9.9; expected one of the releases there: 1.0.0" in err and "Traceback" not in err


#: Where ``release`` is killed, and whether release 1.0.1 is recorded by then: before the release
#: folder is renamed into place nothing is released; after it, the next run finishes the job.
KILL_POINTS = [
    (KillPoint("actionplans.release", "validate_package", "before"), False),  # the package checked
    (KillPoint("os", "rename", "before", ".1.0.1.tmp-"), False),  # the release folder staged whole
    (KillPoint("os", "rename", "after", ".1.0.1.tmp-"), True),  # recorded; package.yaml not stamped
    (KillPoint("actionplans.release", "_stamp", "after"), True),  # stamped; the data package not written
    (KillPoint("actionplans.files", "_swap_into_place", "before", ".datapackage.tmp-"), True),  # the data package staged
]


def _hidden(project: Path) -> list[str]:
    """What a killed run may leave behind: hidden staging folders and temporary files."""
    folders = (project, project / "releases", project / "content")
    return sorted(
        str(p)
        for folder in folders
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name.startswith(".") or p.name.endswith(".tmp")
    )


@pytest.mark.slow
@pytest.mark.parametrize(("point", "recorded"), KILL_POINTS, ids=[str(p) for p, _ in KILL_POINTS])
def test_a_killed_release_leaves_the_old_state_or_the_new(project: Path, point: KillPoint, recorded: bool) -> None:
    """Killed at any step, ``release`` leaves no half release: the store reads back whole with
    one release or two, and running it again finishes the job and leaves nothing behind."""
    run_release(project)
    edit(project, *CORRECTION)
    assert _hidden(project) == []
    args = ["release", "--content", "content", "--out", "datapackage", "--releases", "releases"]
    code, output = run_killed(point, args, project)
    assert code == -signal.SIGKILL, f"the release was not killed {point} (it returned {code}): {output}"
    versions = Store(project / "releases").versions()  # reads and checks every release
    assert versions == (["1.0.0", "1.0.1"] if recorded else ["1.0.0"])
    Store(project / "releases").snapshot(versions[-1])
    if recorded:
        assert not [p for p in (project / "releases").iterdir() if p.name.startswith(".")], (
            "a recorded release left its staging folder"
        )
    done = subprocess.run([sys.executable, "-m", "actionplans", *args], cwd=project, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    if recorded:  # the interrupted release is finished, not made again
        assert "datapackage: rewritten to match release 1.0.1 (an interrupted release had not written it)" in done.stdout, (
            done.stdout
        )
        assert "nothing changed since release 1.0.1; no release written" in done.stdout, done.stdout
    else:
        assert "released 1.0.1" in done.stdout and "after 1.0.0: tasks: 1 changed" in done.stdout, done.stdout
    assert Store(project / "releases").versions() == ["1.0.0", "1.0.1"]
    assert "version: 1.0.1" in (project / "content" / "package.yaml").read_text(encoding="utf-8")
    assert json.loads((project / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))["version"] == "1.0.1"
    assert actionplans.load(project / "datapackage").task("nm-elderly-meals-3").title.en == "A diversified funding mechanism"
    assert _hidden(project) == [], "the finished release left a staging folder or a temporary file behind"


# --- the Python API ----------------------------------------------------------------------------------
def test_releases_diff_and_load_from_python(project: Path) -> None:
    run_release(project, "--date", "2026-12-01")
    edit(project, *CORRECTION)
    run_release(project, "--date", "2026-12-02")
    releases = actionplans.releases(project / "releases")
    assert [(r.version, r.previous) for r in releases] == [("1.0.0", None), ("1.0.1", "1.0.0")]
    changes = actionplans.diff("1.0.0", "1.0.1", releases=project / "releases")
    assert list(changes) == [
        ("tasks", "change", "nm-elderly-meals-3", "title_en", "Diversified funding mechanism", "A diversified funding mechanism")
    ]
    frame = changes.to_pandas()
    assert list(frame.columns) == ["table", "op", "key", "field", "old", "new"] and len(frame) == 1
    assert frame.loc[0, "new"] == "A diversified funding mechanism"
    with pytest.raises(ReleaseError, match=r"no release 2\.0\.0; expected one of the releases there: 1\.0\.0, 1\.0\.1"):
        actionplans.diff("1.0.0", "2.0.0", releases=project / "releases")


def test_load_a_downloaded_release_zip_checked_against_its_checksums(project: Path, tmp_path: Path) -> None:
    import hashlib
    import io
    import zipfile

    from actionplans.archive import release_files
    from actionplans.store import read_zip

    def release_zip(store: Store, version: str, name: str) -> tuple[Path, bytes]:
        (download,) = [d for d in release_files(store, store.get(version)) if d.name == "datapackage.zip"]
        (tmp_path / name).write_bytes(download.data)
        return tmp_path / name, download.data

    # the repository's own first release, as its page offers it
    path, data = release_zip(Store(ROOT / "releases"), "1.0.0", "datapackage.zip")
    ds = actionplans.load(path, sha256=hashlib.sha256(data).hexdigest())
    assert ds.version == "1.0.0" and ds.version != actionplans.load().version
    with pytest.raises(DataPackageError, match="the file is not the one published"):
        actionplans.load(path, sha256="0" * 64)
    # another package that calls itself 1.0.0 is not the release 1.0.0 this package ships
    run_release(project)
    path, zip_data = release_zip(Store(project / "releases"), "1.0.0", "other.zip")
    with pytest.raises(DataPackageError, match=r"says it is release 1\.0\.0, but its descriptor differs"):
        actionplans.load(path)
    assert read_zip(path, releases=project / "releases").version == "1.0.0"

    def rezip(change: Any) -> Path:
        out = tmp_path / "edited.zip"
        with zipfile.ZipFile(io.BytesIO(zip_data)) as source, zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                target.writestr(info, change(info.filename, source.read(info)))
        return out

    edited = rezip(lambda name, data: data.replace(b"Diversified", b"Edited") if name.endswith("tasks.csv") else data)
    with pytest.raises(DataPackageError, match=r"tasks\.csv: its SHA-256 differs from the .* its descriptor states"):
        read_zip(edited, releases=project / "releases")
    retitled = rezip(
        lambda name, data: data.replace(b'"title": "', b'"title": "Edited ', 1) if name.endswith("datapackage.json") else data
    )
    with pytest.raises(DataPackageError, match=r"says it is release 1\.0\.0, but its descriptor differs"):
        read_zip(retitled, releases=project / "releases")


def test_load_a_bundled_version_and_unknown_versions() -> None:
    releases = actionplans.releases()
    assert releases, "the repository ships its releases"
    current = actionplans.load()
    assert releases[-1].version == current.version
    assert actionplans.load(version=releases[0].version).version == releases[0].version
    with pytest.raises(ReleaseError, match="expected one of the releases there"):
        actionplans.load(version="99.0.0")
    assert ROOT.joinpath("releases", current.version, "release.json").is_file()
