"""Figures: every quantity a plan states, with its value, unit, qualifier and kind.

A number counts when a unit or measure word follows it (515.05万人, 21.45%, 百家, 五项, 12部门,
到2026年, 三年). What looks like a number but is none is left out: document numbers
(浙政办发〔2022〕59号), phone numbers, dates, years and numbers inside a cited title
(《纲要(2021-2030年)》), five-year-plan labels (十四五), list markers (一是, （一）), ages, and
the bare 一 of 一项重要任务 or 一对一. Values are read with ``Decimal`` by ``numerals``, the same
reader the content checks use, so each figure is readable from its own quote by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..numerals import read_chinese

_CN = "零〇○一二两三四五六七八九十百千万亿"
_NUMBER = (
    rf"(?P<percent>百分之[{_CN}]+(?:点[零〇一二三四五六七八九]+)?)"
    rf"|(?P<arabic>\d+(?:[.．]\d+)?)(?P<big>[万亿])?"
    rf"|(?P<chinese>[{_CN}]+(?:点[零〇一二三四五六七八九]+)?)"
)
#: What may follow a number for it to be a figure, longest first.
UNITS = (
    "个百分点",
    "百分点",
    "万人次",
    "人次",
    "万元",
    "亿元",
    "元",
    "%",
    "％",
    "部门",
    "个部门",
    "人",
    "名",
    "户",
    "家",
    "所",
    "个",
    "项",
    "条",
    "次",
    "批",
    "类",
    "张",
    "床",
    "座",
    "处",
    "件",
    "份",
    "支",
    "辆",
    "台",
    "天",
    "小时",
    "周",
    "公里",
    "平方米",
    "亩",
    "倍",
    "年",
    "大",
    "例",
    "部門",
    "個",
    "項",
    "萬人",
)
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
FIGURE = re.compile(
    rf"(?P<before>至少|不少于|不低于|不超过|超过|达到|逾|近|约|大约)?(?P<number>{_NUMBER})"
    rf"(?:\s*(?P<dash>[-—–~～至到])\s*(?P<number_to>\d+(?:[.．]\d+)?|[{_CN}]+))?"
    rf"(?P<mid>多|余)?(?P<unit>{_UNIT})(?P<after>及以上|以上|及以下|以下|以内|左右|多|余|上下)?"
)
#: Spans that hold numbers that are not figures.
NOT_FIGURES = re.compile(
    r"[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d+\s*号"  # document numbers: 〔2023〕58号
    r"|[\u4e00-\u9fff]{1,6}[发函字办规]\s*[〔\[［【(（]?\s*\d{4}"
    r"|\d{4}\s*[-–]\s*\d{7,8}|\(?0\d{2,3}\)?\s*-?\s*\d{7,8}|(?<!\d)1[3-9]\d{9}(?!\d)"  # phone numbers
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"  # dates
    r"|[〇○零一二三四五六七八九]{4}\s*年(?:\s*[一二三四五六七八九十]{1,2}\s*月(?:\s*[一二三四五六七八九十]{1,3}\s*日)?)?"
    r"|\d{1,2}:\d{2}(?::\d{2})?"  # times
    r"|[“\"]?十[一二三四五六七八九]五[”\"]?"  # five-year-plan labels
    # markers and ordinals: 一是, （一）, 一、, 第三
    r"|[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百\d]+"
    r"|\d+\s*周?岁"  # ages
    r"|[一二三四五六七八九十\d]+对[一二三四五六七八九十\d]+"  # 一对一
)
#: Years a plan aims for: 到2026年, 2025年底.
TARGET_YEAR = re.compile(r"(?P<before>到|至|截至|力争到|力争|计划到|确保到)(?P<year>20\d\d)年(?:底|末)?")
#: A plan's period as its title or text states it.
PERIOD = re.compile(r"[（(]?(?P<start>(?:19|20)\d\d)\s*年?\s*[-—–~～至到]\s*(?P<end>(?:19|20)\d\d)\s*年[）)]?")
_STATISTIC = re.compile(r"已|目前|现有|据.{0,12}(调查|统计|显示)|占.{0,10}总|高于|低于|增长|下降|累计|共有|达到了")
_COUNT_UNITS = ("部门", "个部门", "项", "条", "家", "个", "所", "批", "类", "大", "座", "处", "支")


@dataclass(frozen=True)
class Quantity:
    """A figure as read from the joined text: where it stands, and what it says."""

    start: int
    end: int
    value: Decimal
    value_to: Decimal | None
    unit: str
    qualifier: str
    kind: str


def read_value(match: re.Match[str], group: str = "number") -> Decimal | None:
    text = match.group(group)
    if text is None:
        return None
    if text.startswith("百分之"):
        return read_chinese(text[3:])
    if text[0].isdigit():
        number = Decimal(text.replace("．", ".").rstrip("万亿"))
        big = match.group("big") if group == "number" else None
        if big and match.group("unit") not in ("元",):
            number *= 10_000 if big == "万" else 100_000_000
        return number
    if text == "一" or (len(text) == 1 and text in "万亿"):
        return None  # the bare 一 of 一项重要任务 is an article, not a count
    return read_chinese(text)


def quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every figure in ``text`` (a slice of the joined text starting at ``offset``), in order."""
    blocked = [False] * (len(text) + 1)
    for match in NOT_FIGURES.finditer(text):
        for i in range(match.start(), match.end()):
            blocked[i] = True
    out: list[Quantity] = []
    for match in TARGET_YEAR.finditer(text):
        start = match.start("year")
        if not blocked[start]:
            out.append(
                Quantity(
                    offset + match.start(), offset + match.end(), Decimal(match.group("year")), None, "年", "exact", "period"
                )
            )
            for i in range(match.start(), match.end()):
                blocked[i] = True
    for match in FIGURE.finditer(text):
        start = match.start("number")
        if blocked[start] or (start > 0 and text[start - 1].isdigit()):
            continue
        value = read_value(match)
        if value is None:
            continue
        unit = match.group("unit")
        big = match.group("big")
        if big and unit == "元":
            unit = big + unit
        if unit in ("%", "％") or match.group("percent"):
            unit = "%"
        if unit == "年" and value >= 1900:
            continue  # a year that is not a target (a date, a year in passing)
        if unit == "大":
            noun = re.match(r"行动|工程|任务|举措|领域|板块|体系|专项", text[match.end() :])
            if noun is None:
                continue
            unit = "大" + noun.group()
        value_to = None
        if match.group("number_to"):
            to = match.group("number_to")
            value_to = Decimal(to) if to[0].isdigit() else read_chinese(to)
        qualifier = _qualifier(match.group("before"), match.group("after") or match.group("mid"))
        sentence = _around(text, match.start())
        kind = _kind(unit, value, sentence)
        out.append(Quantity(offset + match.start(), offset + match.end(), value, value_to, unit, qualifier, kind))
    return sorted(out, key=lambda q: q.start)


def periods(text: str, offset: int = 0) -> list[Quantity]:
    """Periods written as a span of years (2024年-2026年, (2022-2024年), 2023—2025年)."""
    return [
        Quantity(
            offset + m.start(), offset + m.end(), Decimal(m.group("start")), Decimal(m.group("end")), "年", "exact", "period"
        )
        for m in PERIOD.finditer(text)
        if int(m.group("start")) <= int(m.group("end"))
    ]


def _qualifier(before: str | None, after: str | None) -> str:
    if before in ("至少", "不少于", "不低于", "超过", "逾") or after in ("以上", "及以上"):
        return "at-least"
    if before in ("不超过", "不高于") or after in ("以下", "及以下", "以内"):
        return "at-most"  # a ceiling: 控制在5.3‰以下
    if before in ("近", "约", "大约") or after in ("左右", "多", "余", "上下"):
        return "approximately"
    return "exact"


def _around(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in "。；;！？")
    ends = [e for e in (text.find(mark, position) for mark in "。；;！？") if e >= 0]
    return text[start + 1 : min(ends) if ends else len(text)]


def _kind(unit: str, value: Decimal, sentence: str) -> str:
    if unit == "年":
        return "period"
    if unit in _COUNT_UNITS or unit.startswith("大"):
        return "count"
    if _STATISTIC.search(sentence) and not re.search(r"到20\d\d|力争|确保", sentence):
        return "statistic"
    return "target"  # what a plan states without a word of measurement is what it sets out to do
