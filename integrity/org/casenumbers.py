"""Case numbers (案号) and lawyer licence numbers as Chinese users write them.

Case numbers follow 最高人民法院《关于人民法院案件案号的若干规定》(2016): ``(收案年度)法院代字
类型代字案件编号号``, e.g. ``(2024)辽01民初123号``. Users type full-width brackets ``（）``,
full-width digits, the bracket forms 〔〕 [] 【】 and stray spaces; all are accepted and stored
in one canonical half-width form so that searching and matching work.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_BRACKETS = str.maketrans(
    {
        "〔": "(",
        "〕": ")",
        "[": "(",
        "]": ")",
        "【": "(",
        "】": ")",
        "﹝": "(",
        "﹞": ")",
        "（": "(",
        "）": ")",
    }
)
_WHITESPACE = re.compile(r"\s+")
# Court code: 最高法, or one province character followed by up to 4 digits (辽, 辽01, 辽0102),
# or 兵 codes of the production corps courts. Type code: one or more Chinese characters.
_CASE_NUMBER = re.compile(
    r"^\((?P<year>\d{4})\)(?P<court>最高法|[\u4e00-\u9fff]\d{0,4})"
    r"(?P<type>[\u4e00-\u9fff]{1,6}?)(?P<seq>\d{1,8})号$"
)


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court_code: str
    type_code: str
    sequence: int

    def __str__(self) -> str:
        return f"({self.year}){self.court_code}{self.type_code}{self.sequence}号"


def fold_text(value: str) -> str:
    """Free text folded the way case numbers are: half-width forms, round brackets, lower case,
    so that a search written with （）or 〔〕 finds what was stored with ()."""
    return unicodedata.normalize("NFKC", value or "").translate(_BRACKETS).lower()


def _fold(value: str) -> str:
    # NFKC turns full-width digits, letters and brackets into their half-width forms.
    value = unicodedata.normalize("NFKC", value or "").translate(_BRACKETS)
    return _WHITESPACE.sub("", value)


def parse_case_number(value: str) -> CaseNumber:
    """Parse a case number as written by a user; raise ValidationError in plain Chinese."""
    folded = _fold(value)
    if folded and not folded.endswith("号"):
        folded += "号"
    match = _CASE_NUMBER.match(folded)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a case number of the form (2024)辽01民初123号."),
            code="case_number",
            params={"value": value},
        )
    year = int(match["year"])
    if not 1949 <= year <= 2100:
        raise ValidationError(
            _("The year %(year)s in the case number is not plausible."),
            code="case_number_year",
            params={"year": year},
        )
    return CaseNumber(year, match["court"], match["type"], int(match["seq"]))


def normalize_case_number(value: str) -> str:
    """The canonical form ``(2024)辽01民初123号`` of a case number."""
    return str(parse_case_number(value))


_LICENCE = re.compile(r"^\d{17}$")


def normalize_licence_number(value: str) -> str:
    """A lawyer's practising licence number (执业证号): 17 digits, spaces and width folded."""
    folded = _fold(value)
    if folded and not _LICENCE.match(folded):
        raise ValidationError(
            _("A practising licence number has 17 digits; “%(value)s” does not."),
            code="licence_number",
            params={"value": value},
        )
    return folded
