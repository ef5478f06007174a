"""Finding the plans a text reports and what it says of each: title, issuers, period, tasks,
statements and figures. Every Chinese text found is a span of the joined text.

A plan is reported where its title (《…方案》, 《…计划》, 《…意见》 …) stands next to a verb of
issuing (印发, 出台, 发布, 制定 …), or where a plan text opens with its own title. Paragraphs are
assigned to the plan they name, by its title or the short name the text gives it ("以下简称
《方案》"), or else to the plan of the paragraph before them: a newspaper page can hold several
articles, and put one article's headline and lead after its body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..numerals import read_chinese
from . import figures as f
from . import tasks as t
from .document import Document, quote_depth
from .issuers import Found, Gazetteer, Region

_PLAN_WORD = (
    r"(?:方案|计划|計劃|规划|規劃|意见|意見|通知|办法|辦法|措施|纲要|綱要|细则|細則|决定|決定|指南|行动|行動|任务清单|任務清單)"
)
TITLE = re.compile(rf"《(?P<inner>[^《》]{{2,80}}?{_PLAN_WORD}(?:[（(][^（）()]{{2,20}}[）)])?)》")
ISSUED_BEFORE = re.compile(
    r"(印发|印發|出台|出臺|发布|發布|制定|公布|下发|下發|颁布|頒布|发出|發出|推出|审议通过|審議通過|现将|現將)了?$"
)
ISSUED_AFTER = re.compile(
    r"^(?:近日|日前|近期|正式|对外|對外|已|于近日|昨日|今日)?(发布|發布|印发|印發|出台|出臺|公布|颁布|頒布|正式实施|出炉)|^已经[^，,。]{1,12}同意"
)
CITED_BEFORE = re.compile(r"(根据|按照|贯彻|落实|依据|对照|参照|依照|結合|结合)$")
ALIAS = re.compile(r"[（(]以下简称[“\"《](?P<alias>[^”\"》]{1,20})[”\"》][）)]")
NOTICE = re.compile(rf"关于印发《?(?P<inner>[^《》]{{2,80}}?{_PLAN_WORD}(?:[（(][^（）()]{{2,20}}[）)])?)》?的通知")
HEADING_TITLE = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{2,20}}[:：])?(?P<inner>[\u4e00-\u9fff“”（）()—\-0-9年、]{{4,80}}?{_PLAN_WORD}(?:[（(][^（）()]{{2,20}}[）)])?)$"
)
#: A news report's dateline and credit before its first sentence: 新华社北京4月8日电, 本报讯（记者张婷）.
DATELINE = re.compile(
    r"(?:(?:新华社|中新社|中新网|人民网|央视网|本报|[\u4e00-\u9fff]{2,6}网)[\u4e00-\u9fff]{0,6}?\d{1,2}月\d{1,2}日电|[\u4e00-\u9fff]{1,6}讯)"
    r"(?:[（(](?:记者|通讯员|全媒体记者)[^）)]{1,30}[）)])?"
)
DUE_COUNT = re.compile(r"(?:等|共)?(?P<n>\d{1,3}|[一二三四五六七八九十两]{1,3})\s*(?:个)?(?:部门|部門|单位|部委)")
DURATION = re.compile(r"(?P<n>[一二三四五六七八九十两]|\d)年(?:行动|攻坚|专项)")
AIM = re.compile(r"到\s*20\d\d\s*年|目标|力争|旨在")
PRINCIPLE = re.compile(r"坚持|原则")


@dataclass
class PlanFound:
    """One plan the text reports, as found: every text a span of the joined text."""

    title: tuple[int, int]
    mentions: list[int] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    announcement: tuple[int, int] | None = None
    issuers: list[Found] = field(default_factory=list)
    issuer_count: int | None = None
    period: tuple[int | None, int | None] = (None, None)
    tasks: list[t.TaskSpan] = field(default_factory=list)
    task_count: t.Count | None = None
    aims: list[tuple[int, int]] = field(default_factory=list)
    principles: list[tuple[int, int]] = field(default_factory=list)
    safeguards: list[tuple[int, int]] = field(default_factory=list)
    figures: list[f.Quantity] = field(default_factory=list)


def find_plans(document: Document, gazetteer: Gazetteer) -> list[PlanFound]:
    """Every plan ``document`` reports, in the order their titles first appear."""
    plans = _titles(document)
    if not plans:
        return []
    _assign(document, plans)
    for plan in plans:
        _describe(document, plan, gazetteer)
    return plans


def title_key(title: str) -> str:
    """What two printings of one title share: dashes, quotation marks and spaces aside (a page
    prints 2024—2028年 in its heading and 2024-2028年 in its notice; a store drops “”)."""
    return _TITLE_NOISE.sub("", _DASHES.sub("-", title))


_DASHES = re.compile(r"[—–―－‐‑-]+")
_TITLE_NOISE = re.compile(r"[“”\"'‘’「」『』\s]")
#: A notice that issues a plan, named as a title: 《国务院办公厅关于印发〈X〉的通知》 names the plan X.
NOTICE_TITLE = re.compile(r"关于印发[〈<《]?(?P<inner>[^〈〉<>]{2,80}?)[〉>》]?的通知$")
#: A plan named without 《》 right after a verb of issuing: 印发“十四五”健康老龄化规划.
BARE_TITLE = re.compile(
    r"(?:印发|印發|发布|發布|出台|出臺|制定|颁布|頒布|开展|開展)了?(?P<inner>[\u4e00-\u9fff“”「」0-9（）()—\-]{4,40}?(?:方案|计划|計劃|规划|規劃|行动|行動|任务清单)"
    r"(?:[（(][^（）()]{2,20}[）)])?)(?=[，,。；;：:（(]|$)"
)


def _cited(joined: str, position: int) -> bool:
    """Whether the title at ``position`` is cited rather than reported: its clause (since the last
    comma or full stop) says the text follows it (根据, 贯彻落实 …) or names it as issued before
    (…印发的《…》 after 为落实)."""
    clause = joined[max(0, position - 80) : position]
    clause = re.sub(
        r"《[^《》]*》", "", clause[max(clause.rfind(mark) for mark in "，,。；;：:！？") + 1 :]
    )  # not the words of titles
    return bool(_CITING.search(clause))


_CITING = re.compile(r"根据|按照|贯彻|落实|依据|对照|参照|依照|對照|貫徹|此前|截至")


def _titles(document: Document) -> list[PlanFound]:
    """The plans the text reports, by their titles (found in the whole joined text, so that a
    title broken across lines or paragraphs is found too), with their short names. Two
    printings of one title (dashes, quotation marks aside) are one plan."""
    joined = document.joined
    plans: dict[str, PlanFound] = {}
    furniture = [(p.start, p.end) for p in document.paragraphs if p.kind in ("furniture", "byline")]

    def usable(position: int) -> bool:
        return not any(a <= position < b for a, b in furniture)

    def add(start: int, end: int, mention: int) -> None:
        notice = NOTICE_TITLE.search(joined[start:end])
        if notice is not None:  # the notice's plan
            start, end = start + notice.start("inner"), start + notice.end("inner")
        plans.setdefault(title_key(joined[start:end]), PlanFound((start, end))).mentions.append(mention)

    last_reported_end = -1
    uncited: list[re.Match[str]] = []
    for match in TITLE.finditer(joined):
        inner = match.group("inner")
        if _is_alias_like(inner) or not usable(match.start()):
            continue
        before = joined[max(0, match.start() - 12) : match.start()]
        after = joined[match.end() : match.end() + 8]
        reported = bool(
            ISSUED_BEFORE.search(before.rstrip("，,的"))
            or ISSUED_AFTER.match(after)
            or re.search(r"(印发|印發|出台|发布|制定)[^，。]{0,10}$", before)
        )
        # a title right after a reported one: 印发《A》和《B》, 印发《A》《B》
        coordinated = (
            0 <= match.start() - last_reported_end <= 3
            and re.fullmatch(r"(和|及|与|、|以及|，|,)?", joined[last_reported_end : match.start()]) is not None
        )
        cited = _cited(joined, match.start())
        if not cited:
            uncited.append(match)
        if (not (reported or coordinated) or cited) and title_key(inner) not in plans:
            continue
        last_reported_end = match.end()
        add(match.start("inner"), match.end("inner"), match.start())
    for match in NOTICE.finditer(joined):
        inner = match.group("inner")
        inside = quote_depth(joined[: match.start() + 1], "《", "》")[match.start()] > 0
        if inside and _cited(joined, joined.rfind("《", 0, match.start())):
            continue  # the notice of a cited title: 根据《国务院办公厅关于印发X的通知》
        if usable(match.start()) and title_key(inner) not in plans and not _is_alias_like(inner):
            add(match.start("inner"), match.end("inner"), match.start())
    # a title before one reported with it: 《A》和《B》近日颁布实施
    for match in reversed(uncited):
        after = joined[match.end() : match.end() + 2]
        following = TITLE.match(joined, match.end() + (1 if after[:1] in "和及与、" else 0))
        if (
            following is not None
            and title_key(following.group("inner")) in plans
            and title_key(match.group("inner")) not in plans
        ):
            add(match.start("inner"), match.end("inner"), match.start())
    # a heading that is nothing but a title: 一、《上海市促进残疾人就业三年行动方案》
    for paragraph in document.paragraphs:
        line = joined[paragraph.start : paragraph.end]
        heading = re.fullmatch(r"(?:[一二三四五六七八九十]+、|\d+[.、])?《(?P<inner>[^《》]{4,80})》", line)
        if (
            paragraph.kind in ("heading", "text")
            and heading
            and re.search(rf"{_PLAN_WORD}(?:[（(][^（）()]{{2,20}}[）)])?$", heading.group("inner"))
        ):
            at = paragraph.start + heading.start("inner")
            if title_key(heading.group("inner")) not in plans:
                add(at, at + len(heading.group("inner")), paragraph.start)
    if not plans:  # a plan text without 《》: its heading is its title
        for start, text in _headings(document):
            heading = HEADING_TITLE.match(text)
            if heading:
                plans[title_key(heading.group("inner"))] = PlanFound(
                    (start + heading.start("inner"), start + heading.end("inner")), [start]
                )
                break
    if not plans and uncited:  # a plan the text is about, named without a verb of issuing: 《X》包括…
        # the one the text gives a short name (以下简称), else the first
        match = next((m for m in uncited if ALIAS.match(joined, m.end())), uncited[0])
        add(match.start("inner"), match.end("inner"), match.start())
    if not plans:  # a plan named without 《》 after a verb of issuing: 印发“十四五”健康老龄化规划
        for match in BARE_TITLE.finditer(joined):
            if usable(match.start()) and not _cited(joined, match.start()):
                add(match.start("inner"), match.end("inner"), match.start())
                break
    _merge_shortened(plans, [(m.start("inner"), m.end("inner"), m.start()) for m in uncited], joined)
    for match in ALIAS.finditer(joined):
        owner = _title_before(plans, match.start())
        if owner is not None:
            owner.aliases.add(match.group("alias"))
    return sorted(plans.values(), key=lambda p: p.mentions[0])


def _merge_shortened(plans: dict[str, PlanFound], titles: list[tuple[int, int, int]], joined: str) -> None:
    """One plan printed with and without its region's name (a notice: 关于印发促进残疾人就业三年行动
    实施方案的通知; its text: 《甘肃省促进残疾人就业三年行动实施方案》): kept under the full title,
    whether that title was found reported or only printed (``titles``: start, end, mention)."""
    for start, end, mention in titles:
        key = title_key(joined[start:end])
        if key not in plans and any(key.endswith(k) and len(key) - len(k) <= 12 for k in plans):
            plans[key] = PlanFound((start, end), [mention])
    for key in sorted(plans, key=len):
        longer = next((k for k in plans if k != key and k.endswith(key) and len(k) - len(key) <= 12), None)
        if longer is not None:
            plans[longer].mentions = sorted(plans[longer].mentions + plans[key].mentions)
            del plans[key]


def _headings(document: Document) -> list[tuple[int, str]]:
    """Candidates for a plan text's heading: its heading paragraphs, and the words set apart by
    spaces at the start of its first paragraphs (a document pasted as one line)."""
    joined = document.joined
    out = [(p.start, joined[p.start : p.end]) for p in document.paragraphs if p.kind == "heading"][:15]
    for paragraph in document.paragraphs[:3]:
        gaps = sorted(g for g in document.gaps if paragraph.start < g < min(paragraph.end, paragraph.start + 90))
        start = paragraph.start
        marker = re.match(r"\d+[、.．]", joined[start:])
        if marker:
            start += marker.end()
        for gap in gaps[:3]:
            if gap - start >= 4:
                out.append((start, joined[start:gap]))
            start = gap
    return out


def _is_alias_like(inner: str) -> bool:
    return len(inner) <= 6 and bool(re.fullmatch(rf"[\u4e00-\u9fff]{{0,4}}{_PLAN_WORD}", inner))


def _title_before(plans: dict[str, PlanFound], position: int) -> PlanFound | None:
    best = None
    for plan in plans.values():
        for mention in plan.mentions:
            if mention < position and (best is None or mention > best[0]):
                best = (mention, plan)
    return best[1] if best else None


def _assign(document: Document, plans: list[PlanFound]) -> None:
    """Give each text paragraph to the plan it names, else to its neighbours' plan."""
    joined = document.joined
    names: list[tuple[str, PlanFound]] = []
    for plan in plans:
        names.append((joined[plan.title[0] : plan.title[1]], plan))
        names += [(alias, plan) for alias in plan.aliases]
    names.sort(key=lambda n: -len(n[0]))
    if len(plans) == 1:  # one plan: every paragraph but the page furniture is about it
        plans[0].paragraphs = [(p.start, p.end) for p in document.paragraphs if p.kind in ("text", "heading")]
        return
    blocks: list[list[tuple[int, int, PlanFound | None]]] = [[]]
    for paragraph in document.paragraphs:
        if paragraph.kind != "text":
            if blocks[-1]:
                blocks.append([])
            continue
        text = joined[paragraph.start : paragraph.end]
        named = None
        first = len(text) + 1
        for name, plan in names:
            at = text.find(f"《{name}》")
            if at < 0 and plan.title and name == joined[plan.title[0] : plan.title[1]] and len(plans) == 1:
                at = text.find(name)
            if 0 <= at < first:
                first, named = at, plan
        blocks[-1].append((paragraph.start, paragraph.end, named))
    previous: PlanFound | None = plans[0] if len(plans) == 1 else None
    for block in blocks:
        current = None
        later = next((p for _, _, p in block if p is not None), None)
        for start, end, named in block:
            current = named or current or later or previous
            if current is not None:
                current.paragraphs.append((start, end))
        previous = current or previous


def _describe(document: Document, plan: PlanFound, gazetteer: Gazetteer) -> None:
    joined = document.joined
    title = joined[plan.title[0] : plan.title[1]]
    spans = plan.paragraphs
    # the announcement: the first sentence that names the plan with a verb of issuing
    candidates = [s for s in document.sentences if any(a <= s[0] < b for a, b in spans) and f"《{title}》" in joined[s[0] : s[1]]]
    candidates = candidates or [s for s in document.sentences if f"《{title}》" in joined[s[0] : s[1]]]
    issued = [s for s in candidates if re.search(r"印发|印發|出台|出臺|发布|發布|制定|公布|下发|颁布", joined[s[0] : s[1]])]
    reviewed_only = not issued and any("审议通过" in joined[s[0] : s[1]] or "審議通過" in joined[s[0] : s[1]] for s in candidates)
    if issued:  # the sentence that names most issuers before the title (a lead may list them all)
        issued.sort(key=lambda s: -len(gazetteer.find(joined[s[0] : s[1]].split(f"《{title}》")[0])))
    plan.announcement = (issued or candidates or [None])[0]  # type: ignore[list-item]
    if plan.announcement is None:
        plan.announcement = (
            document.sentence_at(plan.title[0]) if document.sentence_at(plan.title[0])[1] > plan.title[0] else plan.title
        )
    a_start, a_end = plan.announcement
    dateline = DATELINE.match(joined, a_start, a_end)
    if dateline is not None:  # 新华社北京4月8日电 日前，…: the news agency's words, not the announcement's
        a_start = dateline.end()
        plan.announcement = (a_start, a_end)
    announcement = joined[a_start:a_end]
    head = announcement[: max(0, announcement.find(title) - 1)] if title in announcement else announcement
    # a meeting that reviewed a plan did not issue it: 国务院常务会议审议通过《…》
    home = gazetteer.region_in(title)  # a bare 省 or 自治区 in the text is the plan's own
    plan.issuers = (
        []
        if reviewed_only
        else [
            Found(a_start + x.start, a_start + x.end, x.printed, x.body)
            for x in gazetteer.find(head, home)
            if x.body.kind != "media"
        ]
    )
    count = DUE_COUNT.search(head)
    if count and not re.search(r"联合.{0,60}等\s*$", head[: count.start() + 1]):  # X联合Y等N部门: N counts X's partners
        raw = count.group("n")
        value = int(raw) if raw.isdigit() else read_chinese(raw)
        plan.issuer_count = int(value) if value is not None else None
    signed = _signatures(document, plan, gazetteer, home)
    if len(signed) > len(plan.issuers):  # a plan text signed by every issuer, above its date
        plan.issuers = signed
    if not plan.issuers and "关于" in title:  # 国务院办公厅关于…的意见: the title names its issuer
        plan.issuers = [
            Found(plan.title[0] + x.start, plan.title[0] + x.end, x.printed, x.body)
            for x in gazetteer.find(title[: title.index("关于")])
        ]
    notice_issuers, notice_count, notice_span = _notice(joined, title, gazetteer)
    if not plan.issuers:  # a notice that issues the plan: X关于印发《Y》的通知
        plan.issuers = notice_issuers
    if plan.issuer_count is None and notice_count is not None:
        plan.issuer_count = notice_count
        plan.announcement = notice_span  # the words that state the count
    # the period: the title's, else the years the text aims for
    period = f.periods(title)
    if period:
        plan.period = (int(period[0].value), int(period[0].value_to or period[0].value))
    else:
        targets = [int(q.value) for a, b in spans for q in f.quantities(joined[a:b]) if q.kind == "period" and q.value >= 1949]
        plan.period = (None, max(targets) if targets else None)
    _tasks(document, plan)
    _statements(document, plan)
    _figures(document, plan, title)


def _notice(joined: str, title: str, gazetteer: Gazetteer) -> tuple[list[Found], int | None, tuple[int, int]]:
    """The issuers and the stated number of them of a notice that issues the plan:
    教育部等十七部门关于印发《Y》的通知."""
    for notice in NOTICE.finditer(joined):
        if notice.group("inner") != title:
            continue
        low = max(0, notice.start() - 60)
        before = joined[low : notice.start()]
        low += max(before.rfind(mark) for mark in "。；;，,！？") + 1
        head = joined[low : notice.start()]
        found = [Found(low + x.start, low + x.end, x.printed, x.body) for x in gazetteer.find(head)]
        stated = DUE_COUNT.search(head)
        value = None
        if stated:
            raw = stated.group("n")
            value = int(raw) if raw.isdigit() else read_chinese(raw)
        return found, int(value) if value is not None else None, (low, notice.end())
    return [], None, (0, 0)


_DATE_LINE = re.compile(
    r"^(?:20\d\d|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$"
)


def _signatures(document: Document, plan: PlanFound, gazetteer: Gazetteer, home: Region | None = None) -> list[Found]:
    """The bodies of a signature block: lines that are nothing but names of bodies, right above a date."""
    joined = document.joined
    paragraphs = [p for p in document.paragraphs if p.kind in ("heading", "text")]
    for i, paragraph in enumerate(paragraphs):
        if not _DATE_LINE.match(joined[paragraph.start : paragraph.end]):
            continue
        block: list[Found] = []
        j = i - 1
        while j >= 0:
            line = paragraphs[j]
            text = joined[line.start : line.end]
            found = gazetteer.find(text, home)
            if not found or sum(f.end - f.start for f in found) < 0.8 * len(text):
                break
            block = [Found(line.start + f.start, line.start + f.end, f.printed, f.body) for f in found] + block
            j -= 1
        if block:
            return block
    return []


def _tasks(document: Document, plan: PlanFound) -> None:
    spans = plan.paragraphs
    stop = max((b for _, b in spans), default=0) + 1
    found = t.markers(document, spans)
    all_chains = t.chains(found)
    stated = t.counts(document, spans)
    plan_text_sections = [c for c in all_chains if c.style == "dun"]
    chain = t.choose(document, all_chains, stated, spans)
    if (
        plan_text_sections
        and (chain is None or chain.style == "dun")
        and not any(c.value == len(chain.markers) for c in stated if chain)
    ):
        by_section = t.sections(document, all_chains, found, spans)
        if by_section:
            plan.tasks = by_section
    if not plan.tasks and chain is not None:
        plan.tasks = t.spans_of(document, chain, spans, stop)
    if stated:
        matching = [c for c in stated if c.value == len(plan.tasks)]
        plan.task_count = (
            matching[0] if matching else (stated[0] if not plan.tasks or len(plan.tasks) < stated[0].value else None)
        )
    if not plan.tasks and plan.task_count is not None:
        plan.tasks = t.named(document, plan.task_count) or t.passages(document, plan.task_count, spans, stop)
    if not plan.tasks:
        plan.tasks = t.run_in(document, spans)


def _statements(document: Document, plan: PlanFound) -> None:
    joined = document.joined
    in_tasks = [(task.start, task.end) for task in plan.tasks]
    last_task = max((b for _, b in in_tasks), default=-1)
    for start, end in document.sentences:
        if not any(a <= start < b for a, b in plan.paragraphs) or (start, end) == plan.announcement:
            continue
        if any(a <= start < b or a < end <= b for a, b in in_tasks):
            continue
        if plan.task_count is not None and plan.task_count.start >= start and plan.task_count.end <= end:
            continue
        text = joined[start:end]
        if len(text) < 8 or not re.search(r"[\u4e00-\u9fff]", text):
            continue
        if start > last_task >= 0 and t.safeguard_like(text):
            plan.safeguards.append((start, end))
        elif AIM.search(text):
            plan.aims.append((start, end))
        elif PRINCIPLE.search(text):
            plan.principles.append((start, end))


def _figures(document: Document, plan: PlanFound, title: str) -> None:
    joined = document.joined
    seen: set[tuple[Decimal, Decimal | None, str]] = set()
    out: list[f.Quantity] = []

    def keep(q: f.Quantity) -> None:
        key = (q.value, q.value_to, q.unit)
        if key not in seen:
            seen.add(key)
            out.append(q)

    # the title's period and duration (三年行动方案), once
    start = plan.announcement[0] if plan.announcement and joined.find(title, *plan.announcement) >= 0 else plan.title[0]
    at = joined.find(title, start)
    at = at if at >= 0 else plan.title[0]
    for q in f.periods(title, at):
        keep(q)
    duration = DURATION.search(title)
    if duration:
        raw = duration.group("n")
        value = Decimal(raw) if raw.isdigit() else read_chinese(raw)
        if value is not None:
            keep(f.Quantity(at + duration.start(), at + duration.end() - 2, value, None, "年", "exact", "period"))
    if plan.issuer_count is not None and plan.announcement:
        a, b = plan.announcement
        match = DUE_COUNT.search(joined[a:b])
        if match:
            keep(f.Quantity(a + match.start(), a + match.end(), Decimal(plan.issuer_count), None, "部门", "exact", "count"))
    for a, b in plan.paragraphs:
        text = joined[a:b]
        depth = quote_depth(text, "《", "》")
        for q in f.quantities(text, a):
            if depth[q.start - a]:
                continue  # inside a cited title
            keep(q)
    plan.figures = sorted(out, key=lambda q: q.start)
