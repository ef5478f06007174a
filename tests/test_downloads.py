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
