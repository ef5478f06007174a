"""Problem and error codes: each declared once, documented, and never typed out in the code."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import actionplans
from actionplans import problems
from actionplans.errors import ActionplansError
from actionplans.problems import ERRORS, PROBLEMS, QUOTE_NOT_FOUND, ErrorCode, ProblemType, reference

from .conftest import ROOT, docstring_ids

SOURCE = ROOT / "src" / "actionplans"
MODULES = sorted(p for p in SOURCE.rglob("*.py") if p != SOURCE / "problems.py")


def test_every_code_is_documented() -> None:
    for code, forms in PROBLEMS.items():
        first = forms[0]
        assert first.title.strip() and first.description.strip().endswith("."), f"{code} has no title or description"
        assert first.severity in ("error", "todo"), code
        for form in forms:
            assert (form.code, form.title, form.description, form.severity) == (
                code,
                first.title,
                first.description,
                first.severity,
            )
            assert form.message.strip() and form.expected.strip(), f"{code}: a form without its message or expected"
    for code, error in ERRORS.items():
        assert error.code == code and error.title.strip() and error.description.strip().endswith("."), (
            f"{code} has no title or description"
        )
    page = reference()
    for code in PROBLEMS:
        assert f"\n### `{code}`\n" in page
    for code in ERRORS:
        assert f"\n| `{code}` |" in page


def test_the_problem_reference_is_current() -> None:
    """docs/problems.md is generated: nox -s docs"""
    assert (ROOT / "docs" / "problems.md").read_text(encoding="utf-8") == reference()


def test_a_problem_is_worded_from_its_declaration() -> None:
    finding = QUOTE_NOT_FOUND(source="seed-page", miss="the first 3 characters match")
    assert (finding.code, finding.severity) == ("quote-not-found", "error")
    assert finding.message == "not found in source seed-page: the first 3 characters match"
    with pytest.raises(TypeError, match="quote-not-found"):
        QUOTE_NOT_FOUND(source="seed-page")
    with pytest.raises(TypeError, match="quote-not-found"):
        QUOTE_NOT_FOUND(source="seed-page", miss="", extra=1)


def test_a_code_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        problems.problem("quote-not-found", "Again", "Again.", "again", "again")
    with pytest.raises(ValueError, match="declared twice"):
        problems.error_code("import-empty", "Again", "Again.")
    with pytest.raises(ValueError, match="not a code"):
        problems.error_code("Not A Code", "Title", "Meaning.")
    assert not set(PROBLEMS) & set(ERRORS)


def _declared(tree: ast.Module) -> dict[str, object]:
    """The names a module imports from actionplans.problems, with what each is."""
    names: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "problems":
            for alias in node.names:
                names[alias.asname or alias.name] = getattr(problems, alias.name)
    return names


def _string_constants(tree: ast.Module) -> list[tuple[int, str]]:
    """Every string constant of a module except docstrings."""
    docstrings = docstring_ids(tree)
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(SOURCE).as_posix() for p in MODULES])
def test_codes_are_never_typed_out(path: Path) -> None:
    """Outside problems.py no code is spelt: problems are made from their declarations, errors
    name their declared ErrorCode, so a code that is not declared cannot be produced."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT)
    codes = problems.codes()
    for line, value in _string_constants(tree):
        assert value not in codes, f"{where}:{line}: the code {value!r} typed out; use its declaration in problems.py"
    declared = _declared(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = (
                node.func.id
                if isinstance(node.func, ast.Name)
                else node.func.attr
                if isinstance(node.func, ast.Attribute)
                else ""
            )
            assert called != "Problem", (
                f"{where}:{node.lineno}: a Problem made by hand; use Problem.of with a declared problem type"
            )
            kind = declared.get(called) if isinstance(node.func, ast.Name) else None
            if isinstance(kind, ProblemType):
                given = {k.arg for k in node.keywords}
                assert not node.args and given == kind.placeholders, (
                    f"{where}:{node.lineno}: {called} takes {sorted(kind.placeholders)} by name, not {sorted(map(str, given))}"
                )
            for keyword in node.keywords:
                if keyword.arg == "code" and called.endswith("Error"):  # an error raised with its code
                    value = keyword.value
                    assert isinstance(value, ast.Name) and isinstance(declared.get(value.id), ErrorCode), (
                        f"{where}:{node.lineno}: code= takes an ErrorCode declared in problems.py"
                    )
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "code" for t in statement.targets
                ):
                    value = statement.value
                    assert isinstance(value, ast.Name) and isinstance(declared.get(value.id), ErrorCode), (
                        f"{where}:{statement.lineno}: {node.name}.code is an ErrorCode declared in problems.py"
                    )


def test_every_error_class_has_a_declared_code() -> None:
    for module in pkgutil.walk_packages(actionplans.__path__, "actionplans."):
        if module.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except ImportError:
            continue  # an optional dependency that is not installed
    classes = [ActionplansError]
    while classes:
        cls = classes.pop()
        assert isinstance(cls.code, ErrorCode) and ERRORS.get(cls.code.code) is cls.code, f"{cls.__name__}.code is not declared"
        classes += cls.__subclasses__()
