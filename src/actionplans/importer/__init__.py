"""``actionplans import``: raw texts (TXT, HTML, DOCX, PDF) become verified draft plans.

``import_texts`` is the stage. For each file it extracts the text (``extract``), rebuilds its
paragraphs (``document``), finds the plans it reports and what it says of each (``plans``:
titles, issuers from the gazetteer in ``issuers``, periods, tasks from ``tasks``, figures from
``figures``), and writes into the content folder: ``sources/<id>.txt`` (the text, exactly as
quotes are checked against it), ``sources/<id>.yaml`` (what the file says of its origin, and
its hashes) and one ``plans/<plan-id>.yaml`` per plan, each marked ``status: draft``. Every
Chinese text of a draft is a span of the source text, so it passes the verbatim check by
construction; English is left for a translator, with the glossary renderings each Chinese
text's terms require. Organizations, regions and units a draft needs that the content lacks
are added to their files as drafts too.

Nothing is written unless every file imports; no existing file is replaced without ``force``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_all_atomic
from ..numerals import format_number
from ..problems import IMPORT_EXISTS, IMPORT_NO_PLAN, IMPORT_SOURCE_ID
from ..yamlfile import scalar
from .document import Document
from .extract import Extracted, ImportFailed, extract
from .issuers import Gazetteer, regions
from .plans import PlanFound, find_plans
from .tasks import title_of
from .vocabulary import Vocabulary

__all__ = ["ImportFailed", "ImportReport", "import_texts"]

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class PlanSummary:
    """What was found for one plan, and what a person must still do on its draft."""

    plan_id: str
    title: str
    tasks: int
    task_count: int | None
    figures: int
    todos: list[str]


@dataclass
class ImportReport:
    """What ``import_texts`` wrote, and a summary per plan."""

    written: list[Path] = field(default_factory=list)
    plans: list[PlanSummary] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for plan in self.plans:
            stated = f" (the text states {plan.task_count})" if plan.task_count is not None else ""
            out.append(f"plans/{plan.plan_id}.yaml: 《{plan.title}》: {plan.tasks} tasks{stated}, {plan.figures} figures")
            out += [f"  to do: {todo}" for todo in plan.todos]
        return out


def import_texts(paths: Sequence[Path], into: Path, *, source_id: str | None = None, force: bool = False) -> ImportReport:
    """Import every file of ``paths`` into the content folder ``into``; write nothing unless all
    of them import. Raises ``ImportFailed`` naming the file and what is wrong."""
    if source_id is not None and len(paths) != 1:
        raise ImportFailed(
            f"--source-id {source_id}: names one source; expected exactly one file to import with it", code=IMPORT_SOURCE_ID
        )
    if source_id is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", source_id):
        raise ImportFailed(
            f"--source-id {source_id!r}: not a valid id; expected lowercase ASCII letters, digits and single hyphens",
            code=IMPORT_SOURCE_ID,
        )
    vocabulary = Vocabulary(into)
    gazetteer = Gazetteer(vocabulary.organizations)
    files: dict[Path, str] = {}
    report = ImportReport()
    taken: set[str] = set()
    for path in paths:
        extracted = extract(Path(path))
        sid = source_id or _source_id(Path(path), extracted, taken)
        taken.add(sid)
        document = Document(extracted.text)
        found = find_plans(document, gazetteer)
        if not found:
            raise ImportFailed(
                f"{path}: no plan found (no title in 《》 issued as a 方案, 计划, 规划, 意见 or 通知, and no such heading); "
                "expected the text of a plan, or of a report that names one",
                code=IMPORT_NO_PLAN,
            )
        files[into / "sources" / f"{sid}.txt"] = extracted.text
        files[into / "sources" / f"{sid}.yaml"] = _source_yaml(sid, extracted, document, found)
        for index, plan in enumerate(found, start=1):
            plan_id = sid if len(found) == 1 else f"{sid}-{index}"
            text, summary = _plan_yaml(plan_id, sid, document, plan, vocabulary)
            files[into / "plans" / f"{plan_id}.yaml"] = text
            report.plans.append(summary)
        report.sources.append(sid)
    for path, text in vocabulary.additions().items():
        files[path] = text
    existing = [p for p in files if p.exists() and p not in vocabulary.files()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing[:5])
        raise ImportFailed(f"{names}: already exists; expected new files (use --force to replace them)", code=IMPORT_EXISTS)
    write_all_atomic({path: text.encode("utf-8") for path, text in files.items()})
    report.written = list(files)
    return report


def _source_id(path: Path, extracted: Extracted, taken: set[str]) -> str:
    base = _SLUG.sub("-", path.stem.lower()).strip("-")[:48] or "source-" + extracted.file_sha256[:8]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# --- writing drafts ----------------------------------------------------------------------------
q = scalar


def _source_yaml(sid: str, extracted: Extracted, document: Document, found: list[PlanFound]) -> str:
    digest = hashlib.sha256(extracted.text.encode("utf-8")).hexdigest()
    title = extracted.title or document.text(*found[0].title)
    authors = extracted.authors or _bylines(document)
    lines = [
        f"# Imported from {extracted.path.name} by actionplans import; review it, then remove status: draft.",
        f"id: {sid}",
        "status: draft",
        f'title: {{zh: {q(title)}, en: ""}}',
        f"publisher: {_text_or_null(extracted.publisher or _publisher(document))}",
        "authors:" + ("" if authors else " []"),
        *[f'  - {{zh: {q(a)}, en: ""}}' for a in authors],
        f"year: {extracted.date[:4] if extracted.date else _year(document) or 'null'}",
        f"date: {q(extracted.date or _date(document))}",
        f"url: {q(extracted.url)}",
        f"file: {sid}.txt",
        f"sha256: {digest}",
        "rights: null  # who holds which rights in the text, and how it may be used",
        f"kind: {_kind(document, found)}  # as the text reads: confirm it",
        "republish: null  # whole (an official document of a state organ, or a text whose licence allows it) or quotes",
        f"extent: {'whole' if _ends_whole(document) else 'beginning'}  # {_ending_note(document)}",
        "original:",
        f"  file: {q(extracted.path.name)}",
        f"  sha256: {extracted.file_sha256}",
    ]
    return "\n".join(lines) + "\n"


#: What a news report prints: a dateline (新华社北京4月8日电), a reporter, a paper's own news tag.
_NEWS = re.compile(r"(?:新华社|中新社|本报|人民网|央视网|中国网)[^。，,]{0,12}?(?:电|讯)|记者|通讯员|责任编辑|责编|编辑[:：]")
#: What an official document prints: its notice, its addressees, its document number.
_OFFICIAL = re.compile(
    r"关于印发.{2,80}?的通知|现将.{0,40}?印发给你们|〔20\d\d〕\d+号|\[20\d\d\]\d+号|各(?:省|市|县|区|自治区|有关)[^。]{0,40}?[:：]"
)


def _kind(document: Document, found: list[PlanFound]) -> str:
    """official-document for a notice or a plan's own text, news-report for a report of one."""
    text = document.joined
    official, news = _OFFICIAL.search(text), _NEWS.search(text)
    if official and (not news or official.start() < news.start()):
        return "official-document"
    return "news-report"


def _ends_whole(document: Document) -> bool:
    """Whether the text ends as a page ends: with a full stop, or with furniture after its body."""
    if not document.paragraphs:
        return False
    tail = document.paragraphs[-1]
    last = document.text(tail.start, tail.end)
    return tail.kind in ("furniture", "byline") or last.endswith(("。", "！", "？", "”", "」", ")", "）"))


def _ending_note(document: Document) -> str:
    ending = document.joined[-12:]
    return f"the text ends with “{ending}”: beginning if the page goes on after it"


def _text_or_null(zh: str | None) -> str:
    return f'{{zh: {q(zh)}, en: ""}}' if zh else "null"


#: A byline's names; 记者从民政部获悉 ("the reporter learned from …") names no one.
_BYLINE_NAMES = re.compile(
    r"(?:本报记者|本报通讯员|特约记者|通讯员|记者|作者[:：]|文[/／])\s*(?![从在近日前获了据])(?P<names>[\u4e00-\u9fff]{2,4}(?:[、，,\s]+[\u4e00-\u9fff]{2,4})*)"
)


def _bylines(document: Document) -> list[str]:
    names: list[str] = []
    for paragraph in document.paragraphs:
        text = document.text(paragraph.start, paragraph.end)
        # a byline opens a paragraph, or closes it in brackets: …作出部署。（记者杨昊）
        closing = re.search(r"[（(][^（）()]{2,24}[）)]$", text)
        scope = text if paragraph.kind in ("byline", "furniture") else text[:30] + (" " + closing.group() if closing else "")
        for match in _BYLINE_NAMES.finditer(scope):
            for name in re.split(r"[、，,\s]+", match.group("names")):
                if name and name not in names:
                    names.append(name)
    return names


def _publisher(document: Document) -> str | None:
    for paragraph in document.paragraphs:
        text = document.text(paragraph.start, paragraph.end)
        match = re.search(r"(?:来源|來源|稿源)[:：](?P<name>[^|丨\s]{2,30}?)(?:$|[|丨]|发布|發布|时间|時間|作者|编辑|\d)", text)
        if match:
            return match.group("name").strip("-—")
    return None


def _date(document: Document) -> str | None:
    for paragraph in document.paragraphs[:12]:
        text = document.text(paragraph.start, paragraph.end)
        match = re.search(
            r"(?:发布时间|發布時間|发布日期|时间|日期)?[:：]?(?P<y>20\d\d)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})", text
        )
        if match and paragraph.kind in ("furniture", "heading"):
            return f"{match.group('y')}-{int(match.group('m')):02d}-{int(match.group('d')):02d}"
    return None


def _year(document: Document) -> str | None:
    date = _date(document)
    return date[:4] if date else None


def _plan_yaml(plan_id: str, sid: str, document: Document, plan: PlanFound, vocabulary: Vocabulary) -> tuple[str, PlanSummary]:
    text = document.text
    title = text(*plan.title)
    issuers = [vocabulary.organization(found.body) for found in plan.issuers]
    issuers = list(dict.fromkeys(issuers))
    region = _region(plan, vocabulary)
    level = regions()[region].level if region in regions() else None
    groups = vocabulary.suggest("groups", [text(a, b) for a, b in plan.paragraphs])
    themes = vocabulary.suggest("themes", [text(a, b) for a, b in plan.paragraphs])
    task_count = plan.task_count.value if plan.task_count is not None else None
    rule = "at-most" if task_count is not None and len(plan.tasks) < task_count else "equal"
    if task_count is not None and len(plan.tasks) > task_count:
        task_count = None  # the count the text states is of something else
    out = [
        f"# Draft imported from sources/{sid}.txt by actionplans import. Review every field, translate the English,",
        "# then remove status: draft to publish it (actionplans check lists what is still to do).",
        f"id: {plan_id}",
        "status: draft",
        f"source: {sid}",
        *_text_field("title", title, vocabulary),
        f"issuers: [{', '.join(issuers)}]",
        f"issuer_count: {plan.issuer_count if plan.issuer_count is not None and plan.issuer_count >= len(issuers) else 'null'}",
        f"level: {level or 'null'}",
        f"region: {region or 'null'}",
        f"period_start: {plan.period[0] if plan.period[0] is not None else 'null'}",
        f"period_end: {plan.period[1] if plan.period[1] is not None else 'null'}",
        f"groups: [{', '.join(groups)}]",
        f"themes: [{', '.join(themes)}]",
        f"task_count: {task_count if task_count is not None else 'null'}",
        f"task_count_rule: {rule}",
    ]
    if task_count is not None and plan.task_count is not None:
        out += _text_field("task_count_quote", _clause(document, plan.task_count.start, plan.task_count.end), vocabulary)
    else:
        out.append("task_count_quote: null")
    announcement = text(*plan.announcement) if plan.announcement else title
    out += _text_field("announcement", announcement, vocabulary)
    for key, spans in (("aims", plan.aims), ("principles", plan.principles), ("safeguards", plan.safeguards)):
        out.append(f"{key}:" + ("" if spans else " []"))
        for a, b in spans:
            out += _text_field(None, text(a, b), vocabulary, indent="  - ")
    out.append("tasks:" + ("" if plan.tasks else " []"))
    task_ids: list[tuple[str, int, int]] = []
    for ordinal, task in enumerate(plan.tasks, start=1):
        task_text = text(task.start, task.end)
        task_id = f"{plan_id}-{ordinal}"
        task_ids.append((task_id, task.start, task.end))
        out += [
            f"  - id: {task_id}",
            f"    ordinal: {ordinal}",
            f"    label: {q(task.label) if task.label else 'null'}",
            *_text_field("title", title_of(task_text), vocabulary, indent="    "),
            *_text_field("text", task_text, vocabulary, indent="    "),
            f"    themes: [{', '.join(vocabulary.suggest('themes', [task_text]))}]",
            f"    actors: [{', '.join(vocabulary.suggest('actors', [task_text]))}]",
            f"    groups: [{', '.join(vocabulary.suggest('groups', [task_text]))}]",
        ]
    out.append("figures:" + ("" if plan.figures else " []"))
    for number, figure in enumerate(plan.figures, start=1):
        quote = _clause(document, figure.start, figure.end)
        owner = next((tid for tid, a, b in task_ids if a <= figure.start < b), None)
        out += [
            f"  - id: {plan_id}-f{number}",
            f"    task: {owner or 'null'}",
            f"    kind: {figure.kind}",
            f"    value: {_number(figure.value)}",
            f"    value_to: {_number(figure.value_to) if figure.value_to is not None else 'null'}",
            f"    unit: {vocabulary.unit(figure.unit)}",
            "    year: null",
            f"    region: {region or 'cn'}",
            f"    qualifier: {figure.qualifier}",
            "    measure:",
            f"      zh: {q(_measure(document, figure))}",
            '      en: ""',
            *_text_field("quote", quote, vocabulary, indent="    "),
        ]
    todos = [
        f"translate the English of the title, {len(plan.tasks)} tasks, the statements and {len(plan.figures)} figures",
        f"confirm the {len(plan.figures)} figures (value, unit, kind, qualifier, the task each belongs to)",
        "confirm the suggested themes, groups and actors",
    ]
    if not issuers:
        todos.append("name the issuers (none was recognised)")
    if region is None:
        todos.append("choose the plan's region and level (its issuers' region was not recognised)")
    summary = PlanSummary(
        plan_id, title, len(plan.tasks), plan.task_count.value if plan.task_count else None, len(plan.figures), todos
    )
    return "\n".join(out) + "\n", summary


def _text_field(key: str | None, zh: str, vocabulary: Vocabulary, indent: str = "") -> list[str]:
    """A text pair with the Chinese and an empty English, and, as a comment, the glossary's
    renderings the translation must use."""
    terms = vocabulary.glossary_terms(zh)
    note = f"  # glossary: {'; '.join(f'{t.zh} = {t.en}' for t in terms)}" if terms else ""
    if key is None:  # an item of a list of texts
        inner = " " * len(indent)
        return [f"{indent}zh: {q(zh)}", f'{inner}en: ""{note}']
    return [f"{indent}{key}:", f"{indent}  zh: {q(zh)}", f'{indent}  en: ""{note}']


def _clause(document: Document, start: int, end: int) -> str:
    """The clause around ``start``..``end``: from the punctuation before it to the next."""
    joined = document.joined
    paragraph = document.paragraph_at(start)
    low = paragraph.start if paragraph else 0
    high = paragraph.end if paragraph else len(joined)
    begin = max([low] + [joined.rfind(mark, low, start) + 1 for mark in "。；;，,：:！？"])
    ends = [e for e in (joined.find(mark, end, high) for mark in "。；;，,！？") if e >= 0]
    return joined[begin : min(ends) if ends else high]


def _measure(document: Document, figure: Any) -> str:
    clause = _clause(document, figure.start, figure.end)
    return clause if re.search(r"[\u4e00-\u9fff]", clause) else document.joined[figure.start : figure.end]


def _number(value: Any) -> str:
    return format_number(value)


def _region(plan: PlanFound, vocabulary: Vocabulary) -> str | None:
    """The region of the plan's first issuer that has a known one (provincial before national)."""
    known = [f.body.region for f in plan.issuers if f.body.region.id]
    if any(not f.body.region.id for f in plan.issuers):
        return None  # a city's or county's plan: its region is for a person to choose
    region = next((r for r in known if r.id != "cn"), known[0] if known else None)
    if region is None:
        return None
    vocabulary.region(region)
    return region.id
