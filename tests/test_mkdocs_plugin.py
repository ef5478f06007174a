"""The MkDocs plugin's own work: mended markup, and generated HTML pages passed through unconverted."""

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


def test_generated_html_pages_outside_the_navigation_are_not_given_to_markdown(tmp_path, monkeypatch) -> None:
    import markdown
    import mkdocs.structure.pages
    from mkdocs.config import load_config

    from actionplans.site import run_mkdocs

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the facts](facts.md#counted) and [notes](notes.md).\n", encoding="utf-8")
    html = '<h1 id="facts">Facts</h1>\n<p id="counted">*not emphasis*, <a href="../">home</a></p>'
    (docs / "facts.md").write_text(f"---\nmarkup: html\ntitle: Facts\n---\n{html}\n", encoding="utf-8")
    (docs / "notes.md").write_text("# Notes\n\n*emphasis*\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nnav:\n  - Home: index.md\nnot_in_nav: |\n  /facts.md\n  /notes.md\nplugins:\n  - actionplans\n"
        "validation:\n  anchors: warn\n",
        encoding="utf-8",
    )
    built = []

    class Counted(markdown.Markdown):
        def __init__(self, **options) -> None:
            built.append(options)
            super().__init__(**options)

    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    monkeypatch.setattr(mkdocs.structure.pages.markdown, "Markdown", Counted)  # what a page's render builds
    run_mkdocs(config)  # strict: the link to #counted on the HTML page resolves, or this fails
    assert len(built) == 2  # the home page and the notes page; not the HTML page
    assert html in (tmp_path / "site" / "facts" / "index.html").read_text(encoding="utf-8")
    assert "<em>emphasis</em>" in (tmp_path / "site" / "notes" / "index.html").read_text(encoding="utf-8")
