"""Downloads made from the data package: formats, plan subsets, endpoints, the catalogue."""

from __future__ import annotations

import csv
import hashlib
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
        "plans",
        "plan_issuers",
        "plan_groups",
        "plan_themes",
        "statements",
        "tasks",
        "task_themes",
        "task_actors",
        "task_groups",
        "figures",
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
            assert {r["id"] for r in subset.get(name, [])} == referenced.get(name, set()), (
                f"{plan_id}: {name} holds rows nothing refers to"
            )
        source = dataset.plan(plan_id).source
        assert [(r["source_id"], r["name_zh"]) for r in subset.get("source_authors", [])] == [
            (source.id, a.zh) for a in source.authors
        ]


def test_downloads_are_listed_once_each(downloads, dataset) -> None:
    paths = [d.path for d in downloads]
    assert len(paths) == len(set(paths)) == 6 + 3 * len(TABLES) + 4 * len(dataset.plans)


def _declared_entity_tables() -> dict[str, list[str]]:
    """Each table the data package declares with an ``id`` key, and its ids in file order, read
    from the package itself; a table whose records live inside another's (``part_of``, as a
    plan's statements) is left out."""
    descriptor = json.loads((DATAPACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for resource in descriptor["resources"]:
        if resource["schema"].get("primaryKey") in (["id"], "id") and TABLES_BY_NAME[resource["name"]].part_of is None:
            with (DATAPACKAGE / resource["path"]).open(encoding="utf-8", newline="") as handle:
                tables[resource["name"]] = [row["id"] for row in csv.DictReader(handle)]
    return tables


def test_endpoints_cover_every_record_of_every_entity_table(dataset) -> None:
    files = endpoints(dataset)
    index = json.loads(files["api/index.json"])
    declared = _declared_entity_tables()
    assert len(declared) == 11, sorted(declared)
    assert set(index) - {"name", "version"} == set(declared)
    for name, ids in declared.items():
        assert index[name] == [f"{name}/{i}.json" for i in ids], name
        for i in ids:
            assert json.loads(files[f"api/{name}/{i}.json"])["id"] == i
    listed = {f"api/{path}" for name in declared for path in index[name]}
    assert set(files) == listed | {"api/index.json"}, "an endpoint that the index does not list"
    # a plan's statements are part of its record
    for plan in dataset.plans.values():
        record = json.loads(files[f"api/plans/{plan.id}.json"])
        assert [s["id"] for s in record["statements"]] == [s.id for s in plan.statements], plan.id


def test_the_catalogue_gives_each_distribution_its_size_and_sha256(dataset, downloads) -> None:
    catalogue = json.loads(dcat_catalog(dataset, downloads, "https://example.org/x/"))
    distributions = catalogue["dcat:dataset"]["dcat:distribution"]
    assert len(distributions) == len(downloads)
    assert distributions[0]["dcat:downloadURL"]["@id"] == "https://example.org/x/downloads/datapackage.zip"
    for download, described in zip(downloads, distributions, strict=True):
        data = download.data
        assert described["dcat:downloadURL"]["@id"] == "https://example.org/x/" + download.path
        assert described["spdx:checksum"]["spdx:algorithm"] == {"@id": "spdx:checksumAlgorithm_sha256"}, download.path
        assert described["spdx:checksum"]["spdx:checksumValue"] == hashlib.sha256(data).hexdigest(), download.path
        assert described["dcat:byteSize"] == {"@value": str(len(data)), "@type": "xsd:nonNegativeInteger"}, download.path


def test_the_catalogue_lists_every_table_as_parquet(dataset, downloads) -> None:
    catalogue = json.loads(dcat_catalog(dataset, downloads, "https://example.org/x/"))
    parquet = {
        d["dcat:downloadURL"]["@id"]: d
        for d in catalogue["dcat:dataset"]["dcat:distribution"]
        if d["dcat:mediaType"] == "application/vnd.apache.parquet"
    }
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
    assert (
        labels["plans"] == "title_en"
        and labels["regions"] == "label_en"
        and labels["organizations"] == "name_en"
        and labels["terms"] == "en"
    )
    assert "source_url" not in document  # the site has no address here: no URL is made up


def test_the_datasette_metadata_names_the_data_page_as_its_source_when_the_site_has_an_address(dataset) -> None:
    made = make_downloads(DATAPACKAGE, dataset, "https://example.org/x/")
    document = json.loads(next(d for d in made if d.path == "downloads/actionplans.metadata.json").data)
    assert document["source_url"] == "https://example.org/x/data/"
    assert document["databases"]["actionplans"]["tables"]["tasks"]["source_url"] == "https://example.org/x/data/"
