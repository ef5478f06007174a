"""The MkDocs plugin's own work: mended markup."""

from __future__ import annotations

from actionplans.mkdocs_plugin import fix_html


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
