"""Rendering the site's pages from the model with the Jinja2 templates in ``site_templates/``.

``render_pages`` is the stage: it writes every page twice, ``<path>.zh.md`` and
``<path>.en.md`` (mkdocs-static-i18n's suffix structure), into the docs folder MkDocs builds
from, rewriting only files whose bytes change and removing files no page claims any more, so
that a rebuild touches only what changed. Data text is HTML-escaped by the templates; the pages
of plans, tasks, facets, sources and releases are plain HTML (``markup: html``), which the MkDocs
plugin passes through unconverted. Interface words come from ``site_templates/labels.yaml``.

Each page is a ``Job``: its template, path, language, front matter and values, given by the
builder that lists it (``Renderer._jobs``); values that cost work are computed only when the
page is rendered (``Job.more``).
"""

from __future__ import annotations

import functools
import html
import json
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import markdown
import yaml
from markupsafe import Markup

from . import files
from . import model as m
from .citations import Citations
from .downloads import Download
from .errors import ActionplansError
from .history import History, field_label
from .langparts import zh_parts, zh_parts_html
from .listing import corpus_counts, group_by_plan, listed_plans, paginate, plans_per, plans_per_province, timeline
from .marks import marked_lines, numbered, quotes_of
from .numerals import display_number, stated_number, stated_number_en
from .routes import relative_path, url_dir
from .tables import TABLES
from .textdiff import marked, value_text

#: The tables listed first on the data page, in this order.
DATA_PAGE_FIRST = {name: i for i, name in enumerate(("plans", "tasks", "figures", "statements"))}

LANGS: tuple[str, ...] = ("zh", "en")
FACETS = ("themes", "groups", "regions", "actors")
#: Plans shown as cards on the home page; with more, the home page links to the list of plans.
HOME_PLAN_CARDS = 6
#: Tasks (on a facet page) or plans (on the plans index) per page; later pages are at ``…/page/N/``.
PAGE_SIZE = 100
#: Distinct rights statements of the sources the data page lists (past this, plan pages show them).
RIGHTS_SHOWN = 5
#: Plans shown in a facet page's chart of tasks per plan (the rest are counted in one line).
CHART_PLANS = 12
#: Front matter of a page its template writes as HTML only (no Markdown), for the MkDocs plugin.
HTML = {"markup": "html"}


class TemplateError(ActionplansError):
    """A page template could not be rendered (its file and line are in the message)."""


@dataclass(frozen=True)
class Page:
    """One generated page in one language."""

    path: str  # e.g. "tasks/sunshine-volunteers-1" (no suffix); "index" for the home page
    lang: str
    meta: dict[str, Any]
    body: str

    @property
    def file_name(self) -> str:
        return f"{self.path}.{self.lang}.md"

    def text(self) -> str:
        # MkDocs renders its theme without autoescaping and puts title and description into
        # <title>, <meta> and the header as they are, so they are stored HTML-escaped here.
        # (jsonld is JSON already made safe for a script element.)
        front = "\n".join(
            f"{key}: {json.dumps(value if key in ('jsonld', 'hide') else html.escape(str(value)), ensure_ascii=False)}"
            for key, value in self.meta.items()
        )
        return f"---\n{front}\n---\n\n{self.body.strip()}\n"


class Job(NamedTuple):
    """One page to render: its template, path, language, front matter and template values, and
    the values that cost work to compute, computed when the page is rendered (``more``)."""

    template: str
    path: str
    lang: str
    meta: dict[str, Any]
    values: dict[str, Any]
    more: Callable[[], dict[str, Any]] | None = None


@dataclass(frozen=True)
class RenderOptions:
    """What the pages are rendered with, besides the data and its downloads.

    ``base`` is the site's address ending in "/", or "" when it has none (links are then
    relative, and citations name no address). ``report`` is a test report the accessibility
    page may quote (see ``Renderer.accessibility_results``). The plans in ``drafts`` (a preview)
    and their tasks are marked as drafts on every page that shows them. ``history`` holds the
    releases, each of which gets a page, and what each did to every plan and task. ``texts`` are
    the sources' verbatim texts: a source that may be republished shows its own on its page.
    """

    templates: Path
    content: Path
    base: str = ""
    report: Path | None = None
    drafts: frozenset[str] = frozenset()
    history: History = field(default_factory=History)
    texts: Mapping[str, str] = field(default_factory=dict)
    #: Where the compiled templates are kept between builds (Jinja checks each against its source).
    template_cache: Path | None = None


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


@dataclass(frozen=True)
class Rendered:
    """What ``render_pages`` did: how many pages there are, and how many files it rewrote."""

    pages: int
    written: int
    removed: int


#: The templates whose pages show the current downloads (their sizes, checksums or links): the
#: only pages that change when the downloads do and the data does not.
SHOW_DOWNLOADS = frozenset({"home.md.j2", "data.md.j2", "plan.md.j2", "source.md.j2", "sources_index.md.j2"})
Only = Callable[[Job], bool] | None  # which pages ``render_pages`` renders (None: every page)


def render_pages(
    dataset: m.Dataset, downloads: Sequence[Download], docs: Path, options: RenderOptions, *, only: Only = None
) -> Rendered:
    """Render every page into ``docs`` with the theme's assets (or only the pages ``only`` takes, nothing else touched)."""
    renderer = Renderer(dataset, downloads, options)
    jobs = renderer.jobs() if only is None else [job for job in renderer.jobs() if only(job)]
    names: set[str] = set()
    written = 0
    for job in jobs:
        page = renderer.render_job(job)
        names.add(page.file_name)
        written += files.write_if_changed(docs / page.file_name, page.text().encode("utf-8"), atomic=False)  # MkDocs' input
    if only is not None:
        return Rendered(len(jobs), written, 0)
    assets = options.templates / "assets"
    for path in sorted(assets.rglob("*")):
        if path.is_file():
            name = "assets/" + path.relative_to(assets).as_posix()
            names.add(name)
            written += files.write_if_changed(docs / name, path.read_bytes(), atomic=False)
    return Rendered(sum(1 for n in names if n.endswith(".md")), written, files.prune(docs, names))


def _read_labels(path: Path) -> dict[str, dict[str, str]]:
    """The interface labels by language; a file that does not parse is reported as ``path:line``."""
    try:
        labels = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ActionplansError(f"{path}: {error.strerror}; expected the labels of both languages") from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise ActionplansError(f"{path}:{line}: {error.problem}; expected valid YAML (quote a value that holds “: ”)") from None
    if not isinstance(labels, dict):
        raise ActionplansError(f"{path}:1: not a mapping; expected a mapping of languages to labels")
    return labels


class Renderer:
    """Renders every page of the site for one dataset."""

    def __init__(self, dataset: m.Dataset, downloads: Sequence[Download], options: RenderOptions) -> None:
        self.ds = dataset
        self.options = options
        self.history = options.history
        self.base = options.base if not options.base or options.base.endswith("/") else options.base + "/"
        self.downloads = list(downloads)
        self.labels: dict[str, dict[str, str]] = _read_labels(options.templates / "labels.yaml")
        self.cite = Citations(dataset, self.base, options.history, self.labels, self.downloads)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(options.templates / "pages"),
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one build renders each template from the files as they were when it started
            bytecode_cache=_bytecode_cache(options.template_cache),
        )
        self.by_path, self._sources = {d.path: d for d in self.downloads}, dict[str, dict[str, Any]]()
        self.by_plan: dict[str, list[Download]] = {}
        for d in self.downloads:
            if d.path.startswith("downloads/plans/"):
                self.by_plan.setdefault(d.path.removeprefix("downloads/plans/").split(".", 1)[0], []).append(d)

    # helpers given to every template -----------------------------------------------------------
    def _context(self, path: str, lang: str) -> dict[str, Any]:
        here = url_dir(path)
        t = self.labels[lang]
        asset_root = f"en/{here}".rstrip("/") if lang == "en" else here
        mark: Callable[[str], str] = zh_parts if lang == "en" else str
        mark_html: Callable[[str], str] = zh_parts_html if lang == "en" else str

        def url(target: str) -> str:
            """A link to another page of the same language, relative to this page."""
            rel = relative_path(target.rstrip("/"), here)
            return "./" if rel == "." else rel + "/"

        def asset(target: str) -> str:
            """A link to a shared file at the site root (downloads, api)."""
            return relative_path(target, asset_root)

        def period(plan: m.Plan) -> str:
            if plan.period_start and plan.period_end and plan.period_start == plan.period_end:
                return t["period_year"].format(year=plan.period_end)
            if plan.period_start and plan.period_end:
                return t["period_value"].format(start=plan.period_start, end=plan.period_end)
            if plan.period_end:
                return t["period_end_only"].format(end=plan.period_end)
            return t["not_stated"]

        def tasks_n(n: int) -> str:
            return t["tasks_one"] if n == 1 else t["tasks_n"].format(n=n)

        def task_count(plan: m.Plan, long: bool = False) -> str:
            described = len(plan.tasks)
            if plan.task_count is None:
                return t["task_count_none"] if long else tasks_n(described) if described else t["tasks_none"]
            if not long and plan.task_count_rule != "at-most":
                return tasks_n(plan.task_count)
            if plan.task_count_rule == "equal":
                return t["task_count_equal"].format(n=plan.task_count, d=described)
            key = ("task_count_at_most" if long else "task_count_short_at_most") + ("" if described else "_none_stored")
            return t[key].format(n=plan.task_count, d=described)

        def source_line(source: m.Source, span: m.Span) -> str:
            authors = t["list_separator"].join(a.get(lang) for a in source.authors)
            return mark(
                t["source_line"].format(
                    where=t["source_where"].format(source=source.title.get(lang), start=span.line_start, end=span.line_end),
                    chars=t["source_chars"].format(start=span.start, end=span.end),
                    publisher=source.publisher.get(lang),
                    authors=authors,
                    year=source.year or t["not_stated"],
                )
            )

        untranslated = t["untranslated"]

        def tx(text: m.Text) -> str:
            """A text in the page's language (a missing translation says so), in English with its Chinese marked."""
            return mark(text.get(lang) or untranslated)

        return {
            "lang": lang,
            "t": t,
            "tx": tx,
            "ds": self.ds,
            "url": url,
            "asset": asset,
            "period": period,
            "task_count": task_count,
            "tasks_n": tasks_n,
            "source_line": source_line,
            "num": display_number,
            "stated": lambda figure: (
                stated_number(figure.value, figure.quote.zh) if lang == "zh" else stated_number_en(figure.value, figure.quote.en)
            ),
            "cite_task": lambda task: mark(self.cite.task(task, lang)),
            "cite_plan": lambda plan: mark(self.cite.plan(plan, lang)),
            "base": self.base,
            "is_draft": lambda plan: plan.id in self.options.drafts,
            "history": self.history,
            "events": self.history.of_record,
            "value_text": value_text,
            "marked": marked,
            "zh_html": zh_parts_html,
            "views_of": lambda p: self.history.views.get(p.version, []),
            "field_names": lambda table, event: self._field_names(table, event, lang),
            "live": self._has_page,
            "notes": lambda p: Markup(mark_html(notes_html(p.release.notes.get(lang, "")))),  # by the publisher, trusted
        }

    def _has_page(self, page: str | None) -> bool:
        """Whether ``page`` ("tasks/<id>/") is a page of the current data."""
        if not page:
            return False
        table, _, record_id = page.strip("/").partition("/")
        return record_id in self.ds.plans if table == "plans" else table == "tasks" and record_id in self.ds.tasks

    def _field_names(self, table: str, event: Any, lang: str) -> str:
        """What an event changed, for readers: its fields' labels and the tables of its rows."""
        published = self.history.get(event.version)
        resources = {r["name"]: r for r in published.snapshot.descriptor["resources"]} if published else {}
        fields = {f["name"]: f for f in resources.get(table, {}).get("schema", {}).get("fields", [])}
        names = []
        for name in event.fields:
            if name in fields:
                names.append(field_label(fields[name]).get(lang))
            elif name in resources:
                names.append(resources[name].get("title_zh" if lang == "zh" else "title", name))
            else:
                names.append(name)
        return self.labels[lang]["list_comma"].join(names)

    def render(self, template: str, path: str, lang: str, meta: dict[str, Any], **values: Any) -> Page:
        context = self._context(path, lang) | values
        try:
            body = self.env.get_template(template).render(context)
        except jinja2.TemplateError as error:
            raise TemplateError(self._template_problem(template, error)) from None
        return Page(path, lang, meta, body)

    def _template_problem(self, template: str, error: jinja2.TemplateError) -> str:
        """``file:line: message`` for an error in a page template, at the template's own line."""
        name, line = getattr(error, "filename", None), getattr(error, "lineno", None)
        if line is None:  # raised while rendering: the innermost frame in a template has the line
            for frame in traceback.extract_tb(error.__traceback__):
                if frame.filename.endswith(".j2"):
                    name, line = frame.filename, frame.lineno
        problem = f"{name or self.options.templates / 'pages' / template}:{line or 1}: {error.message or type(error).__name__}"
        return f"{problem}; expected a template that renders with the values the site gives it"

    # pages ----------------------------------------------------------------------------------
    def pages(self) -> Iterator[Page]:
        for job in self.jobs():
            yield self.render_job(job)

    @functools.cached_property
    def table_rows(self) -> dict[str, int]:
        """Each table's number of rows (the data page states them in both languages)."""
        return {table.name: sum(1 for _ in table.records(self.ds)) for table in TABLES}

    def jobs(self) -> list[Job]:
        """Every page to render, in order, without rendering it."""
        return [job for lang in LANGS for job in self._jobs(lang)]

    def render_job(self, job: Job) -> Page:
        values = job.values | job.more() if job.more is not None else job.values
        return self.render(job.template, job.path, job.lang, job.meta, **values)

    def _prose(self, name: str, lang: str) -> tuple[dict[str, Any], str]:
        """A hand-written page of ``content/pages``: its front matter and its Markdown."""
        path = self.options.content / "pages" / f"{name}.{lang}.md"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateError(f"{path}: cannot read it ({error}); expected a UTF-8 Markdown page") from None
        meta: dict[str, Any] = {}
        match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
        if match:
            try:
                meta = yaml.safe_load(match.group(1)) or {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                raise TemplateError(
                    f"{path}:{line}: front matter is not valid YAML ({getattr(error, 'problem', error)}); "
                    "expected key: value lines, quoted where a value holds a colon"
                ) from None
            text = text[match.end() :]
        return meta, text

    def _jobs(self, lang: str) -> Iterable[Job]:
        ds, t = self.ds, self.labels[lang]
        intro_meta, intro = self._prose("home", lang)
        yield Job(
            "home.md.j2",
            "index",
            lang,
            {
                "title": intro_meta.get("title", t["site_name"]),
                "description": intro_meta.get("description", ""),
                "jsonld": self.cite.jsonld(lang, "index"),
            },
            # intro: hand-written Markdown, trusted
            {
                "intro": Markup(intro),
                "recent": self.recent_plans()[:HOME_PLAN_CARDS],
                "counts": corpus_counts(ds),
                "by_theme": plans_per(ds, "themes"),
                "by_province": plans_per_province(ds),
            },
        )
        plans = listed_plans(ds)
        levels = [level for level in m.PLAN_LEVELS if any(p.level == level for p in plans)]
        provinces = sorted(
            {r.id: r for p in plans if (r := ds.province_of(p.region_id)) is not None}.values(), key=lambda r: r.code_gb2260 or ""
        )
        themes = [c for c in ds.themes.values() if any(c.id in p.theme_ids for p in plans)]
        years = sorted({y for p in plans if p.period_end for y in range(p.period_start or p.period_end, p.period_end + 1)})
        for pager, chunk in paginate("plans", plans, PAGE_SIZE):
            path = "plans/index" if pager.page == 1 else pager.path  # the folder's own page
            yield Job(
                "plans_index.md.j2",
                path,
                lang,
                {"title": pager.title(t["plans"], t), "hide": ["toc"], **HTML},
                {"pager": pager, "plans": chunk, "levels": levels, "provinces": provinces, "themes": themes, "years": years},
            )
        yield Job(
            "timeline.md.j2",
            "plans/timeline",
            lang,
            {"title": t["timeline_page"], "hide": ["toc"], **HTML},
            {"timeline": timeline(plans)},
        )
        for plan in ds.plans.values():
            yield Job(
                "plan.md.j2",
                f"plans/{plan.id}",
                lang,
                {"title": plan.title.get(lang), **HTML},
                {"plan": plan, "plan_downloads": self.by_plan.get(plan.id, [])},
            )
        for task in ds.iter_tasks():
            title = f"{task.label or ''} {task.title.get(lang)}".strip() if lang == "zh" else task.title.get(lang)
            yield Job("task.md.j2", f"tasks/{task.id}", lang, {"title": title, **HTML}, {"task": task, "plan": task.plan})
        for kind in FACETS:
            entries = [(concept, self._facet_tasks(kind, concept.id)) for concept in getattr(ds, kind).values()]
            yield Job("facet_index.md.j2", f"{kind}/index", lang, {"title": t[kind], **HTML}, {"kind": kind, "entries": entries})
            for concept, tasks in entries:
                grouped: dict[str, list[m.Task]] = {}
                for x in tasks:
                    grouped.setdefault(x.plan_id, []).append(x)
                by_plan = [(plan, grouped[plan.id]) for plan in ds.plans.values() if plan.id in grouped]
                ordered = [task for _, plan_tasks in by_plan for task in plan_tasks]
                chart = sorted(by_plan, key=lambda item: -len(item[1]))
                for pager, chunk in paginate(f"{kind}/{concept.id}", ordered, PAGE_SIZE):
                    yield Job(
                        "facet.md.j2",
                        pager.path,
                        lang,
                        {"title": pager.title(concept.label.get(lang), t), **HTML},
                        {
                            "kind": kind,
                            "concept": concept,
                            "tasks": tasks,
                            "by_plan": group_by_plan(chunk),
                            "pager": pager,
                            "chart": chart[:CHART_PLANS] if pager.page == 1 else [],
                            "chart_rest": len(chart) - CHART_PLANS,
                        },
                    )
        yield Job(
            "data.md.j2", "data", lang, {"title": t["data"], "jsonld": self.cite.jsonld(lang, "data")}, self._data_values(lang)
        )
        published = list(self.history.published)
        yield Job(
            "releases_index.md.j2",
            "releases/index",
            lang,
            {"title": t["releases"], "description": t["releases_description"], **HTML},
            {"releases": list(reversed(published))},
        )
        for p in published:
            yield Job(
                "release.md.j2",
                f"releases/{p.version}",
                lang,
                {"title": t["release_n"].format(version=p.version), **HTML},
                {"p": p, "views": self.history.views.get(p.version, []), "current": p is self.history.current},
            )
        sources = sorted(ds.sources.values(), key=lambda source: (-(source.year or 0), source.id))
        yield Job(
            "sources_index.md.j2",
            "sources/index",
            lang,
            {"title": t["sources"], "description": t["sources_description"], "hide": ["toc"], **HTML},
            {"sources": sources},
        )
        for source in ds.sources.values():
            yield Job(
                "source.md.j2",
                f"sources/{source.id}",
                lang,
                {"title": source.title.get(lang) or source.title.zh, **HTML},
                {"source": source},
                functools.partial(self._source_values, source),
            )
        terms = sorted(ds.terms.values(), key=lambda term: term.zh)
        yield Job("glossary.md.j2", "glossary", lang, {"title": t["glossary"]}, {"terms": terms})
        for name in ("about", "accessibility", "python"):
            meta, body = self._prose(name, lang)
            body = self._fill(re.sub(r"<!--.*?-->\n?", "", body, flags=re.S), name, lang)
            yield Job("prose.md.j2", name, lang, meta, {"body": Markup(body)})

    def _fill(self, body: str, name: str, lang: str) -> str:
        """A hand-written page with its generated blocks in place: ``{{ results }}`` (the
        accessibility report), ``{{ sources }}`` (what the sources are, counted from the data),
        ``{{ parquet_url }}`` and ``{{ csv_url }}`` (where the tables' files are published: the
        site's address and folder, or nothing when the site has no address, for files beside
        the script). A page names only blocks it may have."""
        blocks = {
            "results": lambda: self.accessibility_results(lang),
            "sources": lambda: self.sources_summary(lang),
            "parquet_url": lambda: self.base + "downloads/parquet/" if self.base else "",
            "csv_url": lambda: self.base + "downloads/csv/" if self.base else "",
        }
        unknown = [match.group(1) for match in re.finditer(r"\{\{\s*(\w+)\s*\}\}", body) if match.group(1) not in blocks]
        if unknown:
            page = self.options.content / "pages" / f"{name}.{lang}.md"
            raise TemplateError(f"{page}: {{{{ {unknown[0]} }}}} is no block of the page; expected one of {', '.join(blocks)}")
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda match: blocks[match.group(1)](), body)

    def sources_summary(self, lang: str) -> str:
        """What kinds of text the data comes from and which may be republished, counted."""
        sources = list(self.ds.sources.values())
        official = [s for s in sources if s.kind == "official-document"]
        return self.labels[lang]["sources_summary"].format(
            n=len(sources),
            official=len(official),
            whole=sum(1 for s in sources if s.republish == "whole"),
            news=sum(1 for s in sources if s.kind == "news-report"),
            beginning=sum(1 for s in sources if s.extent == "beginning"),
        )

    def recent_plans(self) -> list[m.Plan]:
        """The plans, those the latest release added first (then by the release each came in),
        and within a release the latest period first."""
        rank = {p.version: i for i, p in enumerate(self.history.published)}
        unreleased = len(rank)  # added since the latest release: newest of all

        def added(plan: m.Plan) -> int:
            return next((rank[e.version] for e in self.history.of_record("plans", plan.id) if e.op == "added"), unreleased)

        return sorted(self.ds.plans.values(), key=lambda p: (-added(p), -(p.period_end or 0), p.id))

    def _data_values(self, lang: str) -> dict[str, Any]:
        return {
            "tables": TABLES,
            "citation": self.cite.citations(lang),
            "downloads": self.downloads,
            "table_rows": self.table_rows,
            # the sources' rights statements, each once; past a few, each plan's page shows its own
            "rights": list(dict.fromkeys(source.rights for source in self.ds.sources.values())),
            "rights_shown": RIGHTS_SHOWN,
            # the tables readers look for first, then the rest in the package's order
            "download_tables": sorted(TABLES, key=lambda table: DATA_PAGE_FIRST.get(table.name, len(DATA_PAGE_FIRST))),
        }

    def _source_values(self, source: m.Source) -> dict[str, Any]:
        """A source page's quotes, and its text marked if it may be republished (once for both languages)."""
        if source.id not in self._sources:
            quotes = quotes_of(source.plans)
            whole = source.republish == "whole" and source.id in self.options.texts
            self._sources[source.id] = {
                "quotes": quotes,
                "lines": list(numbered(marked_lines(self.options.texts[source.id], quotes))) if whole else [],
                "text_download": self.by_path.get(f"downloads/sources/{source.id}.txt"),
            }
        return self._sources[source.id]

    def _facet_tasks(self, kind: str, concept_id: str) -> list[m.Task]:
        facet = {"themes": "theme", "groups": "group", "regions": "region", "actors": "actor"}[kind]
        return list(self.ds.select_tasks(**{facet: concept_id}))

    def accessibility_results(self, lang: str) -> str:
        """The results of the accessibility tests, as the report file states them (with its date
        and the versions it tested), or that no results are published with this build."""
        t = self.labels[lang]
        if self.options.report is None or not self.options.report.is_file():
            return t["a11y_no_report"]
        report = json.loads(self.options.report.read_text(encoding="utf-8"))
        lines = [
            t["a11y_report_intro"].format(
                date=report["date"], data=report["data_version"], code=report["code_version"], pages=report["pages"]
            )
        ]
        for check in report["checks"]:
            label = t[f"a11y_check_{check['id']}"]
            outcome = t["a11y_passed"] if check["passed"] else t["a11y_failed"]
            lines.append(f"- {label}: {outcome}" + (f" ({check['measured']})" if check.get("measured") else ""))
        return "\n".join(lines)


def notes_html(text: str) -> str:
    """Release notes (Markdown, written by the publisher) as HTML."""
    return str(markdown.markdown(text, output_format="html")) if text.strip() else ""


__all__ = ["LANGS", "SHOW_DOWNLOADS", "Job", "Page", "RenderOptions", "Rendered", "Renderer", "TemplateError", "render_pages"]
