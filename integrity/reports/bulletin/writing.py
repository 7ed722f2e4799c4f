"""How an official document writes numbers and lists: Chinese numerals for section numbers and
quarters (一、二、三… 第三季度), items joined with 、 and sentences run on without spaces; digits,
full stops, commas and spaces in other languages."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (the section numbers of a document)."""
    if not 0 < n < 100:
        raise ValueError("Only 1 to 99 are written here.")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[units] if units else ''}"


def in_chinese() -> bool:
    return (get_language() or "").startswith("zh")


def written_number(n: int) -> str:
    """``n`` in the numerals of the active language: 三 in Chinese, 3 otherwise."""
    return chinese_numeral(n) if in_chinese() else str(n)


def numbered(number: int, title: str) -> str:
    """A section heading: 一、标题 in Chinese; "1. Title" otherwise."""
    if in_chinese():
        return f"{chinese_numeral(number)}、{title}"
    return f"{number}. {title}"


def join_items(items: Iterable[str]) -> str:
    """甲、乙、丙 in Chinese; "a, b, c" otherwise."""
    return ("、" if in_chinese() else ", ").join(items)


def join_sentences(sentences: Iterable[str]) -> str:
    """Sentences of one paragraph: run on in Chinese, a space between them otherwise."""
    return ("" if in_chinese() else " ").join(sentences)
