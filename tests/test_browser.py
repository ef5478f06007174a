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
    tab.click(".ap-search")
    box = tab.locator("pagefind-modal input")
    box.fill(query)
    tab.wait_for_selector("pagefind-results a", timeout=10_000)
    return tab.locator("pagefind-results a").evaluate_all("els => els.map(e => e.href)")


@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [
        ("", "助餐", r"/plans/nm-elderly-meals/|/tasks/nm-elderly-meals-\d/"),
        ("", "留守儿童", r"/plans/nx-children-care/|/tasks/nx-children-care-\d/"),
        ("en/", "meal", r"/en/(plans/nm-elderly-meals|tasks/nm-elderly-meals-\d)/"),
        ("en/", "left-behind", r"/en/(plans/nx-children-care|tasks/nx-children-care-\d)/"),
        # indexed as 内蒙|古|自治|区民|政|厅, which the browser's own cut of the query misses: the
        # dialog searches its characters too
        ("", "内蒙古自治区民政厅", r"/plans/nm-elderly-meals/"),
    ],
)
def test_search_finds_plan_and_task_pages(tab, served, start, query, expected) -> None:
    tab.goto(served + start)
    hrefs = _search(tab, query)
    assert any(re.search(expected, href) for href in hrefs), hrefs[:10]


def test_open_a_download_and_check_it_against_sha256sums(tab, served) -> None:
    tab.goto(served + "en/data/")
    link = tab.locator("a[download]", has_text="datapackage.zip")
    href = link.get_attribute("href")
    sums = tab.locator("a", has_text="SHA256SUMS").get_attribute("href")
    listed = dict(reversed(line.split("  ", 1)) for line in tab.request.get(served + "en/data/" + sums).text().splitlines())
    response = tab.request.get(served + "en/data/" + href)
    assert response.status == 200
    assert hashlib.sha256(response.body()).hexdigest() == listed["datapackage.zip"]
    with tab.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "datapackage.zip"


@pytest.mark.parametrize("start", ["", "en/"])
def test_the_tasks_csv_is_in_view_on_a_1280_by_800_screen(chrome, served, start) -> None:
    context = chrome.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(served + start + "data/")
    link = tab.locator('a[download][href$="downloads/csv/tasks.csv"]')
    box = link.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 800, box
    assert tab.evaluate("() => window.scrollY") == 0
    context.close()


@pytest.mark.parametrize("start", ["", "en/"])
@pytest.mark.parametrize(
    "path", ["data/", "plans/nm-elderly-meals/", "plans/", "themes/meal-assistance/", "", "sources/", "sources/seed-page/"]
)
def test_new_page_kinds_reflow_at_320_px(chrome, served, start, path) -> None:
    context = chrome.new_context(viewport={"width": 320, "height": 640})
    tab = context.new_page()
    tab.goto(served + start + path)
    assert tab.evaluate("() => document.scrollingElement.scrollWidth") <= 320
    for selector in (
        "a[download]",
        ".ap-figure-card",
        ".ap-timeline tbody th a",
        ".ap-facet-chart tbody th a",
        ".ap-filter select",
    ):
        for element in tab.locator(selector).all()[:3]:
            box = element.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + min(box["width"], 40) <= 320, (selector, box)
    context.close()


def test_printing_a_plan_page_opens_the_figure_quotes_and_closes_them_after(tab, served) -> None:
    tab.goto(served + "en/plans/nm-elderly-meals/")
    closed = "() => document.querySelectorAll('.ap-figure-cards details:not([open])').length"
    assert tab.evaluate(closed) > 0
    tab.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert tab.evaluate(closed) == 0
    tab.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert tab.evaluate(closed) == tab.evaluate("() => document.querySelectorAll('.ap-figure-cards details').length")


@pytest.mark.parametrize("start", ["", "en/"])
def test_the_plans_table_filters_and_sorts_by_keyboard(chrome, served, start) -> None:
    """The filter form appears with the script; a choice hides the rows that do not match and
    the status line (a live region) says how many are shown; a column header sorts, and says so."""
    context = chrome.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(served + start + "plans/")
    rows = tab.locator("table.ap-plans tbody tr")
    total = rows.count()
    assert tab.locator("form.ap-filter").is_visible()
    levels = tab.locator("form.ap-filter select[name=level] option").evaluate_all("os => os.map(o => o.value).filter(Boolean)")
    national = tab.locator('table.ap-plans tbody tr[data-level="national"]').count()
    tab.locator("select[name=level]").focus()
    tab.keyboard.press("ArrowDown")  # the first level: national
    tab.locator("select[name=level]").dispatch_event("change")
    assert levels[0] == "national"
    assert tab.locator("table.ap-plans tbody tr:visible").count() == national
    status = tab.locator("[data-ap-count]")
    assert status.get_attribute("role") == "status" and str(national) in status.inner_text() and str(total) in status.inner_text()
    tab.locator("button[type=reset]").press("Enter")
    tab.wait_for_function(f"() => document.querySelectorAll('table.ap-plans tbody tr:not([hidden])').length === {total}")
    header = tab.locator("table.ap-plans th[data-sort=end]")
    header.locator("button").press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    ends = tab.locator("table.ap-plans tbody tr").evaluate_all("rs => rs.map(r => Number(r.dataset.end || 0))")
    assert ends == sorted(ends)
    context.close()
