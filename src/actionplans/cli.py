"""The command line: the only place where errors become messages and exit codes.

Every verb is a short composition of library functions. The same thing has the same option
everywhere: ``--content`` is the content folder, ``--out`` the folder a verb writes.
``site``, ``serve`` and ``importer`` are imported by the verbs that use them, because they need
optional extras (``[site]``, ``[import]``) that ``check``, ``package`` and ``release`` do not.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from . import __version__, load
from .changes import diff
from .content import load_content
from .datapackage import build_files, stale_files, write_package
from .errors import ActionplansError, ContentError
from .files import json_default
from .paths import CONTENT_DIR, DATAPACKAGE_DIR, DOCS_DIR, RELEASES_DIR, SITE_DIR, ZENODO_JSON
from .problems import MISSING_DEPENDENCY, REVIEW_DRAFT
from .publishing import check_zenodo, copy_assets, release_assets
from .release import make_release
from .snapshots import Snapshot
from .store import Store
from .versions import suggest_bump


def cmd_check(args: argparse.Namespace) -> int:

    started = time.perf_counter()
    dataset = load_content(args.content, drafts=True)
    for todo in dataset.todos:
        print(f"to do: {todo}")
    drafts = f" ({len(dataset.drafts)} of them drafts, {len(dataset.todos)} to-dos)" if dataset.drafts or dataset.todos else ""
    print(f"{args.content}: ok: {dataset.summary()}{drafts} ({time.perf_counter() - started:.2f} s)")
    if args.releases.is_dir():
        store = Store(args.releases)
        versions = store.versions()
        if versions:
            store.snapshot(versions[-1])  # rebuilds every release, each checked against its checksums
        print(
            f"{args.releases}: ok: {len(versions)} release{'s' if len(versions) != 1 else ''}, every file as released"
            + (f" (latest {versions[-1]})" if versions else "")
        )
    return 0


def cmd_package(args: argparse.Namespace) -> int:

    started = time.perf_counter()
    dataset = load_content(args.content)
    if args.check:
        stale = stale_files(build_files(dataset), args.out)
        for name in stale:
            print(f"{args.out / name}: stale against {args.content}; run `actionplans package`", file=sys.stderr)
        if stale:
            print(f"{len(stale)} stale file{'s' if len(stale) != 1 else ''}", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date with {args.content}")
        return 0
    files = write_package(dataset, args.out, validate=not args.no_validate)
    size = sum(len(data) for data in files.values())
    drafts = sum(1 for todo in dataset.todos if todo.code == REVIEW_DRAFT.code)
    left_out = f"; {drafts} draft plan{'s' if drafts != 1 else ''} left out (status: draft)" if drafts else ""
    print(
        f"{args.out}: wrote {len(files)} files, {size:,} bytes: "
        f"{dataset.summary()}{left_out} ({time.perf_counter() - started:.2f} s)"
    )
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .site import Layout, given_address, load_history, render, render_options, site_address, write_files

    started = time.perf_counter()
    layout = Layout(
        content=args.content,
        datapackage=args.datapackage,
        docs=args.out,
        files=args.out.parent / "files",
        releases=args.releases,
        cache=args.out.parent / "releases",
    )
    dataset = load(layout.datapackage)
    history = load_history(layout)
    base = site_address(dataset, given_address())
    downloads, rendered = render(layout, dataset, layout.datapackage, render_options(layout, dataset, base, history=history))
    files = write_files(layout.files, dataset, downloads, history, base)
    print(
        f"{layout.docs}: {rendered.pages} pages, {rendered.written} files rewritten, {rendered.removed} removed; "
        f"{layout.files}: {files} files ({time.perf_counter() - started:.2f} s)"
    )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .site import Layout, build_site

    started = time.perf_counter()
    report = build_site(Layout(content=args.content, site=args.out, releases=args.releases))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for line in report.lines():
        print(line)
    print(f"site: built in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        from .importer import import_texts
    except ModuleNotFoundError as error:
        raise ActionplansError(
            f"importing needs {error.name}: pip install 'actionplans[import]'", code=MISSING_DEPENDENCY
        ) from None
    started = time.perf_counter()
    report = import_texts(args.paths, args.into, source_id=args.source_id, force=args.force)
    for line in report.lines():
        print(line)
    plans = len(report.plans)
    print(
        f"{args.into}: imported {len(report.sources)} source{'s' if len(report.sources) != 1 else ''}, "
        f"{plans} draft plan{'s' if plans != 1 else ''}, "
        f"{len(report.written)} files written ({time.perf_counter() - started:.2f} s); "
        f"next: actionplans check --content {args.into}"
    )
    return 0


def cmd_release(args: argparse.Namespace) -> int:

    notes = {"zh": args.notes_zh or "", "en": args.notes_en or ""}
    outcome = make_release(args.content, args.out, args.releases, version=args.version, notes=notes, date=args.date)
    if outcome.release is None:
        if outcome.finished:
            print(f"{args.out}: rewritten to match release {outcome.previous} (an interrupted release had not written it)")
        print(f"{args.releases}: nothing changed since release {outcome.previous}; no release written")
        return 0
    release = outcome.release
    if outcome.previous is None:
        rows = sum(c["added"] for c in release.counts.values())
        changed = f"{rows:,} rows in {len(release.counts)} tables"
    else:
        changed = (
            "; ".join(
                f"{t}: " + ", ".join(f"{n:,} {op}" for op, n in c.items() if n)
                for t, c in release.counts.items()
                if any(c.values())
            )
            or "the package's description only"
        )
    print(f"{release.folder}: released {release.version} ({release.date}) after {outcome.previous or 'nothing'}: {changed}")
    if outcome.suggested and outcome.previous is not None:
        print(f"  a {outcome.suggested} release: {'; '.join(outcome.reasons[:5])}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    import json

    store = Store(args.releases)

    def snapshot(name: str) -> Snapshot:
        return Snapshot.read(build_files(load_content(args.content))) if name == "working" else store.snapshot(name)

    old, new = snapshot(args.old), snapshot(args.new)
    changes = diff(old, new)
    if args.json:
        print(
            json.dumps(
                {"old": args.old, "new": args.new, **changes.to_json()}, ensure_ascii=False, indent=1, default=json_default
            )
        )
        return 0
    if changes.empty():
        print(f"{args.old} → {args.new}: no change")
        return 0
    bump, reasons = suggest_bump(old, changes)
    print(f"{args.old} → {args.new}: a {bump} change ({'; '.join(reasons[:3])})")
    for name, table in changes.tables.items():
        counts = table.counts()
        fields = sorted({f for entry in table.changed for f in entry["fields"]})
        parts = [f"{n} {op}" for op, n in counts.items() if n] + [f"fields {', '.join(fields)}" for _ in [0] if fields]
        parts += [f"field added: {f}" for f in table.fields_added] + [f"field removed: {f}" for f in table.fields_removed]
        if parts:
            print(f"  {name}: {'; '.join(parts)}")
    for name in changes.tables_removed:
        print(f"  {name}: table removed")
    for prop in changes.metadata:
        print(f"  (package) {prop} changed")
    return 0


def cmd_assets(args: argparse.Namespace) -> int:
    assets = release_assets(args.site, args.tag)
    check_zenodo(args.zenodo, args.tag)
    copied = copy_assets(assets, args.out)
    for path in copied:
        print(path)
    size = sum(path.stat().st_size for path in copied)
    print(f"{args.out}: {len(copied)} files of release {args.tag}, {size:,} bytes, each as its SHA256SUMS lists", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve
    from .site import Layout

    serve(args.address, Layout(content=args.content, releases=args.releases))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionplans",
        description="Publish government social-policy action plans as verified bilingual open data.",
    )
    parser.add_argument("--version", action="version", version=f"actionplans {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")

    def content(verb: argparse.ArgumentParser) -> None:
        verb.add_argument("--content", type=Path, default=CONTENT_DIR, help=f"content folder (default: {CONTENT_DIR})")

    def releases(verb: argparse.ArgumentParser) -> None:
        verb.add_argument("--releases", type=Path, default=RELEASES_DIR, help=f"releases folder (default: {RELEASES_DIR})")

    check = verbs.add_parser("check", help="check the content folder and report every problem")
    content(check)
    releases(check)
    check.set_defaults(run=cmd_check)

    package = verbs.add_parser("package", help="write the Frictionless data package from the content, validated")
    content(package)
    package.add_argument("--out", type=Path, default=DATAPACKAGE_DIR, help=f"data package folder (default: {DATAPACKAGE_DIR})")
    package.add_argument("--no-validate", action="store_true", help="skip validation with frictionless")
    package.add_argument("--check", action="store_true", help="write nothing; exit 1 if the data package is stale")
    package.set_defaults(run=cmd_package)

    render = verbs.add_parser("render", help="render the site's pages and files from the data package, for MkDocs")
    content(render)
    render.add_argument(
        "--datapackage", type=Path, default=DATAPACKAGE_DIR, help=f"data package to read (default: {DATAPACKAGE_DIR})"
    )
    render.add_argument(
        "--out", type=Path, default=DOCS_DIR, help=f"folder of the pages (default: {DOCS_DIR}; files go beside it)"
    )
    releases(render)
    render.set_defaults(run=cmd_render)

    build = verbs.add_parser("build", help="write the data package if stale, then build the whole site")
    content(build)
    build.add_argument("--out", type=Path, default=SITE_DIR, help=f"site folder (default: {SITE_DIR})")
    releases(build)
    build.set_defaults(run=cmd_build)

    import_ = verbs.add_parser("import", help="turn raw plan texts (TXT, HTML, DOCX, PDF) into draft plans in a content folder")
    import_.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="the files to import")
    import_.add_argument(
        "--into", type=Path, default=CONTENT_DIR, help=f"content folder to write the drafts into (default: {CONTENT_DIR})"
    )
    import_.add_argument("--source-id", help="the id of the source (one file only; default: from the file's name)")
    import_.add_argument("--force", action="store_true", help="replace files that already exist")
    import_.set_defaults(run=cmd_import)

    release = verbs.add_parser("release", help="record a release of the data: its version, notes and change log, for good")
    content(release)
    release.add_argument("--out", type=Path, default=DATAPACKAGE_DIR, help=f"data package folder (default: {DATAPACKAGE_DIR})")
    releases(release)
    release.add_argument("--version", help="the version (default: the one the change calls for); a lower one is refused")
    release.add_argument("--notes-zh", help="what the release changes, in Chinese")
    release.add_argument("--notes-en", help="what the release changes, in English")
    release.add_argument("--date", help="the release date, YYYY-MM-DD (default: today, UTC)")
    release.set_defaults(run=cmd_release)

    diff_ = verbs.add_parser("diff", help="show what changed between two releases, or a release and the content (working)")
    content(diff_)
    diff_.add_argument("old", metavar="OLD", help="a version, or working (the content as it is)")
    diff_.add_argument("new", metavar="NEW", help="a version, or working")
    releases(diff_)
    diff_.add_argument("--json", action="store_true", help="print the change log as changes.json has it")
    diff_.set_defaults(run=cmd_diff)

    assets = verbs.add_parser(
        "assets", help="copy a release's files from the built site, each checked against its SHA256SUMS, to attach them"
    )
    assets.add_argument("tag", metavar="TAG", help="the release's tag: v and its version (v1.2.0)")
    assets.add_argument("--site", type=Path, default=SITE_DIR, help=f"the built site (default: {SITE_DIR})")
    assets.add_argument(
        "--out", type=Path, required=True, help="folder to copy the files into (created; must hold no other file)"
    )
    assets.add_argument(
        "--zenodo",
        type=Path,
        default=ZENODO_JSON,
        help=f"checked to state the tag's version, if it exists (default: {ZENODO_JSON})",
    )
    assets.set_defaults(run=cmd_assets)

    serve = verbs.add_parser("serve", help="preview the site, rebuilding when content or templates change")
    content(serve)
    releases(serve)
    serve.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on (default: 127.0.0.1:8000)")
    serve.set_defaults(run=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _run(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is: it unwinds as Ctrl-C does, every stage cleaning up."""


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except ActionplansError as error:
        print(f"error: {error} [{error.code}]", file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        print("terminated" if isinstance(interrupt, Terminated) else "interrupted", file=sys.stderr)
        return 143 if isinstance(interrupt, Terminated) else 130
