"""The public Python API: records, navigation, facets, versions, other libraries."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

import actionplans
import actionplans.model
from actionplans import Task, Text

from .conftest import CONTENT, ROOT


def test_text_pairs() -> None:
    text = Text("中文", "English")
    assert (text.zh, text.en, text.get("zh"), text.get("en")) == ("中文", "English", "中文", "English")
    with pytest.raises(KeyError, match="expected 'zh' or 'en'"):
        text.get("fr")


def test_records_are_frozen() -> None:
    task = next(iter(actionplans.load().tasks.values()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.ordinal = 5  # type: ignore[misc]


def test_navigation() -> None:
    ds = actionplans.load()
    plan = ds.plan("nx-children-care")
    assert [t.ordinal for t in plan.tasks] == [1, 2, 3, 4, 5]
    task = plan.tasks[0]
    assert isinstance(task, Task) and task.plan is plan
    assert task.next is plan.tasks[1] and task.previous is None
    assert {o.id for o in plan.issuers} >= {"nx-civil-affairs", "nx-education"}
    assert ds.plan("sunshine-volunteers").tasks[1].figures
    assert all(f.task is ds.tasks["sunshine-volunteers-2"] for f in ds.tasks["sunshine-volunteers-2"].figures)
    with pytest.raises(KeyError, match=r"no plan 'nope'; known: .*\bnm-elderly-meals\b"):
        ds.plan("nope")


def test_tasks_by_facet() -> None:
    ds = actionplans.load()
    meals = ds.tasks(theme="meal-assistance")
    assert meals and all("meal-assistance" in t.theme_ids for t in meals)
    assert all(t.plan.region_id == "cn-nx" for t in ds.tasks(region="cn-nx"))
    assert len(ds.tasks(region="cn-nx")) == 5
    both = ds.tasks(theme="volunteer-service", region="cn")
    assert both and all(t.plan_id == "sunshine-volunteers" for t in both)
    with pytest.raises(KeyError, match="no theme 'nope'"):
        ds.tasks(theme="nope")


def test_versions() -> None:
    ds = actionplans.load()
    assert re.fullmatch(r"\d+\.\d+\.\d+", actionplans.__version__)
    import json

    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert ds.version == descriptor["version"]


def test_to_frictionless() -> None:
    from frictionless import Package

    ds = actionplans.load()
    package = actionplans.to_frictionless(ds)
    assert isinstance(package, Package)
    assert [row["id"] for row in package.get_resource("tasks").read_rows()] == list(ds.tasks)


def test_to_frictionless_from_content(tmp_path) -> None:
    from actionplans.content import load_content

    package = actionplans.to_frictionless(load_content(CONTENT))
    assert package.validate().valid


def test_to_pandas() -> None:
    pandas = pytest.importorskip("pandas")
    frames = actionplans.to_pandas(actionplans.load())
    assert isinstance(frames["tasks"], pandas.DataFrame)
    assert list(frames["tasks"]["id"]) == list(actionplans.load().tasks)
    assert str(frames["tasks"]["ordinal"].dtype) == "Int64"
    assert frames["figures"].set_index("id").loc["nm-elderly-meals-population-60plus", "value"] == 5150500


def test_to_pandas_without_pandas_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import actionplans\n"
        "try:\n    actionplans.to_pandas(actionplans.load())\n"
        "except ImportError as error:\n    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'actionplans[pandas]'" in result.stdout


def test_import_is_light() -> None:
    heavy = "{'frictionless','mkdocs','jinja2','pandas','yaml','arro3','pyarrow','duckdb','datasette'}"
    code = f"import sys, actionplans; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_load_needs_none_of_the_parquet_and_datasette_libraries() -> None:
    """``pip install actionplans`` (no extras) reads the data: the Parquet writer is the site's."""
    code = (
        "import sys\n"
        "for name in ('arro3', 'arro3.core', 'arro3.io', 'pyarrow', 'duckdb', 'datasette', 'fsspec'):\n"
        "    sys.modules[name] = None\n"
        "import actionplans\n"
        "print(len(actionplans.load().plan('nx-children-care').tasks))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(result.stdout) == 5


def _offline_blocks(page: str) -> list[str]:
    """The page's Python examples that need no network: those that name the published files'
    address (``{{ parquet_url }}``) are run against the served site in test_site.py."""
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    return [block for block in blocks if "{{" not in block]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_python_page_examples_run(lang, capsys) -> None:
    """Every Python example on the "Use from Python" page runs as shown."""
    text = (CONTENT / "pages" / f"python.{lang}.md").read_text(encoding="utf-8")
    blocks = _offline_blocks(text)
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, f"python.{lang}.md", "exec"), namespace)
    out = capsys.readouterr().out
    # the first example prints the plan's title in the page's own language
    title = actionplans.load().plan("nx-children-care").title
    assert out.splitlines()[0] == {"zh": title.zh, "en": title.en}[lang], out[:500]
    if lang == "en":
        assert title.zh not in out


def test_a_changed_copy_leaves_the_original_alone() -> None:
    ds = actionplans.load()
    task = ds.tasks["nx-children-care-1"]
    tasks = dict(ds.tasks)
    tasks[task.id] = dataclasses.replace(task, title=Text(task.title.zh, "changed"))
    changed = dataclasses.replace(ds, tasks=actionplans.model.TaskTable(tasks))
    assert changed.plan("nx-children-care").tasks[0].title.en == "changed"
    assert ds.plan("nx-children-care").tasks[0].title.en != "changed"
    assert ds.plan("nx-children-care").dataset is ds and changed.plan("nx-children-care").dataset is changed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_python_page_examples_run(lang: str, tmp_path) -> None:
    """Every Python example of the site's Python page, run in order as one script."""
    page = (ROOT / "content" / "pages" / f"python.{lang}.md").read_text(encoding="utf-8")
    blocks = _offline_blocks(page)
    assert len(blocks) >= 3
    script = tmp_path / "examples.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    changed = len(actionplans.releases()) > 1  # the examples print each change since 1.0.0
    assert ("→" in result.stdout) == changed and actionplans.releases()[0].version in result.stdout
