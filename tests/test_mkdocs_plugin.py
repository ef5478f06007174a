"""The MkDocs plugin's own work: mended markup and the search index."""

from __future__ import annotations

import json

from actionplans.mkdocs_plugin import deduplicate_search_index, fix_html


def test_deduplicate_search_index_keeps_what_differs(tmp_path) -> None:
    path = tmp_path / "search_index.json"
    docs = [
        {"location": "a/", "title": "A", "text": "same"},
        {"location": "en/a/", "title": "A", "text": "same"},
        {"location": "en/a/", "title": "A", "text": "different"},
        {"location": "en/b/", "title": "A", "text": "same"},
    ]
    path.write_text(json.dumps({"config": {}, "docs": docs}), encoding="ascii")
    assert deduplicate_search_index(path, ["en"]) == 1
    assert json.loads(path.read_text(encoding="ascii"))["docs"] == [docs[0], docs[2], docs[3]]


def test_fix_html_mends_only_what_the_checker_rejects() -> None:
    page = (
        '<input class="md-toggle" type="checkbox" id="__drawer" autocomplete="off">'
        '<input type="text" autocomplete="off">'
        '<label class="md-nav__title" for="__toc">Contents</label>'
    )
    fixed = fix_html(page)
    assert '<input class="md-toggle" type="checkbox" id="__drawer">' in fixed
    assert '<input type="text" autocomplete="off">' in fixed  # not a checkbox: kept
    assert '<div class="md-nav__title">Contents</div>' in fixed
    with_toc = page + '<input type="checkbox" id="__toc">'
    assert '<label class="md-nav__title" for="__toc">' in fix_html(with_toc)  # its input exists: kept
