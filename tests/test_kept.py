"""What a build keeps for the next one, and when it stops trusting it: the record that the
content and the data package were found current, the current downloads, the compiled templates."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from actionplans import load, site
from actionplans.content import load_content
from actionplans.kept import MANIFEST, kept_or_made
from actionplans.site import Layout, ensure_package, render, render_options

from .conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Layout:
    for name in ("content", "datapackage"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return Layout(root=tmp_path, templates=ROOT / "site_templates")


def _count_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []

    def counting(root: Path, **options: object) -> object:
        calls.append(root)
        return load_content(root, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(site, "load_content", counting)
    return calls


def test_the_content_is_checked_again_whenever_it_or_the_package_changed(
    project: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = _count_loads(monkeypatch)
    assert ensure_package(project) is False and len(loads) == 1  # checked, found current, recorded
    assert ensure_package(project) is False and len(loads) == 1  # nothing changed: not read again

    plan = project.at(project.content) / "plans" / "nm-elderly-meals.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("Diversified funding mechanism", "A diversified funding mechanism"),
        encoding="utf-8",
    )
    assert ensure_package(project) is True and len(loads) == 2  # an edit: checked, and the package rewritten
    assert load(project.at(project.datapackage)).task("nm-elderly-meals-3").title.en == "A diversified funding mechanism"

    tasks = project.at(project.datapackage) / "tasks.csv"
    tasks.write_bytes(tasks.read_bytes().replace(b"A diversified", b"B diversified"))  # the package damaged, same size
    assert ensure_package(project) is True and len(loads) == 3
    assert load(project.at(project.datapackage)).task("nm-elderly-meals-3").title.en == "A diversified funding mechanism"


def test_a_content_error_is_reported_even_after_a_good_build(project: Layout) -> None:
    from actionplans.errors import ContentError

    assert ensure_package(project) is False
    plan = project.at(project.content) / "plans" / "nm-elderly-meals.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("    value: 5150500\n", "    value: 5150501\n"), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        ensure_package(project)
    assert [p.code for p in raised.value.problems] == ["value-not-in-quote"], raised.value.problems


def test_kept_downloads_are_taken_only_while_every_file_holds(project: Layout, tmp_path: Path) -> None:
    dataset = load(project.at(project.datapackage))
    package = project.at(project.datapackage)
    options = render_options(project, dataset, "", texts={})
    made, _ = render(project, dataset, package, options)
    cache = project.at(project.downloads_cache)
    assert (cache / MANIFEST).is_file()
    again, _ = render(project, dataset, package, options)
    assert all(isinstance(d.source, Path) for d in again if d.path.startswith("downloads/"))  # taken from the cache
    assert [(d.path, d.sha256, d.size) for d in again] == [(d.path, d.sha256, d.size) for d in made]

    workbook = cache / "actionplans.xlsx"
    damaged = bytearray(workbook.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # the same size, other bytes
    workbook.write_bytes(bytes(damaged))
    remade, _ = render(project, dataset, package, options)
    xlsx = next(d for d in remade if d.path == "downloads/actionplans.xlsx")
    assert isinstance(xlsx.source, bytes) and hashlib.sha256(xlsx.data).hexdigest() == next(
        d.sha256 for d in made if d.path == xlsx.path
    )


def test_kept_files_are_made_again_for_other_inputs(tmp_path: Path) -> None:
    from actionplans.downloads import Download

    made: list[str] = []

    def make(text: str) -> list[Download]:
        made.append(text)
        return [Download("downloads/a.txt", "TXT", "甲", "A", text.encode())]

    assert kept_or_made(tmp_path / "k", "downloads/", {"input": 1}, lambda: make("one"))[0].data == b"one"
    assert kept_or_made(tmp_path / "k", "downloads/", {"input": 1}, lambda: make("two"))[0].data == b"one"
    assert kept_or_made(tmp_path / "k", "downloads/", {"input": 2}, lambda: make("two"))[0].data == b"two"
    assert made == ["one", "two"]
    assert kept_or_made(None, "downloads/", {"input": 2}, lambda: make("three"))[0].data == b"three"
