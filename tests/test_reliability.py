"""Whatever comes in, the tool answers cleanly, and published output is never half-written."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actionplans.content import load_content
from actionplans.errors import ContentError, DataPackageError
from actionplans.model import Dataset

from .conftest import CONTENT, ROOT, copy_project
from .killpoints import KillPoint, run_killed

PLAN = "plans/nx-children-care.yaml"


def _load(root: Path) -> Dataset | ContentError:
    """The model of ``root``, or the ContentError it gives; every problem of a ContentError is
    placed in a file of ``root``, with a code and a message. Anything else raised fails the test."""
    try:
        result = load_content(root)
    except ContentError as error:
        assert error.problems, "a ContentError must list its problems"
        for problem in error.problems:
            assert Path(problem.location.path).resolve().is_relative_to(root.resolve()), problem
            assert problem.code and problem.message, problem
        return error
    assert isinstance(result, Dataset)
    return result


def _outcome(root: Path) -> str:
    """ "model" or "errors" (see ``_load``)."""
    return "errors" if isinstance(_load(root), ContentError) else "model"


@pytest.fixture(scope="module")
def scratch():
    folder = Path(tempfile.mkdtemp(prefix="ap-prop-"))
    shutil.copytree(CONTENT, folder / "content")
    yield folder / "content"
    shutil.rmtree(folder, ignore_errors=True)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(text=st.text(max_size=400))
def test_any_text_as_a_plan_file_gives_a_model_or_errors(scratch, text) -> None:
    path = scratch / PLAN
    original = (CONTENT / PLAN).read_bytes()
    try:
        path.write_text(text, encoding="utf-8")
        assert _outcome(scratch) == "errors"
    finally:
        path.write_bytes(original)


@PROPERTY
@given(data=st.binary(max_size=300))
def test_any_bytes_as_a_vocabulary_give_a_model_or_errors(scratch, dataset, data) -> None:
    """Errors, always: the plans use more units than 300 bytes can define (each with an id, a
    label and a description in both languages), so no such file makes the content valid."""
    path = scratch / "vocabularies" / "units.yaml"
    original = (CONTENT / "vocabularies" / "units.yaml").read_bytes()
    assert len(original) > 300 and len({f.unit_id for plan in dataset.plans.values() for f in plan.figures}) >= 10
    try:
        path.write_bytes(data)
        assert _outcome(scratch) == "errors"
    finally:
        path.write_bytes(original)


_TEXT = (CONTENT / PLAN).read_text(encoding="utf-8")


@PROPERTY
@given(cut=st.integers(0, 10_000), length=st.integers(0, 200), insert=st.text(max_size=30))
@example(cut=0, length=0, insert="")  # no edit: the model as before
@example(cut=_TEXT.index("\ntasks:") + 7, length=0, insert=" [")  # YAML cannot read it: errors
@example(cut=_TEXT.index("Quality Improvement Action") + 8, length=12, insert="")  # English shortened, as the rules allow
@example(
    cut=_TEXT.index("children in difficult situations"), length=9, insert=""
)  # a glossary term's rendering cut, which they do not
def test_any_edit_of_a_real_plan_gives_a_model_or_errors(scratch, dataset, cut, length, insert) -> None:
    """Where the edit decides, the outcome it must give: a file that says what it said before
    loads as before, and a file YAML cannot read is an error of that file. Otherwise (most often
    English text changed) the content's rules decide, and whichever outcome comes is the file's
    own: errors name the edited file, or the model holds the edited plan and the rest unchanged."""
    path = scratch / PLAN
    original = (CONTENT / PLAN).read_text(encoding="utf-8")
    cut = cut % (len(original) + 1)
    edited = original[:cut] + insert + original[cut + length :]
    try:
        data = yaml.safe_load(edited)
        readable = True
    except yaml.YAMLError:
        readable = False
    try:
        path.write_text(edited, encoding="utf-8")
        result = _load(scratch)
    finally:
        path.write_text(original, encoding="utf-8")
    plan_id = Path(PLAN).stem
    if edited == original:
        assert result == dataset, "the unedited content loads other than it does from content/"
    elif not readable:
        assert isinstance(result, ContentError), "a plan file YAML cannot read was loaded"
    if isinstance(result, ContentError):
        assert any(Path(p.location.path).resolve() == path.resolve() for p in result.problems), result.report()
    else:
        assert data == yaml.safe_load(original) or result != dataset, "a changed plan loaded as the plan before the change"
        assert {k: v for k, v in result.plans.items() if k != plan_id} == {k: v for k, v in dataset.plans.items() if k != plan_id}


# --- atomic outputs -----------------------------------------------------------------------------
def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _changed_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    plan = content / PLAN
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("Guardianship Quality Improvement Action", "Guardianship Quality Action", 1),
        encoding="utf-8",
    )
    return content


@pytest.mark.parametrize("point", ["write", "validate", "swap"])
def test_package_interrupted_leaves_the_old_version(dataset, tmp_path, monkeypatch, point) -> None:
    from actionplans import datapackage, files

    out = tmp_path / "datapackage"
    datapackage.write_package(dataset, out)
    before = _snapshot(out)
    changed = load_content(_changed_content(tmp_path))

    def boom(*args, **kwargs):
        raise KeyboardInterrupt(point)

    if point == "write":
        calls = {"n": 0}
        real = Path.write_bytes

        def write_some(self, data):
            calls["n"] += 1
            if calls["n"] == 5:
                raise KeyboardInterrupt(point)
            return real(self, data)

        monkeypatch.setattr(Path, "write_bytes", write_some)
    elif point == "validate":
        monkeypatch.setattr(datapackage, "validate_package", boom)
    else:
        monkeypatch.setattr(files, "_swap_into_place", boom)
    with pytest.raises(KeyboardInterrupt):
        datapackage.write_package(changed, out)
    monkeypatch.undo()
    assert _snapshot(out) == before
    datapackage.write_package(changed, out)  # the next run clears leftovers and succeeds
    assert _snapshot(out) != before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".datapackage.")]


def _exchange_supported(folder: Path) -> bool:
    """Whether the file system of ``folder`` swaps two folders in one step (renameat2)."""
    from actionplans.files import _exchange

    a, b = Path(tempfile.mkdtemp(dir=folder)), Path(tempfile.mkdtemp(dir=folder))
    try:
        return _exchange(a, b)
    finally:
        shutil.rmtree(a)
        shutil.rmtree(b)


def _hidden(folder: Path) -> list[str]:
    """The staging folders a killed run may leave beside its output (``.name.tmp-*``, ``.name.old-*``)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


#: Where ``package`` is killed, and whether the new data package is in place by then.
PACKAGE_KILLS = [
    (KillPoint("actionplans.datapackage", "validate_package", "before"), False),  # written in memory only
    (KillPoint("actionplans.files", "_swap_into_place", "before", ".datapackage.tmp-"), False),  # staged whole
    (KillPoint("actionplans.files", "_exchange", "after", ".datapackage.tmp-"), True),  # swapped; the old one not yet removed
    (KillPoint("actionplans.files", "_swap_into_place", "after", ".datapackage.tmp-"), True),  # done, but for the exit
]


@pytest.mark.slow
@pytest.mark.parametrize(("point", "swapped"), PACKAGE_KILLS, ids=[str(p) for p, _ in PACKAGE_KILLS])
def test_package_killed_at_any_step_is_old_or_new(tmp_path, point: KillPoint, swapped: bool) -> None:
    """Killed at each step of writing it, ``package`` leaves the old data package or the new one
    whole, never a mix; run again, it writes the new one and leaves no staging folder."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(CONTENT, project / "content")
    out = project / "datapackage"
    command = [sys.executable, "-m", "actionplans", "package"]
    subprocess.run(command, cwd=project, check=True, capture_output=True)
    old = _snapshot(out)
    shutil.rmtree(project / "content")
    shutil.copytree(_changed_content(tmp_path), project / "content")
    subprocess.run([*command, "--out", str(tmp_path / "new")], cwd=project, check=True, capture_output=True)
    new = _snapshot(tmp_path / "new")
    assert new != old
    if point.name == "_exchange" and not _exchange_supported(project):
        pytest.skip("no atomic exchange on this file system")
    code, output = run_killed(point, ["package"], project)
    assert code == -signal.SIGKILL, f"package was not killed {point} (it returned {code}): {output}"
    assert _snapshot(out) == (new if swapped else old), (
        f"killed {point}: expected the {'new' if swapped else 'old'} data package whole"
    )
    again = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _snapshot(out) == new
    assert _hidden(project) == [], "a staging folder was left behind"


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["run_mkdocs", "write_files"])
def test_build_failure_leaves_the_old_site(tmp_path, monkeypatch, stage) -> None:
    from actionplans import site as site_module
    from actionplans.site import Layout, SiteError, build_site

    layout = Layout(
        root=ROOT, datapackage=tmp_path / "datapackage", docs=tmp_path / "docs", site=tmp_path / "site", cache=tmp_path / "cache"
    )
    build_site(layout)
    before = _snapshot(tmp_path / "site")

    def boom(*args, **kwargs):
        raise SiteError(f"interrupted in {stage}")

    monkeypatch.setattr(site_module, stage, boom)
    with pytest.raises(SiteError):
        build_site(layout)
    assert _snapshot(tmp_path / "site") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


#: Where ``build`` is killed, and whether the new site is in place by then.
BUILD_KILLS = [
    (KillPoint("actionplans.site", "run_mkdocs", "before"), False),  # the data package rewritten, the pages rendered
    (KillPoint("actionplans.site", "write_files", "before"), False),  # the new site half made, in its staging folder
    (KillPoint("actionplans.files", "_swap_into_place", "before", ".site.tmp-"), False),  # the new site staged whole
    (KillPoint("actionplans.files", "_exchange", "after", ".site.tmp-"), True),  # swapped; the old site not yet removed
    (KillPoint("actionplans.files", "_swap_into_place", "after", ".site.tmp-"), True),  # done, but for the exit
]
#: Builds made at a fixed time, so two builds of the same content are byte-identical.
_BUILD_ENV = dict(os.environ, SOURCE_DATE_EPOCH="1717200000", NO_MKDOCS_2_WARNING="1")


@pytest.fixture(scope="module")
def built_twice(tmp_path_factory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A project whose site is built from its content, the content then edited; the old site's
    snapshot and that of the site the edited content builds."""
    root = tmp_path_factory.mktemp("killed-build")
    command = [sys.executable, "-m", "actionplans", "build"]
    project = copy_project(root / "project")
    subprocess.run(command, cwd=project, check=True, capture_output=True, env=_BUILD_ENV)
    old = _snapshot(project / "site")
    plan = project / "content" / PLAN
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("Guardianship Quality Improvement Action", "Guardianship Quality Action", 1),
        encoding="utf-8",
    )
    reference = root / "reference"
    shutil.copytree(project, reference)
    subprocess.run(command, cwd=reference, check=True, capture_output=True, env=_BUILD_ENV)
    new = _snapshot(reference / "site")
    assert new != old
    return project, old, new


@pytest.mark.slow
@pytest.mark.parametrize(("point", "swapped"), BUILD_KILLS, ids=[str(p) for p, _ in BUILD_KILLS])
def test_build_killed_at_any_step_leaves_the_old_site_or_the_new(built_twice, tmp_path, point: KillPoint, swapped: bool) -> None:
    """Killed at each step, ``build`` leaves the old site or the complete new one (nothing
    half-written), and run again it builds the new site and leaves no staging folder."""
    template, old, new = built_twice
    project = shutil.copytree(template, tmp_path / "project")
    if point.name == "_exchange" and not _exchange_supported(project):
        pytest.skip("no atomic exchange on this file system")
    code, output = run_killed(point, ["build"], project, env=_BUILD_ENV)
    assert code == -signal.SIGKILL, f"the build was not killed {point} (it returned {code}): {output}"
    state = _snapshot(project / "site")
    assert state == (new if swapped else old), f"killed {point}: expected the {'new' if swapped else 'old'} site whole"
    again = subprocess.run(
        [sys.executable, "-m", "actionplans", "build"], cwd=project, capture_output=True, text=True, check=False, env=_BUILD_ENV
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert _snapshot(project / "site") == new, "the build run again did not make the new site"
    assert _hidden(project) == [], "a staging folder was left behind"


def test_corrupt_package_is_reported_not_crashed(tmp_path) -> None:
    shutil.copytree(ROOT / "datapackage", tmp_path / "dp")
    (tmp_path / "dp" / "plans.csv").write_bytes(b"\xff\xfe garbage")
    with pytest.raises(DataPackageError):
        from actionplans import load

        load(tmp_path / "dp")


@pytest.mark.slow
def test_two_builds_are_byte_identical_and_honour_source_date_epoch(tmp_path, monkeypatch) -> None:
    """Documented exception: without SOURCE_DATE_EPOCH, sitemap.xml(.gz) carry the build date."""
    import zipfile

    from actionplans.site import Layout, build_site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")  # 2024-06-01
    monkeypatch.setenv("SITE_URL", "https://example.org/actionplans/")
    snapshots = []
    for name in ("a", "b"):
        build_site(
            Layout(
                root=ROOT,
                datapackage=tmp_path / name / "datapackage",
                docs=tmp_path / name / "docs",
                site=tmp_path / name / "site",
                cache=tmp_path / name / "cache",
            )
        )
        snapshots.append(_snapshot(tmp_path / name / "site"))
    assert snapshots[0] == snapshots[1]
    site = tmp_path / "a" / "site"
    assert "<lastmod>2024-06-01</lastmod>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    with zipfile.ZipFile(site / "downloads" / "datapackage.zip") as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2024, 6, 1)}


# --- no process is left behind -------------------------------------------------------------------
def _run_alone(command: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in a process group of its own, capturing its output as CI does; fail if it
    does not return, or if any process of its group outlives it."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True, **kwargs
    )
    try:
        output, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("the command did not return (a process kept its output open)") from None
    _assert_group_gone(process.pid)
    return subprocess.CompletedProcess(command, process.returncode, output, "")


def _assert_group_gone(group: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(group, signal.SIGKILL)
    raise AssertionError("processes of the command were still running after it exited")


@pytest.mark.parametrize("verb", [["check"], ["package"], ["package", "--check"]])
def test_no_process_is_left_behind_on_bad_content(tmp_path, verb) -> None:
    """A new user's first mistake: an id that is a path. The command reports it, exits 1, and
    returns to a caller that captures its output (every worker is gone)."""
    project = tmp_path / "project"
    shutil.copytree(CONTENT, project / "content")
    plan = project / "content" / PLAN
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("- id: nx-children-care-3\n", "- id: ../../escape\n", 1), encoding="utf-8"
    )
    result = _run_alone([sys.executable, "-m", "actionplans", *verb], project)
    assert result.returncode == 1, result.stdout
    assert "tasks[2].id: '../../escape' is not a valid id" in result.stdout and "[invalid-id]" in result.stdout
    assert "Traceback" not in result.stdout


def test_no_process_is_left_behind_on_success(tmp_path) -> None:
    project = tmp_path / "project"
    shutil.copytree(CONTENT, project / "content")
    result = _run_alone([sys.executable, "-m", "actionplans", "package"], project)
    assert result.returncode == 0, result.stdout
    assert (project / "datapackage" / "datapackage.json").is_file()


@pytest.fixture(scope="module")
def large_project(tmp_path_factory) -> Path:
    """A synthetic corpus large enough that a signal arrives while workers are running."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import write_corpus

    project = write_corpus(tmp_path_factory.mktemp("large") / "project", 3000)
    subprocess.run([sys.executable, "-m", "actionplans", "package"], cwd=project, check=True, capture_output=True)
    return project


@pytest.mark.slow
@pytest.mark.parametrize(("how", "code", "word"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")])
def test_ctrl_c_and_sigterm_stop_every_process_and_keep_the_old_package(large_project, how, code, word) -> None:
    out = large_project / "datapackage"
    before = _snapshot(out)
    plan = next((large_project / "content" / "plans").glob("*.yaml"))
    original = plan.read_text(encoding="utf-8")
    plan.write_text(original.replace("Synthetic action plan", "Synthetic plan, changed", 1), encoding="utf-8")
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "actionplans", "package"],
            cwd=large_project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        workers = _wait_for_children(process.pid)
        assert workers, "the package command never started worker processes"
        if how == "SIGINT":
            os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: to the whole group
        else:
            os.kill(process.pid, signal.SIGTERM)  # what a supervisor sends: to the command alone
        output, _ = process.communicate(timeout=60)
        _assert_group_gone(process.pid)
    finally:
        plan.write_text(original, encoding="utf-8")
    assert process.returncode == code, output
    assert output.strip().splitlines()[-1] == word and "Traceback" not in output, output
    assert _snapshot(out) == before
    assert not [p for p in large_project.iterdir() if p.name.startswith(".datapackage.")]


def _wait_for_children(pid: int, seconds: float = 30) -> list[int]:
    """The ids of ``pid``'s child processes, once it has some."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        found = [int(c) for c in children.read_text().split()] if children.exists() else []
        if found:
            return found
        time.sleep(0.02)
    return []
