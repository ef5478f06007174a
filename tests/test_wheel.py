"""The wheel ships the data package: a fresh virtual environment reads it with no checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], check=True, capture_output=True)
    (path,) = out.glob("actionplans-*.whl")
    return path


def test_wheel_contains_the_data_package_and_marker(wheel) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "actionplans/_data/datapackage/datapackage.json" in names
    assert "actionplans/_data/datapackage/tasks.csv" in names
    assert "actionplans/py.typed" in names
    assert "actionplans/data/downloads.yaml" in names  # what the Parquet and Datasette downloads are, read by the site build
    versions = sorted(p.name for p in (ROOT / "releases").iterdir() if p.is_dir())
    for version in versions:  # every release, and so the current one's change log
        for name in ("release.json", "datapackage.json", "changes.json"):
            assert f"actionplans/_data/releases/{version}/{name}" in names


def test_fresh_venv_loads_the_bundled_data(wheel, tmp_path, dataset) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    code = (
        "import sys, actionplans; ds = actionplans.load(); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'frictionless', 'mkdocs', 'jinja2', 'pandas', 'arro3', 'pyarrow', 'duckdb'}); "
        "releases = actionplans.releases(); old = actionplans.load(version=releases[0].version); "
        "changes = list(actionplans.diff(releases[0].version, releases[-1].version)); "
        "print(len(ds.plans), len(ds.tasks), ds.version, releases[-1].version, old.version, len(changes), "
        "actionplans.__file__, heavy)"
    )
    result = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    plans, tasks, version, latest, oldest, changes, where, heavy = result.stdout.split(" ", 7)
    assert (int(plans), int(tasks), version) == (len(dataset.plans), len(dataset.tasks), dataset.version)
    assert latest == version and oldest == "1.0.0" and (int(changes) > 0) == (latest != oldest)
    assert str(env_dir) in where and str(ROOT) not in where
    assert heavy.strip() == "[]"
    installed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"], check=True, capture_output=True, text=True
    ).stdout
    for tool in (
        "mkdocs",
        "mkdocs-material",
        "mkdocs-static-i18n",
        "pandas",
        "openpyxl",
        "XlsxWriter",
        "arro3-core",
        "arro3-io",
        "pyarrow",
        "duckdb",
        "datasette",
    ):
        assert f"{tool.lower()}==" not in installed.lower(), f"{tool} is not a core dependency"
