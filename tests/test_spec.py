"""The content format: every field documented, and the reference page made from the specs."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from actionplans.content.spec import RECORDS, reference

from .conftest import ROOT

#: What the generated pages say regenerates them.
REGENERATE = "nox -s docs"


def test_every_field_of_every_record_is_documented() -> None:
    for where, (what, spec) in RECORDS.items():
        assert what.strip(), where
        for name, field in spec.items():
            assert field.doc.strip().endswith("."), f"{where}: {name} has no documentation"
            for sub, inner in (field.record or {}).items():
                assert inner.doc.strip(), f"{where}: {name}.{sub} has no documentation"


def test_the_content_format_reference_is_current() -> None:
    """docs/content-format.md is generated: nox -s docs"""
    page = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    assert page == reference(), f"docs/content-format.md is not current; run {REGENERATE}"


def _docs_session_commands() -> list[list[str]]:
    """The commands the ``docs`` session of noxfile.py runs (``session.run`` calls), as written."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    (session,) = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "docs"]
    commands = []
    for node in ast.walk(session):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run":
            commands.append([ast.literal_eval(arg) for arg in node.args])
    return commands


def test_the_documented_regeneration_command_writes_the_generated_pages(tmp_path: Path) -> None:
    """The pages name ``nox -s docs``; its commands, run as the session runs them (from the
    project's root, with the package installed), write exactly the pages in the repository."""
    generated = {"docs/content-format.md": ROOT / "docs" / "content-format.md", "docs/problems.md": ROOT / "docs" / "problems.md"}
    for name, path in generated.items():
        assert f"by `{REGENERATE}`; do not edit by hand." in path.read_text(encoding="utf-8"), name
    commands = _docs_session_commands()
    assert len(commands) == 3 and all(command[0] == "python" for command in commands), commands
    (tmp_path / "docs").mkdir()
    shutil.copytree(ROOT / "datapackage", tmp_path / "datapackage")  # .zenodo.json is made from it
    generated[".zenodo.json"] = ROOT / ".zenodo.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    for command in commands:
        subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, env=env, check=True, capture_output=True)
    for name, path in generated.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{name}: not what {REGENERATE} writes"
        )
