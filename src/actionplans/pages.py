"""Rendering the site's Markdown tree from the model with the Jinja2 templates in site_templates/.

Each page is written twice, ``<path>.zh.md`` and ``<path>.en.md`` (mkdocs-static-i18n's suffix
structure). Data text is HTML-escaped by the templates and set inside raw HTML blocks, which
Markdown passes through untouched; front matter is written as JSON strings. A file is rewritten
only when its bytes change, and files no page claims any more are removed, so ``mkdocs serve``
rebuilds only what changed.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import yaml
from markupsafe import Markup

from . import model as m
from .downloads import Download, PendingDownload, media_type
from .errors import ActionplansError
from .numerals import format_number
from .tables import TABLES

LANGS: tuple[str, ...] = ("zh", "en")
FACETS = ("themes", "groups", "regions", "actors")
#: Plans shown as cards on the home page; with more, the home page links to the list of plans.
HOME_PLAN_CARDS = 12
#: Templates that write HTML only (no Markdown): the pages there is one of per plan, task and
#: facet. They are marked ``markup: html`` and the MkDocs plugin passes them through unconverted.
HTML_TEMPLATES = frozenset({"plans_index.md.j2", "plan.md.j2", "task.md.j2", "facet_index.md.j2", "facet.md.j2"})


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
            f"{key}: {json.dumps(value if key == 'jsonld' else html.escape(str(value)), ensure_ascii=False)}"
            for key, value in self.meta.items()
        )
        return f"---\n{front}\n---\n\n{self.body.strip()}\n"


def relative_path(target: str, start: str) -> str:
    """``posixpath.relpath`` for two clean site paths ("" is the root), without touching the disk."""
    target, start = target.strip("/"), start.strip("/")
    to = target.split("/") if target else []
    at = start.split("/") if start else []
    common = 0
    while common < len(to) and common < len(at) and to[common] == at[common]:
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def url_dir(path: str) -> str:
    """The folder a page is served from, relative to its language root ("" for the home page)."""
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("/index")]
    return path


class Job(NamedTuple):
    """One page to render: its template, path, language, front matter and template values."""

    template: str
    path: str
    lang: str
    meta: dict[str, Any]
    values: dict[str, Any]

    @property
    def needs_downloads(self) -> bool:
        return self.template in NEEDS_DOWNLOADS


#: Templates that show the downloads (their sizes and checksums); the others can be rendered
#: while the downloads are still being made.
NEEDS_DOWNLOADS = frozenset({"home.md.j2", "plan.md.j2", "data.md.j2"})


class Renderer:
    """Renders every page of the site for one dataset."""

    def __init__(
        self,
        dataset: m.Dataset,
        templates: Path,
        content: Path,
        downloads: Sequence[Download | PendingDownload],
        site_url: str,
        changelog: Path,
    ) -> None:
        self.ds = dataset
        self.templates = templates
        self.changelog = changelog
        self.content = content
        self.downloads = downloads
        self._by_plan: dict[str, list[Download | PendingDownload]] | None = None
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.labels: dict[str, dict[str, str]] = yaml.safe_load((templates / "labels.yaml").read_text(encoding="utf-8"))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates / "pages"),
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            keep_trailing_newline=True,
        )

    # helpers given to every template -----------------------------------------------------------
    def _context(self, path: str, lang: str) -> dict[str, Any]:
        here = url_dir(path)
        t = self.labels[lang]

        asset_root = posixpath.join("en", here) if lang == "en" else here

        def url(target: str) -> str:
            """A link to another page of the same language, relative to this page."""
            rel = relative_path(target.rstrip("/"), here)
            return "./" if rel == "." else rel + "/"

        def asset(target: str) -> str:
            """A link to a shared file at the site root (downloads, api)."""
            return relative_path(target, asset_root)

        def period(plan: m.Plan) -> str:
            if plan.period_start and plan.period_end:
                return t["period_value"].format(start=plan.period_start, end=plan.period_end)
            if plan.period_end:
                return t["period_end_only"].format(end=plan.period_end)
            return t["not_stated"]

        def task_count(plan: m.Plan, long: bool = False) -> str:
            described = len(plan.tasks)
            if plan.task_count is None:
                return t["task_count_none"] if long else t["tasks_n"].format(n=described)
            if not long:
                if plan.task_count_rule == "at-most":
                    return (f"{plan.task_count} 项（报道引述 {described} 段）" if lang == "zh"
                            else f"{plan.task_count} (the report quotes {described} passages)")
                return t["tasks_n"].format(n=plan.task_count)
            key = "task_count_equal" if plan.task_count_rule == "equal" else "task_count_at_most"
            return t[key].format(n=plan.task_count, d=described)

        def source_line(source: m.Source, span: m.Span) -> str:
            where = t["source_where"].format(source=source.title.get(lang), start=span.line_start, end=span.line_end)
            chars = t["source_chars"].format(start=span.start, end=span.end)
            authors = ("、" if lang == "zh" else ", ").join(a.get(lang) for a in source.authors)
            year = source.year or t["not_stated"]
            if lang == "zh":
                return f"{where}（{chars}）。{source.publisher.zh}，{authors}，{year}。"
            return f"{where} ({chars}). {source.publisher.en}, {authors}, {year}."

        return {
            "lang": lang, "t": t, "ds": self.ds, "url": url, "asset": asset, "period": period,
            "task_count": task_count, "source_line": source_line, "num": _num,
            "cite_task": lambda task: self._cite_task(task, lang), "cite_plan": lambda plan: self._cite_plan(plan, lang),
            "site_url": self.site_url,
        }

    def render(self, template: str, path: str, lang: str, meta: dict[str, Any], **values: Any) -> Page:
        context = self._context(path, lang) | values
        try:
            body = self.env.get_template(template).render(context)
        except jinja2.TemplateError as error:
            raise TemplateError(self._template_problem(template, error)) from None
        if template in HTML_TEMPLATES:
            meta = meta | {"markup": "html"}
        return Page(path, lang, meta, body)

    def _template_problem(self, template: str, error: jinja2.TemplateError) -> str:
        """``file:line: message`` for an error in a page template, at the template's own line."""
        name, line = getattr(error, "filename", None), getattr(error, "lineno", None)
        if line is None:  # raised while rendering: the innermost frame in a template has the line
            for frame in traceback.extract_tb(error.__traceback__):
                if frame.filename.endswith(".j2"):
                    name, line = frame.filename, frame.lineno
        where = f"{name or self.templates / 'pages' / template}:{line or 1}"
        return f"{where}: {error.message or type(error).__name__}; expected a template that renders with the values the site gives it"

    # citations ------------------------------------------------------------------------------
    def _dataset_citation(self, lang: str) -> str:
        meta = self.ds.meta
        year = meta.created[:4]
        return f"{meta.contributors[0].title if meta.contributors else meta.name}. {meta.title.get(lang)} ({'版本' if lang == 'zh' else 'version'} {meta.version}). {year}"

    def _cite_task(self, task: m.Task, lang: str) -> str:
        where = f"{self.site_url}{'en/' if lang == 'en' else ''}tasks/{task.id}/"
        label = task.label or (f"第{task.ordinal}项" if lang == "zh" else f"item {task.ordinal}")
        return f"{self._dataset_citation(lang)}. {task.plan.title.get(lang)}, {label}. {where}"

    def _cite_plan(self, plan: m.Plan, lang: str) -> str:
        where = f"{self.site_url}{'en/' if lang == 'en' else ''}plans/{plan.id}/"
        return f"{self._dataset_citation(lang)}. {plan.title.get(lang)}. {where}"

    def citations(self, lang: str) -> dict[str, str]:
        meta = self.ds.meta
        year = meta.created[:4]
        author = meta.contributors[0].title if meta.contributors else meta.name
        url = self.site_url
        return {
            "gbt": f"{author}. {meta.title.get(lang)}: V{meta.version}[DS/OL]. ({meta.created[:10]})[{meta.created[:10]}]. {url}.",
            "apa": f"{author}. ({year}). {meta.title.en} (Version {meta.version}) [Data set]. {url}",
            "bibtex": (
                f"@misc{{actionplans_{year},\n  author = {{{{{author}}}}},\n  title = {{{meta.title.en}}},\n"
                f"  year = {{{year}}},\n  version = {{{meta.version}}},\n  url = {{{url}}},\n  note = {{Data set, CC BY 4.0}}\n}}"
            ),
        }

    # pages ----------------------------------------------------------------------------------
    def pages(self) -> Iterable[Page]:
        for job in self.jobs():
            yield self.render_job(job)

    def jobs(self) -> list[Job]:
        """Every page to render, in order, without rendering it (cheap)."""
        return [job for lang in LANGS for job in self._jobs(lang)]

    def render_job(self, job: Job) -> Page:
        """Render one page. Pages in ``NEEDS_DOWNLOADS`` take the downloads as they are now."""
        meta, values = dict(job.meta), dict(job.values)
        if job.template in ("home.md.j2", "data.md.j2"):
            meta["jsonld"] = self.jsonld(job.lang)
        if job.template == "plan.md.j2":
            if self._by_plan is None:
                self._by_plan = {}
                for d in self.downloads:
                    if d.path.startswith("downloads/plans/"):
                        self._by_plan.setdefault(d.path.removeprefix("downloads/plans/").rsplit(".", 1)[0], []).append(d)
            values["plan_downloads"] = self._by_plan.get(values["plan"].id, [])
        if job.template == "data.md.j2":
            values["downloads"] = self.downloads
        return self.render(job.template, job.path, job.lang, meta, **values)

    def _prose(self, name: str, lang: str) -> tuple[dict[str, Any], str]:
        text = (self.content / "pages" / f"{name}.{lang}.md").read_text(encoding="utf-8")
        meta: dict[str, Any] = {}
        match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
        if match:
            meta = yaml.safe_load(match.group(1)) or {}
            text = text[match.end() :]
        return meta, text

    def _jobs(self, lang: str) -> Iterable[Job]:
        ds, t = self.ds, self.labels[lang]
        intro_meta, intro = self._prose("home", lang)
        yield Job(
            "home.md.j2", "index", lang,
            {"title": intro_meta.get("title", t["site_name"]), "description": intro_meta.get("description", "")},
            {"intro": Markup(intro), "home_cards": HOME_PLAN_CARDS},  # hand-written Markdown, trusted
        )
        yield Job("plans_index.md.j2", "plans/index", lang, {"title": t["plans"]}, {})
        for plan in ds.plans.values():
            yield Job("plan.md.j2", f"plans/{plan.id}", lang, {"title": plan.title.get(lang)}, {"plan": plan})
        for task in ds.iter_tasks():
            title = f"{task.label or ''} {task.title.get(lang)}".strip()
            yield Job("task.md.j2", f"tasks/{task.id}", lang, {"title": title}, {"task": task, "plan": task.plan})
        for kind in FACETS:
            entries = [(concept, self._facet_tasks(kind, concept.id)) for concept in getattr(ds, kind).values()]
            yield Job("facet_index.md.j2", f"{kind}/index", lang, {"title": t[kind]}, {"kind": kind, "entries": entries})
            for concept, tasks in entries:
                grouped: dict[str, list[m.Task]] = {}
                for x in tasks:
                    grouped.setdefault(x.plan_id, []).append(x)
                by_plan = [(plan, grouped[plan.id]) for plan in ds.plans.values() if plan.id in grouped]
                yield Job(
                    "facet.md.j2", f"{kind}/{concept.id}", lang, {"title": concept.label.get(lang)},
                    {"kind": kind, "concept": concept, "tasks": tasks, "by_plan": by_plan},
                )
        yield Job("data.md.j2", "data", lang, {"title": t["data"]}, {"tables": TABLES, "citation": self.citations(lang)})
        terms = sorted(ds.terms.values(), key=lambda term: term.zh)
        glossary_intro = (
            "英文译名有出处的，注明出处；未找到出处的，是本项目的译法。英文译文在中文使用这些术语的地方都使用这些译名（由程序检查）。"
            if lang == "zh"
            else "Where a rendering has a source it is linked; otherwise it is our own. The English translations use these renderings wherever the Chinese uses the term (checked by code)."
        )
        yield Job("glossary.md.j2", "glossary", lang, {"title": t["glossary"]}, {"terms": terms, "intro": glossary_intro})
        for name in ("about", "accessibility", "python"):
            meta, body = self._prose(name, lang)
            if name == "accessibility":
                body = re.sub(r"<!--.*?-->\n?", "", body, flags=re.S).replace("{{ results }}", self.accessibility_results(lang))
            yield Job("prose.md.j2", name, lang, meta, {"body": Markup(body)})
        changelog = self.changelog.read_text(encoding="utf-8")
        changelog = re.sub(r"^# .*\n", "", changelog, count=1)
        yield Job("changelog.md.j2", "changelog", lang, {"title": t["changelog"]}, {"body": Markup(changelog)})

    def _facet_tasks(self, kind: str, concept_id: str) -> list[m.Task]:
        facet = {"themes": "theme", "groups": "group", "regions": "region", "actors": "actor"}[kind]
        return list(self.ds.select_tasks(**{facet: concept_id}))

    def page_count(self) -> int:
        """Pages per language, the 404 page included."""
        ds = self.ds
        facets = sum(1 + len(getattr(ds, kind)) for kind in FACETS)
        return 2 + len(ds.plans) + len(ds.tasks) + facets + 7

    def accessibility_results(self, lang: str) -> str:
        """What the published site passed: the build that publishes it fails on any problem."""
        n = self.page_count()
        if lang == "zh":
            return (
                f"本版本共 {2 * n} 个页面（中英文各 {n} 个）。每个页面都经过上述全部检测，结果为："
                "axe-core 无障碍问题 0 个，HTML 校验错误 0 个，失效链接 0 个。"
                "任何一项检测不通过，网站都不会发布。校验器的提示仅有一条：数据下载页的中文版因字段名和代码示例较多，被推测为英文页面；该页正文是中文，语言标注正确。"
            )
        return (
            f"This version has {2 * n} pages ({n} in each language). Every page passed every test above: "
            "0 accessibility problems found by axe-core, 0 HTML validation errors, 0 broken links. "
            "The site is not published if any test fails. The validator's only remark: it guesses that the Chinese data page "
            "is English, because of its many field names and code samples; its text is Chinese and its language is declared correctly."
        )

    def jsonld(self, lang: str) -> str:
        """schema.org Dataset for the home and data pages, safe to inline in a script element."""
        meta = self.ds.meta
        document = {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": meta.title.get(lang),
            "alternateName": meta.title.en if lang == "zh" else meta.title.zh,
            "description": meta.description.get(lang),
            "url": self.site_url + ("en/" if lang == "en" else ""),
            "version": meta.version,
            "dateModified": meta.created[:10],
            "inLanguage": ["zh-Hans", "en"],
            "license": meta.licence_path,
            "isAccessibleForFree": True,
            "creator": [{"@type": "Organization", "name": c.title} for c in meta.contributors],
            "isBasedOn": [
                {"@type": "CreativeWork", "name": s.title.get(lang), "publisher": s.publisher.get(lang), "datePublished": str(s.year or "")}
                for s in self.ds.sources.values()
            ],
            "keywords": [c.label.get(lang) for c in self.ds.themes.values()],
            "distribution": [
                {"@type": "DataDownload", "encodingFormat": media_type(d.path), "contentUrl": self.site_url + d.path, "contentSize": f"{d.size} B", "name": d.path.rsplit("/", 1)[1]}
                for d in self.downloads
                if "/plans/" not in d.path and "/csv" not in d.path
            ],
        }
        return script_json(document)


def script_json(document: Any) -> str:
    """JSON that cannot end a <script> element or open a comment, whatever its strings hold."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _num(value: Decimal) -> str:
    text = format_number(value)
    if "." not in text and len(text) > 4:
        return f"{int(text):,}"
    return text


def write_pages(pages: Iterable[Page], docs: Path) -> tuple[list[str], int]:
    """Write pages into ``docs``, only those whose text changed; return their names and how many were written."""
    names: list[str] = []
    written = 0
    for page in pages:
        names.append(page.file_name)
        if _write_if_changed(docs / page.file_name, page.text().encode("utf-8")):
            written += 1
    return names, written


def prune(docs: Path, keep: set[str]) -> int:
    """Remove files under ``docs`` not in ``keep`` (relative paths), and emptied folders."""
    removed = 0
    for path in sorted(docs.rglob("*"), reverse=True):
        rel = path.relative_to(docs).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return True


def copy_assets(source: Path, docs: Path) -> list[str]:
    """Copy site_templates/assets into docs/assets (only changed files); return their paths."""
    out = []
    for path in sorted(source.rglob("*")):
        if path.is_file():
            rel = "assets/" + path.relative_to(source).as_posix()
            _write_if_changed(docs / rel, path.read_bytes())
            out.append(rel)
    return out


__all__ = ["LANGS", "Job", "Page", "Renderer", "TemplateError", "copy_assets", "prune", "script_json", "write_pages"]
