"""Tasks: the plan's own enumeration of what it will do.

Markers of every style are found (一是…十是, （一）/(一), 一、, 第一, 1. / 1、, （1）, ①), where a
list item can begin: at a paragraph's start or after the end of a sentence or clause, never
inside a title or quotation. Markers of one style numbered 1, 2, 3 … form a chain; of the
chains, the one whose length matches a count the plan states ("实施以下十项行动", "五项重点任务",
"从三个方面") wins, then the one introduced as the plan's tasks. A plan text's 一、 sections hold
its tasks as （一） items, except sections such as 总体要求 or 保障措施. Where a news report gives
the plan's measures as paragraphs after saying how many there are, each paragraph is a task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..numerals import read_chinese
from .document import SENTENCE_END, Document, quote_depth

_CN = "一二三四五六七八九十"
STYLES = {
    "shi": re.compile(rf"(?P<n>[{_CN}]{{1,3}})是"),
    "paren": re.compile(rf"[（(](?P<n>[{_CN}]{{1,3}})[）)]"),
    "dun": re.compile(rf"(?P<n>[{_CN}]{{1,3}})、"),
    "di": re.compile(rf"第(?P<n>[{_CN}]{{1,3}})(?:[，,、是：:]|条)"),
    "dot": re.compile(r"(?P<n>\d{1,2})[.．、](?!\d)"),
    "paren-digit": re.compile(r"[（(](?P<n>\d{1,2})[）)]"),
    "circled": re.compile(r"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"),
}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: Where a list item may begin: right after one of these (or at a paragraph's start).
_ITEM_START = set("。；;：:！？!?")
#: What a plan's count of tasks is a count of.
COUNT = re.compile(
    rf"(?P<n>\d{{1,2}}|[{_CN}两]{{1,3}})\s*(?:项|个|条|大|方面)(?:[\u4e00-\u9fff]{{0,6}}?)(?:内容|任务|措施|行动|工程|举措|方面|重点|政策|工作|意见|要求)"
)
#: Headings of the sections of a plan text that are not tasks.
NOT_TASK_SECTIONS = re.compile(
    r"总体要求|指导思想|基本原则|工作原则|主要目标|总体目标|工作目标|目标任务|任务目标|发展目标|活动目的|活动目标|活动时间|活动主题|保障措施|组织实施|"
    r"组织保障|组织领导|工作要求|活动要求|实施步骤|工作步骤|工作安排|适用范围|附则"
)
#: Lead-in words of a report before it quotes the plan: 其中提到，《方案》提出，
LEAD_IN = re.compile(
    r"^(?:其中(?:提到|明确|要求|指出)?|此外|同时|另外|据悉|据介绍|据了解)?[，,]?(?:《[^》]{1,30}》)?(?:还)?(?:提出|强调|要求|明确|指出|规定|提到)?[，,：:]?"
)
#: Words of safeguards (保障措施): funding, coordination, organization, supervision.
SAFEGUARD = re.compile(r"保障|协调|合力|资金|经费|组织领导|督促|督导检查|考核|评估|宣传引导|研究制定实施方案|落实责任")


def safeguard_like(text: str) -> bool:
    """Whether a paragraph is about safeguards (保障措施): its first sentence names two of them."""
    first = re.split(r"[。；;]", text, maxsplit=1)[0]
    return len(set(SAFEGUARD.findall(first))) >= 2


@dataclass(frozen=True)
class Marker:
    style: str
    number: int
    start: int  # where the printed label starts (joined text)
    end: int  # where the task's text starts


@dataclass
class Chain:
    style: str
    markers: list[Marker] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.markers[0].start


@dataclass(frozen=True)
class Count:
    value: int
    start: int
    end: int


@dataclass(frozen=True)
class TaskSpan:
    label: str | None
    start: int
    end: int


def markers(document: Document, spans: list[tuple[int, int]]) -> list[Marker]:
    """Every marker in the given paragraph spans that stands where a list item can begin."""
    out = []
    for begin, end in spans:
        text = document.joined[begin:end]
        depth = quote_depth(text)
        for style, pattern in STYLES.items():
            for match in pattern.finditer(text):
                at = match.start()
                spaced = begin + at in document.gaps  # after a line break or a space in the raw text
                if depth[at] or (at > 0 and text[at - 1] not in _ITEM_START and not spaced):
                    continue
                if style in ("dot", "dun") and at > 0 and not spaced:
                    continue  # 1. and 一、 items begin a line
                number = _number(style, match.group("n"))
                if number is None:
                    continue
                if style == "dot" and text[match.end() :][:1].isdigit():
                    continue
                out.append(Marker(style, number, begin + at, begin + match.end()))
    return sorted(out, key=lambda m: m.start)


def _number(style: str, text: str) -> int | None:
    if style == "circled":
        return _CIRCLED.index(text) + 1
    if text.isdigit():
        return int(text)
    value = read_chinese(text)
    return int(value) if value is not None and value == int(value) else None


def chains(found: list[Marker]) -> list[Chain]:
    """Markers of one style numbered 1, 2, 3 …, each chain in text order."""
    out: list[Chain] = []
    open_chains: dict[str, Chain] = {}
    for marker in found:
        current = open_chains.get(marker.style)
        if marker.number == 1:
            current = Chain(marker.style, [marker])
            open_chains[marker.style] = current
            out.append(current)
        elif current is not None and marker.number == current.markers[-1].number + 1:
            current.markers.append(marker)
    return [c for c in out if len(c.markers) >= 2]


def counts(document: Document, spans: list[tuple[int, int]]) -> list[Count]:
    """Counts of tasks the text states (10项内容, 五项重点任务, 十项行动)."""
    out = []
    for begin, end in spans:
        text = document.joined[begin:end]
        for match in COUNT.finditer(text):
            raw = match.group("n")
            value = int(raw) if raw.isdigit() else read_chinese(raw)
            if value is not None and 2 <= int(value) <= 60:
                out.append(Count(int(value), begin + match.start(), begin + match.end()))
    return out


def choose(document: Document, found: list[Chain], stated: list[Count], spans: list[tuple[int, int]]) -> Chain | None:
    """The chain that is the plan's enumeration of tasks, if any."""
    best: tuple[float, Chain] | None = None
    for chain in found:
        score = 0.0
        before = [c for c in stated if c.start < chain.start]
        if any(c.value == len(chain.markers) for c in before):
            score += 10
        elif any(c.value == len(chain.markers) for c in stated):
            score += 4
        intro = _intro(document.joined, chain.start)
        if re.search(r"[：:]$", intro) or re.search(
            r"包括|如下|以下|主要任务|重点任务|具体措施|主要措施|重点工作|工作任务", intro
        ):
            score += 3
        if chain.style in ("shi", "paren", "dun"):
            score += 2
        items = _item_texts(document, chain, spans)
        if any(re.search(r"https?://|www\.|\.com|\.cn", t) for t in items):
            score -= 20
        if chain.style in ("dot", "dun", "paren-digit") and all(len(t) < 25 and not SENTENCE_END.search(t) for t in items):
            score -= 6  # a list of headlines, not of tasks
        score += len(chain.markers) * 0.1
        if best is None or score > best[0]:
            best = (score, chain)
    return best[1] if best is not None and best[0] >= 2 else None


def _intro(joined: str, position: int) -> str:
    """The clause right before a list: from the sentence end before it, outside titles."""
    before = joined[max(0, position - 80) : position]
    cut = max(before.rfind(mark) for mark in "。！？；;!?")
    clause = before[cut + 1 :]
    return re.sub(r"《[^》]*》", "", clause)


def _item_texts(document: Document, chain: Chain, spans: list[tuple[int, int]]) -> list[str]:
    out = []
    for i, marker in enumerate(chain.markers):
        end = chain.markers[i + 1].start if i + 1 < len(chain.markers) else _paragraph_end(document, marker.start)
        out.append(document.joined[marker.end : end])
    return out


def _paragraph_end(document: Document, position: int) -> int:
    paragraph = document.paragraph_at(position)
    return paragraph.end if paragraph is not None else position


def spans_of(document: Document, chain: Chain, spans: list[tuple[int, int]], stop: int) -> list[TaskSpan]:
    """Each task's text: from after its label to the next label; the last task to the end of
    its paragraph and the paragraphs that continue it (up to ``stop``)."""
    allowed = {(p.start, p.end) for p in document.paragraphs if p.kind == "text"}
    out = []
    for i, marker in enumerate(chain.markers):
        label = document.joined[marker.start : marker.end]
        if i + 1 < len(chain.markers):
            end = chain.markers[i + 1].start
            # a headline or byline set between two items ends the first one before it
            for paragraph in document.paragraphs:
                if marker.end <= paragraph.start < end and (paragraph.start, paragraph.end) not in allowed:
                    end = paragraph.start
                    break
        else:
            end = _last_item_end(document, marker, spans, stop)
        out.append(TaskSpan(label, marker.end, max(marker.end, end)))  # a task's text keeps its final 。 or ；
    return out


def _last_item_end(document: Document, marker: Marker, spans: list[tuple[int, int]], stop: int) -> int:
    paragraphs = [p for p in document.paragraphs if p.kind == "text" and (p.start, p.end) in set(spans)]
    end = _paragraph_end(document, marker.start)
    for paragraph in paragraphs:
        if paragraph.start < end:
            continue
        if paragraph.start >= stop or paragraph.start != _next_text_start(document, end):
            break
        text = document.joined[paragraph.start : paragraph.end]
        if not re.match(r"《[^》]{1,30}》(还)?(要求|提出|明确|规定)|同时|此外|另外", text) or safeguard_like(text):
            break
        end = paragraph.end
    return end


def _next_text_start(document: Document, position: int) -> int:
    for paragraph in document.paragraphs:
        if paragraph.start >= position:
            return paragraph.start if paragraph.kind == "text" else -1
    return -1


def passages(document: Document, count: Count, spans: list[tuple[int, int]], stop: int) -> list[TaskSpan]:
    """The plan's measures a report gives as paragraphs after stating their number: each text
    paragraph after the count until a headline, byline or another plan, lead-in words left out."""
    out: list[TaskSpan] = []
    for paragraph in document.paragraphs:
        if paragraph.start <= count.start or paragraph.start >= stop or (paragraph.start, paragraph.end) not in set(spans):
            continue
        if paragraph.kind != "text":
            if out:
                break
            continue
        text = document.joined[paragraph.start : paragraph.end]
        if count.start >= paragraph.start:
            continue
        lead = LEAD_IN.match(text)
        skip = lead.end() if lead and lead.group() else 0
        if len(text) - skip < 15:
            continue
        out.append(TaskSpan(None, paragraph.start + skip, paragraph.end))
        if len(out) >= count.value:
            break
    return out


def sections(document: Document, found: list[Chain], every: list[Marker], spans: list[tuple[int, int]]) -> list[TaskSpan] | None:
    """A plan text's tasks: the （一） items of its 一、 sections that are tasks (not 总体要求,
    保障措施 …); a task section without items is one task."""
    tops = [c for c in found if c.style == "dun"]
    if not tops:
        return None
    top = max(tops, key=lambda c: len(c.markers))
    inner = [m for m in every if m.style == "paren"]
    out: list[TaskSpan] = []
    for i, marker in enumerate(top.markers):
        end = top.markers[i + 1].start if i + 1 < len(top.markers) else max(e for _, e in spans)
        heading_end = _paragraph_end(document, marker.start)
        heading = document.joined[marker.end : heading_end]
        if NOT_TASK_SECTIONS.search(heading[:20]):
            continue
        items = [m for m in inner if marker.end <= m.start < end]
        chain_items: list[Marker] = []
        for m in items:
            if m.number == len(chain_items) + 1:
                chain_items.append(m)
        if chain_items:
            chain = Chain("paren", chain_items)
            out += spans_of(document, chain, spans, end)
        else:
            out.append(TaskSpan(document.joined[marker.start : marker.end], marker.end, end))
    return out or None


def named(document: Document, count: Count) -> list[TaskSpan]:
    """Tasks a report names in one sentence with their number: 包括A、B、C等6大行动, or 实施A、B、C
    五大行动 where the items share the count's noun."""
    sentence = document.sentence_at(count.start)
    text = document.joined[sentence[0] : count.start]
    noun = re.search(r"(行动|工程|任务|举措)", document.joined[count.start : count.end])
    if noun is None:
        return []
    listed = re.search(r"(?:包括|实施|开展|部署|推进)(?P<items>[^，。；,;]+?)等?$", text)
    if listed is None:
        return []
    begin = sentence[0] + listed.start("items")
    parts = list(re.finditer(r"[^、]+", listed.group("items")))
    out = [
        TaskSpan(None, begin + part.start(), begin + part.end())
        for part in parts
        if part.group().endswith(noun.group()) and len(part.group()) >= 4
    ]
    if not out and len(parts) == count.value:  # 实施A、B、C五大行动: each item without the shared noun
        out = [TaskSpan(None, begin + part.start(), begin + part.end()) for part in parts if len(part.group()) >= 2]
    return out if len(out) >= 2 else []


#: An action a report names as it runs: 实施机关、事业单位带头安排残疾人就业行动和企业助力残疾人就业行动.
_RUN_IN = re.compile(r"(?:实施|开展|启动|推进)(?P<items>[^。；;：:，,]{4,160}?行动)(?=[，,。；;]|$)")


def run_in(document: Document, spans: list[tuple[int, int]]) -> list[TaskSpan]:
    """Actions a report names as they run, each ending in 行动 and joined by 和, 、 or 及, when it
    names at least three of them: the plan's tasks, where it numbers none."""
    out: list[TaskSpan] = []
    for begin, end in spans:
        text = document.joined[begin:end]
        depth = quote_depth(text, "《“", "》”")
        for match in _RUN_IN.finditer(text):
            if depth[match.start()]:
                continue
            start = match.start("items")
            for part in re.finditer(r"[和、及]?(?P<action>.+?行动)(?=[和、及]|$)", match.group("items")):
                if len(part.group("action")) >= 6:
                    out.append(TaskSpan(None, begin + start + part.start("action"), begin + start + part.end("action")))
    return out if len(out) >= 3 else []


_HAN = re.compile(r"[\u4e00-\u9fff]")


def title_of(text: str) -> str:
    """A task's title: the action's name where the text gives one (实施…行动, …工程), else its
    first clause."""
    match = re.match(
        r"^(?:实施|开展|推进|启动|深化|组织|打造)?(?P<name>[\u4e00-\u9fff“”]{2,24}?(?:专项行动|行动|工程|计划))[。，；：]", text
    )
    if match:
        return match.group("name")
    # the first clause with a Chinese character, without stray brackets around it (a cut-off
    # text can begin with a lone 《 or a comma)
    for clause in re.split(r"[，。；：,;:]", text):
        clause = clause.strip("《》“”‘’（）()「」 \n")
        if _HAN.search(clause):
            return clause[:40]
    return text[:40]
