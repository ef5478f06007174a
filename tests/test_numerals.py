from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actionplans.numerals import format_number, is_readable, read_chinese, read_numbers


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("百", 100),
        ("一百零五", 105),
        ("三千", 3000),
        ("一万二千", 12000),
        ("两", 2),
        ("二〇二六", 2026),
        ("五", 5),
    ],
)
def test_read_chinese_numerals(numeral: str, value: int) -> None:
    assert read_chinese(numeral) == value


def test_read_chinese_rejects_other_characters() -> None:
    assert read_chinese("五项") is None
    assert read_chinese("") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("内蒙古60岁及以上老年人口已达到515.05万人", Decimal("5150500")),
        ("内蒙古60岁及以上老年人口已达到515.05万人", Decimal("515.05")),
        ("占全区常住人口总数的21.45%", Decimal("21.45")),
        ("高于全国平均比例1.65个百分点", Decimal("1.65")),
        ("以百家“阳光助残志愿服务基地”", Decimal("100")),
        ("《方案》列出了五项重点任务。", Decimal("5")),
        ("常态化交流探访至少 2次", Decimal("2")),
        ("三年行动方案", Decimal("3")),
        ("行动实施方案（2024年-2026年）", Decimal("2026")),
    ],
)
def test_value_readable_from_quote(text: str, value: Decimal) -> None:
    assert is_readable(value, text)


def test_value_not_readable_when_absent() -> None:
    assert not is_readable(Decimal("12"), "等16部门联合印发")
    assert not is_readable(Decimal("21.5"), "21.45%")


def test_read_numbers_in_order() -> None:
    assert read_numbers("等16部门、五项任务") == [Decimal(16), Decimal(5)]


def test_format_number_plain() -> None:
    assert format_number(Decimal("5150500.00")) == "5150500"
    assert format_number(Decimal("21.450")) == "21.45"
    assert format_number(Decimal("1E+2")) == "100"


@given(st.text())
def test_read_numbers_never_raises(text: str) -> None:
    for number in read_numbers(text):
        assert isinstance(number, Decimal)


@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿", max_size=60))
def test_read_chinese_any_numeral_run(text: str) -> None:
    value = read_chinese(text)
    assert value is None or value >= 0


def test_a_large_unit_after_yu_or_duo_multiplies_the_number() -> None:
    """30余万件 ("more than 300,000 items", cdpf-assistive-devices-2006-2010) reads as 300,000."""
    assert read_numbers("免费发放了30余万件") == [Decimal("30"), Decimal("300000")]
    assert read_numbers("30多万人") == [Decimal("30"), Decimal("300000")]
