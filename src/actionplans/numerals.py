"""Reading numbers written in Arabic or Chinese numerals, as a figure's quote states them.

Chinese numerals are read by cn2an, on the numeral alone (never on a sentence: it would turn
统一 into 统1). cn2an does not multiply a fraction by 万 or 亿 (五百一十五点零五万), so those
are split off and multiplied here, with ``Decimal``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_LARGE_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
#: A number in Arabic digits and its large unit, which may follow 余 or 多 (30余万 = more than 300,000).
_ARABIC = re.compile(r"(\d+(?:[.．]\d+)?)\s*(?:[余多])?([万亿]?)")
_CHINESE = re.compile(r"[零〇○一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+[万亿]?)?")
_PERCENT = re.compile(r"百分之([零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)")
#: Longest numeral read; longer runs are not numbers a plan states.
MAX_DIGITS = 40


def read_numbers(text: str) -> list[Decimal]:
    """Every number written in ``text``, in order of appearance.

    ``515.05万`` gives both 515.05 and 5150500; ``百家`` gives 100; ``五项`` gives 5;
    ``百分之二十二点一`` gives 22.1.
    """
    found: list[tuple[int, Decimal]] = []
    for match in _ARABIC.finditer(text):
        digits, unit = match.groups()
        if len(digits) > MAX_DIGITS:
            continue
        number = Decimal(digits.replace("．", "."))
        found.append((match.start(), number))
        if unit:
            found.append((match.start(), number * _LARGE_UNITS[unit]))
    percents: set[int] = set()
    for match in _PERCENT.finditer(text):
        percents.update(range(match.start(), match.end()))
        value = read_chinese(match.group(1))
        if value is not None:
            found.append((match.start(), value))
    for match in _CHINESE.finditer(text):
        if match.start() in percents or (match.start() > 0 and text[match.start() - 1].isdigit()):
            continue  # 百分之… is read above; the 万 of 515.05万 belongs to its digits
        value = read_chinese(match.group())
        if value is not None:
            found.append((match.start(), value))
    return [number for _, number in sorted(found, key=lambda item: item[0])]


def stated_number(value: Decimal, text: str) -> str | None:
    """The numeral in ``text`` that states ``value``, as written (``515.05万``, ``百``, ``21.45``),
    or None when no numeral in it does."""
    for match in _ARABIC.finditer(text):
        digits, unit = match.groups()
        if len(digits) > MAX_DIGITS:
            continue
        number = Decimal(digits.replace("．", "."))
        if unit and number * _LARGE_UNITS[unit] == value:
            return match.group().replace(" ", "")
        if number == value:
            return digits
    for pattern in (_PERCENT, _CHINESE):
        for match in pattern.finditer(text):
            numeral = match.group(1) if pattern is _PERCENT else match.group()
            if read_chinese(numeral) == value:
                return match.group()
    return None


_ENGLISH = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:\s+(thousand|million|billion))?")
_ENGLISH_UNITS = {"thousand": Decimal(1_000), "million": Decimal(1_000_000), "billion": Decimal(1_000_000_000)}


def stated_number_en(value: Decimal, text: str) -> str | None:
    """The number in the English ``text`` that states ``value`` (``5.1505 million``, ``21.45``)."""
    for match in _ENGLISH.finditer(text):
        digits, unit = match.groups()
        try:
            number = Decimal(digits.replace(",", ""))
        except InvalidOperation:
            continue
        if unit and number * _ENGLISH_UNITS[unit] == value:
            return match.group()
        if number == value:
            return digits
    return None


def read_chinese(numeral: str) -> Decimal | None:
    """The value of one Chinese numeral (十 10, 二十五 25, 二〇二六 2026, 二十二点一 22.1,
    五百一十五点零五万 5150500), or None when it is no numeral (十四五)."""
    if not numeral or len(numeral) > MAX_DIGITS or numeral in ("千", "万", "亿"):
        return None  # a bare 千, 万 or 亿 is a word (千家万户), not a number; a bare 百 is 100 (百家)
    multiplier = Decimal(1)
    if numeral[-1] in _LARGE_UNITS and "点" in numeral:
        multiplier, numeral = _LARGE_UNITS[numeral[-1]], numeral[:-1]
    numeral = numeral.replace("○", "〇")  # a circle often set for the zero of a year
    if numeral[0] in "百千万亿":
        numeral = "一" + numeral  # cn2an reads 一百, not a bare 百
    import cn2an  # imported here: loading it takes 0.1 s, and load() never reads numerals

    try:
        value = cn2an.cn2an(numeral, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        return Decimal(str(value)) * multiplier
    except InvalidOperation:
        return None


def format_number(value: Decimal) -> str:
    """A number as plain decimal text without exponent or trailing zeros: 5150500, 21.45."""
    try:
        normal = value.normalize()
    except InvalidOperation:
        return str(value)
    return format(normal, "f")


def display_number(value: Decimal | int) -> str:
    """A number as the pages show it: as printed, whole numbers of five digits or more grouped
    by thousands (12,000)."""
    text = format_number(Decimal(value))
    if "." not in text and len(text) > 4:
        return f"{int(text):,}"
    return text


def is_readable(value: Decimal, text: str) -> bool:
    """Whether ``value`` is one of the numbers written in ``text``."""
    return any(number == value for number in read_numbers(text))
