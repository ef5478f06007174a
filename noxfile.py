"""Sessions for tests, lint, types, generated files, the site and benchmarks."""

from __future__ import annotations

import nox


def npm_ci(session: nox.Session) -> None:
    """The site's npm tools (Pagefind, pinned in package-lock.json), into node_modules/."""
    session.run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", external=True)


# `nox` runs everything (what .ci/run runs); `nox -s tests` is the fast tier alone.
nox.options.sessions = ["lint", "types", "check_generated", "full"]
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The fast tier: every test not marked slow (no site build, browser or wheel)."""
    npm_ci(session)
    session.install("-e", ".[site,test,pandas,import]")
    session.run("pytest", *session.posargs)


@nox.session
def full(session: nox.Session) -> None:
    """The whole test suite: the fast tier, the built site, browser, accessibility, preview, wheel."""
    npm_ci(session)
    session.install("-e", ".[site,test,pandas,import]")
    session.run("pytest", "-m", "", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and format-check with ruff."""
    session.install("ruff==0.17.6")  # pinned: a new ruff may format differently
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks", "noxfile.py")


@nox.session
def types(session: nox.Session) -> None:
    """Type-check the library with mypy --strict."""
    session.install("-e", ".[site,test,pandas,import]")
    session.run("mypy", "--strict", "src/actionplans")


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail when datapackage/ is stale against content/."""
    session.install("-e", ".")
    session.run("actionplans", "check")
    session.run("actionplans", "package", "--check")


@nox.session
def a11y_report(session: nox.Session) -> None:
    """Run the accessibility checks and write reports/accessibility.json, which the site quotes."""
    npm_ci(session)
    session.install("-e", ".[site,test]")
    session.run(
        "pytest",
        "-m",
        "",
        "tests/test_accessibility.py",
        "tests/test_site.py::test_no_broken_internal_link_or_anchor",
        *session.posargs,
        env={"ACTIONPLANS_A11Y_REPORT": "reports/accessibility.json"},
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Regenerate the generated files: docs/content-format.md, docs/problems.md and .zenodo.json (from datapackage/)."""
    session.install("-e", ".")
    session.run(
        "python",
        "-c",
        "from actionplans.content.spec import reference; "
        "open('docs/content-format.md', 'w', encoding='utf-8').write(reference())",
    )
    session.run(
        "python",
        "-c",
        "from actionplans.problems import reference; open('docs/problems.md', 'w', encoding='utf-8').write(reference())",
    )
    session.run(
        "python",
        "-c",
        "import actionplans; from actionplans.publishing import zenodo_json; "
        "open('.zenodo.json', 'w', encoding='utf-8').write(zenodo_json(actionplans.load('datapackage')))",
    )


@nox.session
def build(session: nox.Session) -> None:
    """Write the data package if stale and build the site into site/."""
    npm_ci(session)
    session.install("-e", ".[site]")
    session.run("actionplans", "build")


@nox.session
def browser(session: nox.Session) -> None:
    """Only the browser tests (Playwright with Debian's chromium)."""
    npm_ci(session)
    session.install("-e", ".[site,test]")
    session.run("pytest", "-m", "browser", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark check, package, render and build on synthetic corpora; writes BENCHMARKS.md."""
    npm_ci(session)
    session.install("-e", ".[site]")
    session.run("python", "benchmarks/bench.py", *session.posargs)
