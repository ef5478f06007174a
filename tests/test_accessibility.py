"""Accessibility on every page in both languages: axe-core, keyboard, reflow, zoom, valid HTML."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Nu HTML Checker warnings that stay, with the reason.
ALLOWED_VNU_WARNINGS = {
    # The Chinese data page documents field names, types and code samples, which are English
    # by nature; its prose is Chinese and the page's lang is right. The checker's language
    # guess only looks at the amount of Latin text.
    ("data/index.html", "This document appears to be written in English"),
}


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.mark.a11y("axe")
def test_axe_finds_no_violation_on_any_page(chrome, served, site, tmp_path, record_property) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chrome.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: dict[str, list[str]] = {}
    checked = 0
    for rel in _pages(site):
        tab.goto(served + rel, wait_until="domcontentloaded")
        results = axe.run(tab)
        violations = results.response["violations"]
        checked += 1
        if violations:
            problems[rel] = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations]
    context.close()
    record_property("measured", f"{sum(len(v) for v in problems.values())} violations on {checked} pages")
    assert checked >= 170
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)[:4000]


def _vnu() -> list[str] | None:
    jar = os.environ.get("VNU_JAR")
    if jar and Path(jar).is_file() and shutil.which("java"):
        # The checker guesses each page's language from a random sample of its text, so a page
        # with many Latin ids (a release's changes) is now and then taken for Norwegian: one run
        # in 30 for the 1.1.0 release page. A fixed seed makes the guess, and the test, the same
        # on every run; a page whose text changes can still fail it, reproducibly.
        return ["java", "-Dnu.validator.checker.langDetectionSeed=1", "-jar", jar]
    return None


@pytest.mark.a11y("html")
def test_html_is_valid(site, record_property) -> None:
    command = _vnu()
    if command is None:
        pytest.fail("the W3C Nu HTML Checker is not installed: set VNU_JAR to vnu.jar (npm install vnu-jar) and install Java")
    result = subprocess.run(
        [*command, "--format", "json", "--skip-non-html", str(site)], capture_output=True, text=True, check=False
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    warnings = [m for m in messages if m.get("subType") == "warning"]
    unexplained = [
        m
        for m in warnings
        if not any(m["url"].endswith("/" + page) and m["message"].startswith(prefix) for page, prefix in ALLOWED_VNU_WARNINGS)
    ]
    pages = len(_pages(site))
    record_property("measured", f"{len(errors)} errors and {len(unexplained)} unexplained warnings on {pages} pages")
    assert not errors, json.dumps(errors[:20], ensure_ascii=False, indent=1)
    assert not unexplained, json.dumps(unexplained[:20], ensure_ascii=False, indent=1)


def _visible_focus(tab) -> dict:
    return tab.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName, cls: e.className, href: e.getAttribute('href') || '',
                text: (e.innerText || e.getAttribute('aria-label') || '').trim(),
                outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"""
    )


@pytest.mark.a11y("keyboard")
def test_keyboard_reaches_skip_link_switch_search_and_downloads(chrome, served, tmp_path) -> None:
    context = chrome.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(served + "en/tasks/sunshine-volunteers-2/")
    seen = []
    past_the_end = False
    for _ in range(200):
        tab.keyboard.press("Tab")
        focus = _visible_focus(tab)
        if focus["tag"] == "BODY":  # past the last element
            past_the_end = True
            break
        seen.append(focus)
        assert (focus["outline"] != "none" and focus["width"] >= 2) or focus["shadow"] != "none", f"no visible focus on {focus}"
    assert past_the_end and len(seen) >= 3, f"Tab never left the page's last element ({len(seen)} stops)"
    tab.screenshot(path=str(tmp_path / "focus.png"))
    first = seen[0]
    assert "md-skip" in first["cls"], f"the first Tab stop is not the skip link: {first}"
    assert any("md-header__button" in f["cls"] and f["tag"] == "BUTTON" for f in seen[:15]), "language switch not reachable"
    assert any("ap-search" in f["cls"] and f["tag"] == "BUTTON" for f in seen[:15]), "search not reachable"
    assert any(f["href"].endswith("api/tasks/sunshine-volunteers-2.json") for f in seen), "the JSON download is not reachable"
    # Shift+Tab walks the same stops backwards: from past the end to the last, then the one before
    for expected in (seen[-1], seen[-2], seen[-3]):
        tab.keyboard.press("Shift+Tab")
        focus = _visible_focus(tab)
        assert (focus["tag"], focus["cls"], focus["href"], focus["text"]) == (
            expected["tag"],
            expected["cls"],
            expected["href"],
            expected["text"],
        ), f"Shift+Tab went to {focus}, expected {expected}"
    # every download link on the data page is reachable by keyboard
    tab.goto(served + "en/data/")
    hrefs = set(tab.locator("a[download]").evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    reached = set()
    for _ in range(600):
        tab.keyboard.press("Tab")
        focus = _visible_focus(tab)
        assert focus["tag"] != "BODY", f"reached the end; not reached: {sorted(hrefs - reached)[:5]}"
        if focus["href"] in hrefs:
            reached.add(focus["href"])
        if reached == hrefs:
            break
    assert reached == hrefs, sorted(hrefs - reached)[:5]
    context.close()


@pytest.mark.a11y("keyboard")
def test_skip_link_moves_focus_to_the_content(chrome, served) -> None:
    context = chrome.new_context()
    tab = context.new_page()
    tab.goto(served + "tasks/sunshine-volunteers-2/")
    tab.keyboard.press("Tab")
    assert "md-skip" in _visible_focus(tab)["cls"], "the first Tab stop is not the skip link"
    target = tab.evaluate("document.activeElement.getAttribute('href')")
    assert target and target.startswith("#") and tab.locator(target).count() == 1, f"the skip link points at no element: {target}"
    tab.keyboard.press("Enter")
    assert tab.evaluate("location.hash") == target
    # focus is on the content: the skip link's target, or within it
    where = tab.evaluate(
        """(id) => { const t = document.getElementById(id), a = document.activeElement;
        return {on_target: a === t || t.contains(a), active: a.tagName + '.' + a.className}; }""",
        target[1:],
    )
    assert where["on_target"], f"focus stayed on {where['active']}, not on {target}"
    # and the next Tab goes on from there, into the page's content, not back to the header
    tab.keyboard.press("Tab")
    after = tab.evaluate(
        """(id) => { const t = document.getElementById(id), a = document.activeElement;
        return {after: !!(t.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING) || t.contains(a),
                in_header: !!a.closest('header'), active: a.tagName + '.' + a.className}; }""",
        target[1:],
    )
    assert after["after"] and not after["in_header"], f"Tab after the skip link went to {after['active']}"
    context.close()


@pytest.mark.parametrize("url", ["tasks/nx-children-care-1/", "en/tasks/nx-children-care-1/", "data/", "en/data/"])
@pytest.mark.parametrize(("width", "text_zoom"), [(320, 1), (1280, 2), (640, 1)])
@pytest.mark.a11y("reflow")
def test_no_horizontal_scrolling_and_nothing_hidden(chrome, served, tmp_path, url, width, text_zoom) -> None:
    context = chrome.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    tab.goto(served + url)
    if text_zoom != 1:
        tab.add_style_tag(content=f"html {{ font-size: {125 * text_zoom}% !important; }}")
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{url} at {width}px, text zoom {text_zoom}: {overflow}px horizontal scroll"
    clipped = tab.evaluate(
        """() => [...document.querySelectorAll(
                'article p, article li, article td, article th, article blockquote, article h1, article h2')]
            .filter(e => { const r = e.getBoundingClientRect();
                return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1) && !e.closest('.ap-table'); })
            .map(e => e.tagName + ': ' + e.innerText.slice(0, 40))"""
    )
    assert not clipped, clipped[:5]
    name = url.strip("/").replace("/", "_") or "home"
    tab.screenshot(path=str(tmp_path / f"{name}-{width}-{text_zoom}.png"), full_page=False)
    context.close()


@pytest.mark.parametrize("width", [1000, 640, 320])
@pytest.mark.a11y("keyboard")
def test_narrow_layout_focus_stays_on_screen_and_drawer_opens_by_keyboard(chrome, served, width) -> None:
    context = chrome.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    tab.goto(served + "en/tasks/sunshine-volunteers-2/")
    offscreen = []
    for _ in range(60):
        tab.keyboard.press("Tab")
        where = tab.evaluate(
            "(() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
            " return {tag: e.tagName, text: (e.innerText || '').slice(0, 30), left: r.left, right: r.right, w: r.width}; })()"
        )
        if where["tag"] == "BODY":
            break
        if where["w"] > 0 and (where["right"] <= 0 or where["left"] >= width):
            offscreen.append(where)
    assert not offscreen, offscreen[:5]
    toggle = tab.locator("button.ap-drawer-button")
    toggle.focus()
    assert toggle.get_attribute("aria-expanded") == "false"
    tab.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    tab.wait_for_timeout(400)
    link = tab.locator(".md-sidebar--primary a.md-nav__link", has_text="Data")
    assert link.is_visible()
    toggle.focus()
    tab.keyboard.press(" ")
    assert toggle.get_attribute("aria-expanded") == "false"
    context.close()


@pytest.mark.parametrize("width", [320, 640])
@pytest.mark.a11y("axe")
def test_axe_finds_no_violation_in_narrow_layouts(chrome, served, width) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chrome.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    problems = {}
    for lang in ("", "en/"):
        for url in ("", "plans/nm-elderly-meals/", "tasks/sunshine-volunteers-2/", "data/", "glossary/", "themes/"):
            tab.goto(served + lang + url, wait_until="domcontentloaded")
            violations = axe.run(tab).response["violations"]
            if violations:
                problems[lang + url] = [f"{v['id']}: {v['nodes'][0]['target']}" for v in violations]
    context.close()
    assert not problems, problems
