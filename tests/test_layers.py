"""The package's layers: modules import each other without cycles, at the top of the module, and
no module grows past 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "actionplans"
MODULES = sorted(PACKAGE.rglob("*.py"))
#: Imported where they are used because they need an optional extra (``[site]``, ``[import]``).
OPTIONAL = {"actionplans.site", "actionplans.serve", "actionplans.importer"}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.ImportFrom | ast.Import, module: str, is_package: bool) -> list[str]:
    """The modules of this package an import statement names (``from . import x`` names ``x``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("actionplans")]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if not target.startswith("actionplans"):
        return []
    known = {_name(p) for p in MODULES}
    names = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
    return names or [target]


def _imports(path: Path) -> tuple[set[str], list[tuple[int, str]]]:
    """A module's imports of the package at its top (outside ``if TYPE_CHECKING``), and those
    made inside functions, with their lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module, is_package = _name(path), path.name == "__init__.py"
    top: set[str] = set()
    inner: list[tuple[int, str]] = []
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            top.update(_imported(statement, module, is_package))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inside in ast.walk(node):
                if isinstance(inside, (ast.Import, ast.ImportFrom)):
                    inner += [(inside.lineno, name) for name in _imported(inside, module, is_package)]
    return {t for t in top if t != module}, inner


def test_no_module_imports_a_sibling_inside_a_function() -> None:
    found = []
    for path in MODULES:
        for line, name in _imports(path)[1]:
            if name not in OPTIONAL and name != "actionplans":
                found.append(f"{path.relative_to(ROOT)}:{line}: imports {name} inside a function")
    assert found == []


def test_the_modules_import_each_other_without_a_cycle() -> None:
    graph = {_name(p): _imports(p)[0] for p in MODULES}
    # a package imports its own modules through its __init__; that is not a cycle of layers
    for module, targets in graph.items():
        graph[module] = {t for t in targets if t in graph and not module.startswith(t + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target] if target in path else [module, target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_model_knows_nothing_of_tables_packages_or_adapters() -> None:
    top, inner = _imports(PACKAGE / "model.py")
    assert not {t for t in top | {n for _, n in inner}} & {
        "actionplans.tables",
        "actionplans.datapackage",
        "actionplans.adapters",
        "actionplans.files",
    }
    assert "actionplans.versions" not in _imports(PACKAGE / "datapackage.py")[0]


def test_no_module_is_over_600_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}
