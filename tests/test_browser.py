"""Smoke tests in a real browser: language switch, search in both languages, a download."""

from __future__ import annotations

import hashlib
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_language_switch_goes_to_the_same_page(tab, served) -> None:
    tab.goto(served + "tasks/nx-children-care-2/")
    assert tab.locator("html").get_attribute("lang") == "zh"
    tab.hover(".md-select")
    tab.click("a.md-select__link[hreflang=en]")
    tab.wait_for_url(re.compile(r"/en/tasks/nx-children-care-2/$"))
    assert tab.locator("html").get_attribute("lang") == "en"
    assert "Guardianship" in tab.locator("h1").inner_text()


def _search(tab, query: str) -> list[str]:
    tab.click("label[for=__search]") if tab.locator("label[for=__search]").first.is_visible() else None
    box = tab.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # Material searches on keyup; fill() alone does not trigger it
    tab.wait_for_selector(".md-search-result__item", timeout=10_000)
    return tab.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")


@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [
        ("", "助餐", r"/plans/nm-elderly-meals/|/tasks/nm-elderly-meals-\d/"),
        ("", "留守儿童", r"/plans/nx-children-care/|/tasks/nx-children-care-\d/"),
        ("en/", "meal", r"/en/(plans/nm-elderly-meals|tasks/nm-elderly-meals-\d)/"),
        ("en/", "left-behind", r"/en/(plans/nx-children-care|tasks/nx-children-care-\d)/"),
    ],
)
def test_search_finds_plan_and_task_pages(tab, served, start, query, expected) -> None:
    tab.goto(served + start)
    hrefs = _search(tab, query)
    assert any(re.search(expected, href) for href in hrefs), hrefs[:10]


def test_open_a_download(tab, served) -> None:
    tab.goto(served + "en/data/")
    link = tab.locator("a[download]", has_text="datapackage.zip")
    href = link.get_attribute("href")
    digest = link.locator("xpath=ancestor::tr").locator("code.ap-hash").inner_text()
    response = tab.request.get(served + "en/data/" + href)
    assert response.status == 200
    assert hashlib.sha256(response.body()).hexdigest() == digest
    with tab.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "datapackage.zip"
