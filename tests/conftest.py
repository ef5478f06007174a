from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DATAPACKAGE = ROOT / "datapackage"


@pytest.fixture(scope="session")
def dataset():
    from actionplans.content import load_content

    return load_content(CONTENT)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the content folder that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target
