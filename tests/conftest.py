"""Fixtures shared by the tests, in two tiers.

The fast tier (plain ``pytest``, ``nox -s tests``) runs everything not marked ``slow``. The full
suite (``pytest -m ""``, ``nox -s full``, what ``.ci/run`` runs) adds the built site, the
browser and accessibility tests, the live preview and the wheel.
"""

from __future__ import annotations

import ast
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from actionplans.search import NPM_BINARY

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DATAPACKAGE = ROOT / "datapackage"
GOLDEN = Path(__file__).resolve().parent / "golden"
#: The address the session's site is built for (an address of the tests' own; not published).
SITE_URL = "https://example.org/actionplans/"
# Sites built from copies of the project in the tests' own folders use the project's Pagefind
# (`npm ci` installs it); a machine without it fails those builds with the message that says so.
if (ROOT / NPM_BINARY).is_file():
    os.environ.setdefault("PAGEFIND_BINARY", str(ROOT / NPM_BINARY))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/ from what the code makes now")


# --- the accessibility report ------------------------------------------------------------------
#: The checks the site's accessibility page reports on, in its order.
A11Y_CHECKS = ("axe", "html", "links", "keyboard", "reflow")
_A11Y: dict[str, dict[str, object]] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "a11y(check): this test is part of that check of the accessibility report")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    marker = item.get_closest_marker("a11y")
    if marker is not None and (report.when == "call" or report.failed):
        entry = _A11Y.setdefault(marker.args[0], {"passed": True, "measured": []})
        entry["passed"] = bool(entry["passed"]) and report.passed
        entry["measured"] += [value for key, value in item.user_properties if key == "measured"]  # type: ignore[operator]
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ACTIONPLANS_A11Y_REPORT set, write the report the site's accessibility page quotes,
    but only when every check ran (a partial report would say less than it seems to)."""
    target = os.environ.get("ACTIONPLANS_A11Y_REPORT")
    if not target or set(_A11Y) != set(A11Y_CHECKS):
        return
    import datetime
    import json

    import actionplans

    pages = next((int(m.split()[-2]) for m in _A11Y["axe"]["measured"] if m.endswith(" pages")), 0)  # type: ignore[union-attr]
    report = {
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "code_version": actionplans.__version__,
        "data_version": actionplans.load().version,
        "pages": pages,
        "checks": [{"id": c, "passed": _A11Y[c]["passed"], "measured": "; ".join(_A11Y[c]["measured"])} for c in A11Y_CHECKS],  # type: ignore[arg-type]
    }
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, text)``: assert ``text`` equals ``tests/golden/<name>`` (or rewrite it
    with ``--update-goldens``)."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"no golden file {path}; run pytest --update-goldens"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file; if the change is meant, run pytest --update-goldens"
        )

    return check


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


def unreleased_content(target: Path) -> Path:
    """A copy of the content at ``target`` as it would be before its first release: version
    1.0.0 in package.yaml, and no releases."""
    import re

    shutil.copytree(CONTENT, target)
    package = target / "package.yaml"
    text = re.sub(r"(?m)^version:.*$", "version: 1.0.0", package.read_text(encoding="utf-8"))
    package.write_text(re.sub(r"(?m)^created:.*$", 'created: "2026-11-28T00:00:00Z"', text), encoding="utf-8")
    return target


def edit(project: Path, old: str, new: str, file: str = "plans/nm-elderly-meals.yaml") -> None:
    """Replace ``old`` (which must be there) by ``new`` in a content file of the project copy."""
    path = project / "content" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_release(project: Path, *args: str) -> int:
    """``actionplans release`` on the project copy ``project``, with ``args``; its exit code."""
    from actionplans.cli import main

    content, out, releases = (str(project / name) for name in ("content", "datapackage", "releases"))
    return main(["release", "--content", content, "--out", out, "--releases", releases, *args])


def copy_project(target: Path, *names: str) -> Path:
    """A copy of the project's content, templates, data package and configuration."""
    for name in names or ("content", "site_templates", "datapackage"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site built once for the session from the repository's content (into a temp folder),
    for the address ``SITE_URL``."""
    from actionplans.site import Layout, build_site

    out = tmp_path_factory.mktemp("built")
    previous = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = SITE_URL
    try:
        build_site(Layout(root=ROOT, docs=out / "docs", site=out / "site", datapackage=out / "datapackage", cache=out / "cache"))
    finally:
        if previous is None:
            del os.environ["SITE_URL"]
        else:
            os.environ["SITE_URL"] = previous
    return out / "site"


@pytest.fixture(scope="session")
def served(site):
    """The built site on a local HTTP server; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site at / and also under the path of ``SITE_URL`` (/actionplans/), which the
    404 pages use for their links because they are served at any depth."""

    def translate_path(self, path: str) -> str:
        if path.startswith("/actionplans/"):
            path = path[len("/actionplans") :]
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def chrome():
    """Debian's Chromium through Playwright; tests skip only where no Chromium is installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def tab(chrome):
    context = chrome.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def docstring_ids(tree: ast.Module) -> set[int]:
    """The ``id`` of every docstring node of a parsed module (its own, its classes' and functions')."""
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
