"""The content YAML reader: values, the lines it keeps, and what it refuses."""

from __future__ import annotations

import datetime

import pytest

from actionplans.yamlfile import MAX_DEPTH, Map, Seq, load_yaml


def _load(tmp_path, text: str):
    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path, "file.yaml")


def _message(tmp_path, text: str) -> str:
    value, problems = _load(tmp_path, text)
    assert value is None and len(problems) == 1
    return str(problems[0])


def test_values_and_the_lines_of_keys_and_items(tmp_path) -> None:
    value, problems = _load(tmp_path, "id: a\nlist:\n  - 1\n  - '2'\n  - {x: true, y: null}\nday: 2024-05-01\nratio: 1.5\n")
    assert problems == []
    assert value == {"id": "a", "list": [1, "2", {"x": True, "y": None}], "day": datetime.date(2024, 5, 1), "ratio": 1.5}
    assert isinstance(value, Map) and isinstance(value["list"], Seq)
    assert value.line == 1 and value.key_lines == {"id": 1, "list": 2, "day": 6, "ratio": 7}
    assert value["list"].line == 3 and value["list"].item_lines == [3, 4, 5]
    assert value["list"][2].key_lines == {"x": 5, "y": 5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\n---\nb: 2\n", "file.yaml:2: malformed YAML: expected a single document in the stream but found another document"),
        ("a: !!python/object:os.system x\n", "file.yaml:1: unreadable value 'x'"),
        ("? {a: 1}\n: b\n", "file.yaml:1: a key that is not text"),
        ("a: &x 1\nb: 2\n", "file.yaml:1: YAML anchors and aliases are not allowed"),
        ("a: [1, 2]\nb: *x\n", "file.yaml:2: YAML anchors and aliases are not allowed"),
        ("a: 1\nb: 2\na: 3\n", "file.yaml:3: a: duplicate key (first at line 1)"),
        ("a: 2024-13-45\n", "file.yaml:1: unreadable value '2024-13-45'"),
        ("", "file.yaml:1: file is empty"),
        ("~\n", "file.yaml:1: file holds only an empty value"),
    ],
)
def test_refused(tmp_path, text, expected) -> None:
    assert _message(tmp_path, text).startswith(expected)


def test_nesting_up_to_the_limit_is_read_and_one_more_level_is_refused(tmp_path) -> None:
    value, problems = _load(tmp_path, "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert problems == [] and isinstance(value, Seq)
    assert "nesting deeper than" in _message(tmp_path, "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n")
    # far deeper than any stack: refused, by our check or by LibYAML's own limit (newer LibYAML
    # stops at 1,000 levels while scanning ahead), without building anything
    message = _message(tmp_path, "[" * 200_000 + "]" * 200_000 + "\n")
    assert message.startswith("file.yaml:1: ") and "nesting" in message


def test_a_file_that_cannot_be_read_is_a_problem_not_a_traceback(tmp_path) -> None:
    folder = tmp_path / "plan.yaml"
    folder.mkdir()  # a folder where a file is expected: stat() succeeds, reading fails
    value, problems = load_yaml(folder, "plans/plan.yaml")
    assert value is None and [p.code for p in problems] == ["file-unreadable"]
    assert problems[0].location.path == "plans/plan.yaml" and "Is a directory" in problems[0].message
