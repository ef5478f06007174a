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


def test_fresh_venv_loads_the_bundled_data(wheel, tmp_path, dataset) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    code = (
        "import sys, actionplans; ds = actionplans.load(); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'frictionless', 'mkdocs', 'jinja2', 'pandas'}); "
        "print(len(ds.plans), len(ds.tasks), ds.version, actionplans.__file__, heavy)"
    )
    result = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    plans, tasks, version, where, heavy = result.stdout.split(" ", 4)
    assert (int(plans), int(tasks), version) == (len(dataset.plans), len(dataset.tasks), dataset.version)
    assert str(env_dir) in where and str(ROOT) not in where
    assert heavy.strip() == "[]"
    installed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], check=True, capture_output=True, text=True).stdout
    for tool in ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "jieba", "pandas", "openpyxl", "XlsxWriter"):
        assert f"{tool.lower()}==" not in installed.lower(), f"{tool} is not a core dependency"
