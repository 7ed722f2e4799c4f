"""The parties and agents cells of a case-management system's export, as offices have them:

    当事人            原告：张三、李四；被告：沈阳某某有限公司
    诉讼代理人/辩护人  李四（辽宁某某律师事务所，执业证号21010201810000001）；王五（法律援助律师）

Entries are separated by ；;、 or line breaks (outside brackets); brackets and colons may be
full- or half-width. A party is written with its standing (原告：…, or 原告张三); a name without
one has the standing of the entry before it. An agent is a name, then in brackets any of: the
law firm, the licence number (执业证号…, or the seventeen digits alone) and capacity words
(辩护人, 诉讼代理人, 律师, 法律援助律师, 基层法律服务工作者, 监护人, 法定代理人, 近亲属 or
the kinship, 公民); a label before a colon may say the capacity and the party acted for
(原告张三的委托诉讼代理人：李四). Anything else is not guessed: the cell is a problem, with what
could not be read (CellError)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from integrity.org.casenumbers import normalize_licence_number
from integrity.org.models import CaseAgent, CaseParty

from .normalize import CellError, text

Role, Kind, Capacity = CaseParty.Role, CaseAgent.Kind, CaseAgent.Role

_OPEN, _CLOSE = "(（[【〔", ")）]】〕"
_ENTRY_SEPARATORS = "；;、\n"
_ITEM_SEPARATORS = "，,、；; \n"
_COLONS = "：:"

# Standings as case-management systems write them, besides the choices' own labels.
_STANDINGS: dict[str, str] = {
    "原告人": Role.PLAINTIFF,
    "起诉人": Role.PLAINTIFF,
    "一审原告": Role.PLAINTIFF,
    "原审原告": Role.PLAINTIFF,
    "一审被告": Role.DEFENDANT,
    "原审被告": Role.DEFENDANT,
    "原审第三人": Role.THIRD_PARTY,
    "再审申请人": Role.APPLICANT,
    "申请再审人": Role.APPLICANT,
    "复议申请人": Role.APPLICANT,
    "异议人": Role.APPLICANT,
    "赔偿请求人": Role.APPLICANT,
    "再审被申请人": Role.RESPONDENT,
    "赔偿义务机关": Role.RESPONDENT,
    "被告人姓名": Role.ACCUSED,
    "罪犯": Role.ACCUSED,
    "附带民事诉讼原告人": Role.VICTIM,
    "案外人": Role.OTHER,
}
# Words that say who an agent is (kind) and in what capacity they act (role).
_CAPACITIES: dict[str, tuple[str | None, str | None]] = {
    "辩护人": (None, Capacity.DEFENDER),
    "委托辩护人": (None, Capacity.DEFENDER),
    "指定辩护人": (None, Capacity.DEFENDER),
    "法律援助辩护人": (Kind.LAWYER, Capacity.DEFENDER),
    "辩护律师": (Kind.LAWYER, Capacity.DEFENDER),
    "代理人": (None, Capacity.AGENT),
    "诉讼代理人": (None, Capacity.AGENT),
    "委托代理人": (None, Capacity.AGENT),
    "委托诉讼代理人": (None, Capacity.AGENT),
    "特别授权代理人": (None, Capacity.AGENT),
    "代理律师": (Kind.LAWYER, Capacity.AGENT),
    "法定代理人": (Kind.GUARDIAN, Capacity.AGENT),
    "监护人": (Kind.GUARDIAN, None),
    "律师": (Kind.LAWYER, None),
    "执业律师": (Kind.LAWYER, None),
    "专职律师": (Kind.LAWYER, None),
    "兼职律师": (Kind.LAWYER, None),
    "公职律师": (Kind.LAWYER, None),
    "公司律师": (Kind.LAWYER, None),
    "法律援助律师": (Kind.LAWYER, None),
    "法律援助": (Kind.LAWYER, None),
    "基层法律服务工作者": (Kind.LEGAL_WORKER, None),
    "法律服务工作者": (Kind.LEGAL_WORKER, None),
    "法律工作者": (Kind.LEGAL_WORKER, None),
    "近亲属": (Kind.RELATIVE, None),
    "亲属": (Kind.RELATIVE, None),
    "当事人近亲属": (Kind.RELATIVE, None),
    "当事人的近亲属": (Kind.RELATIVE, None),
    "公民": (Kind.CITIZEN, None),
    "单位推荐": (Kind.CITIZEN, None),
    "社区推荐": (Kind.CITIZEN, None),
    "单位推荐的公民": (Kind.CITIZEN, None),
    "社区推荐的公民": (Kind.CITIZEN, None),
    "工作人员": (Kind.CITIZEN, None),
}
# Kinship words: the agent is a near relative of the party.
_KIN = re.compile(
    r"(配偶|妻子|丈夫|父亲|母亲|父母|儿子|女儿|子女|兄弟|姐妹|哥哥|弟弟|姐姐|妹妹|祖父|祖母|"
    r"外祖父|外祖母|孙子|孙女|外孙|外孙女|之父|之母|之子|之女|之妻|之夫)$"
)
# Capacity words, longest first, as they may end a label (原告张三的委托诉讼代理人) or start a
# name without brackets (辩护人王五; not kinship words: 孙子涵 is a name).
_BY_LENGTH = sorted(_CAPACITIES, key=len, reverse=True)
_LICENCE = re.compile(
    r"^(?:律师|法律服务工作者)?(?:执业证书?(?:编号|号码|号)?|执业号|律师证号?|工作证号|证号|编号)"
    r"[:：#]?(?P<value>.+)$"
)
_DIGITS = re.compile(r"^\d{10,}$")
# Law firms and the like: 律师事务所, 律所, 法律服务所 (a grassroots legal service office).
_FIRM = re.compile(r"(律师事务所|律所|律师所|事务所|法律服务所|法律援助中心|法律服务中心)$")
_LEGAL_SERVICE_OFFICE = re.compile(r"法律服务所$")
_FIRM_WORD = re.compile(r"律师事务所|律所|律师所|事务所|法律服务所")
# A firm run together with what follows it (the space between them lost): 某某律师事务所执业证号….
_FIRM_THEN = re.compile(r"^(.+?(?:律师事务所|律所|律师所|法律服务所))(.+)$")
# Organisations among the parties: company, bank, bureau … (a person's name never ends so).
_ORGANISATION = re.compile(
    r"(公司|有限|集团|银行|企业|合作社|委员会|政府|中心|学校|大学|学院|医院|协会|商会|基金会|"
    r"工厂|事务所|研究所|办事处|管理局|管理处|分局|经营部|门市部|商店|超市|酒店|宾馆|"
    r"合伙\)|合伙）|检察院|法院|公安局|派出所)"
)
_ORGANISATION_TAIL = re.compile(r"[局厂店站所社院部厅处行]$")
# A person's name: what is left when the brackets are read. Longer is a sentence, not a name.
_NAME_MAX = 20


def _fold(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def split(value: str, separators: str) -> list[str]:
    """``value`` cut at ``separators`` outside brackets, the pieces stripped, empty ones
    dropped: 李四（某所，证号1）；王五 → [李四（某所，证号1）, 王五]."""
    pieces, depth, current = [], 0, []
    for char in value:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char in separators and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [piece.strip() for piece in pieces if piece.strip()]


def _label(entry: str) -> tuple[str, str]:
    """(what stands before a colon outside brackets, the rest); ("", entry) if no colon."""
    depth = 0
    for index, char in enumerate(entry):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        elif char in _COLONS and depth == 0:
            return entry[:index].strip(), entry[index + 1 :].strip()
    return "", entry


def _bracketed(entry: str) -> tuple[str, list[str], str]:
    """(the text before the first bracket, the contents of each outermost bracket pair, the
    text outside brackets after the first); an unclosed bracket raises ValueError."""
    head, groups, tail = [], [], []
    depth, current, seen = 0, [], False
    for char in entry:
        if char in _OPEN:
            if depth:
                current.append(char)
            depth += 1
            seen = True
        elif char in _CLOSE and depth:
            depth -= 1
            if depth:
                current.append(char)
            else:
                groups.append("".join(current))
                current = []
        elif depth:
            current.append(char)
        else:
            (tail if seen else head).append(char)
    if depth:
        raise ValueError(entry)
    return "".join(head).strip(), groups, "".join(tail).strip()


@functools.cache
def _standings() -> dict[str, str]:
    """Every way of writing a party's standing, folded: the choices' labels in each language,
    the values, and _STANDINGS."""
    ways: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in Role.choices:
                ways.setdefault(_fold(str(label)).casefold(), value)
    for value in Role.values:
        ways.setdefault(value, value)
    ways.update({_fold(word): str(value) for word, value in _STANDINGS.items()})
    return ways


def _standing(word: str) -> str | None:
    """The standing ``word`` names (a note in brackets after it ignored: 上诉人（原审被告）)."""
    head, _groups, _tail = _bracketed(word)
    return _standings().get(_fold(head).casefold())


def _standing_prefix(entry: str) -> tuple[str | None, str]:
    """A standing written before the name without a colon (被告沈阳某某有限公司): the longest
    standing the entry starts with, and the rest."""
    written, folded = entry.strip(), _fold(entry)
    for word in sorted(_standings(), key=len, reverse=True):
        if len(word) >= 2 and folded.startswith(word) and len(folded) > len(word):
            rest = written[len(word) :] if written.startswith(word) else folded[len(word) :]
            return _standings()[word], rest.strip()
    return None, entry


def is_organisation(name: str) -> bool:
    """Whether a party's name is an organisation's (公司, 银行, 管理局 …), as far as the name
    says; a short name (a person's) never is."""
    folded = _fold(name)
    if _ORGANISATION.search(folded):
        return True
    return len(folded) >= 5 and bool(_ORGANISATION_TAIL.search(folded))


def _cell(value: Any) -> str:
    """The cell as text (normalize.text), line by line: the line breaks separate entries."""
    lines = value.splitlines() if isinstance(value, str) else [value]
    return "\n".join(text(line) for line in lines)


def parse_parties(value: Any) -> list[dict[str, Any]]:
    """The parties a cell lists: [{name, role, is_organisation}], in the cell's order, each
    once. CellError naming each entry that cannot be read."""
    parties: list[dict[str, Any]] = []
    errors: list[str] = []
    standing: str | None = None
    for entry in split(_cell(value), _ENTRY_SEPARATORS):
        label, rest = _label(entry)
        try:
            if label:
                standing = _standing(label)
                if standing is None:
                    errors.append(
                        _("“%(entry)s”: “%(word)s” is not a standing in a case (%(examples)s).")
                        % {"entry": entry, "word": label, "examples": _examples()}
                    )
                    continue
                names = split(rest, "，,")
            else:
                prefixed, rest = _standing_prefix(entry)
                standing = prefixed or standing
                names = [rest]
        except ValueError:
            errors.append(_unclosed(entry))
            continue
        if standing is None:
            errors.append(
                _("“%(entry)s”: the party's standing is missing; write it first, as 原告：张三.")
                % {"entry": entry}
            )
            continue
        if not names:
            errors.append(_("“%(entry)s”: no name is given.") % {"entry": entry})
        try:
            for name in names:
                _bracketed(name)  # a bracket left open is a sign of a cell cut short
        except ValueError:
            errors.append(_unclosed(entry))
            continue
        for name in names:
            party = {"name": name, "role": standing, "is_organisation": is_organisation(name)}
            if party not in parties:
                parties.append(party)
    if errors:
        raise CellError(" ".join(errors))
    return parties


def _examples() -> str:
    return "、".join(str(label) for _value, label in Role.choices[:6])


def _unclosed(entry: str) -> str:
    return _("“%(entry)s”: a bracket is not closed.") % {"entry": entry}


def _capacity(word: str) -> tuple[str | None, str | None] | None:
    folded = _fold(word).removeprefix("系").removesuffix("的")
    if folded in _CAPACITIES:
        return _CAPACITIES[folded]
    return (Kind.RELATIVE, None) if _KIN.fullmatch(folded) else None


def _licence(item: str) -> str | None:
    """The licence number an item gives (执业证号21010201810000001, or the digits alone),
    normalised; None if the item is no licence number; CellError if it is a wrong one."""
    folded = _fold(item)
    match = _LICENCE.match(folded)
    if match is None and not _DIGITS.match(folded):
        return None
    written = match["value"] if match else folded
    try:
        return normalize_licence_number(written)
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from None


def parse_agents(value: Any, parties: list[dict[str, Any]] | None = None) -> list[dict]:
    """The agents a cell lists: [{name, kind, role, law_firm, licence_number, party_name}]
    (kind and role None where the cell does not say), each once. ``parties``: the row's
    parties, which a label may name (原告张三的代理人：…). CellError naming each entry that
    cannot be read."""
    known = {_fold(party["name"]): party["name"] for party in parties or ()}
    agents: list[dict[str, Any]] = []
    errors: list[str] = []
    for entry in split(_cell(value), _ENTRY_SEPARATORS):
        try:
            agent = _agent(entry, known)
        except CellError as error:
            errors.append(_("“%(entry)s”: %(message)s") % {"entry": entry, "message": error})
            continue
        except ValueError:
            errors.append(_unclosed(entry))
            continue
        if agent not in agents:
            agents.append(agent)
    if errors:
        raise CellError(" ".join(errors))
    return agents


def _agent(entry: str, parties: dict[str, str]) -> dict[str, Any]:
    label, rest = _label(entry)
    agent: dict[str, Any] = {
        "name": "",
        "kind": None,
        "role": None,
        "law_firm": "",
        "licence_number": "",
        "party_name": "",
    }
    if label:
        _read_label(label, agent, parties)
    head, groups, tail = _bracketed(rest)
    name, *extra = split(head, _ITEM_SEPARATORS) or [""]
    for word in _BY_LENGTH:
        if name.startswith(word) and len(name) - len(word) >= 2:
            _apply(agent, _CAPACITIES[word])
            name = name[len(word) :]
            break
    items = [*extra, *(item for group in groups for item in split(group, _ITEM_SEPARATORS))]
    items += split(tail, _ITEM_SEPARATORS)
    if not name or len(name) > _NAME_MAX or re.search(r"\d", name) or _FIRM_WORD.search(name):
        raise CellError(
            _(
                "it cannot be read as an agent: write the name, then the law firm, licence "
                "number or capacity in brackets, as 李四（辽宁某某律师事务所，执业证号"
                "21010201810000001）."
            )
        )
    agent["name"] = name
    for item in items:
        _read_item(item, agent, parties)
    if agent["kind"] is None and (agent["licence_number"] or agent["law_firm"]):
        office = _LEGAL_SERVICE_OFFICE.search(agent["law_firm"])
        agent["kind"] = Kind.LEGAL_WORKER if office else Kind.LAWYER
    return agent


def _read_item(item: str, agent: dict[str, Any], parties: dict[str, str]) -> None:
    """One note in an agent's brackets: a capacity, a licence number, a law firm, or whom the
    agent acts for and as what (张三之父, 原告张三的代理人)."""
    capacity = _capacity(item)
    if capacity is not None:
        _apply(agent, capacity)
        return
    licence = _licence(item)
    if licence is not None:
        agent["licence_number"] = licence
        return
    folded = _fold(item)
    if _FIRM.search(folded):
        agent["law_firm"] = item
        return
    run_together = _FIRM_THEN.match(item)
    if run_together:
        for part in run_together.groups():
            _read_item(part, agent, parties)
        return
    if _suffix_capacity(folded) is not None:
        _read_label(item, agent, parties)
        return
    raise CellError(
        _(
            "“%(item)s” is neither a law firm, a licence number nor a capacity "
            "(辩护人、诉讼代理人、律师、监护人、近亲属…)."
        )
        % {"item": item}
    )


def _suffix_capacity(folded: str) -> tuple[tuple[str | None, str | None], str] | None:
    """(the capacity a text ends with, the text before it): 原告张三的委托诉讼代理人,
    张三之父; None if it ends with none."""
    word = next((word for word in _BY_LENGTH if folded.endswith(word)), None)
    if word is not None:
        return _CAPACITIES[word], folded[: -len(word)].removesuffix("的")
    kin = _KIN.search(folded)
    if kin is not None:
        return (Kind.RELATIVE, None), folded[: kin.start()].removesuffix("的")
    return None


def _apply(agent: dict[str, Any], capacity: tuple[str | None, str | None]) -> None:
    kind, role = capacity
    # A guardian or near relative stays one, whatever else the cell says (法释〔2011〕12号
    # art. 8 turns on it).
    if kind and agent["kind"] not in (Kind.GUARDIAN, Kind.RELATIVE):
        agent["kind"] = kind
    if role:
        agent["role"] = role


def _read_label(label: str, agent: dict[str, Any], parties: dict[str, str]) -> None:
    """原告张三的委托诉讼代理人 / 辩护人 / 张三: the capacity at the end, the party before it."""
    folded = _fold(label)
    capacity, party = _capacity(folded), ""
    if capacity is None:
        suffix = _suffix_capacity(folded)
        capacity, party = suffix if suffix is not None else (None, folded)
    if capacity is not None:
        _apply(agent, capacity)
    if party:
        standing, name = _standing_prefix(party)
        name = name if standing else party
        if _fold(name) not in parties:
            raise CellError(
                _("“%(name)s” is not among the row's parties.") % {"name": name or party}
            )
        agent["party_name"] = parties[_fold(name)]


def describe_parties(parties: list[dict[str, Any]]) -> str:
    """The parties as the dry run shows them: 原告：张三；被告：沈阳某某有限公司."""
    labels = dict(Role.choices)
    return "；".join(f"{labels[party['role']]}：{party['name']}" for party in parties)


def describe_agents(agents: list[dict[str, Any]]) -> str:
    """The agents as the dry run shows them: 李四（律师，诉讼代理人，辽宁某某律师事务所，
    21010201810000001）."""
    kinds, roles = dict(Kind.choices), dict(Capacity.choices)
    shown = []
    for agent in agents:
        notes = [
            str(kinds[agent["kind"]]) if agent["kind"] else "",
            str(roles[agent["role"]]) if agent["role"] else "",
            agent["law_firm"],
            agent["licence_number"],
            _("acting for %(party)s") % {"party": agent["party_name"]}
            if agent["party_name"]
            else "",
        ]
        notes = [note for note in notes if note]
        shown.append(f"{agent['name']}（{'，'.join(notes)}）" if notes else agent["name"])
    return "；".join(shown)
