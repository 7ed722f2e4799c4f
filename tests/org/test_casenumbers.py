import pytest
from django.core.exceptions import ValidationError

from integrity.org.casenumbers import (
    normalize_case_number,
    normalize_licence_number,
    parse_case_number,
)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("(2024)辽01民初123号", "(2024)辽01民初123号"),
        ("（2024）辽01民初123号", "(2024)辽01民初123号"),
        ("（２０２４）辽０１民初１２３号", "(2024)辽01民初123号"),
        (" (2024) 辽01 民初 123 号 ", "(2024)辽01民初123号"),
        ("(2024)辽01民初123", "(2024)辽01民初123号"),
        ("〔2024〕辽01民初123号", "(2024)辽01民初123号"),
        ("[2024]辽01民初0123号", "(2024)辽01民初123号"),
        ("【2024】辽0102执恢7号", "(2024)辽0102执恢7号"),
        ("（2023）辽民终5号", "(2023)辽民终5号"),
        ("(2023)最高法民申1号", "(2023)最高法民申1号"),
        ("(2025)辽0102刑初1号", "(2025)辽0102刑初1号"),
    ],
)
def test_case_numbers_are_normalised(written, canonical):
    assert normalize_case_number(written) == canonical


def test_parsed_parts():
    parsed = parse_case_number("（2024）辽01民初123号")
    assert (parsed.year, parsed.court_code, parsed.type_code, parsed.sequence) == (
        2024,
        "辽01",
        "民初",
        123,
    )


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "2024辽01民初123号",
        "(24)辽01民初1号",
        "(2024)辽01民初号",
        "(1800)辽01民初1号",
        "(2024)0101民初1号",
        "随便写的",
    ],
)
def test_bad_case_numbers_get_a_clear_error(bad):
    with pytest.raises(ValidationError) as error:
        normalize_case_number(bad)
    assert error.value.messages


def test_error_is_translated(settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        normalize_case_number("随便写的")
    assert "案号" in error.value.messages[0]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("12101201010123456", "12101201010123456"),
        ("１２１０１２０１０１０１２３４５６", "12101201010123456"),
        (" 12101 2010 1012 3456 ", "12101201010123456"),
        ("", ""),
    ],
)
def test_licence_numbers(written, canonical):
    assert normalize_licence_number(written) == canonical


def test_bad_licence_number():
    with pytest.raises(ValidationError):
        normalize_licence_number("1210")
