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


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site built once for the session from the repository's content (into a temp folder)."""
    from actionplans.site import Layout, build_site

    out = tmp_path_factory.mktemp("built")
    build_site(Layout(root=ROOT, docs=out / "docs", site=out / "site"))
    return out / "site"


@pytest.fixture(scope="session")
def served(site):
    """The built site on a local HTTP server; yields its base URL."""
    import functools
    import http.server
    import threading

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    """Serves the site at / and also under the path of site_url (/actionplans/), which the
    404 pages use for their links because they are served at any depth."""

    def translate_path(self, path):
        if path.startswith("/actionplans/"):
            path = path[len("/actionplans"):]
        return super().translate_path(path)

    def log_message(self, format, *args):
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
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture
def tab(chrome):
    context = chrome.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
