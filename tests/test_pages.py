"""Rendering pages without MkDocs: golden fragments, links, labels, citations, measured results."""

from __future__ import annotations

import ast
import dataclasses
import functools
import html
import json
import posixpath
import re
import shutil
import sys

import pytest
import yaml

from actionplans.downloads import make_downloads
from actionplans.history import History
from actionplans.pages import Renderer, RenderOptions
from actionplans.routes import relative_path
from actionplans.store import Store

from .conftest import CONTENT, DATAPACKAGE, ROOT, docstring_ids

TEMPLATES = ROOT / "site_templates"
BASE = "https://example.org/actionplans/"


@pytest.fixture(scope="module")
def downloads(dataset):
    return make_downloads(DATAPACKAGE, dataset)


@functools.cache
def _history() -> History:
    """The repository's releases, as the site shows them."""
    return History.of(Store(ROOT / "releases"))


def _renderer(dataset, downloads, base=BASE, report=None) -> Renderer:
    return Renderer(dataset, downloads, RenderOptions(TEMPLATES, CONTENT, base, report, history=_history()))


def _page(renderer: Renderer, path: str, lang: str):
    (job,) = [job for job in renderer.jobs() if job.path == path and job.lang == lang]
    return renderer.render_job(job)


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("tasks/nx-children-care-2", "zh"),
        ("tasks/nx-children-care-2", "en"),
        ("tasks/sunshine-volunteers-2", "en"),
        ("plans/nm-elderly-meals", "zh"),
        ("plans/nm-elderly-meals", "en"),
        ("themes/accessibility", "en"),
        ("regions/cn-nx", "zh"),
        ("releases/index", "zh"),
        ("releases/1.0.1", "en"),
    ],
)
def test_page_matches_its_golden_file(dataset, downloads, golden, path, lang) -> None:
    page = _page(_renderer(dataset, downloads), path, lang)
    golden(f"pages/{path.replace('/', '--')}.{lang}.md", page.text())


@pytest.mark.parametrize(
    "target", ["", "tasks/a-1", "tasks/a-2", "tasks", "plans/a", "api/tasks/a-1.json", "en/tasks/a-1", "a/b/c/d"]
)
@pytest.mark.parametrize("start", ["", "tasks/a-1", "tasks", "en", "en/", "en/tasks/a-1", "plans/a", "a/b/x"])
def test_relative_path_agrees_with_posixpath(target, start) -> None:
    assert relative_path(target, start) == posixpath.relpath(target or ".", start or ".")


def test_every_label_exists_in_both_languages() -> None:
    labels = yaml.safe_load((TEMPLATES / "labels.yaml").read_text(encoding="utf-8"))
    assert set(labels) == {"zh", "en"}
    assert set(labels["zh"]) == set(labels["en"])
    assert all(isinstance(v, str) for lang in labels.values() for v in lang.values())


#: Chinese characters and the full-width punctuation written with them.
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
SOURCE = ROOT / "src" / "actionplans"
#: Modules whose Chinese strings are not text for readers but the source language itself: the
#: words, numerals and patterns they find in Chinese texts (matched, never shown).
READS_CHINESE = {
    "importer/__init__.py",
    "importer/document.py",
    "importer/extract.py",
    "importer/figures.py",
    "importer/issuers.py",
    "importer/plans.py",
    "importer/tasks.py",
    "importer/vocabulary.py",
    "numerals.py",
}
#: Modules whose English documentation quotes Chinese as sources print it (一是, 万): such a string
#: is English prose, with more Latin letters than Chinese characters.
QUOTES_CHINESE_IN_ENGLISH = {"content/spec.py", "problems.py"}
#: The data package's schema: each column declared with its zh/en description beside it (as
#: STYLE.md asks of a declarative schema), which the descriptor and the data page are made from.
DECLARES_COLUMNS = {"tables.py"}
#: Bilingual text still written in code, to be moved to data (each string as it starts).
STILL_IN_CODE = {"datapackage.py": ["（", "；", "；", "）", "、", "年份未说明"]}


def _chinese_in_code(path) -> list[str]:
    """The string constants of a module that hold Chinese, in source order, except docstrings
    and the patterns it passes to ``re`` (an f-string's literal parts each on their own)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = docstring_ids(tree)
    for node in ast.walk(tree):
        function = node.func if isinstance(node, ast.Call) else None
        if (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "re"
            and node.args
        ):
            skipped |= {id(n) for n in ast.walk(node.args[0])}
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skipped]
    return [n.value for n in sorted(strings, key=lambda n: (n.lineno, n.col_offset)) if _CHINESE.search(n.value)]


def test_no_module_writes_bilingual_text_of_its_own() -> None:
    """Words for readers are data: the site's in site_templates/labels.yaml, the downloads'
    descriptions in src/actionplans/data/downloads.yaml. No module holds Chinese of its own,
    but where it reads Chinese (patterns and words of the source language), documents in
    English what sources print, or declares the schema's column descriptions."""
    modules = sorted(p.relative_to(SOURCE).as_posix() for p in SOURCE.rglob("*.py"))
    for exempt in (READS_CHINESE, QUOTES_CHINESE_IN_ENGLISH, DECLARES_COLUMNS, set(STILL_IN_CODE)):
        assert exempt <= set(modules), sorted(exempt - set(modules))
    found = {}
    for name in modules:
        if name in READS_CHINESE or name in DECLARES_COLUMNS:
            continue
        strings = _chinese_in_code(SOURCE / name)
        if name in QUOTES_CHINESE_IN_ENGLISH:
            strings = [t for t in strings if len(re.findall(r"[A-Za-z]", t)) <= len(_CHINESE.findall(t))]
        if strings:
            found[name] = strings
    assert {k: [t[:12] for t in v] for k, v in found.items()} == STILL_IN_CODE, (
        "Chinese text in code; move it to data (labels.yaml, data/*.yaml)"
    )


def test_the_downloads_descriptions_are_in_both_languages() -> None:
    data = yaml.safe_load((SOURCE / "data" / "downloads.yaml").read_text(encoding="utf-8"))
    texts = [
        *data["current"].values(),
        *data["release"].values(),
        *(v for k, v in data.items() if k not in ("current", "release")),
    ]
    for text in texts:
        assert set(text) == {"zh", "en"} and _CHINESE.search(text["zh"]) and not _CHINESE.search(text["en"]), text
        assert re.findall(r"\{\w+\}", text["zh"]) == re.findall(r"\{\w+\}", text["en"]), text


def test_accessibility_page_states_no_result_without_a_report(dataset, downloads, tmp_path) -> None:
    renderer = _renderer(dataset, downloads, report=tmp_path / "none.json")
    for lang in ("zh", "en"):
        text = _page(renderer, "accessibility", lang).body
        assert renderer.labels[lang]["a11y_no_report"] in text
        assert " 0 " not in text and "0 个" not in text


def test_accessibility_page_states_the_results_of_its_report(dataset, downloads, tmp_path) -> None:
    report = tmp_path / "accessibility.json"
    report.write_text(
        json.dumps(
            {
                "date": "2026-12-01",
                "data_version": "1.0.0",
                "code_version": "0.2.0",
                "pages": 176,
                "checks": [
                    {"id": "axe", "passed": True, "measured": "0 violations on 176 pages"},
                    {"id": "html", "passed": False, "measured": "3 errors"},
                ],
            }
        ),
        encoding="utf-8",
    )
    text = _page(_renderer(dataset, downloads, report=report), "accessibility", "en").body
    assert "test report of 2026-12-01" in text and "data version 1.0.0" in text and "176 pages" in text
    assert "- accessibility check with axe-core: passed (0 violations on 176 pages)" in text
    assert "- W3C Nu HTML Checker: failed (3 errors)" in text


def test_citations_name_the_licence_and_the_address(dataset, downloads) -> None:
    meta = dataclasses.replace(dataset.meta, licence_name="CC0-1.0", licence_title="Creative Commons Zero")
    other = dataclasses.replace(dataset, meta=meta)
    citation = _renderer(other, downloads).cite.citations("en")
    assert "note = {Data set, Creative Commons Zero (CC0-1.0)}" in citation["bibtex"]
    assert "CC BY" not in citation["bibtex"]
    permanent = f"{BASE}releases/{dataset.version}/"  # the current data is a release: its permanent address
    assert f"url = {{{permanent}}}" in citation["bibtex"] and citation["apa"].endswith(permanent)


def test_without_an_address_nothing_names_a_host(dataset, downloads) -> None:
    renderer = _renderer(dataset, downloads, base="")
    citation = renderer.cite.citations("zh")
    assert "url =" not in citation["bibtex"] and "http" not in citation["gbt"].replace(dataset.meta.licence_path, "")
    for path, lang in (("tasks/nx-children-care-2", "en"), ("plans/nx-children-care", "zh"), ("data", "en"), ("index", "zh")):
        text = _page(renderer, path, lang).text()
        assert "example.org" not in text
        assert "https://" not in text.replace(dataset.meta.licence_path, "").replace("https://schema.org", "")
    document = json.loads(renderer.cite.jsonld("en", "data"))
    assert "url" not in document
    assert {d["contentUrl"] for d in document["distribution"]} >= {
        "../../downloads/datapackage.zip",
        "../../downloads/actionplans.sqlite",
    }


def test_a_front_matter_error_is_reported_at_its_line(dataset, downloads, tmp_path) -> None:
    from actionplans.pages import TemplateError

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    page = content / "pages" / "about.en.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("title: About and method", "title: About: and: method", 1), encoding="utf-8"
    )
    renderer = Renderer(dataset, downloads, RenderOptions(TEMPLATES, content, BASE))
    with pytest.raises(TemplateError, match=r"about.en.md:2: front matter is not valid YAML"):
        list(renderer.pages())


def test_pages_listing_the_whole_corpus_stay_bounded_as_plans_grow(tmp_path) -> None:
    """The home page shows a bounded number of plan cards; the data page lists the whole data
    set's files, while each plan's subset is offered on that plan's page."""
    from actionplans.content import load_content
    from actionplans.datapackage import write_package
    from actionplans.pages import HOME_PLAN_CARDS

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import write_corpus

    project = write_corpus(tmp_path / "project", 10 * (HOME_PLAN_CARDS + 8))
    dataset = load_content(project / "content")
    write_package(dataset, project / "datapackage", validate=False)
    renderer = Renderer(
        dataset,
        make_downloads(project / "datapackage", dataset),
        RenderOptions(project / "site_templates", project / "content", BASE),
    )
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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{{ size(plan) }}\n", "plan.md.j2:2: 'size' is undefined"),
        ("{% for x in %}\n", "plan.md.j2:2: Expected an expression"),
    ],
)
def test_a_broken_page_template_is_reported_at_its_line_without_a_traceback(
    tmp_path, monkeypatch, capsys, line, expected
) -> None:
    from actionplans.cli import main

    from .conftest import copy_project

    copy_project(tmp_path)
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


def test_a_draft_is_marked_on_its_plan_and_task_pages(dataset, downloads) -> None:
    renderer = Renderer(dataset, downloads, RenderOptions(TEMPLATES, CONTENT, BASE, drafts=frozenset({"nx-children-care"})))
    for path in ("plans/nx-children-care", "tasks/nx-children-care-2"):
        for lang in ("zh", "en"):
            assert 'class="ap-draft" role="note"' in _page(renderer, path, lang).body, (path, lang)
    assert 'class="ap-draft"' not in _page(renderer, "plans/nm-elderly-meals", "en").body


# --- sources, the plans table, counts from the data ---------------------------------------------
def _texts() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in (CONTENT / "sources").glob("*.txt")}


def _with_source(dataset, **changes):
    """The dataset with every source changed as ``changes`` says (its kind, republish …)."""
    from actionplans import model as m

    sources = {k: dataclasses.replace(s, **changes) for k, s in dataset.sources.items()}
    return m.Dataset(
        meta=dataset.meta,
        sources=sources,
        regions=dataset.regions,
        groups=dataset.groups,
        themes=dataset.themes,
        actors=dataset.actors,
        units=dataset.units,
        organizations=dataset.organizations,
        plans=dataset.plans,
        tasks=m.TaskTable(dataset.tasks),
        figures=dataset.figures,
        terms=dataset.terms,
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_source_that_may_be_republished_shows_its_whole_text_with_each_quote_marked(dataset, downloads, lang) -> None:
    ds = _with_source(dataset, republish="whole")  # the seed page too, whose plans have many quotes
    source = ds.sources["seed-page"]
    renderer = Renderer(ds, downloads, RenderOptions(TEMPLATES, CONTENT, BASE, history=_history(), texts=_texts()))
    body = _page(renderer, f"sources/{source.id}", lang).body
    raw = _texts()[source.id]
    shown = re.sub(r"<[^>]+>", "", re.sub(r'<a class="ap-quote-link".*?</a>', "", body))
    for line in filter(None, (line.strip() for line in raw.split("\n"))):
        assert html.escape(line, quote=False) in shown  # every line of the text, as it is
    for task in [t for plan in source.plans for t in plan.tasks]:  # each quote opens an anchor and links to its record
        assert f'id="q-{task.id}"' in body and f'href="../../tasks/{task.id}/"' in body.replace(f"{BASE}", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_source_quoted_only_shows_its_quotes_and_no_other_words(dataset, downloads, lang) -> None:
    source = dataset.sources["seed-page"]
    assert source.republish == "quotes"
    body = _page(
        Renderer(dataset, downloads, RenderOptions(TEMPLATES, CONTENT, BASE, history=_history(), texts=_texts())),
        f"sources/{source.id}",
        lang,
    ).body
    quoted = "".join(q for q in re.findall(r'<span lang="zh-Hans">(.*?)</span>', body))
    raw = _texts()[source.id]
    unquoted = [line.strip() for line in raw.split("\n") if line.strip() and squeeze_html(line) not in squeeze_html(quoted)]
    assert unquoted, "the seed page has lines that no record quotes"
    assert not any(line in body for line in unquoted if len(line) >= 8)
    for task in (t for plan in source.plans for t in plan.tasks):
        assert html.escape(task.text.zh, quote=False) in body


def squeeze_html(text: str) -> str:
    return re.sub(r"\s", "", html.unescape(text))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plans_table_lists_every_plan_with_what_its_filters_read(dataset, downloads, lang) -> None:
    body = _page(_renderer(dataset, downloads), "plans/index", lang).body
    assert '<form class="ap-filter" data-ap-filter hidden' in body  # shown by the script only
    rows = re.findall(
        r'<tr data-level="([a-z]+)"[^>]* data-province="([a-z-]*)" data-themes="([a-z -]*)" data-start="(\d*)" data-end="(\d*)"',
        body,
    )
    assert len(rows) == len(dataset.plans)
    for plan in dataset.plans.values():
        province = dataset.province_of(plan.region_id)
        assert (
            plan.level,
            province.id if province else "",
            " ".join(plan.theme_ids),
            str(plan.period_start or ""),
            str(plan.period_end or ""),
        ) in rows


def test_the_home_page_counts_the_corpus_from_the_data(dataset, downloads) -> None:
    from actionplans.listing import corpus_counts

    counts = corpus_counts(dataset)
    assert (
        counts["plans"] == len(dataset.plans)
        and counts["tasks"] == len(dataset.tasks)
        and counts["sources"] == len(dataset.sources)
    )
    provinces = {r.id for p in dataset.plans.values() if (r := dataset.province_of(p.region_id)) is not None}
    assert {p.region_id for p in dataset.plans.values() if p.level == "provincial"} <= provinces
    assert counts["provinces"] == len(provinces) and counts["national"] + counts["local"] == counts["plans"]
    for lang, words in (("zh", f"本站收录 {counts['plans']} 份方案"), ("en", f"The site holds {counts['plans']} plans")):
        assert words in _page(_renderer(dataset, downloads), "index", lang).body


def test_no_hand_written_page_counts_the_plans() -> None:
    """Counts of plans come from the data: the hand-written pages and the data set's own title
    and description state none (a number of plans written by hand is false once one is added)."""
    count = re.compile(
        r"([0-9一二三四五六七八九十两]+)\s*(份|项|个)(社会政策)?(行动)?方案|\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(\w+\s+){0,4}plans\b",
        re.I,
    )
    texts = [p.read_text(encoding="utf-8") for p in (CONTENT / "pages").glob("*.md")]
    texts.append((CONTENT / "package.yaml").read_text(encoding="utf-8"))
    texts.append((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    found = [
        m.group(0)
        for text in texts
        for m in count.finditer(text)
        if "最早收录" not in text[max(0, m.start() - 6) : m.start()]
        and "first" not in text[max(0, m.start() - 6) : m.start()].lower()
    ]
    assert found == []


def test_a_block_a_page_cannot_have_is_reported(dataset, downloads, tmp_path) -> None:
    from actionplans.pages import TemplateError

    shutil.copytree(CONTENT, tmp_path / "content")
    page = tmp_path / "content" / "pages" / "about.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ counts }}\n", encoding="utf-8")
    renderer = Renderer(dataset, downloads, RenderOptions(TEMPLATES, tmp_path / "content", BASE, history=_history()))
    with pytest.raises(TemplateError, match=r"about.en.md: \{\{ counts \}\} is no block of the page"):
        list(renderer.pages())


def test_a_plan_whose_stored_text_describes_none_of_its_tasks_says_so_and_not_zero(dataset, downloads) -> None:
    renderer = _renderer(dataset, downloads)
    at_most = [p for p in dataset.plans.values() if p.task_count_rule == "at-most" and p.task_count is not None]
    none_stored, some = [p for p in at_most if not p.tasks], [p for p in at_most if p.tasks]
    assert none_stored and some
    for plan in none_stored[:3] + some[:3]:
        zh, en = (_page(renderer, f"plans/{plan.id}", lang).body for lang in ("zh", "en"))
        if plan.tasks:
            assert f"所存原文描述了其中 {len(plan.tasks)} 项" in zh and f"describes {len(plan.tasks)} of them" in en
        else:
            assert f"原文称共有 {plan.task_count} 项，所存原文没有逐项描述" in zh and "描述了其中 0 项" not in zh
            assert "describes none of them" in en and "describes 0" not in en
