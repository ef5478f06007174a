"""Default locations. Imports nothing from the package."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The data package shipped inside the wheel.
BUNDLED_DATAPACKAGE = PACKAGE_DIR / "_data" / "datapackage"
#: The repository checkout, when running from a source tree (src layout).
REPO_ROOT = PACKAGE_DIR.parent.parent

CONTENT_DIR = Path("content")
#: Every release of the data, each in a folder of its own (``releases/<version>/``).
RELEASES_DIR = Path("releases")
#: The releases shipped inside the wheel.
BUNDLED_RELEASES = PACKAGE_DIR / "_data" / "releases"
DATAPACKAGE_DIR = Path("datapackage")
BUILD_DIR = Path("build")
DOCS_DIR = BUILD_DIR / "docs"
#: Files served beside the pages (downloads, JSON endpoints, catalogue), as ``render`` writes them.
FILES_DIR = BUILD_DIR / "files"
#: Each release's files, made once and kept for later builds.
RELEASE_CACHE_DIR = BUILD_DIR / "releases"
#: The current downloads, kept for later builds while the data package is the same.
DOWNLOADS_CACHE_DIR = BUILD_DIR / "downloads"
#: What the last build found current: the content and the data package, by their checksums.
PACKAGE_RECORD = BUILD_DIR / "package.json"
#: The page templates, compiled by Jinja and kept for the next build.
TEMPLATE_CACHE_DIR = BUILD_DIR / "templates"
SITE_DIR = Path("site")
TEMPLATES_DIR = Path("site_templates")
MKDOCS_CONFIG = Path("mkdocs.yml")
#: The accessibility test report the site's accessibility page quotes, when there is one.
ACCESSIBILITY_REPORT = Path("reports/accessibility.json")
DESCRIPTOR_NAME = "datapackage.json"
#: The metadata Zenodo archives a tagged release of the repository with (generated: nox -s docs).
ZENODO_JSON = Path(".zenodo.json")


def default_datapackage() -> Path:
    """The data package `load()` reads when given no path."""
    if (BUNDLED_DATAPACKAGE / DESCRIPTOR_NAME).is_file():
        return BUNDLED_DATAPACKAGE
    return REPO_ROOT / DATAPACKAGE_DIR


def default_releases() -> Path:
    """The releases ``actionplans.releases()`` lists when given no folder."""
    if BUNDLED_RELEASES.is_dir():
        return BUNDLED_RELEASES
    return REPO_ROOT / RELEASES_DIR
