"""The built site: every page kind in both languages, links, downloads and their checksums."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from actionplans.tables import TABLES

from .sitehtml import parse

pytestmark = pytest.mark.slow


def page(site: Path, url: str) -> Path:
    return site / url / "index.html" if not url.endswith(".html") else site / url


def test_every_page_kind_in_both_languages(site, dataset) -> None:
    kinds = ["", "plans/", "data/", "glossary/", "changelog/", "about/", "accessibility/", "python/", "themes/", "groups/", "regions/", "actors/"]
    kinds += [f"plans/{p}/" for p in dataset.plans] + [f"tasks/{t}/" for t in dataset.tasks]
    kinds += [f"themes/{t}/" for t in dataset.themes] + [f"groups/{g}/" for g in dataset.groups]
    kinds += [f"regions/{r}/" for r in dataset.regions] + [f"actors/{a}/" for a in dataset.actors]
    for url in kinds:
        zh, en = parse(page(site, url)), parse(page(site, "en/" + url))
        assert zh.html_lang == "zh", url
        assert en.html_lang == "en", url
        assert "".join(zh.text) != "".join(en.text), f"{url}: English page is a copy of the Chinese one"


def test_language_switch_keeps_the_page(site, dataset) -> None:
    for task in dataset.tasks:
        zh = parse(page(site, f"tasks/{task}/"))
        switch = [url for tag, url, attrs in zh.links if tag == "a" and attrs.get("hreflang") == "en" and "md-select__link" in (attrs.get("class") or "")]
        assert switch == [f"../../en/tasks/{task}/"]
        en = parse(page(site, f"en/tasks/{task}/"))
        back = [url for tag, url, attrs in en.links if tag == "a" and attrs.get("hreflang") == "zh" and "md-select__link" in (attrs.get("class") or "")]
        assert back == [f"../../../tasks/{task}/"]


def test_chinese_on_english_pages_is_marked(site, dataset) -> None:
    for task in dataset.tasks.values():
        en = page(site, f"en/tasks/{task.id}/").read_text(encoding="utf-8")
        assert '<blockquote class="ap-quote" lang="zh-Hans">' in en
        assert task.text.zh[:20] in en


def _internal_targets(site: Path) -> list[tuple[Path, str, str]]:
    out = []
    for html in sorted(site.rglob("*.html")):
        parsed = parse(html)
        for _tag, url, _attrs in parsed.links:
            scheme = urlparse(url).scheme
            if scheme or url.startswith(("//", "mailto:", "javascript:")):
                continue
            out.append((html, *urldefrag(url)))
    return out


def test_no_broken_internal_link_or_anchor(site) -> None:
    ids: dict[Path, set[str]] = {}
    broken = []
    base = "/actionplans/"  # the path of site_url; 404 pages link from the site root
    for html, target, fragment in _internal_targets(site):
        if target.startswith(base):
            resolved = (site / unquote(target[len(base):])).resolve()
        else:
            resolved = (html.parent / unquote(target)).resolve() if target else html
        if resolved.is_dir():
            resolved = resolved / "index.html"
        if not resolved.exists():
            broken.append(f"{html.relative_to(site)} → {target}")
            continue
        if fragment and resolved.suffix == ".html":
            if resolved not in ids:
                ids[resolved] = parse(resolved).ids
            if unquote(fragment) not in ids[resolved]:
                broken.append(f"{html.relative_to(site)} → {target}#{fragment}")
    assert not broken, "\n".join(broken[:40])


def test_downloads_present_with_the_checksums_the_data_page_shows(site) -> None:
    for lang_root in ("", "en/"):
        html = page(site, lang_root + "data/").read_text(encoding="utf-8")
        rows = re.findall(r'<a href="([^"]+)" download>.*?<code class="ap-hash">([0-9a-f]{64})</code>', html)
        assert len(rows) >= 4 + 2 * len(TABLES)
        for href, digest in rows:
            path = (page(site, lang_root + "data/").parent / href).resolve()
            assert path.is_file(), href
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, href


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_xlsx_sqlite_json_read_back_equal_to_csv(site) -> None:
    from openpyxl import load_workbook

    downloads = site / "downloads"
    book = load_workbook(downloads / "actionplans.xlsx", read_only=True)
    database = sqlite3.connect(downloads / "actionplans.sqlite")
    document = json.loads((downloads / "actionplans.json").read_text(encoding="utf-8"))
    for table in TABLES:
        expected = _csv_rows((downloads / "csv" / f"{table.name}.csv").read_bytes())
        assert _csv_rows((downloads / "csv-excel" / f"{table.name}.csv").read_bytes()) == expected
        width = len(table.columns)  # empty cells at the end of a row are not stored
        sheet = [([_cell(v) for v in row] + [""] * width)[:width] for row in book[table.name].iter_rows(values_only=True)]
        assert sheet == expected, table.name
        names = ", ".join(table.column_names)
        rows = [[_cell(v) for v in row] for row in database.execute(f"SELECT {names} FROM {table.name}")]
        assert [list(table.column_names), *rows] == expected, table.name
        rows = [[_cell(r[c]) for c in table.column_names] for r in document["tables"][table.name]]
        assert [list(table.column_names), *rows] == expected, table.name
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    fk = database.execute("SELECT COUNT(*) FROM pragma_foreign_key_list('tasks')").fetchone()[0]
    assert fk == 1


def test_zip_holds_the_data_package(site, dataset) -> None:
    with zipfile.ZipFile(site / "downloads" / "datapackage.zip") as archive:
        names = set(archive.namelist())
        assert "actionplans/datapackage.json" in names
        assert {f"actionplans/{t.name}.csv" for t in TABLES} <= names


def test_json_endpoints(site, dataset) -> None:
    for task in dataset.tasks.values():
        record = json.loads((site / "api" / "tasks" / f"{task.id}.json").read_text(encoding="utf-8"))
        assert record["text"] == {"zh": task.text.zh, "en": task.text.en}
        assert record["span"]["line_start"] == task.span.line_start
    for plan in dataset.plans.values():
        record = json.loads((site / "api" / "plans" / f"{plan.id}.json").read_text(encoding="utf-8"))
        assert [t["id"] for t in record["tasks"]] == [t.id for t in plan.tasks]
    for figure in dataset.figures:
        assert (site / "api" / "figures" / f"{figure}.json").is_file()


def test_jsonld_dataset_on_home_and_data_pages(site) -> None:
    for url in ("", "data/", "en/", "en/data/"):
        scripts = [text for attrs, text in parse(page(site, url)).scripts if attrs.get("type") == "application/ld+json"]
        assert len(scripts) == 1, url
        document = json.loads(scripts[0])
        assert document["@type"] == "Dataset" and document["distribution"]


def test_dcat_catalogue_lists_every_main_download(site) -> None:
    catalogue = json.loads((site / "catalog.jsonld").read_text(encoding="utf-8"))
    urls = {d["dcat:downloadURL"]["@id"] for d in catalogue["dcat:dataset"]["dcat:distribution"]}
    assert any(u.endswith("downloads/datapackage.zip") for u in urls)
    assert any(u.endswith("downloads/actionplans.sqlite") for u in urls)


def test_sitemap_has_hreflang_alternates(site) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'hreflang="en" href="https://' in sitemap and 'hreflang="zh" href="https://' in sitemap
    assert "/en/tasks/" in sitemap


def test_canonical_urls_from_site_url(site) -> None:
    html = page(site, "tasks/sunshine-volunteers-1/").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/actionplans/tasks/sunshine-volunteers-1/">' in html


def test_site_requests_nothing_from_other_hosts(site) -> None:
    offenders = []
    for html in site.rglob("*.html"):
        for tag, url, attrs in parse(html).links:
            fetched = tag in ("script", "img", "iframe", "source", "video", "audio") or (tag == "link" and attrs.get("rel") in ("stylesheet", "preconnect", "preload", "icon", "manifest"))
            if fetched and urlparse(url).scheme in ("http", "https", "") and (urlparse(url).netloc or url.startswith("//")):
                offenders.append(f"{html}: {url}")
    assert not offenders, offenders[:10]
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_root_404_is_chinese_and_english_404_exists(site) -> None:
    assert parse(site / "404.html").html_lang == "zh"
    assert parse(site / "en" / "404.html").html_lang == "en"


def test_search_index_has_both_languages(site) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    zh_text = " ".join(d["text"] for d in docs if not d["location"].startswith("en/"))
    en_text = " ".join(d["text"] for d in docs if d["location"].startswith("en/"))
    assert "助餐" in zh_text.replace("\u200b", "") and "留守儿童" in zh_text.replace("\u200b", "")
    assert "meal" in en_text and "left-behind" in en_text


def test_search_index_lists_a_page_once_when_both_languages_read_the_same(site) -> None:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    keys = [(d["location"].removeprefix("en/"), d["title"], d["text"]) for d in docs]
    assert len(keys) == len(set(keys))
    # the changelog's sections read the same in both languages: indexed under the default language only
    sections = [d["location"] for d in docs if d["location"].removeprefix("en/").startswith("changelog/#")]
    assert sections and not [loc for loc in sections if loc.startswith("en/")]


def test_search_indexes_what_a_task_says_not_the_page_furniture(site, dataset) -> None:
    """Breadcrumbs, pagers, sources, citations and facet lists would make every task match the
    words of its neighbours and its plan; they are excluded, the task's own words are kept."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {d["location"] for d in docs}
    for prefix in ("", "en/"):
        task = f"{prefix}tasks/sunshine-volunteers-2/"
        assert {task, task + "#original", task + "#translation"} <= locations
        assert not {task + "#source", task + "#cite", task + "#facets"} & locations
        assert not {f"{prefix}plans/sunshine-volunteers/#cite", f"{prefix}plans/sunshine-volunteers/#downloads"} & locations
        assert f"{prefix}plans/sunshine-volunteers/#tasks" in locations
        assert not [loc for loc in locations if loc.startswith(f"{prefix}themes/meal-assistance/#")]
    page_text = {d["location"]: d["text"].replace("\u200b", "") for d in docs}
    assert "服务基地" in page_text["tasks/sunshine-volunteers-2/#original"]
    # the next task's title (in the pager) and the plan's title (in the breadcrumb) are not indexed with this task
    task_text = " ".join(t for loc, t in page_text.items() if loc.startswith("tasks/sunshine-volunteers-2/"))
    following = dataset.task("sunshine-volunteers-2").next
    assert following is not None and following.title.zh not in dataset.task("sunshine-volunteers-2").text.zh
    assert "阳光暖" not in task_text and following.title.zh not in task_text


def test_deduplicate_search_index_keeps_what_differs(tmp_path) -> None:
    from actionplans.mkdocs_plugin import deduplicate_search_index

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


def test_page_size_stays_bounded(site) -> None:
    """The sidebar lists sections, never tasks: a task page does not grow with the corpus."""
    sizes = [p.stat().st_size for p in (site / "tasks").glob("*/index.html")]
    assert max(sizes) < 60_000
    html = page(site, "tasks/sunshine-volunteers-1/").read_text(encoding="utf-8")
    nav = html[html.find('<nav class="md-nav md-nav--primary"'):html.find("</nav>", html.find('<nav class="md-nav md-nav--primary"'))]
    assert "tasks/" not in nav


def test_accessibility_statement_counts_the_real_pages(site) -> None:
    zh_pages = [p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("en/")]
    en_pages = list((site / "en").rglob("*.html"))
    assert len(zh_pages) == len(en_pages)
    statement = page(site, "en/accessibility/").read_text(encoding="utf-8")
    assert f"This version has {len(zh_pages) + len(en_pages)} pages ({len(en_pages)} in each language)" in statement


def test_downloads_made_by_worker_processes_equal_those_made_in_one(dataset, monkeypatch) -> None:
    import os

    from actionplans import downloads

    from .conftest import DATAPACKAGE

    alone = downloads.make_downloads(DATAPACKAGE, dataset)
    monkeypatch.setattr(downloads, "PARALLEL_FROM", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pooled = downloads.make_downloads(DATAPACKAGE, dataset)
    assert [(d.path, d.data) for d in pooled] == [(d.path, d.data) for d in alone]
    assert len({d.path for d in alone}) == len(alone) and any(d.path.startswith("downloads/plans/") for d in alone)


@pytest.mark.parametrize("target", ["", "tasks/a-1", "tasks/a-2", "tasks", "plans/a", "api/tasks/a-1.json", "en/tasks/a-1", "a/b/c/d"])
@pytest.mark.parametrize("start", ["", "tasks/a-1", "tasks", "en", "en/", "en/tasks/a-1", "plans/a", "a/b/x"])
def test_relative_path_agrees_with_posixpath(target, start) -> None:
    import posixpath

    from actionplans.pages import relative_path

    assert relative_path(target, start) == posixpath.relpath(target or ".", start or ".")


def test_pages_listing_the_whole_corpus_stay_bounded_as_plans_grow(tmp_path) -> None:
    """The home page shows a bounded number of plan cards; the data page lists the whole data
    set's files, while each plan's subset is offered on that plan's page."""
    import sys

    from actionplans.content import load_content
    from actionplans.datapackage import write_package
    from actionplans.downloads import make_downloads
    from actionplans.pages import HOME_PLAN_CARDS, Renderer

    from .conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import write_corpus

    project = write_corpus(tmp_path / "project", 10 * (HOME_PLAN_CARDS + 8))
    dataset = load_content(project / "content")
    write_package(dataset, project / "datapackage")
    downloads = make_downloads(project / "datapackage", dataset)
    renderer = Renderer(dataset, project / "site_templates", project / "content", downloads, "https://example.org/", project / "CHANGELOG.md")
    pages = {(p.path, p.lang): p.body for p in renderer.pages()}
    plans = len(dataset.plans)
    assert plans == HOME_PLAN_CARDS + 8
    assert pages[("index", "zh")].count('class="ap-card"') == HOME_PLAN_CARDS
    assert f"查看全部 {plans} 份方案" in pages[("index", "zh")] and f"See all {plans} plans" in pages[("index", "en")]
    for lang in ("zh", "en"):
        assert "downloads/plans/" not in pages[("data", lang)]
        assert 'href="../plans/"' in pages[("data", lang)]
    first = next(iter(dataset.plans))
    assert f"downloads/plans/{first}.xlsx" in pages[(f"plans/{first}", "en")]


def test_pages_rendered_by_worker_processes_equal_those_rendered_in_one(dataset, tmp_path, monkeypatch) -> None:
    import os

    from actionplans import site as site_module

    from .conftest import DATAPACKAGE, ROOT

    def render(folder: str) -> tuple[list[tuple[str, bytes]], dict[str, bytes]]:
        layout = site_module.Layout(root=ROOT, docs=tmp_path / folder)
        downloads, pages, _ = site_module.pages_and_downloads(layout, dataset, DATAPACKAGE, "https://example.org/actionplans/")
        files = {p.relative_to(tmp_path / folder).as_posix(): p.read_bytes() for p in (tmp_path / folder).rglob("*") if p.is_file()}
        assert len([name for name in files if name.endswith(".md")]) == pages
        return [(d.path, d.data) for d in downloads], files

    alone = render("alone")
    monkeypatch.setattr(site_module, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert render("pooled") == alone


def test_plan_pages_show_the_sizes_of_their_downloads_and_no_placeholder_is_left(site) -> None:
    from actionplans.downloads import human_size

    checked = 0
    for html_path in [*site.glob("plans/*/index.html"), *site.glob("en/plans/*/index.html")]:
        html = html_path.read_text(encoding="utf-8")
        for href, size in re.findall(r'<li><a href="([^"]*downloads/plans/[^"]+)">[^<]+</a> \([^,]+, ([^)]+)\)</li>', html):
            assert human_size((html_path.parent / href).resolve().stat().st_size) == size, (html_path, href)
            checked += 1
    assert checked == 2 * 3 * 3  # two languages, three plans, three files each
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".jsonld", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "\ue000" not in text and "\ue001" not in text, path


@pytest.mark.parametrize("pooled", [False, True])
def test_pages_rendered_before_the_downloads_exist_equal_pages_rendered_after(dataset, tmp_path, monkeypatch, pooled) -> None:
    """``build`` renders the pages while the downloads are made, with placeholders for their
    sizes and checksums, and fills them in afterwards; the result must be the pages the live
    preview renders once the downloads exist, and the downloads the same files."""
    import os

    from actionplans import site as site_module
    from actionplans.downloads import PLACEHOLDER_START, endpoints, make_downloads
    from actionplans.site import Layout, SiteFiles, finish_pages, pages_and_downloads, pages_with_pending_downloads

    from .conftest import DATAPACKAGE, ROOT

    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    url = "https://example.org/actionplans/"
    pages_and_downloads(Layout(root=ROOT, docs=tmp_path / "after"), dataset, DATAPACKAGE, url)
    if pooled:
        monkeypatch.setattr(site_module, "PARALLEL_PAGES", 1)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
    layout = Layout(root=ROOT, docs=tmp_path / "before")
    with SiteFiles(DATAPACKAGE, dataset, url, folder=tmp_path / "files") as files:
        names, _written, before = pages_with_pending_downloads(layout, files)
        held = sorted(n for n in names if PLACEHOLDER_START in (tmp_path / "before" / n).read_text(encoding="utf-8"))
        assert held == sorted(before)
        assert {"index.zh.md", "data.en.md"} < set(held) and any(n.startswith("plans/") for n in held)
        assert finish_pages(layout, files, before) == len(before)
        made = tree(tmp_path / "files")
    assert tree(tmp_path / "before") == tree(tmp_path / "after")
    expected = {d.path: d.data for d in make_downloads(DATAPACKAGE, dataset)} | endpoints(dataset)
    assert {k: v for k, v in made.items() if k != "catalog.jsonld"} == expected
    assert not (tmp_path / "files").exists()  # the folder is removed once the work is over


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{{ size(plan) }}\n", "plan.md.j2:2: 'size' is undefined"),
        ("{% for x in %}\n", "plan.md.j2:2: Expected an expression"),
    ],
)
def test_a_broken_page_template_is_reported_at_its_line_without_a_traceback(tmp_path, monkeypatch, capsys, line, expected) -> None:
    import shutil

    from actionplans.cli import main

    from .conftest import ROOT

    for name in ("content", "site_templates", "datapackage"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("mkdocs.yml", "CHANGELOG.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    template = tmp_path / "site_templates" / "pages" / "plan.md.j2"
    first, rest = template.read_text(encoding="utf-8").split("\n", 1)
    template.write_text(f"{first}\n{line}{rest}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["build"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert f"site_templates/pages/{expected}" in err, err
    assert not (tmp_path / "site").exists()
