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

from .conftest import ROOT
from .sitehtml import parse

pytestmark = pytest.mark.slow


def page(site: Path, url: str) -> Path:
    return site / url / "index.html" if not url.endswith(".html") else site / url


def test_every_page_kind_in_both_languages(site, dataset) -> None:
    kinds = ["", "plans/", "data/", "glossary/", "releases/", "about/", "accessibility/", "python/", "themes/", "groups/", "regions/", "actors/"]
    kinds += [f"releases/{v}/" for v in (p.name for p in (ROOT / "releases").iterdir() if p.is_dir())]
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


@pytest.mark.a11y("links")
def test_no_broken_internal_link_or_anchor(site, record_property) -> None:
    ids: dict[Path, set[str]] = {}
    broken = []
    base = "/actionplans/"  # the path of site_url; 404 pages link from the site root
    targets = _internal_targets(site)
    for html, target, fragment in targets:
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
    record_property("measured", f"{len(broken)} broken of {len(targets)} internal links")
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
        assert (record["text_zh"], record["text_en"]) == (task.text.zh, task.text.en)
        assert record["line_start"] == task.span.line_start and record["theme_ids"] == list(task.theme_ids)
    for plan in dataset.plans.values():
        record = json.loads((site / "api" / "plans" / f"{plan.id}.json").read_text(encoding="utf-8"))
        assert [t["id"] for t in record["tasks"]] == [t.id for t in plan.tasks]
    for figure in dataset.figures:
        assert (site / "api" / "figures" / f"{figure}.json").is_file()
    index = json.loads((site / "api" / "index.json").read_text(encoding="utf-8"))
    assert index["version"] == dataset.version and len(index["tasks"]) == len(dataset.tasks)


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


def test_page_size_stays_bounded(site) -> None:
    """The sidebar lists sections, never tasks: a task page does not grow with the corpus."""
    sizes = [p.stat().st_size for p in (site / "tasks").glob("*/index.html")]
    assert max(sizes) < 60_000
    html = page(site, "tasks/sunshine-volunteers-1/").read_text(encoding="utf-8")
    nav = html[html.find('<nav class="md-nav md-nav--primary"'):html.find("</nav>", html.find('<nav class="md-nav md-nav--primary"'))]
    assert "tasks/" not in nav


def test_plan_pages_show_the_sizes_of_their_downloads(site) -> None:
    from actionplans.downloads import human_size

    checked = 0
    for html_path in [*site.glob("plans/*/index.html"), *site.glob("en/plans/*/index.html")]:
        html = html_path.read_text(encoding="utf-8")
        for href, size in re.findall(r'<li><a href="([^"]*downloads/plans/[^"]+)">[^<]+</a> \([^,]+, ([^)]+)\)</li>', html):
            assert human_size((html_path.parent / href).resolve().stat().st_size) == size, (html_path, href)
            checked += 1
    assert checked == 2 * 3 * 3  # two languages, three plans, three files each


def test_a_site_without_an_address_names_no_host(dataset, tmp_path, monkeypatch, capsys) -> None:
    """With no homepage and no SITE_URL: relative links, no canonical URL, no sitemap, and one
    warning; never an invented host."""
    from actionplans.cli import main

    from .conftest import copy_project

    project = copy_project(tmp_path / "project")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.chdir(project)
    capsys.readouterr()
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: the site has no address") == 1, err
    built = project / "site"
    assert not (built / "sitemap.xml").exists() and not (built / "sitemap.xml.gz").exists()
    for path in built.rglob("*"):
        if path.suffix in (".html", ".json", ".jsonld", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "example.org" not in text and 'rel="canonical"' not in text, path
            assert not re.search(r'(href|src|content|url|@id)="?:? ?"?None', text), path
    catalogue = json.loads((built / "catalog.jsonld").read_text(encoding="utf-8"))
    assert catalogue["@id"] == "catalog.jsonld" and catalogue["dcat:dataset"]["dcat:landingPage"]["@id"] == "data/"
