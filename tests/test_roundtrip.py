"""content → model → data package → load() gives an equal model, for any text the model holds."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplans import model as m
from actionplans.datapackage import read_package, write_package

# Any non-empty text that is not only whitespace-free emptiness; CSV must carry it unchanged.
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=80)


def test_content_round_trip(dataset, tmp_path) -> None:
    write_package(dataset, tmp_path / "dp")
    assert read_package(tmp_path / "dp") == dataset


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(english=st.lists(texts, min_size=1, max_size=30), label=st.one_of(st.none(), texts), note=texts)
def test_any_translation_round_trips(dataset, english, label, note) -> None:
    tasks = {}
    for i, task in enumerate(dataset.iter_tasks()):
        en = english[i % len(english)]
        tasks[task.id] = dataclasses.replace(task, text=m.Text(task.text.zh, en), title=m.Text(task.title.zh, en), label=label)
    terms = {k: dataclasses.replace(t, note=m.Text("注", note)) for k, t in dataset.terms.items()}
    changed = dataclasses.replace(dataset, tasks=m.TaskTable(tasks), terms=terms)
    with tempfile.TemporaryDirectory() as folder:
        write_package(changed, Path(folder) / "dp")
        assert read_package(Path(folder) / "dp") == changed
