"""Downloads made from the data package: formats, plan subsets, endpoints, the catalogue."""

from __future__ import annotations

import json

import pytest

from actionplans.downloads import dcat_catalog, endpoints, make_downloads, owned_tables, plan_subsets, table_rows
from actionplans.tables import TABLES, TABLES_BY_NAME

from .conftest import DATAPACKAGE


@pytest.fixture(scope="module")
def downloads(dataset):
    return make_downloads(DATAPACKAGE, dataset)


def test_the_tables_a_plan_owns_follow_its_foreign_keys() -> None:
    assert set(owned_tables()) == {
        "plans", "plan_issuers", "plan_groups", "plan_themes", "statements", "tasks", "task_themes", "task_actors", "task_groups", "figures",
    }


def test_each_plan_subset_is_closed_under_its_foreign_keys_and_holds_no_more(dataset) -> None:
    rows = table_rows(dataset)
    subsets = plan_subsets(rows)
    assert list(subsets) == list(dataset.plans)
    for plan_id, subset in subsets.items():
        assert [r["id"] for r in subset["tasks"]] == [t.id for t in dataset.plan(plan_id).tasks]
        assert [r["id"] for r in subset["figures"]] == [f.id for f in dataset.plan(plan_id).figures]
        assert "terms" not in subset and "term_variants" not in subset
        referenced: dict[str, set[str]] = {}
        for name, table_rows_ in subset.items():
            for key in TABLES_BY_NAME[name].foreign_keys:
                values = {r[key.columns[0]] for r in table_rows_ if r[key.columns[0]] is not None}
                targets = {r[key.reference[0]] for r in subset.get(key.resource, [])}
                assert values <= targets, f"{plan_id}: {name}.{key.columns[0]} points outside the subset: {values - targets}"
                referenced.setdefault(key.resource, set()).update(values)
        for name in ("organizations", "regions", "actors", "groups", "themes", "units", "sources"):
            assert {r["id"] for r in subset.get(name, [])} == referenced.get(name, set()), f"{plan_id}: {name} holds rows nothing refers to"
        source = dataset.plan(plan_id).source
        assert [(r["source_id"], r["name_zh"]) for r in subset.get("source_authors", [])] == [(source.id, a.zh) for a in source.authors]


def test_downloads_are_listed_once_each(downloads, dataset) -> None:
    paths = [d.path for d in downloads]
    assert len(paths) == len(set(paths)) == 6 + 3 * len(TABLES) + 4 * len(dataset.plans)


def test_endpoints_cover_every_record_of_every_entity_table(dataset) -> None:
    files = endpoints(dataset)
    index = json.loads(files["api/index.json"])
    for name in ("plans", "tasks", "figures", "organizations", "themes", "terms", "sources"):
        ids = [r.id for r in TABLES_BY_NAME[name].records(dataset)]
        assert index[name] == [f"{name}/{i}.json" for i in ids]
        assert all(f"api/{path}" in files for path in index[name])


def test_the_catalogue_gives_each_distribution_its_size_and_sha256(dataset, downloads) -> None:
    catalogue = json.loads(dcat_catalog(dataset, downloads, "https://example.org/x/"))
    distributions = catalogue["dcat:dataset"]["dcat:distribution"]
    assert len(distributions) == len(downloads)
    first = distributions[0]
    assert first["spdx:checksum"]["spdx:algorithm"] == {"@id": "spdx:checksumAlgorithm_sha256"}
    assert first["spdx:checksum"]["spdx:checksumValue"] == downloads[0].sha256
    assert first["dcat:downloadURL"]["@id"] == "https://example.org/x/downloads/datapackage.zip"


def test_the_catalogue_lists_every_table_as_parquet(dataset, downloads) -> None:
    catalogue = json.loads(dcat_catalog(dataset, downloads, "https://example.org/x/"))
    parquet = {d["dcat:downloadURL"]["@id"]: d for d in catalogue["dcat:dataset"]["dcat:distribution"] if d["dcat:mediaType"] == "application/vnd.apache.parquet"}
    assert set(parquet) == {f"https://example.org/x/downloads/parquet/{t.name}.parquet" for t in TABLES}
    tasks = next(d for d in downloads if d.path == "downloads/parquet/tasks.parquet")
    assert parquet["https://example.org/x/downloads/parquet/tasks.parquet"]["spdx:checksum"]["spdx:checksumValue"] == tasks.sha256


def test_the_datasette_metadata_describes_every_table_and_column(dataset, downloads) -> None:
    document = json.loads(next(d for d in downloads if d.path == "downloads/actionplans.metadata.json").data)
    assert document["license"] == dataset.meta.licence_title and document["license_url"] == dataset.meta.licence_path
    database = document["databases"]["actionplans"]
    assert database["title"] == f"{dataset.meta.title.en} · {dataset.meta.title.zh}"
    assert set(database["tables"]) == {t.name for t in TABLES}
    referred = {key.resource for t in TABLES for key in t.foreign_keys}
    for table in TABLES:
        entry = database["tables"][table.name]
        assert entry["title"] == f"{table.en} · {table.zh}"
        assert f"its primary key {', '.join(table.primary_key)}." in entry["description"] and "主键为" in entry["description"]
        assert entry["license_url"] == dataset.meta.licence_path and entry["source"]
        assert entry["columns"] == {c.name: f"{c.en} · {c.zh}" for c in table.columns}
        assert ("label_column" in entry) == (table.name in referred)
    labels = {name: database["tables"][name]["label_column"] for name in referred}
    assert labels["plans"] == "title_en" and labels["regions"] == "label_en" and labels["organizations"] == "name_en" and labels["terms"] == "en"
    assert "source_url" not in document  # the site has no address here: no URL is made up


def test_the_datasette_metadata_names_the_data_page_as_its_source_when_the_site_has_an_address(dataset) -> None:
    made = make_downloads(DATAPACKAGE, dataset, "https://example.org/x/")
    document = json.loads(next(d for d in made if d.path == "downloads/actionplans.metadata.json").data)
    assert document["source_url"] == "https://example.org/x/data/"
    assert document["databases"]["actionplans"]["tables"]["tasks"]["source_url"] == "https://example.org/x/data/"
