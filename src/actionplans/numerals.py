"""Reading numbers written in Arabic or Chinese numerals, as a figure's quote states them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
_ARABIC = re.compile(r"(\d+(?:\.\d+)?)\s*([万亿]?)")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
#: Longest run of digits read; longer runs are not numbers a plan states.
MAX_DIGITS = 40


def read_numbers(text: str) -> list[Decimal]:
    """Every number written in ``text``, in order of appearance.

    ``515.05万`` gives both 515.05 and 5150500; ``百家`` gives 100; ``五项`` gives 5.
    """
    found: list[tuple[int, Decimal]] = []
    for match in _ARABIC.finditer(text):
        digits, unit = match.groups()
        if len(digits) > MAX_DIGITS:
            continue
        number = Decimal(digits)
        found.append((match.start(), number))
        if unit:
            found.append((match.start(), number * _LARGE_UNITS[unit]))
    for match in _CHINESE.finditer(text):
        value = read_chinese(match.group())
        if value is not None:
            found.append((match.start(), Decimal(value)))
    return [number for _, number in sorted(found, key=lambda item: item[0])]


def read_chinese(numeral: str) -> int | None:
    """The value of one Chinese numeral (``十`` 10, ``二十五`` 25, ``二〇二六`` 2026), or None."""
    if not numeral or len(numeral) > MAX_DIGITS or any(ch not in _DIGITS and ch not in _SMALL_UNITS and ch not in _LARGE_UNITS for ch in numeral):
        return None
    if all(ch in _DIGITS for ch in numeral):
        if len(numeral) == 1:
            return _DIGITS[numeral]
        return int("".join(str(_DIGITS[ch]) for ch in numeral))
    total = section = digit = 0
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[ch]
            digit = 0
        else:
            total = (total + section + digit) * _LARGE_UNITS[ch]
            section = digit = 0
    return total + section + digit


def format_number(value: Decimal) -> str:
    """A number as plain decimal text without exponent or trailing zeros: 5150500, 21.45."""
    try:
        normal = value.normalize()
    except InvalidOperation:
        return str(value)
    return format(normal, "f")


def is_readable(value: Decimal, text: str) -> bool:
    """Whether ``value`` is one of the numbers written in ``text``."""
    return any(number == value for number in read_numbers(text))
