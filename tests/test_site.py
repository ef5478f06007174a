"""The built site: every page kind in both languages, links, downloads and their checksums."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from actionplans import load
from actionplans.downloads import human_size
from actionplans.pages import CHART_PLANS
from actionplans.tables import TABLES

from .conftest import ROOT, SITE_URL
from .sitehtml import parse, unmarked_chinese

pytestmark = pytest.mark.slow


def page(site: Path, url: str) -> Path:
    return site / url / "index.html" if not url.endswith(".html") else site / url


def test_every_page_kind_in_both_languages(site, dataset) -> None:
    kinds = [
        "",
        "plans/",
        "data/",
        "glossary/",
        "releases/",
        "about/",
        "accessibility/",
        "python/",
        "themes/",
        "groups/",
        "regions/",
        "actors/",
    ]
    kinds += [f"releases/{v}/" for v in (p.name for p in (ROOT / "releases").iterdir() if p.is_dir())]
    kinds += [f"plans/{p}/" for p in dataset.plans] + [f"tasks/{t}/" for t in dataset.tasks]
    kinds += [f"themes/{t}/" for t in dataset.themes] + [f"groups/{g}/" for g in dataset.groups]
    kinds += [f"regions/{r}/" for r in dataset.regions] + [f"actors/{a}/" for a in dataset.actors]
    for url in kinds:
        zh, en = parse(page(site, url)), parse(page(site, "en/" + url))
        assert zh.html_lang == "zh", url
        assert en.html_lang == "en", url
        assert "".join(zh.text) != "".join(en.text), f"{url}: English page is a copy of the Chinese one"


def test_chinese_on_english_pages_is_marked_as_chinese(site) -> None:
    """WCAG 3.1.2: a screen reader reads an English page's text as English unless an element
    says otherwise; every Chinese character an English page shows is inside ``lang="zh…"``."""
    pages = sorted((site / "en").rglob("*.html"))
    assert len(pages) > 300
    unmarked = {str(p.relative_to(site)): texts for p in pages if (texts := unmarked_chinese(p))}
    assert not unmarked, unmarked


def test_english_task_pages_name_a_task_by_its_place_not_its_chinese_number(site, dataset) -> None:
    labelled = [task for task in dataset.tasks.values() if task.label]
    assert labelled
    for task in labelled:
        zh, en = page(site, f"tasks/{task.id}/").read_text(), page(site, f"en/tasks/{task.id}/").read_text()
        zh_title, en_title = (re.search(r"<title>(.*?)</title>", html).group(1) for html in (zh, en))
        assert zh_title.startswith(f"{task.label} "), zh_title
        assert task.label not in en_title and html_unescape(en_title).startswith(task.title.en), en_title
        assert f'<span aria-current="page">Task {task.ordinal}</span>' in en
        assert f"item {task.ordinal}." in en and f"{task.label}." in zh  # the citations
        assert f'<span lang="zh-Hans">{task.label}</span>' in en  # still shown, as Chinese


def test_language_switch_keeps_the_page(site, dataset) -> None:
    for task in dataset.tasks:
        zh = parse(page(site, f"tasks/{task}/"))
        switch = [
            url
            for tag, url, attrs in zh.links
            if tag == "a" and attrs.get("hreflang") == "en" and "md-select__link" in (attrs.get("class") or "")
        ]
        assert switch == [f"../../en/tasks/{task}/"]
        en = parse(page(site, f"en/tasks/{task}/"))
        back = [
            url
            for tag, url, attrs in en.links
            if tag == "a" and attrs.get("hreflang") == "zh" and "md-select__link" in (attrs.get("class") or "")
        ]
        assert back == [f"../../../tasks/{task}/"]


def test_english_task_pages_quote_the_chinese_original_marked_as_chinese(site, dataset) -> None:
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
            resolved = (site / unquote(target[len(base) :])).resolve()
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


def test_the_data_page_links_every_file_with_its_size_and_sha256sums_checks_them(site) -> None:
    for lang_root in ("", "en/"):
        data_page = page(site, lang_root + "data/")
        html = data_page.read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+)" download[^>]*>', html)
        assert len(links) == 6 + 3 * len(TABLES)  # the whole data set's six files, and two CSVs and a Parquet file per table
        sums = re.search(r'<a href="([^"]+SHA256SUMS)">SHA256SUMS</a>', html)
        assert sums is not None
        listing = (data_page.parent / sums.group(1)).resolve()
        listed = {
            name: digest for digest, name in (line.split("  ", 1) for line in listing.read_text(encoding="utf-8").splitlines())
        }
        for href in links:
            path = (data_page.parent / href).resolve()
            assert path.is_file(), href
            assert listed[path.relative_to(listing.parent).as_posix()] == hashlib.sha256(path.read_bytes()).hexdigest(), href
        assert "ap-hash" not in html  # no checksum on the page itself
        # one row per table: its name, its rows as the CSV holds them, its two CSVs with their sizes
        for table in TABLES:
            row = re.search(rf'<tr><th scope="row"><a href="#table-{table.name}">.*?</tr>', html, re.S)
            assert row is not None, table.name
            csv_file = site / "downloads" / "csv" / f"{table.name}.csv"
            rows = len(_csv_rows(csv_file.read_bytes())) - 1
            assert f'<td class="ap-num">{rows:,}</td>' in row.group(0), table.name
            assert f'>CSV</a> <span class="ap-muted">{human_size(csv_file.stat().st_size)}</span>' in row.group(0)
            parquet = site / "downloads" / "parquet" / f"{table.name}.parquet"
            assert f'>Parquet</a> <span class="ap-muted">{human_size(parquet.stat().st_size)}</span>' in row.group(0)


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
    described = {d["dcat:downloadURL"]["@id"]: d for d in catalogue["dcat:dataset"]["dcat:distribution"]}
    folder = site / "downloads"
    files = {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "SHA256SUMS"
    }
    main = [
        "downloads/datapackage.zip",
        "downloads/actionplans.xlsx",
        "downloads/actionplans.sqlite",
        "downloads/actionplans.json",
    ]
    main += [f"downloads/{kind}/{table.name}.csv" for table in TABLES for kind in ("csv", "csv-excel")]
    assert set(main) <= set(files), sorted(set(main) - set(files))
    # every file offered for download, and nothing else, each with its own checksum and size
    assert set(described) == {SITE_URL + path for path in files}
    for path, data in files.items():
        distribution = described[SITE_URL + path]
        assert distribution["spdx:checksum"]["spdx:checksumValue"] == hashlib.sha256(data).hexdigest(), path
        assert distribution["dcat:byteSize"]["@value"] == str(len(data)), path


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
            fetched = tag in ("script", "img", "iframe", "source", "video", "audio") or (
                tag == "link" and attrs.get("rel") in ("stylesheet", "preconnect", "preload", "icon", "manifest")
            )
            if fetched and urlparse(url).scheme in ("http", "https", "") and (urlparse(url).netloc or url.startswith("//")):
                offenders.append(f"{html}: {url}")
    assert not offenders, offenders[:10]
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_root_404_is_chinese_and_english_404_exists(site) -> None:
    assert parse(site / "404.html").html_lang == "zh"
    assert parse(site / "en" / "404.html").html_lang == "en"


def test_page_size_stays_bounded(site) -> None:
    """The sidebar lists sections, never tasks: a task page does not grow with the corpus."""
    sizes = [p.stat().st_size for p in (site / "tasks").glob("*/index.html")]
    assert max(sizes) < 60_000
    html = page(site, "tasks/sunshine-volunteers-1/").read_text(encoding="utf-8")
    nav = html[
        html.find('<nav class="md-nav md-nav--primary"') : html.find("</nav>", html.find('<nav class="md-nav md-nav--primary"'))
    ]
    assert "tasks/" not in nav


def test_plan_pages_show_the_sizes_of_their_downloads(site) -> None:
    from actionplans.downloads import human_size

    checked = 0
    for html_path in [*site.glob("plans/*/index.html"), *site.glob("en/plans/*/index.html")]:
        html = html_path.read_text(encoding="utf-8")
        for href, size in re.findall(r'<li><a href="([^"]*downloads/plans/[^"]+)">[^<]+</a> \([^,]+, ([^)]+)\)</li>', html):
            assert human_size((html_path.parent / href).resolve().stat().st_size) == size, (html_path, href)
            checked += 1
    assert (
        checked == 2 * len(load(ROOT / "datapackage").plans) * 4
    )  # two languages, every plan, four files each (CSV, JSON, Excel, Parquet)


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


def test_the_figure_cards_state_each_figure_of_the_plan(site, dataset) -> None:
    from actionplans.numerals import stated_number, stated_number_en

    for plan in dataset.plans.values():
        for prefix, lang in (("", "zh"), ("en/", "en")):
            html = page(site, f"{prefix}plans/{plan.id}/").read_text(encoding="utf-8")
            cards = re.findall(r'<li id="([^"]+)" class="ap-figure-card">(.*?)</li>', html, re.S)
            assert [card_id for card_id, _ in cards] == [f.id for f in plan.figures]
            for (_, card), figure in zip(cards, plan.figures, strict=True):
                stated = (
                    stated_number(figure.value, figure.quote.zh)
                    if lang == "zh"
                    else stated_number_en(figure.value, figure.quote.en)
                )
                # the number as its quote writes it, else as a number ("a hundred" → 100)
                assert (stated or f"{figure.value:,}") in card, (figure.id, lang)
                assert figure.measure.get(lang) in html_unescape(card) and figure.quote.zh in card


def test_the_timeline_states_each_plan_period_in_words(site, dataset) -> None:
    for prefix in ("", "en/"):
        for folder in ("plans/timeline/",):
            html = page(site, prefix + folder).read_text(encoding="utf-8")
            table = re.search(r'<figure class="ap-timeline".*?</figure>', html, re.S)
            assert table is not None, prefix + folder
            rows = re.findall(
                r'<tr><th scope="row"><a href="\.\./([^/"]+)/">[^<]+</a>(?: <span class="ap-muted">[^<]*</span>)?</th>'
                r"<td>([^<]+)</td>.*?grid-column: (\d+) / (\d+)",
                table.group(0),
                re.S,
            )
            dated = [p for p in dataset.plans.values() if p.period_end]
            assert sorted(r[0] for r in rows) == sorted(p.id for p in dated)
            first = min(p.period_start or p.period_end for p in dated)
            for plan_id, period, start, end in rows:
                plan = dataset.plan(plan_id)
                assert str(plan.period_end) in period
                assert int(end) - 2 + first == plan.period_end and int(start) - 1 + first == (plan.period_start or first)
                assert ("ap-bar-open" in table.group(0).split(f'{plan_id}/">')[1].split("</tr>")[0]) == (
                    plan.period_start is None
                )


def test_each_facet_chart_counts_the_tasks_per_plan(site, dataset) -> None:
    facet = {"themes": "theme", "groups": "group", "regions": "region", "actors": "actor"}
    for kind, key in facet.items():
        for concept in getattr(dataset, kind):
            tasks = dataset.tasks(**{key: concept})
            html = page(site, f"en/{kind}/{concept}/").read_text(encoding="utf-8")
            chart = re.search(r'<div class="ap-table ap-facet-chart".*?</table>', html, re.S)
            if not tasks:
                assert chart is None
                continue
            assert chart is not None, (kind, concept)
            counts = {
                k: int(v) for k, v in re.findall(r'plans/([^/"]+)/">.*?<td class="ap-num">(\d+)</td>', chart.group(0), re.S)
            }
            expected: dict[str, int] = {}
            for task in tasks:
                expected[task.plan_id] = expected.get(task.plan_id, 0) + 1
            # the plans with most tasks, up to CHART_PLANS of them; the rest counted in one line
            assert len(counts) == min(len(expected), CHART_PLANS) and all(expected[k] == v for k, v in counts.items())
            assert min(counts.values()) >= max((v for k, v in expected.items() if k not in counts), default=0)
            if len(expected) > CHART_PLANS:
                assert f"{len(expected) - CHART_PLANS} more plans" in html, (kind, concept)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_python_pages_duckdb_example_queries_the_served_site_by_url(site, served, dataset, lang, capsys) -> None:
    """The example on the Python page, as the page shows it, run against the site served here.

    DuckDB reads http(s) addresses with its httpfs extension, which it downloads from DuckDB's
    servers on first use; this machine cannot reach them, so fsspec's HTTP file system stands in
    for httpfs (DuckDB sends it the same URLs). The example itself runs unchanged but for the
    site's address, which becomes the local server's."""
    import datetime

    import duckdb
    from fsspec.implementations.http import HTTPFileSystem

    html = page(site, ("en/" if lang == "en" else "") + "python/").read_text(encoding="utf-8")
    blocks = [html_unescape(re.sub(r"<[^>]+>", "", b)) for b in re.findall(r"<pre[^>]*>(.*?)</pre>", html, re.S)]
    example = next(b for b in blocks if "import duckdb" in b)
    assert f"{SITE_URL}downloads/parquet/tasks.parquet" in example and f"{SITE_URL}downloads/csv/figures.csv" in example
    code = example.replace(SITE_URL, served)

    class _Http(HTTPFileSystem):  # DuckDB asks a file system for a file's modification time, which fsspec's lacks
        def modified(self, path: str) -> datetime.datetime:
            return datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

    duckdb.register_filesystem(_Http())
    try:
        namespace: dict = {}
        exec(compile(code, f"python.{lang}", "exec"), namespace)
        per_plan = namespace["per_plan"].fetchall()  # relations are lazy: read while the file system is there
        targets = namespace["figures"].filter("kind = 'target'").count("*").fetchall()[0][0]
    finally:
        duckdb.unregister_filesystem("http")
    out = capsys.readouterr().out
    expected = sorted(
        ((p.id, p.title.get(lang), len(p.tasks)) for p in dataset.plans.values() if p.tasks), key=lambda r: (-r[2], r[0])
    )
    assert per_plan == expected
    assert expected[0][0] in out and "measure_" in out  # both results printed
    assert targets == sum(1 for f in dataset.figures.values() if f.kind == "target") > 0
