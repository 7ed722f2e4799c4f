"""Courts, departments and staff members as sheets name them, matched to the organisation's
records. Names are compared after normalising what varies between offices (full-width forms,
spaces, 人民法院/法院, 中级/中院, 省/市/区/县, 民事审判第一庭/民一庭); a name matches when exactly
one record fits. Anything else is reported with up to three suggestions: never guessed.

The courts a row may name are only those the importer may write to (the scoping policy's
CHANGE reach), so a court outside their jurisdiction is reported exactly like an unknown one
and its existence is not revealed."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrity.access import policy
from integrity.org.models import Court, Department, StaffMember

from .normalize import CellError, fold, text

SUGGESTIONS = 3
# Values per IN (…) list when loading what a sheet names.
CHUNK = 500

_LEVELS = (
    ("高级人民法院", "高院"),
    ("中级人民法院", "中院"),
    ("高级法院", "高院"),
    ("中级法院", "中院"),
)
_COURT_SUFFIX = re.compile(r"(人民法院|法院)$")
_AREA_WORDS = re.compile(r"特别行政区|自治区|自治州|自治县|地区|[省市区县]")
_DEPARTMENT_WORDS = re.compile(r"事审判|审判|第")


def court_key(name: Any) -> str:
    """辽宁省沈阳市中级人民法院, 沈阳中院 and 沈阳市中级法院 all become 辽宁沈阳中院 or 沈阳中院."""
    key = fold(name)
    for long, short in _LEVELS:
        key = key.replace(long, short)
    return _AREA_WORDS.sub("", _COURT_SUFFIX.sub("", key))


def department_key(name: Any) -> str:
    """民事审判第一庭 and 民一庭 both become 民一庭; 刑事审判庭 and 刑庭 both 刑庭."""
    return _DEPARTMENT_WORDS.sub("", fold(name))


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class WriteReach:
    """Where a user may create rows of one model for a whole court: the role assignments whose
    role reaches CHANGE of the model across a jurisdiction (policy.Reach.JURISDICTION), i.e.
    officers and administrators; a staff member who records only about themselves has none."""

    everywhere: bool
    grants: tuple[policy.Grant, ...]

    @classmethod
    def of(cls, actor: Any, model: type[models.Model]) -> WriteReach:
        if not getattr(actor, "is_authenticated", False) or not actor.is_active:
            return cls(False, ())
        rule = policy.rule_for(model)
        if actor.is_superuser and rule.superusers:
            return cls(True, ())
        jurisdiction = policy.Reach.JURISDICTION
        return cls(
            False,
            tuple(
                grant
                for grant in policy.grants_of(actor)
                if rule.reach_for(policy.CHANGE, grant.role) is jurisdiction
            ),
        )

    @property
    def reaches_any(self) -> bool:
        return self.everywhere or bool(self.grants)

    def courts(self) -> QuerySet[Court]:
        if self.everywhere:
            return Court.objects.all()
        where = Q(pk__in=[g.court_id for g in self.grants if not g.covers_subordinates])
        for grant in self.grants:
            if grant.covers_subordinates:
                where |= Q(path__startswith=grant.court_path)
        return Court.objects.filter(where)

    def allows(self, court: Court, department_id: int | None) -> bool:
        """Whether a row of ``court`` and that department is within reach (an assignment
        limited to one department reaches only that department's rows)."""
        return self.everywhere or any(
            _covers(grant, court) and grant.department_id in (None, department_id)
            for grant in self.grants
        )


def _covers(grant: policy.Grant, court: Court) -> bool:
    if grant.covers_subordinates:
        return court.path.startswith(grant.court_path)
    return court.pk == grant.court_id


def _suggest(key: str, names: dict[str, str]) -> list[str]:
    """Up to three names whose keys are close to ``key`` (difflib's ratio)."""
    close = difflib.get_close_matches(key, list(names), n=SUGGESTIONS, cutoff=0.5)
    return [names[match] for match in close]


def _unknown(message: str, suggestions: list[str]) -> str:
    if suggestions:
        message += _(" Did you mean: %(names)s?") % {"names": "、".join(suggestions)}
    return message


class CourtIndex:
    """Courts found by name (as :func:`court_key` folds it) or by code (辽0102)."""

    def __init__(self, courts: Iterable[Court], unknown: Any = None) -> None:
        # What to say of a court not found: by default, that it is not within the importer's
        # jurisdiction (which is also all an out-of-scope court gets).
        self.unknown = unknown or gettext_lazy(
            "There is no court “%(value)s” within your jurisdiction."
        )
        self.by_name: dict[str, list[Court]] = defaultdict(list)
        self.by_code: dict[str, Court] = {}
        for court in courts:
            self.by_name[court_key(court.name)].append(court)
            self.by_code[fold(court.code)] = court
        self._found: dict[str, Court | str] = {}  # a court, or why none is found

    def find(self, written: Any) -> Court:
        """The one court ``written`` names; CellError if none or several fit."""
        key = court_key(written)
        if key not in self._found:
            self._found[key] = self._match(key, text(written))
        found = self._found[key]
        if isinstance(found, str):
            raise CellError(found)
        return found

    def _match(self, key: str, written: str) -> Court | str:
        fits = self.by_name.get(key) or ([self.by_code[key]] if key in self.by_code else [])
        if not fits and len(key) >= 2:
            # 和平区法院 for 沈阳市和平区人民法院, or a name with the province in front.
            fits = [
                court
                for name, courts in self.by_name.items()
                if name.endswith(key) or key.endswith(name)
                for court in courts
            ]
        if len(fits) == 1:
            return fits[0]
        if fits:
            return _("“%(value)s” fits several courts: %(names)s. Write the full name.") % {
                "value": written,
                "names": "、".join(c.name for c in fits[:SUGGESTIONS]),
            }
        names = {name: courts[0].name for name, courts in self.by_name.items()}
        return _unknown(str(self.unknown) % {"value": written}, _suggest(key, names))


class DepartmentIndex:
    """The active departments of the courts a sheet names, found by :func:`department_key`."""

    def __init__(self, departments: Iterable[Department]) -> None:
        self.of_court: dict[int, dict[str, list[Department]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for department in departments:
            self.of_court[department.court_id][department_key(department.name)].append(department)

    @classmethod
    def load(cls, courts: Iterable[Court]) -> DepartmentIndex:
        ids = sorted({court.pk for court in courts})
        rows: list[Department] = []
        for batch in chunks(ids):
            rows += Department.objects.filter(court_id__in=batch, is_active=True)
        return cls(rows)

    def find(self, court: Court, written: Any) -> Department:
        key = department_key(written)
        names = self.of_court.get(court.pk, {})
        fits = names.get(key) or [
            department
            for name, departments in names.items()
            if len(key) >= 2 and (key in name or name in key)
            for department in departments
        ]
        if len(fits) == 1:
            return fits[0]
        if fits:
            raise CellError(
                _("“%(value)s” fits several departments of %(court)s: %(names)s.")
                % {
                    "value": text(written),
                    "court": court.name,
                    "names": "、".join(d.name for d in fits[:SUGGESTIONS]),
                }
            )
        raise CellError(
            _unknown(
                _("%(court)s has no department “%(value)s”.")
                % {"court": court.name, "value": text(written)},
                _suggest(key, {name: found[0].name for name, found in names.items()}),
            )
        )


class StaffIndex:
    """The staff members of the courts a sheet names whose staff number or name it writes,
    loaded in a few queries; found by staff number, else by name within the court."""

    def __init__(self, staff: Iterable[StaffMember]) -> None:
        self.members = list(staff)
        self.by_number = {(s.court_id, fold(s.staff_number)): s for s in self.members}
        self.by_name: dict[tuple[int, str], list[StaffMember]] = defaultdict(list)
        for member in self.members:
            self.by_name[(member.court_id, fold(member.name))].append(member)

    @classmethod
    def load(cls, courts: Iterable[Court], written: Iterable[str]) -> StaffIndex:
        """Staff of ``courts`` whose staff number or name is among ``written`` (as written,
        upper-cased and without spaces, which is how rosters store them)."""
        ids = sorted({court.pk for court in courts})
        values = sorted({form for value in written for form in _spellings(value)})
        members: dict[int, StaffMember] = {}
        if ids:
            for batch in chunks(values):
                query = Q(staff_number__in=batch) | Q(name__in=batch)
                for court_ids in chunks(ids):
                    for member in StaffMember.objects.filter(query, court_id__in=court_ids):
                        members[member.pk] = member
        return cls(members.values())

    def by_staff_number(self, court: Court, number: Any) -> StaffMember:
        member = self.by_number.get((court.pk, fold(number)))
        if member is None:
            raise CellError(
                _("%(court)s has no staff member with staff number “%(value)s”.")
                % {"court": court.name, "value": text(number)}
            )
        return member

    def by_staff_name(
        self, court: Court, name: Any, department: Department | None = None
    ) -> StaffMember:
        fits = self.by_name.get((court.pk, fold(name)), [])
        if len(fits) > 1 and department is not None:
            fits = [member for member in fits if member.department_id == department.pk] or fits
        if len(fits) == 1:
            return fits[0]
        if fits:
            raise CellError(
                _("%(court)s has %(count)d staff members named “%(value)s”; give the staff number.")
                % {"court": court.name, "count": len(fits), "value": text(name)}
            )
        raise CellError(
            _("%(court)s has no staff member named “%(value)s”.")
            % {"court": court.name, "value": text(name)}
        )

    def by_number_or_name(self, court: Court, written: Any) -> StaffMember:
        """A staff member written as a staff number or a name (a presiding judge, a panel)."""
        if (court.pk, fold(written)) in self.by_number:
            return self.by_number[(court.pk, fold(written))]
        return self.by_staff_name(court, written)


def _spellings(value: str) -> set[str]:
    bare = re.sub(r"\s+", "", value)
    return {value, bare, bare.upper()}


class AreaIndex:
    """Courts named as places (where a relative's firm practises, where a person served):
    any court of the row's province, as the form offers them; the court directory is not
    confidential. One query per province the sheet's courts belong to."""

    def __init__(self) -> None:
        self._provinces: dict[str, CourtIndex] = {}

    def find(self, court: Court, written: Any) -> Court:
        root = court.path.split("/", 1)[0] + "/"
        if root not in self._provinces:
            self._provinces[root] = CourtIndex(
                Court.objects.filter(path__startswith=root),
                unknown=gettext_lazy("There is no court “%(value)s” in this province."),
            )
        return self._provinces[root].find(written)
