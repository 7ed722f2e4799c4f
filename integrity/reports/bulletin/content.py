"""The bulletin's text in the active language: the heading (XX人民法院关于2026年第三季度落实
“三个规定”等重大事项记录报告制度情况的通报), the introduction, numbered sections (一、二、三…)
each with a short paragraph and its table, the table of each court's main figures (so the court
above sees who reported nothing), the issuing court and date. The page and the .docx render the
same text; every figure comes from :mod:`.figures`."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from inspections.models import Clue, Disposition, Finding, Inspection
from integrity.org.models import Court
from ledgers.models import (
    ContactApproval,
    ContactCase,
    Declaration,
    DepartureRecord,
    FollowUp,
    InterferenceRecord,
    RelativePractice,
    UnplannedContactReport,
)
from ledgers.reminders import day_label

from .figures import HANDLING_FLAGS, Counts, Figures
from .writing import join_items, join_sentences, numbered, written_number

HIDDEN = "—"  # a figure the reader's roles do not reach

Rows = list[tuple[str, str]]  # (figure name, label)


# The items of a prose list with their measure word (件, 人, 人次): "请托说情2件".
def _matters() -> str:
    return pgettext("matters", "%(label)s (%(count)s)")


def _people() -> str:
    return pgettext("people", "%(label)s (%(count)s)")


def _person_times() -> str:
    return pgettext("person-times", "%(label)s (%(count)s)")


@dataclass(frozen=True)
class Group:
    """Rows of a section's table under one category: (label, value)."""

    label: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CourtLine:
    name: str
    depth: int  # below the bulletin's court: 0 for the court itself
    values: tuple[str, ...]


@dataclass(frozen=True)
class CourtTable:
    header: tuple[str, ...]
    rows: tuple[CourtLine, ...]
    total_label: str
    total: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    paragraph: str
    groups: tuple[Group, ...] = ()
    courts: CourtTable | None = None


@dataclass(frozen=True)
class Text:
    title: str
    intro: str
    sections: tuple[Section, ...]
    issuer: str
    issued_on: str
    note: str
    filename: str
    table_header: tuple[str, str, str]


# --- small pieces ----------------------------------------------------------------------------
def _choices(prefix: str, choices: Iterable[tuple[object, object]]) -> Rows:
    return [(f"{prefix}_{value}", str(label)) for value, label in choices]


def _field(model: type[Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _plural(model: type[Model]) -> str:
    return capfirst(str(model._meta.verbose_name_plural))


def _listed(counts: Counts, rows: Rows, item: Callable[[], str]) -> str:
    """The non-zero rows as "请托说情2件、打听案情1件"; 无 when every one is zero."""
    form = item()
    items = [form % {"label": label, "count": counts[key]} for key, label in rows if counts[key]]
    return join_items(items) if items else _("none")


def _group(label: str, counts: Counts, rows: Rows) -> Group:
    return Group(label, tuple((text, str(counts[key])) for key, text in rows))


def _hidden(model: type[Model]) -> str:
    return _("Your roles do not reach %(what)s; this part is left out.") % {
        "what": model._meta.verbose_name_plural
    }


def area_name(figures: Figures) -> str:
    """How the bulletin names the courts it covers: 全院, 全市两级法院, 全省三级法院 …"""
    levels = figures.levels
    if levels == 1:
        return _("the court")
    names = {
        (Court.Level.HIGH, 2): _("the province's courts at two levels"),
        (Court.Level.HIGH, 3): _("the province's courts at three levels"),
        (Court.Level.INTERMEDIATE, 2): _("the city's courts at two levels"),
        (Court.Level.SPECIAL, 2): _("the area's courts at two levels"),
    }
    return names.get((figures.court.level, levels), _("the area's courts at every level"))


# --- the sections ----------------------------------------------------------------------------
def _short_regulations() -> Rows:
    """The three regulations as a sentence names them (their full titles list items with 、)."""
    r = InterferenceRecord.Regulation
    return [
        (f"regulation_{r.INTERNAL}", _("inquiries by internal personnel")),
        (f"regulation_{r.LEADING_CADRE}", _("interference by leading cadres")),
        (f"regulation_{r.CONTACT}", _("contact with parties and lawyers")),
    ]


def _interference(figures: Figures, area: str) -> tuple[str, tuple[Group, ...]]:
    """一、 interference and inquiries (ledger 1, 逢问必录)."""
    counts = figures.total("interference")
    if counts is None:
        return _hidden(InterferenceRecord), ()
    r = InterferenceRecord
    regulations = _choices("regulation", r.Regulation.choices)
    kinds = _choices("kind", r.InterfererKind.choices)
    natures = [
        *_choices("nature", r.Nature.choices),
        ("nature_unscreened", _("Not yet screened")),
    ]
    improper = _choices("improper", r.ImproperKind.choices)
    handling = [(f"handling_{flag}", _field(r, flag)) for flag in HANDLING_FLAGS]
    if counts["total"] == 0:
        paragraph = _("This quarter, %(area)s recorded no interference in or inquiry about cases.")
        paragraph %= {"area": area}
    else:
        sentences = [
            _(
                "This quarter, %(area)s recorded %(total)s matters of interference in or "
                "inquiry about cases: %(list)s."
            )
            % {
                "area": area,
                "total": counts["total"],
                "list": _listed(counts, _short_regulations(), _matters),
            },
            _("By who inquired: %(list)s.") % {"list": _listed(counts, kinds, _matters)},
            _(
                "After screening, %(within)s were inquiries within duty and procedure and "
                "%(improper)s were improper; %(unscreened)s await screening."
            )
            % {
                "within": counts["nature_within_duty"],
                "improper": counts["nature_improper"],
                "unscreened": counts["nature_unscreened"],
            },
        ]
        if counts["nature_improper"]:
            sentences.append(
                _("The improper ones: %(list)s.") % {"list": _listed(counts, improper, _matters)}
            )
        sentences.append(
            _("How they were dealt with: %(list)s.") % {"list": _listed(counts, handling, _matters)}
        )
        paragraph = join_sentences(sentences)
    groups = (
        _group(_("In all"), counts, [("total", _("Matters recorded"))]),
        _group(_field(r, "regulation"), counts, regulations),
        _group(_field(r, "interferer_kind"), counts, kinds),
        _group(_field(r, "nature"), counts, natures),
        _group(_field(r, "improper_kind"), counts, improper),
        _group(_("How they were dealt with"), counts, handling),
    )
    return paragraph, groups


def _reports(figures: Figures, area: str) -> tuple[str, tuple[Group, ...]]:
    """二、 the periodic reports and zero reports (司发通〔2021〕60号)."""
    counts = figures.total("reports")
    if counts is None:
        return _hidden(Declaration), ()
    if counts["tasks"] == 0:
        paragraph = _("No periodic report under the three regulations fell due this quarter.")
    else:
        sentences = [
            _(
                "This quarter, %(tasks)s periodic reports under the three regulations were due "
                "from the staff of %(area)s: %(filed)s were filed, %(zero)s of them zero "
                "reports; %(unfiled)s were not filed, %(overdue)s of them overdue."
            )
            % {"area": area, **counts}
        ]
        if counts["overdue"]:
            sentences.append(
                _(
                    "Those overdue are to report at once: failing to record and report an "
                    "inquiry is itself a violation."
                )
            )
        paragraph = join_sentences(sentences)
    rows = [
        ("tasks", _("Reports due")),
        ("filed", _("Filed")),
        ("zero", _("Of which zero reports")),
        ("unfiled", _("Not filed")),
        ("overdue", _("Of which overdue")),
    ]
    return paragraph, (_group(_("Periodic reports under the three regulations"), counts, rows),)


def _contacts(figures: Figures, area: str) -> tuple[str, tuple[Group, ...]]:
    """三、 improper contact (ledger 2), unplanned-contact reports and contact approvals."""
    sentences: list[str] = []
    groups: list[Group] = []
    cases = figures.total("contacts")
    if cases is None:
        sentences.append(_hidden(ContactCase))
    else:
        handling = _choices("handling", ContactCase.Handling.choices)
        if cases["total"] == 0:
            sentences.append(
                _(
                    "No case of improper contact with parties, lawyers, specially related "
                    "persons or intermediaries was registered this quarter."
                )
            )
        else:
            sentences.append(
                _(
                    "This quarter, %(total)s cases of improper contact with parties, lawyers, "
                    "specially related persons or intermediaries were registered: %(handled)s "
                    "handled, %(verifying)s being verified and %(dismissed)s closed without "
                    "finding."
                )
                % cases
            )
            if cases["handled"]:
                sentences.append(
                    _("Handling: %(list)s.") % {"list": _listed(cases, handling, _people)}
                )
        rows = [
            ("total", _("In all")),
            ("handled", str(ContactCase.Status.HANDLED.label)),
            ("verifying", _("Being verified")),
            ("dismissed", str(ContactCase.Status.DISMISSED.label)),
            *handling,
        ]
        groups.append(_group(_plural(ContactCase), cases, rows))
    unplanned = figures.total("unplanned")
    if unplanned is None:
        sentences.append(_hidden(UnplannedContactReport))
    else:
        sentences.append(
            _(
                "%(total)s unplanned contacts outside work were reported afterwards, %(late)s "
                "of them later than the rule allows."
            )
            % unplanned
        )
        rows = [("total", _("Reported")), ("late", _("Reported late"))]
        groups.append(_group(_plural(UnplannedContactReport), unplanned, rows))
    approvals = figures.total("approvals")
    if approvals is None:
        sentences.append(_hidden(ContactApproval))
    else:
        s = ContactApproval.Status
        sentences.append(
            _(
                "%(total)s contacts outside work were submitted for approval beforehand: "
                "%(approved)s approved, %(refused)s refused, %(requested)s awaiting a decision "
                "and %(withdrawn)s withdrawn."
            )
            % {
                "total": approvals["total"],
                "approved": approvals[f"status_{s.APPROVED}"],
                "refused": approvals[f"status_{s.REFUSED}"],
                "requested": approvals[f"status_{s.REQUESTED}"],
                "withdrawn": approvals[f"status_{s.WITHDRAWN}"],
            }
        )
        rows = [("total", _("Submitted")), *_choices("status", s.choices)]
        groups.append(_group(_plural(ContactApproval), approvals, rows))
    return join_sentences(sentences), tuple(groups)


def _relatives(figures: Figures, area: str) -> tuple[str, tuple[Group, ...]]:
    """四、 relatives practising law and post recusal (法发〔2020〕13号), as of the stock day."""
    counts = figures.total("relatives")
    if counts is None:
        return _hidden(RelativePractice), ()
    if counts["relatives"] == 0 and counts["new"] == 0:
        sentences = [
            _(
                "At the end of the quarter, no staff member of %(area)s was known to have a near "
                "relative practising law."
            )
            % {"area": area}
        ]
    else:
        sentences = [
            _(
                "At the end of the quarter, %(staff)s staff members of %(area)s had %(relatives)s "
                "near relatives practising law; %(new)s were reported this quarter."
            )
            % {"area": area, **counts}
        ]
    if counts["required"]:
        sentences.append(
            _(
                "Post recusal was required in %(required)s cases: %(implemented)s implemented by "
                "a change of post, %(resolved)s resolved because the relative stopped "
                "practising, and %(pending)s pending."
            )
            % counts
        )
    else:
        sentences.append(_("No post recusal was required."))
    s = RelativePractice.Status
    practice = [
        ("staff", _("Staff members concerned")),
        ("relatives", _("Relatives practising law")),
        ("new", _("Reported this quarter")),
    ]
    recusal = [
        ("required", _("Required")),
        ("implemented", str(s.IMPLEMENTED.label)),
        ("resolved", str(s.RESOLVED.label)),
        ("pending", str(s.PENDING.label)),
    ]
    groups = (
        _group(_plural(RelativePractice), counts, practice),
        _group(_("Post recusal"), counts, recusal),
    )
    return join_sentences(sentences), groups


def _departures(figures: Figures, area: str) -> tuple[str, tuple[Group, ...]]:
    """五、 departed staff within their employment restrictions (法官法 art. 36)."""
    sentences: list[str] = []
    groups: list[Group] = []
    departed = figures.total("departures")
    if departed is None:
        sentences.append(_hidden(DepartureRecord))
    else:
        if departed["restricted"]:
            sentence = _(
                "At the end of the quarter, %(restricted)s departed staff of %(area)s were within "
                "their employment restrictions; %(left)s left this quarter."
            )
        else:
            sentence = _(
                "At the end of the quarter, no departed staff member of %(area)s was within "
                "employment restrictions."
            )
        sentences.append(sentence % {"area": area, **departed})
        rows = [
            ("restricted", _("Within employment restrictions")),
            ("left", _("Left this quarter")),
        ]
        groups.append(_group(_plural(DepartureRecord), departed, rows))
    follow_ups = figures.total("follow_ups")
    if follow_ups is None:
        sentences.append(_hidden(FollowUp))
    else:
        sentences.append(
            _(
                "%(total)s follow-ups were made this quarter; %(violations)s found a violation "
                "of the restrictions."
            )
            % follow_ups
        )
        rows = [("total", _("Follow-ups made")), ("violations", _("Violations found"))]
        groups.append(_group(_plural(FollowUp), follow_ups, rows))
    return join_sentences(sentences), tuple(groups)


def _inspections(figures: Figures, area: str) -> tuple[str, tuple[Group, ...]]:
    """六、 inspections begun in the quarter and the problems they found (问题清单/整改清单)."""
    sentences: list[str] = []
    groups: list[Group] = []
    held = figures.total("inspections")
    if held is None:
        sentences.append(_hidden(Inspection))
    else:
        if held["total"]:
            sentence = _("This quarter, %(area)s began %(total)s inspections.")
        else:
            sentence = _("This quarter, %(area)s began no inspection.")
        sentences.append(sentence % {"area": area, **held})
        groups.append(_group(_plural(Inspection), held, [("total", _("Begun this quarter"))]))
    found = figures.total("findings")
    if found is None:
        sentences.append(_hidden(Finding))
    else:
        if found["found"]:
            sentence = _(
                "The inspections begun this quarter found %(found)s problems at %(area)s: "
                "%(rectified)s rectified and closed, %(returned)s returned for further "
                "rectification, %(overdue)s overdue."
            )
        else:
            sentence = _("The inspections begun this quarter found no problem at %(area)s.")
        sentences.append(sentence % {"area": area, **found})
        rows = [
            ("found", _("Problems found")),
            ("rectified", _("Rectified and closed")),
            ("returned", _("Returned for further rectification")),
            ("overdue", _("Overdue")),
        ]
        groups.append(_group(_plural(Finding), found, rows))
    return join_sentences(sentences), tuple(groups)


def _clues(figures: Figures, area: str) -> tuple[str, tuple[Group, ...]]:
    """七、 problem clues and the four forms of the dispositions (四种形态)."""
    sentences: list[str] = []
    groups: list[Group] = []
    received = figures.total("clues")
    if received is None:
        sentences.append(_hidden(Clue))
    else:
        sources = _choices("source", Clue.Source.choices)
        if received["total"]:
            sentences.append(
                _("This quarter, %(total)s problem clues about %(area)s were received: %(list)s.")
                % {
                    "area": area,
                    "total": received["total"],
                    "list": _listed(received, sources, _matters),
                }
            )
        else:
            sentences.append(
                _("No problem clue about %(area)s was received this quarter.") % {"area": area}
            )
        rows = [("total", _("Received")), *sources]
        groups.append(_group(_plural(Clue), received, rows))
    disposed = figures.total("dispositions")
    if disposed is None:
        sentences.append(_hidden(Disposition))
    else:
        forms = [
            (f"form_{form}", _("Form %(number)s") % {"number": written_number(form)})
            for form in Disposition.Form.values
        ]
        if disposed["total"]:
            sentences.append(
                _("%(total)s dispositions were made: %(list)s.")
                % {"total": disposed["total"], "list": _listed(disposed, forms, _person_times)}
            )
        else:
            sentences.append(_("No disposition was made this quarter."))
        groups.append(_group(_plural(Disposition), disposed, [("total", _("In all")), *forms]))
    return join_sentences(sentences), tuple(groups)


def _court_columns() -> list[tuple[str, str, str]]:
    """The per-court table's columns: (source, figure name, heading)."""
    return [
        ("interference", "total", _("Interference and inquiries")),
        ("interference", "nature_improper", _("Of which improper")),
        ("reports", "tasks", _("Reports due")),
        ("reports", "zero", _("Zero reports")),
        ("reports", "overdue", _("Reports overdue")),
        ("contacts", "total", _("Improper contact cases")),
        ("relatives", "relatives", _("Relatives practising law")),
        ("relatives", "pending", _("Recusal pending")),
        ("departures", "restricted", _("Departed staff restricted")),
        ("findings", "found", _("Problems found")),
        ("clues", "total", _("Clues received")),
    ]


def _cell(counts: Counts | None, key: str) -> str:
    return HIDDEN if counts is None else str(counts[key])


def _by_court(figures: Figures) -> tuple[str, CourtTable]:
    """八、 each court's main figures, and the courts that recorded no inquiry while others did
    (a run of zero reports where peers record inquiries is itself a warning sign)."""
    columns = _court_columns()
    top = figures.court.path.count("/")
    rows = tuple(
        CourtLine(
            court.name,
            court.path.count("/") - top,
            tuple(_cell(figures.of(source, court.id), key) for source, key, _h in columns),
        )
        for court in figures.courts
    )
    total = tuple(_cell(figures.total(source), key) for source, key, _h in columns)
    header = (_("Court"), *(heading for _s, _k, heading in columns))
    table = CourtTable(header, rows, _("Total"), total)
    sentences = [_("The main figures of each court this quarter:")]
    interference = figures.by_source["interference"]
    if interference is not None and any(c["total"] for c in interference.values()):
        silent = [c.name for c in figures.courts if not interference.get(c.id, {}).get("total")]
        if silent:
            sentences.insert(
                0,
                _(
                    "%(courts)s recorded no interference or inquiry this quarter while other "
                    "courts did; they should check that every inquiry is recorded."
                )
                % {"courts": join_items(silent)},
            )
    if HIDDEN in total:
        sentences.append(_("A dash (—) marks figures your roles may not see."))
    return join_sentences(sentences), table


# The numbered sections in order: title, and what writes the paragraph and the table.
_SECTIONS: tuple[tuple[str, Callable[[Figures, str], tuple[str, tuple[Group, ...]]]], ...] = (
    (gettext_lazy("Recording of interference in and inquiries about cases"), _interference),
    (gettext_lazy("Periodic reports and zero reports"), _reports),
    (gettext_lazy("Improper contact, contact reports and approvals"), _contacts),
    (gettext_lazy("Near relatives practising law and post recusal"), _relatives),
    (gettext_lazy("Departed staff within employment restrictions"), _departures),
    (gettext_lazy("Inspections and rectification"), _inspections),
    (gettext_lazy("Problem clues and dispositions"), _clues),
)


def write(figures: Figures, *, today: datetime.date) -> Text:
    """The whole bulletin in the active language."""
    area = area_name(figures)
    court, quarter, period = figures.court, figures.quarter, figures.period
    sections = []
    for number, (title, build) in enumerate(_SECTIONS, start=1):
        paragraph, groups = build(figures, area)
        sections.append(Section(numbered(number, str(title)), paragraph, groups))
    if len(figures.courts) > 1:
        paragraph, table = _by_court(figures)
        heading = numbered(len(sections) + 1, _("Main figures by court"))
        sections.append(Section(heading, paragraph, courts=table))
    labels = {"court": court.name, "quarter": quarter.label()}
    return Text(
        title=_(
            "Bulletin of %(court)s on the implementation of the “Three Rules” and the recording "
            "and reporting of major matters in %(quarter)s"
        )
        % labels,
        intro=_(
            "Under the three regulations on interference in and inquiries about cases and on "
            "contact with parties and lawyers (the “Three Rules”) and the system of recording "
            "and reporting major matters, the implementation at %(area)s from %(start)s to "
            "%(end)s is notified as follows."
        )
        % {"area": area, "start": day_label(quarter.first_day), "end": day_label(quarter.last_day)},
        sections=tuple(sections),
        issuer=court.name,
        issued_on=day_label(today),
        note=_(
            "Counted from the ledgers on %(today)s; figures of standing matters are as of %(day)s."
        )
        % {"today": day_label(today), "day": day_label(period.stock_day)},
        filename=_("%(court)s bulletin %(quarter)s") % labels + ".docx",
        table_header=(_("Category"), _("Item"), pgettext("bulletin table", "Count")),
    )
