"""What makes the live preview quick, each checked against doing the whole work: the pages that
show the downloads, the plans' files kept between edits, a Pagefind run stopped by a newer edit,
and a template change rebuilding every page."""

from __future__ import annotations

import copy
import dataclasses
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from actionplans.downloads import Subsets, build_time, download_files, make_downloads, plan_subsets, table_rows
from actionplans.pages import SHOW_DOWNLOADS, Renderer, RenderOptions, render_pages
from actionplans.search import Pagefind, find_pagefind
from actionplans.serve import Preview
from actionplans.site import Layout

from .conftest import CONTENT, DATAPACKAGE, ROOT, copy_project

TEMPLATES = ROOT / "site_templates"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_only_the_pages_of_show_downloads_change_with_the_downloads(dataset, tmp_path) -> None:
    options = RenderOptions(TEMPLATES, CONTENT)
    made = make_downloads(DATAPACKAGE, dataset)
    other = [dataclasses.replace(d, source=d.data + b"\n") for d in made]  # every file one byte longer
    render_pages(dataset, made, tmp_path / "a", options)
    render_pages(dataset, other, tmp_path / "b", options)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    differing = {name for name in a if a[name] != b[name]}
    template = {job.path: job.template for job in Renderer(dataset, made, options).jobs()}
    changed_templates = {template[name.rsplit(".", 2)[0]] for name in differing}
    assert changed_templates <= SHOW_DOWNLOADS
    assert {"data.md.j2", "plan.md.j2"} <= changed_templates
    # rendering those templates alone brings the first folder to what a whole render gives
    done = render_pages(dataset, other, tmp_path / "a", options, only=lambda job: job.template in SHOW_DOWNLOADS)
    assert done.written == len(differing) and _tree(tmp_path / "a") == b


def test_a_plan_s_files_are_made_again_only_when_its_rows_change(dataset) -> None:
    rows = table_rows(dataset)
    when = build_time(dataset.meta.created)
    plan_id, subset = next(iter(plan_subsets(rows).items()))
    kept = Subsets()
    first = kept.files(plan_id, subset, when)
    assert kept.files(plan_id, copy.deepcopy(subset), when) is first  # same rows: the same files
    edited = copy.deepcopy(subset)
    edited["plans"][0]["title_en"] += " (edited)"
    again = kept.files(plan_id, edited, when)
    assert again is not first and again == Subsets().files(plan_id, edited, when)
    # a whole set of downloads made with kept files is the set made from nothing
    assert dict(download_files(DATAPACKAGE, dataset, subsets=kept)) == dict(download_files(DATAPACKAGE, dataset))


def _children() -> set[int]:
    path = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
    return {int(p) for p in open(path).read().split()} if os.path.exists(path) else set()


def test_a_stopped_pagefind_run_ends_at_once_and_leaves_no_process(tmp_path) -> None:
    binary = tmp_path / "pagefind"
    binary.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    before = _children()
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    assert Pagefind(binary).index(site, site / "pagefind", stop=stop) is False
    assert time.monotonic() - started < 5
    assert _children() <= before


@pytest.mark.slow
def test_a_template_change_rebuilds_every_page_and_an_edit_only_its_own(tmp_path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    preview = Preview(Layout(root=project), site, "127.0.0.1:8000", find_pagefind(ROOT))
    try:
        preview.build()
        pages = sorted(site.rglob("index.html"))
        assert len(pages) > 200
        # a content edit: MkDocs builds only the pages whose Markdown changed
        untouched = {p: p.stat().st_mtime_ns for p in pages}
        plan = project / "content" / "plans" / "nx-children-care.yaml"
        old = "Implement the Guardianship Quality Improvement Action."
        plan.write_text(plan.read_text(encoding="utf-8").replace(old, "Edited.", 1), encoding="utf-8")
        preview.build()
        rebuilt = {p for p in pages if p.stat().st_mtime_ns != untouched[p]}
        assert site / "en" / "tasks" / "nx-children-care-2" / "index.html" in rebuilt
        assert "Edited." in (site / "en" / "tasks" / "nx-children-care-2" / "index.html").read_text(encoding="utf-8")
        assert len(rebuilt) < len(pages) / 4
        # a theme template: no page's Markdown changes, and every page is built again
        main = project / "site_templates" / "overrides" / "main.html"
        text = main.read_text(encoding="utf-8")
        main.write_text(
            text.replace("{% block extrahead %}", "{% block extrahead %}<!-- template-marker -->", 1), encoding="utf-8"
        )
        preview.build()
        assert all("template-marker" in p.read_text(encoding="utf-8") for p in pages if "review" not in p.relative_to(site).parts)
    finally:
        preview.close()


def _dataset(content: Path):
    from actionplans import load
    from actionplans.content import load_content
    from actionplans.datapackage import build_files

    return load(build_files(load_content(content)))


def test_an_edit_of_one_plan_renders_its_own_pages_and_the_shared_ones_first(tmp_path) -> None:
    project = copy_project(tmp_path / "project")
    content = project / "content"
    preview = Preview(Layout(root=project), tmp_path / "site", "127.0.0.1:8000", find_pagefind(ROOT))
    dataset = _dataset(content)
    assert preview._scope(dataset, frozenset(), "templates") is None  # the first build renders every page
    plan = content / "plans" / "nx-children-care.yaml"
    old = "Implement the Guardianship Quality Improvement Action."
    plan.write_text(plan.read_text(encoding="utf-8").replace(old, "Edited.", 1), encoding="utf-8")
    dataset = _dataset(content)
    scope = preview._scope(dataset, frozenset(), "templates")
    assert scope is not None
    jobs = Renderer(dataset, [], RenderOptions(project / "site_templates", content)).jobs()
    taken = {job.path for job in jobs if scope(job)}
    assert {"tasks/nx-children-care-2", "plans/nx-children-care", "sources/seed-page", "data", "index"} <= taken
    others = [p for p in dataset.plans.values() if p.source_id != "seed-page"]
    assert others and not any(f"plans/{p.id}" in taken or any(f"tasks/{t.id}" in taken for t in p.tasks) for p in others)
    # a template edit renders every page, and so does an edit beside the plans' files (the
    # glossary, read by every page)
    assert preview._scope(dataset, frozenset(), "edited templates") is None
    assert preview._scope(dataset, frozenset(), "edited templates") is not None
    glossary = content / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert preview._scope(_dataset(content), frozenset(), "edited templates") is None
