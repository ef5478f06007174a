"""The site's search (Pagefind): one index per language, what it holds, and what readers find
with it in a real browser, by the dialog and by keyboard alone."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from actionplans import search
from actionplans.search import NPM_BINARY, Early, Pagefind, SearchError, find_pagefind

from .conftest import ROOT

pytestmark = pytest.mark.slow
ZWSP = "\u200b"  # Pagefind marks the word breaks it found in Chinese with zero-width spaces
HAN = re.compile(r"[\u4e00-\u9fff]")


def fragments(bundle: Path) -> dict[str, dict]:
    """Each indexed page's fragment (what Pagefind stores about it), by URL."""
    found = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        found[fragment["url"]] = fragment
    return found


def pages_of(folder: Path, skip: tuple[str, ...] = ()) -> set[str]:
    """The URLs of the pages under ``folder`` (as Pagefind names them), without 404 pages."""
    urls = set()
    for page in folder.rglob("index.html"):
        parts = page.relative_to(folder).parts
        if parts[0] in skip or parts[0].startswith("pagefind"):
            continue
        urls.add("/" + "".join(p + "/" for p in parts[:-1]))
    return urls


def test_each_language_has_its_own_index_of_every_page(site) -> None:
    assert not (site / "search").exists()  # no lunr index any more
    for bundle, language, pages in (
        (site / "pagefind", "zh", pages_of(site, skip=("en",))),
        (site / "en" / "pagefind", "en", pages_of(site / "en")),
    ):
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["version"].startswith("1.6") and list(entry["languages"]) == [language]
        assert set(fragments(bundle)) == pages
    assert sorted(p.name for p in (site / "en").iterdir() if p.name.startswith("pagefind")) == ["pagefind"]


def test_the_index_holds_what_a_task_says_not_the_page_furniture(site, dataset) -> None:
    """Breadcrumbs, pagers, sources, citations and facet lists would make every task match the
    words of its neighbours and its plan; they are left out, the task's own words kept."""
    task = dataset.task("sunshine-volunteers-2")
    following = task.next
    assert following is not None and following.title.zh not in task.text.zh
    zh = fragments(site / "pagefind")["/tasks/sunshine-volunteers-2/"]
    text = zh["content"].replace(ZWSP, "")
    assert task.text.zh[:20] in text and task.text.en[:20] in text
    assert "阳光暖" not in text and following.title.zh not in text  # breadcrumb, pager
    anchors = {a["id"] for a in zh["anchors"]}
    assert {"original", "translation"} <= anchors and not {"source", "cite", "facets", "history"} & anchors
    assert zh["meta"]["title"] == task.title.zh
    en = fragments(site / "en" / "pagefind")["/tasks/sunshine-volunteers-2/"]
    assert task.text.en[:20] in en["content"] and en["meta"]["title"] == task.title.en
    assert not HAN.search(en["content"])  # the Chinese original is searched in the Chinese index
    facet = fragments(site / "pagefind")["/themes/meal-assistance/"]
    assert not [t for t in dataset.tasks(theme="meal-assistance") if t.title.zh in facet["content"].replace(ZWSP, "")]


def test_a_missing_or_old_pagefind_is_named(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PAGEFIND_BINARY", raising=False)
    with pytest.raises(SearchError, match=r"node_modules.*`npm ci`"):
        find_pagefind(tmp_path)
    old = tmp_path / "pagefind"
    old.write_text("#!/bin/sh\necho 'pagefind 1.5.2'\n", encoding="utf-8")
    old.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY", str(old))
    with pytest.raises(SearchError, match=r"pagefind 1\.5\.2; expected Pagefind 1\.6 or later"):
        find_pagefind(tmp_path)


def test_the_build_stops_before_any_work_without_pagefind(tmp_path) -> None:
    from .conftest import copy_project

    project = copy_project(tmp_path / "project")
    env = {k: v for k, v in os.environ.items() if k != "PAGEFIND_BINARY"}
    result = subprocess.run(
        [sys.executable, "-m", "actionplans", "build"], cwd=project, capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no Pagefind binary" in result.stderr and "npm ci" in result.stderr
    assert not (project / "site").exists() and not (project / "build").exists()
    assert (ROOT / NPM_BINARY).is_file(), "npm ci has not been run in the project folder"


def test_the_default_language_is_indexed_while_mkdocs_builds_the_others(tmp_path, monkeypatch) -> None:
    from actionplans.site import Layout, build_site

    from .conftest import copy_project

    project = copy_project(tmp_path / "project")
    seen = []
    start = search.Early.language_built

    def watched(self: Early, language: str) -> None:
        start(self, language)
        english = self.site / "en" / "index.html"
        seen.append((language, self.started, english.exists(), (self.site / "index.html").exists()))

    monkeypatch.setattr(search.Early, "language_built", watched)
    build_site(Layout(root=project))
    # Chinese done and its index started before a single English page was written; then English
    assert seen == [("zh", True, False, True), ("en", True, True, True)]
    site = project / "site"
    assert pages_of(site, skip=("en",)) == set(fragments(site / "pagefind"))
    assert pages_of(site / "en") == set(fragments(site / "en" / "pagefind"))


def _children() -> set[int]:
    """The processes this one started, from any of its threads."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    return {int(p) for task in tasks.iterdir() for p in (task / "children").read_text().split()}


def _fake_pagefind(tmp_path: Path, script: str) -> tuple[Pagefind, Path]:
    binary = tmp_path / "pagefind"
    binary.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    binary.chmod(0o755)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    return Pagefind(binary), site


def test_a_build_that_fails_while_the_default_language_is_indexed_leaves_no_pagefind(tmp_path) -> None:
    pagefind, site = _fake_pagefind(tmp_path, "exec sleep 60")
    before = _children()
    began = time.monotonic()
    with pytest.raises(RuntimeError, match="MkDocs failed"), Early(pagefind, site, "zh", ["en"]) as early:
        early.language_built("en")  # another language: nothing starts
        assert not early.started
        early.language_built("zh")
        time.sleep(0.3)
        assert _children() - before, "the early Pagefind run did not start"
        raise RuntimeError("MkDocs failed")
    assert time.monotonic() - began < 5
    assert _children() <= before


def test_what_the_early_run_raised_is_raised_when_the_build_waits_for_it(tmp_path) -> None:
    pagefind, site = _fake_pagefind(tmp_path, "echo 'index broken' >&2; exit 3")
    with Early(pagefind, site, "zh", ["en"]) as early:
        early.language_built("zh")
        with pytest.raises(SearchError, match=r"Pagefind failed \(exit 3\): index broken"):
            early.finish()


# --- in a real browser ----------------------------------------------------------------------------
SEARCH = """async ([queries]) => {
  const o = window.actionplansSearch.options();
  const pf = await import(o.bundlePath + "pagefind.js");
  await pf.options({ baseUrl: o.baseUrl });
  for (const m of o.mergeIndex || []) await pf.mergeIndex(m.bundlePath, m);
  const found = {};
  for (const q of queries) {
    const search = await window.actionplansSearch.search(pf.search, q);
    const kept = window.actionplansSearch.keep(q, search.results);
    found[q] = await Promise.all(kept.map(async r => (await r.data()).url));
  }
  return found;
}"""


def _terms(dataset, language: str) -> dict[str, str]:
    """Each glossary term, vocabulary label, plan title and task title in ``language``, and the
    page (path below the language's home) it must find."""
    terms: dict[str, str] = {}
    for term in dataset.terms.values():
        terms.setdefault(getattr(term, language), "glossary/")
    for kind in ("themes", "groups", "actors", "regions"):
        for concept in getattr(dataset, kind).values():
            terms[concept.label.get(language)] = f"{kind}/{concept.id}/"
    for plan in dataset.plans.values():
        terms[plan.title.get(language)] = f"plans/{plan.id}/"
    for task in dataset.tasks.values():
        terms[task.title.get(language)] = f"tasks/{task.id}/"
    return terms


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_term_and_title_finds_its_page(tab, served, dataset, language) -> None:
    home = "" if language == "zh" else "en/"
    tab.goto(served + home + "tasks/sunshine-volunteers-2/")
    terms = _terms(dataset, language)
    found = tab.evaluate(SEARCH, [list(terms)])
    prefix = "/" + home
    missing = {q: page for q, page in terms.items() if prefix + page not in found[q]}
    assert not missing, missing
    assert all(url.startswith(prefix) for urls in found.values() for url in urls)  # the page's language
    if language == "en":
        assert all(not url.startswith("/en/en/") for urls in found.values() for url in urls)
    else:
        assert not [url for urls in found.values() for url in urls if url.startswith("/en/")]


@pytest.mark.browser
def test_chinese_typed_on_an_english_page_finds_the_english_page_that_quotes_it(tab, served, dataset) -> None:
    tab.goto(served + "en/")
    phrases = {}
    for task in dataset.tasks.values():
        clause = re.split(r"[，。；：、]", task.text.zh)[0]
        phrases[clause] = f"/en/tasks/{task.id}/"
    found = tab.evaluate(SEARCH, [list(phrases)])
    missing = {q: page for q, page in phrases.items() if page not in found[q]}
    assert not missing, missing
    # a query in Latin script or digits finds each English page once, not once per index
    for query, urls in tab.evaluate(SEARCH, [["2026", "meal", "children", "Targeted Assistance"]]).items():
        assert urls and len(urls) == len(set(urls)), (query, urls)
    # ...and so does the dialog
    tab.click(".ap-search")
    tab.locator("pagefind-modal input").fill("meal")
    tab.wait_for_selector("pagefind-results a")
    tab.wait_for_timeout(500)
    shown = tab.locator("pagefind-results a.pf-result-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert shown and len(shown) == len(set(shown)), shown


def _open_dialog_by_keyboard(tab) -> None:
    for _ in range(40):
        tab.keyboard.press("Tab")
        if tab.evaluate("() => document.activeElement.classList.contains('ap-search')"):
            break
    else:
        pytest.fail("the search button is not reachable by Tab")
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.querySelector('pagefind-modal')?.isOpen")
    tab.wait_for_function("() => document.activeElement?.matches('pagefind-modal input')")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("start", "query", "target", "title"),
    [
        ("", "结对帮扶", r"/tasks/nx-children-care-3/$", "精准帮扶行动"),
        ("en/", "paired", r"/en/tasks/nx-children-care-3/$", "Targeted Assistance"),
        ("en/", "结对帮扶", r"/en/tasks/nx-children-care-3/$", "精准帮扶行动"),  # the Chinese it matched
    ],
)
def test_the_dialog_works_by_keyboard_alone(tab, served, start, query, target, title) -> None:
    tab.goto(served + start)
    assert tab.evaluate("() => !document.querySelector('script[src*=pagefind-component-ui]')")  # loaded on first use only
    _open_dialog_by_keyboard(tab)
    tab.keyboard.type(query)
    tab.wait_for_selector("pagefind-results a")
    tab.keyboard.press("Escape")  # clears the query, keeps the dialog
    tab.keyboard.press("Escape")
    tab.wait_for_function("() => !document.querySelector('pagefind-modal').isOpen")
    assert tab.evaluate("() => document.activeElement.classList.contains('ap-search')"), "the focus did not return to the button"
    tab.keyboard.press("Control+k")
    tab.wait_for_function("() => document.querySelector('pagefind-modal').isOpen")
    tab.keyboard.type(query)
    first = tab.locator("pagefind-results a").first
    first.wait_for()
    assert title in first.inner_text()
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(target))


@pytest.mark.browser
@pytest.mark.parametrize("start", ["", "en/"])
def test_the_search_dialog_has_no_axe_violation(tab, served, start) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tab.goto(served + start + "plans/nm-elderly-meals/")
    tab.click(".ap-search")
    tab.wait_for_function("() => document.querySelector('pagefind-modal')?.isOpen")
    tab.keyboard.type("助餐" if not start else "meal")
    tab.wait_for_selector("pagefind-results a")
    result = Axe().run(tab)
    assert result.violations_count == 0, result.generate_report()
    assert tab.locator("pagefind-modal dialog").get_attribute("aria-label") or tab.locator("pagefind-modal dialog").get_attribute(
        "aria-labelledby"
    )
