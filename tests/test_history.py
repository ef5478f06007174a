"""The site's record of the releases: release pages with field-level changes, plan and task
histories, permanent files with checksums, releases.json, the catalogues (read with rdflib)
and citations naming the version."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from actionplans import archive, load
from actionplans.history import History, field_label
from actionplans.site import Layout, render, render_options, site_files
from actionplans.store import Store
from actionplans.versions import ReleaseError

from .conftest import ROOT, edit, run_release, unreleased_content

BASE = "https://example.org/plans/"
TASK = "nm-elderly-meals-3"


#: Files every release publishes (among others), by path in its folder.
RELEASE_FILES = frozenset(
    {
        "datapackage.zip",
        "actionplans.xlsx",
        "actionplans.sqlite",
        "actionplans.json",
        "changes.json",
        "changes.csv",
        "csv/tasks.csv",
    }
)


def release(project: Path, date: str, zh: str, en: str) -> None:
    assert run_release(project, "--date", date, "--notes-zh", zh, "--notes-en", en) == 0


class Built:
    """A project's pages (by file name) and files (by path) as ``render`` and ``site_files`` make them."""

    def __init__(self, project: Path, base: str = BASE) -> None:
        layout = Layout(root=project, templates=ROOT / "site_templates", docs=project / "build" / "docs")
        self.history = History.of(Store(project / "releases"))
        dataset = load(project / "datapackage")
        downloads, _ = render(
            layout, dataset, project / "datapackage", render_options(layout, dataset, base, history=self.history)
        )
        self.docs = project / "build" / "docs"
        self.files = site_files(dataset, downloads, self.history, base)

    def page(self, name: str) -> str:
        return (self.docs / name).read_text(encoding="utf-8")

    def json(self, path: str) -> object:
        return json.loads(self.files[path])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The content released as 1.0.0, then a task's English title corrected and released as
    1.0.1, with an address for the site."""
    root = tmp_path_factory.mktemp("history")
    unreleased_content(root / "content")
    release(root, "2026-12-01", "首次发布。", "First release.")
    (root / "first").mkdir()
    shutil.copytree(root / "releases", root / "first" / "releases")
    edit(root, '      en: "Diversified funding mechanism"', '      en: "A diversified funding mechanism"')
    release(root, "2026-12-02", "更正一项任务的英文标题。", "A task's English title corrected.")
    return root


@pytest.fixture(scope="module")
def built(project: Path) -> Built:
    return Built(project)


def test_the_releases_page_lists_every_release_newest_first(built: Built) -> None:
    zh, en = built.page("releases/index.zh.md"), built.page("releases/index.en.md")
    assert en.index('id="release-1.0.1"') < en.index('id="release-1.0.0"')
    assert "A task's English title corrected." in en and "First release." in en and "更正一项任务的英文标题。" in zh
    assert "<strong>1.0.1</strong>" in en and "Patch: corrections, same shape" in en and "The first release" in en
    # the counts of 1.0.1: tasks 0 added, 0 removed, 1 corrected
    counts = re.search(r'id="release-1\.0\.1".*?<tbody>(.*?)</tbody>', en, re.S).group(1)  # type: ignore[union-attr]
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", counts)).strip() == "Tasks tasks 0 0 1"


def test_a_release_page_shows_each_changed_field_before_and_after(built: Built) -> None:
    page = built.page("releases/1.0.1.en.md")
    block = page[page.index(f'id="change-tasks-{TASK}"') :]
    block = block[: block.index("</table>")]
    assert "Title of the task (English)" in block and "<code>title_en</code>" in block
    assert "<del>Diversified</del> funding mechanism" in block and "<ins>A diversified</ins> funding mechanism" in block
    assert f'href="../../tasks/{TASK}/"' in block
    assert 'href="../1.0.0/"' in page  # the previous release
    for name in RELEASE_FILES:
        assert f'href="../../../releases/1.0.1/{name}"' in page  # from en/releases/1.0.1/ to the files at the site root


def test_the_first_release_page_counts_the_rows_and_lists_none(built: Built) -> None:
    page = built.page("releases/1.0.0.zh.md")
    rows = sum(c["added"] for c in built.history.get("1.0.0").release.counts.values())  # type: ignore[union-attr]
    assert f"首次发布：全部 {rows} 行都是新增的。" in page
    assert 'id="change-' not in page and "这是旧版本。当前版本是" in page


def test_a_task_page_says_when_it_was_added_and_corrected_with_links(built: Built) -> None:
    page = built.page(f"tasks/{TASK}.en.md")
    history = page[page.index('id="history"') :]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> \(([^)]+)\)</li>', history)
    assert links == [
        ("../../releases/1.0.0/", "Added in 1.0.0", "2026-12-01"),
        (f"../../releases/1.0.1/#change-tasks-{TASK}", "Corrected in 1.0.1: Title of the task (English)", "2026-12-02"),
    ]
    assert "1.0.1 版更正：任务标题（英文）" in built.page(f"tasks/{TASK}.zh.md")
    other = built.page("tasks/nm-elderly-meals-4.en.md")
    assert "Added in 1.0.0" in other and "Corrected in" not in other
    assert "Corrected in" not in built.page("plans/nm-elderly-meals.en.md")  # a task's own change is not its plan's


def test_every_release_has_permanent_files_checked_by_sha256sums(built: Built) -> None:
    for version in ("1.0.0", "1.0.1"):
        folder = f"releases/{version}/"
        sums = built.files[folder + "SHA256SUMS"].decode().splitlines()
        listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in sums}
        assert set(listed) >= RELEASE_FILES
        tables = {name.removeprefix("csv/").removesuffix(".csv") for name in listed if name.startswith("csv/")}
        assert {f"parquet/{t}.parquet" for t in tables} | {"actionplans-parquet.zip"} <= set(listed)  # each table as Parquet too
        for name, digest in listed.items():
            assert hashlib.sha256(built.files[folder + name]).hexdigest() == digest, name
        tasks = pq.read_table(io.BytesIO(built.files[folder + "parquet/tasks.parquet"])).to_pylist()
        assert [r["id"] for r in tasks] == [
            r["id"] for r in csv.DictReader(io.StringIO(built.files[folder + "csv/tasks.csv"].decode()))
        ]
    current = {line.split("  ", 1)[1] for line in built.files["downloads/SHA256SUMS"].decode().splitlines()}
    assert {
        "datapackage.zip",
        "csv/tasks.csv",
        "plans/nm-elderly-meals.zip",
        "parquet/tasks.parquet",
        "actionplans-parquet.zip",
        "plans/nm-elderly-meals.parquet.zip",
        "actionplans.metadata.json",
    } <= current


def test_a_later_release_leaves_every_file_of_the_earlier_one_as_it_was(built: Built, project: Path) -> None:
    store = Store(project / "first" / "releases")
    first_only = site_files(store.dataset("1.0.0"), [], History.of(store), BASE)
    earlier = {p: d for p, d in first_only.items() if p.startswith("releases/1.0.0/")}
    later = {p: d for p, d in built.files.items() if p.startswith("releases/1.0.0/")}
    assert len(earlier) > 20 and earlier == later


def test_releases_json_and_the_change_logs(built: Built) -> None:
    releases = built.json("releases.json")
    assert [{k: r[k] for k in ("version", "date", "previous", "url")} for r in releases] == [  # type: ignore[union-attr]
        {"version": "1.0.0", "date": "2026-12-01", "previous": None, "url": BASE + "releases/1.0.0/"},
        {"version": "1.0.1", "date": "2026-12-02", "previous": "1.0.0", "url": BASE + "releases/1.0.1/"},
    ]
    second = releases[1]  # type: ignore[index]
    for release in releases:  # type: ignore[union-attr]
        zipped = built.files[f"releases/{release['version']}/datapackage.zip"]  # type: ignore[index]
        assert release["datapackage_zip"] == {  # type: ignore[index]
            "url": f"{release['url']}datapackage.zip",
            "sha256": hashlib.sha256(zipped).hexdigest(),
            "bytes": len(zipped),  # type: ignore[index]
        }
    assert (
        second["changes"]["tasks"] == {"added": 0, "removed": 0, "changed": 1}
        and second["notes"]["en"] == "A task's English title corrected."
    )
    assert built.files["releases/1.0.1/changes.csv"].decode().splitlines() == [
        "table,op,key,field,old,new",
        f"tasks,change,{TASK},title_en,Diversified funding mechanism,A diversified funding mechanism",
    ]
    first = built.json("releases/1.0.0/changes.json")
    tasks = len(load(ROOT / "datapackage").tasks)
    assert first["previous"] is None and len(first["tables"]["tasks"]["added"]) == tasks  # type: ignore[index]


def test_citations_name_the_version_and_its_permanent_address(built: Built) -> None:
    data = built.page("data.en.md")
    assert f"(Version 1.0.1) [Data set]. {BASE}releases/1.0.1/" in data
    assert "  version = {1.0.1}," in data and f"  url = {{{BASE}releases/1.0.1/}}," in data
    assert f"V1.0.1[DS/OL]. (2026-12-02)[2026-12-02]. {BASE}releases/1.0.1/." in data
    assert 'href="../releases/1.0.1/"' in data
    cff = yaml.safe_load(built.files["CITATION.cff"])
    assert (cff["version"], cff["date-released"], cff["url"]) == ("1.0.1", "2026-12-02", f"{BASE}releases/1.0.1/")
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset" and cff["license"] == "CC-BY-4.0"


def test_the_catalogues_describe_the_versions_in_dcat(built: Built) -> None:
    rdflib = pytest.importorskip("rdflib")
    from rdflib.namespace import DCTERMS, RDF, XSD

    DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")  # rdflib's own lacks DCAT 3's version terms
    adms, spdx = rdflib.Namespace("http://www.w3.org/ns/adms#"), rdflib.Namespace("http://spdx.org/rdf/terms#")
    main_graph = rdflib.Graph().parse(data=built.files["catalog.jsonld"], format="json-ld", publicID=BASE)
    (dataset,) = main_graph.subjects(RDF.type, DCAT.Dataset)  # the current dataset is the only typed one
    release_ids = {rdflib.URIRef(f"{BASE}releases/{v}/#dataset") for v in ("1.0.0", "1.0.1")}
    assert set(main_graph.objects(dataset, DCAT.hasVersion)) == release_ids
    assert main_graph.value(dataset, DCAT.hasCurrentVersion) == rdflib.URIRef(f"{BASE}releases/1.0.1/#dataset")
    assert str(main_graph.value(dataset, DCAT.version)) == "1.0.1"
    for version, previous in (("1.0.0", None), ("1.0.1", "1.0.0")):
        graph = rdflib.Graph().parse(data=built.files[f"releases/{version}/catalog.jsonld"], format="json-ld", publicID=BASE)
        node = rdflib.URIRef(f"{BASE}releases/{version}/#dataset")
        assert (node, RDF.type, DCAT.Dataset) in graph
        assert str(graph.value(node, DCAT.version)) == version
        assert graph.value(node, DCTERMS.isVersionOf) == dataset
        issued = graph.value(node, DCTERMS.issued)
        assert issued.datatype == XSD.date  # type: ignore[union-attr]
        notes = {n.language.lower(): str(n) for n in graph.objects(node, adms.versionNotes)}  # type: ignore[union-attr]
        assert set(notes) == {"zh-hans", "en"} and all(notes.values())
        expected_previous = rdflib.URIRef(f"{BASE}releases/{previous}/#dataset") if previous else None
        assert graph.value(node, DCAT.previousVersion) == expected_previous
        distributions = list(graph.objects(node, DCAT.distribution))
        assert len(distributions) == len(
            [
                p
                for p in built.files
                if p.startswith(f"releases/{version}/") and p.rsplit("/", 1)[1] not in ("SHA256SUMS", "catalog.jsonld")
            ]
        )
        for d in distributions:
            url = str(graph.value(d, DCAT.downloadURL))
            checksum = graph.value(d, spdx.checksum)
            assert graph.value(checksum, spdx.algorithm) == spdx.checksumAlgorithm_sha256
            assert (
                str(graph.value(checksum, spdx.checksumValue)) == hashlib.sha256(built.files[url.removeprefix(BASE)]).hexdigest()
            )


def test_a_change_to_the_rows_a_task_owns_and_a_task_removed(tmp_path: Path) -> None:
    unreleased_content(tmp_path / "content")
    release(tmp_path, "2026-12-01", "首次发布。", "First release.")
    edit(tmp_path, "    themes: [funding, meal-assistance, social-participation]", "    themes: [funding, meal-assistance]")
    release(tmp_path, "2026-12-02", "删去一项主题。", "A theme removed.")
    built = Built(tmp_path)
    page = built.page(f"tasks/{TASK}.en.md")
    assert re.search(r'<a href="../../releases/1.0.1/#changes-task_themes">Corrected in 1.0.1: Task themes</a>', page)
    assert 'id="changes-task_themes"' in built.page("releases/1.0.1.en.md")


def test_field_labels_keep_the_language_of_a_pair() -> None:
    assert (
        field_label(
            {
                "name": "text_en",
                "description": "Full text of the task (Chinese verbatim from the source) (English)",
                "description_zh": "任务全文（中文逐字引自原文）（英文）",
            }
        ).en
        == "Full text of the task (English)"
    )
    assert field_label({"name": "text_zh", "description_zh": "任务全文（中文逐字引自原文）（中文）"}).zh == "任务全文（中文）"
    assert (
        field_label(
            {
                "name": "issuer_count",
                "description": "Number of issuing departments as the source states it (empty when not stated)",
                "description_zh": "原文所述联合发文部门数（未说明则为空）",
            }
        ).get("en")
        == "Number of issuing departments as the source states it"
    )
    assert field_label({"name": "code"}).en == "code"


def test_release_files_are_made_once_and_kept_while_they_hold(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def files(cache: Path) -> dict[str, tuple[str, int, bytes]]:
        published = History.of(Store(project / "releases"), cache).published
        return {d.path: (d.sha256, d.size, d.data) for p in published for d in p.downloads}

    made = files(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"1.0.0", "1.0.1"}
    assert made == {
        d.path: (d.sha256, d.size, d.data) for p in History.of(Store(project / "releases")).published for d in p.downloads
    }

    calls: list[str] = []
    real = archive.xlsx_bytes
    monkeypatch.setattr(archive, "xlsx_bytes", lambda *a, **k: calls.append("xlsx") or real(*a, **k))
    kept = History.of(Store(project / "releases"), tmp_path).published[0].downloads
    assert all(isinstance(d.source, Path) for d in kept)  # taken as files, not read
    assert files(tmp_path) == made and calls == []

    workbook = tmp_path / "1.0.1" / "actionplans.xlsx"
    workbook.write_bytes(workbook.read_bytes()[:-10])  # a kept file damaged: made again, the same
    assert files(tmp_path) == made and calls == ["xlsx"]
    damaged = bytearray(workbook.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # damaged without a change of size: its checksum would lie
    workbook.write_bytes(bytes(damaged))
    assert files(tmp_path) == made and calls == ["xlsx", "xlsx"]
    assert hashlib.sha256(workbook.read_bytes()).hexdigest() == made["releases/1.0.1/actionplans.xlsx"][0]
    manifest = tmp_path / "1.0.0" / "KEPT.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('"version": "1.0.0"', '"version": "9.9.9"'), encoding="utf-8"
    )
    assert files(tmp_path) == made and calls == ["xlsx", "xlsx", "xlsx"]  # kept for something else: made again


def test_an_edited_release_record_is_detected(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "releases"
    shutil.copytree(project / "releases", copy)
    record = copy / "1.0.1" / "release.json"
    record.write_text(
        record.read_text(encoding="utf-8").replace("A task's English title corrected.", "Edited."), encoding="utf-8"
    )
    with pytest.raises(ReleaseError, match=r"1\.0\.1/release\.json: changed after the release was made"):
        Store(copy).releases()
