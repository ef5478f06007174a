"""The table declarations: each column names an attribute of its record, and nothing is left out."""

from __future__ import annotations

import dataclasses

from actionplans import model as m
from actionplans.downloads import record_json
from actionplans.tables import COLLECTIONS, TABLES, TABLES_BY_NAME, Item, records_from_rows


def test_every_column_reads_an_attribute_of_its_record_type(dataset) -> None:
    for table in TABLES:
        record = next(iter(table.records(dataset)), None)
        assert record is not None, f"{table.name}: no record in the bundled data to check against"
        assert isinstance(record, table.record), table.name
        for column in table.columns:
            column.value(record)  # raises AttributeError on a path the record does not have


def test_every_field_of_every_record_is_published() -> None:
    """Each record field is a column, a list table or a part table: none is silently dropped."""
    covered: dict[type, set[str]] = {}
    for table in TABLES:
        if table.record is not Item:
            covered.setdefault(table.record, set()).update(c.path[0] for c in table.columns)
        if table.list_of is not None:
            covered.setdefault(TABLES_BY_NAME[table.list_of[0]].record, set()).add(table.list_of[1])
        if table.part_of is not None:
            covered.setdefault(TABLES_BY_NAME[table.part_of[0]].record, set()).add(table.part_of[1])
    for record, names in covered.items():
        fields = {f.name for f in dataclasses.fields(record) if not f.name.startswith("_")}
        assert fields == names, f"{record.__name__}: not published {sorted(fields - names)}; unknown {sorted(names - fields)}"


def test_rows_read_back_into_the_records_they_came_from(dataset) -> None:
    from actionplans.downloads import table_rows

    records = records_from_rows(table_rows(dataset))
    assert set(records) == set(COLLECTIONS)
    for name in COLLECTIONS:
        assert list(records[name].values()) == list(TABLES_BY_NAME[name].records(dataset)), name


def test_json_names_are_the_column_names(dataset) -> None:
    """One name per concept: an endpoint says plan_id and theme_ids, as the columns do."""
    task = dataset.task("nx-children-care-2")
    record = record_json(TABLES_BY_NAME["tasks"], task)
    assert list(record)[: len(TABLES_BY_NAME["tasks"].columns)] == list(TABLES_BY_NAME["tasks"].column_names)
    assert record["plan_id"] == "nx-children-care" and record["theme_ids"] == list(task.theme_ids)
    assert "plan" not in record and "themes" not in record
    plan = record_json(TABLES_BY_NAME["plans"], dataset.plan("nm-elderly-meals"))
    assert plan["issuer_ids"] == ["nm-civil-affairs"] and [t["id"] for t in plan["tasks"]] == [
        t.id for t in dataset.plan("nm-elderly-meals").tasks
    ]
    assert {s["kind"] for s in plan["statements"]} >= {"announcement", "aim"} and plan["figures"][0][
        "plan_id"
    ] == "nm-elderly-meals"
    source = record_json(TABLES_BY_NAME["sources"], dataset.sources["seed-page"])
    assert source["authors"] == [{"name_zh": "李庆", "name_en": "Li Qing"}, {"name_zh": "皮磊", "name_en": "Pi Lei"}]


def test_a_text_column_pair_reads_back_as_a_text() -> None:
    rows = {t.name: [] for t in TABLES}
    rows["units"] = [{"id": "u", "label_zh": "人", "label_en": "person", "description_zh": None, "description_en": None}]
    unit = records_from_rows(rows)["units"]["u"]
    assert unit == m.Concept("u", m.Text("人", "person"), None)
