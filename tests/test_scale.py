"""A site large enough to page its lists (a synthetic corpus of 1,200 tasks in 120 plans): every
task reachable from its facet's pages, every plan from the plans index, pager links in both
languages, pages within the budget, and the paged page kinds clean for axe and the Nu checker."""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from actionplans.pages import FACETS, PAGE_SIZE

from .conftest import ROOT
from .test_accessibility import _vnu

pytestmark = pytest.mark.slow
TASKS = 1200
#: No HTML page may be larger (the budget BENCHMARKS.md measures at 10,000 tasks).
PAGE_BUDGET = 100 * 1024
_LINK = re.compile(r'<a href="([^"#]+)"')


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> tuple[Path, object]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import write_corpus

    from actionplans import load

    project = write_corpus(tmp_path_factory.mktemp("scale") / "project", TASKS)
    result = subprocess.run(
        [sys.executable, "-m", "actionplans", "build"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site", load(project / "datapackage")


def _read(site: Path, folder: str) -> str:
    return (site / folder / "index.html").read_text(encoding="utf-8")


def _follow(site: Path, folder: str) -> list[str]:
    """The folders of a list's pages, from its first page along its "next" links."""
    pages = [folder]
    while True:
        found = re.search(r'<a rel="next" href="([^"]+)"', _read(site, pages[-1]))
        if found is None:
            return pages
        pages.append(_normal(f"{pages[-1]}/{found.group(1)}"))


def _normal(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def _linked(site: Path, folder: str, prefix: str) -> set[str]:
    """The ids of the pages right under ``prefix`` (tasks/, en/plans/) that the page links to."""
    ids = set()
    for href in _LINK.findall(_read(site, folder)):
        target = _normal(f"{folder}/{href}")
        if target.startswith(prefix) and "/" not in target[len(prefix) :]:
            ids.add(target[len(prefix) :])
    return ids


@pytest.mark.parametrize("home", ["", "en/"])
def test_every_task_is_reachable_from_its_facet_pages(large, home) -> None:
    site, dataset = large
    paged = 0
    facet = {"themes": "theme", "groups": "group", "regions": "region", "actors": "actor"}
    for kind in FACETS:
        for concept in getattr(dataset, kind):
            expected = {t.id for t in dataset.tasks(**{facet[kind]: concept})}
            pages = _follow(site, f"{home}{kind}/{concept}")
            assert len(pages) == max(1, -(-len(expected) // PAGE_SIZE)), (kind, concept)
            seen: set[str] = set()
            for number, folder in enumerate(pages, start=1):
                if number > 1:
                    assert folder == f"{home}{kind}/{concept}/page/{number}"
                tasks = _linked(site, folder, f"{home}tasks/")
                assert not tasks & seen, folder  # a task is listed on one page only
                seen |= tasks
            assert seen == expected, (kind, concept)
            paged += len(pages) > 1
    assert paged >= 3  # the corpus is large enough that several facets page


def test_the_plans_index_pages_reach_every_plan_and_say_how_many(large) -> None:
    site, dataset = large
    for home, phrase in (("", f"共 {len(dataset.plans)} 份方案"), ("en/", f"of {len(dataset.plans)}.")):
        pages = _follow(site, f"{home}plans")
        assert len(pages) == -(-len(dataset.plans) // PAGE_SIZE) >= 2
        seen: set[str] = set()
        prefix = "en/plans/" if home else "plans/"
        for folder in pages:
            html = _read(site, folder)
            assert phrase in html
            seen |= {p for p in _linked(site, folder, prefix) if p not in ("page", "timeline")}
        assert seen == set(dataset.plans)


def test_pager_links_are_labelled_in_the_page_language(large) -> None:
    site, dataset = large
    concept = next(c for c in dataset.themes if len(dataset.tasks(theme=c)) > PAGE_SIZE)
    total = len(dataset.tasks(theme=concept))
    zh, en = _read(site, f"themes/{concept}/page/2"), _read(site, f"en/themes/{concept}/page/2")
    assert 'aria-label="分页"' in zh and "上一页" in zh and 'aria-current="page"' in zh
    assert 'aria-label="Pages"' in en and "Previous page" in en and f"of {total}." in en
    assert f"（{total} 项）" in _read(site, f"themes/{concept}") and f"Matching tasks ({total})" in _read(
        site, f"en/themes/{concept}"
    )
    assert '<a rel="prev" href="../../">' in zh  # page 2 goes back to the list's own address


def test_no_page_is_over_the_budget(large) -> None:
    site, dataset = large
    for folder in ("", "data", "en", "en/data"):  # their JSON-LD links the sources' table, not every source
        html = _read(site, folder)
        assert f'"isBasedOn": {{"@type": "Dataset", "name": "sources ({len(dataset.sources)})"' in html, folder
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    over = {page: size for page, size in sizes.items() if size > PAGE_BUDGET}
    assert not over, over
    assert len(sizes) > 2 * TASKS


@pytest.mark.browser
def test_paged_pages_are_clean_for_axe_and_the_nu_checker(large, chrome) -> None:
    from axe_playwright_python.sync_playwright import Axe

    site, dataset = large
    concept = next(c for c in dataset.themes if len(dataset.tasks(theme=c)) > PAGE_SIZE)
    kinds = [f"themes/{concept}/page/2/", "plans/page/2/", f"themes/{concept}/", "plans/"]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = chrome.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        for url in kinds + ["en/" + k for k in kinds]:
            tab.goto(base + url)
            results = Axe().run(tab)
            assert results.violations_count == 0, (url, results.generate_report()[:3000])
    finally:
        context.close()
        server.shutdown()
    command = _vnu()
    if command is None:
        pytest.fail("the W3C Nu HTML Checker is not installed: set VNU_JAR to vnu.jar (npm install vnu-jar) and install Java")
    files = [str(site / k / "index.html") for k in kinds] + [str(site / "en" / k / "index.html") for k in kinds]
    result = subprocess.run([*command, "--format", "json", *files], capture_output=True, text=True, check=False)
    errors = [
        m for m in json.loads(result.stderr)["messages"] if m["type"] == "error" or m.get("subType") in ("fatal", "warning")
    ]
    assert not errors, json.dumps(errors[:10], ensure_ascii=False, indent=1)
