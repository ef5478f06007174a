"""The command line: the only place where errors become messages and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ActionplansError, ContentError
from .paths import CONTENT_DIR, DATAPACKAGE_DIR


def _summary(dataset: object) -> str:
    from .model import Dataset

    assert isinstance(dataset, Dataset)
    quotes = len(dataset.plans) + sum(len(p.statements) for p in dataset.plans.values())
    quotes += 2 * len(dataset.tasks) + len(dataset.figures)
    return (
        f"{len(dataset.plans)} plans, {len(dataset.tasks)} tasks, {len(dataset.figures)} figures, "
        f"{len(dataset.terms)} terms, {quotes} quotes verified"
    )


def cmd_check(args: argparse.Namespace) -> int:
    from .content import load_content

    started = time.perf_counter()
    dataset = load_content(args.content)
    print(f"{args.content}: ok: {_summary(dataset)} ({time.perf_counter() - started:.2f} s)")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from .content import load_content
    from .datapackage import Validator

    started = time.perf_counter()
    with Validator() if not (args.no_validate or args.check) else nullcontext() as validator:
        return _package(args, load_content(args.content), validator, started)


def _package(args: argparse.Namespace, dataset: Any, validator: Any, started: float) -> int:
    from .datapackage import stale_files, write_package

    if args.check:
        stale = stale_files(dataset, args.out)
        if stale:
            for name in stale:
                print(f"{args.out / name}: stale against {args.content}; run `actionplans package`", file=sys.stderr)
            print(f"{len(stale)} stale file{'s' if len(stale) != 1 else ''}", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date with {args.content}")
        return 0
    files = write_package(dataset, args.out, check=validator)
    size = sum(len(data) for data in files.values())
    print(f"{args.out}: wrote {len(files)} files, {size:,} bytes: {_summary(dataset)} ({time.perf_counter() - started:.2f} s)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .site import build_site

    started = time.perf_counter()
    report = build_site()
    for line in report.lines():
        print(line)
    print(f"site: built in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from . import load
    from .site import Layout, load_mkdocs_config, pages_and_downloads

    started = time.perf_counter()
    layout = Layout()
    dataset = load(layout.datapackage)
    site_url = str(load_mkdocs_config(layout)["site_url"] or "/")
    # Nothing runs beside it here, so the downloads are made first, by every CPU, and the pages
    # rendered with their values (``build`` makes them while MkDocs runs instead).
    _downloads, pages, written = pages_and_downloads(layout, dataset, layout.datapackage, site_url)
    print(f"{layout.docs}: {pages} pages, {written} rewritten ({time.perf_counter() - started:.2f} s)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    serve(args.address)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionplans",
        description="Publish government social-policy action plans as verified bilingual open data.",
    )
    parser.add_argument("--version", action="version", version=f"actionplans {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")

    check = verbs.add_parser("check", help="check the content folder and report every problem")
    check.add_argument("content", nargs="?", type=Path, default=CONTENT_DIR, help="content folder (default: content)")
    check.set_defaults(run=cmd_check)

    package = verbs.add_parser("package", help="write the Frictionless data package from the content")
    package.add_argument("--content", type=Path, default=CONTENT_DIR, help="content folder (default: content)")
    package.add_argument("--out", type=Path, default=DATAPACKAGE_DIR, help="output folder (default: datapackage)")
    package.add_argument("--no-validate", action="store_true", help="skip validation with frictionless")
    package.add_argument("--check", action="store_true", help="write nothing; exit 1 if the output folder is stale")
    package.set_defaults(run=cmd_package)

    render = verbs.add_parser("render", help="render the site's Markdown pages from the data package into build/docs")
    render.set_defaults(run=cmd_render)

    build = verbs.add_parser("build", help="write the data package if stale, then build the site into site/")
    build.set_defaults(run=cmd_build)

    serve = verbs.add_parser("serve", help="preview the site, rebuilding when content or templates change")
    serve.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on (default: 127.0.0.1:8000)")
    serve.set_defaults(run=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code = _run(args)
    if argv is None:
        # Run as a program: leave without freeing every object one by one. After a large build
        # that is hundreds of megabytes of pages and tables, seconds of work the operating system
        # does at once when the process ends. Every file is written and closed by now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except ActionplansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
