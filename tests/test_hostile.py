"""Hostile text in content appears literally everywhere and never runs."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import CONTENT, ROOT

pytestmark = pytest.mark.slow

SCRIPT = '<script>window.__pwned = "script"</script> & "quoted"'
IMAGE = "<img src=x onerror=\"window.__pwned='img'\">"
MARKDOWN = "[click](javascript:window.__pwned='md') ![x](http://127.0.0.1:9/x.png)"
JINJA = '{{ 7*7 }} {% raw %} =HYPERLINK("http://example.invalid","x")'
TITLE = '</title><script>window.__pwned="title"</script>'
BIDI = "\u202eevil\u200b text"
FORMULA = "@SUM(1+1)"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from actionplans.site import Layout, build_site

    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    _replace(content / "vocabularies" / "themes.yaml", 'en: "elderly meal assistance"', f"en: {_yaml(SCRIPT)}")
    _replace(content / "vocabularies" / "groups.yaml", 'en: "older people"', f"en: {_yaml(IMAGE)}")
    plan = content / "plans" / "nx-children-care.yaml"
    _replace(plan, '      en: "Guardianship Quality Improvement Action"', f"      en: {_yaml(JINJA)}")
    _replace(plan, '  en: "Region-wide', f"  en: {_yaml(TITLE + ' ')[:-1]}Region-wide")
    _replace(
        plan,
        '      en: "Implement the Targeted Assistance Action.',
        f"      en: {_yaml(BIDI + ' ')[:-1]}Implement the Targeted Assistance Action.",
    )
    _replace(content / "glossary.yaml", 'en: "Own rendering; no source found."', f"en: {_yaml(MARKDOWN)}")
    _replace(
        content / "organizations.yaml",
        'en: "China Association of Volunteers for Persons with Disabilities"',
        f"en: {_yaml(FORMULA)}",
    )
    layout = Layout(
        root=root,
        content=content,
        datapackage=root / "datapackage",
        docs=root / "docs",
        site=root / "site",
        templates=ROOT / "site_templates",
        config=ROOT / "mkdocs.yml",
    )
    build_site(layout)
    return root


def _pages(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def test_hostile_text_is_shown_literally(hostile) -> None:
    text = _pages(hostile / "site")
    shown = html.unescape(re.sub(r"<[^>]+>", "", text))  # what a reader sees
    for value in (SCRIPT, IMAGE, JINJA, MARKDOWN, TITLE):
        assert value in shown, value
    assert "&amp;lt;" not in text, "escaped twice somewhere"
    assert "window.__pwned" in text  # shown...
    assert not re.search(
        r"<script>window\.__pwned|<img src=x onerror|href=\"javascript:|<img[^>]+127\.0\.0\.1:9", text
    )  # ...never live


def test_title_cannot_break_out_of_title_element(hostile) -> None:
    page = (hostile / "site" / "en" / "plans" / "nx-children-care" / "index.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    assert head.count("<title>") == 1 and head.count("</title>") == 1
    assert '<script>window.__pwned="title"' not in page


def test_hostile_text_in_json_ld_is_data(hostile) -> None:
    page = (hostile / "site" / "en" / "index.html").read_text(encoding="utf-8")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert "<" not in block
    assert SCRIPT in json.loads(block)["keywords"]


BIDI_TASK = "nx-children-care-3"
BIDI_TEXT = BIDI + " Implement the Targeted Assistance Action."


def test_bidi_controls_are_kept_verbatim_as_data(hostile) -> None:
    """The content's text is the data: a right-to-left override and a zero-width space are
    neither dropped nor escaped into other characters, in the data package, its JSON and the
    endpoints alike (the site does not judge which control characters are legitimate)."""
    with (hostile / "datapackage" / "tasks.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["id"] == BIDI_TASK]
    assert row["text_en"].startswith(BIDI_TEXT)
    endpoint = json.loads((hostile / "site" / "api" / "tasks" / f"{BIDI_TASK}.json").read_text(encoding="utf-8"))
    assert endpoint["text_en"] == row["text_en"]
    whole = json.loads((hostile / "site" / "downloads" / "actionplans.json").read_text(encoding="utf-8"))
    (record,) = [r for r in whole["tables"]["tasks"] if r["id"] == BIDI_TASK]
    assert record["text_en"] == row["text_en"]


def test_bidi_controls_are_shown_verbatim_before_their_sentence(hostile) -> None:
    """On a page the override is text, as written: every place the task's text is shown has it
    directly before the sentence it was written before (not dropped, not moved, not split off),
    never as a character reference and never inside an attribute. (The pages do not isolate it:
    like any text it reorders what follows it up to the end of its block.)"""
    site = hostile / "site"
    page = (site / "en" / "tasks" / BIDI_TASK / "index.html").read_text(encoding="utf-8")
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert BIDI_TEXT in shown
    text = _pages(site)
    assert "&#8238;" not in text.lower() and "&#x202e;" not in text.lower()
    assert text.count(BIDI) == text.count(BIDI_TEXT) > 0, "the override was split from its sentence somewhere"
    assert not re.search(r'="[^"<>]*\u202e', text), "the override got into an attribute"


def test_formulas_stay_text_in_xlsx(hostile) -> None:
    from openpyxl import load_workbook

    book = load_workbook(hostile / "site" / "downloads" / "actionplans.xlsx")
    cells = [c for row in book["organizations"].iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    cells = [c for row in book["tasks"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("{{ 7*7 }}")]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.browser
def test_no_injected_script_runs(hostile, chrome) -> None:
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(hostile / "site"))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = chrome.new_context()
    tab = context.new_page()
    outside = []
    tab.on("request", lambda request: outside.append(request.url) if not request.url.startswith(base) else None)
    try:
        for url in (
            "",
            "en/",
            "en/plans/nx-children-care/",
            "en/tasks/nx-children-care-2/",
            "en/tasks/nx-children-care-3/",
            "en/themes/meal-assistance/",
            "en/groups/older-people/",
            "en/glossary/",
            "en/themes/",
            "en/data/",
        ):
            tab.goto(base + url)
            assert tab.evaluate("window.__pwned") is None, url
        tab.goto(base + "en/")
        tab.click(".ap-search")
        box = tab.locator("pagefind-modal input")
        for query in ("pwned", "quoted", "onerror", "click"):
            box.fill(query)
            tab.wait_for_timeout(800)
            assert tab.evaluate("window.__pwned") is None, query
        assert not outside, outside
    finally:
        context.close()
        server.shutdown()
