"""A number reads the same wherever the project writes it as JSON: the JSON download
(``actionplans.json``), the API endpoints and a release's ``changes.json`` (one rule,
``files.json_number``), both for a reader that parses JSON numbers exactly and for one that
parses them as doubles, as browsers do."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from actionplans import downloads, files
from actionplans import model as m
from actionplans.changes import diff
from actionplans.datapackage import build_files
from actionplans.snapshots import Snapshot

PLAN = "nm-elderly-meals"
FIGURE = "nm-elderly-meals-population-60plus"


def _with_value(dataset: m.Dataset, value: Decimal) -> m.Dataset:
    return dataclasses.replace(
        dataset, figures={**dataset.figures, FIGURE: dataclasses.replace(dataset.figures[FIGURE], value=value)}
    )


def _row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in rows if r["id"] == FIGURE)


def _read_back(text: bytes, find: Any) -> tuple[Decimal, Decimal]:
    """The number as an exact reader and as a reader of doubles get it."""
    exact = find(json.loads(text, parse_float=Decimal, parse_int=Decimal))
    double = find(json.loads(text))
    assert isinstance(double, (int, float)) and not isinstance(double, bool), double
    return exact, Decimal(repr(double))


#: Numbers the content allows: at most 15 significant digits, whole or not, large or small.
NUMBERS = st.builds(
    lambda digits, exponent, negative: Decimal((1 if negative else 0, tuple(digits), exponent)),
    st.lists(st.integers(0, 9), min_size=1, max_size=files.MAX_DIGITS),
    st.integers(-12, 6),
    st.booleans(),
)


@settings(max_examples=30, deadline=None)
@given(value=NUMBERS)
def test_a_decimal_reads_the_same_in_every_json_output(dataset: m.Dataset, value: Decimal) -> None:
    changed = _with_value(dataset, value)
    outputs = {
        "actionplans.json": (
            downloads.json_bytes(downloads._head(changed.meta), downloads.table_rows(changed)),
            lambda document: _row(document["tables"]["figures"])["value"],
        ),
        "api": (
            downloads.endpoints(changed)[f"api/plans/{PLAN}.json"],
            lambda document: _row(document["figures"])["value"],
        ),
    }
    changes = diff(Snapshot.read(build_files(dataset)), Snapshot.read(build_files(changed)))
    if value != _row_value(dataset):
        outputs["changes.json"] = (
            changes.json_bytes("1.0.1", "1.0.0"),
            lambda document: next(c for c in document["tables"]["figures"]["changed"] if c["key"] == [FIGURE])["fields"]["value"][
                "new"
            ],
        )
    for name, (text, find) in outputs.items():
        exact, double = _read_back(text, find)
        assert exact == value and double == value, f"{name}: {value} reads as {exact} (exactly) and {double} (as a double)"


def _row_value(dataset: m.Dataset) -> Decimal:
    return dataset.figures[FIGURE].value


def test_a_whole_number_is_a_json_integer_and_a_fraction_a_json_number() -> None:
    assert json.dumps(files.json_value(Decimal("5150500"))) == "5150500"
    assert json.dumps(files.json_value(Decimal("5.1505E+6"))) == "5150500"
    assert json.dumps(files.json_value(Decimal("12.50"))) == "12.5"
    assert json.dumps(files.json_value(Decimal("0.000001"))) == "1e-06"
