"""The status workflows (ledgers/workflows.py), row by row through services.ledger_transition:
each allowed step reaches its target with the fields it needs; anything else is refused and
changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from integrity.access.models import Role
from ledgers import services, workflows
from ledgers.models import (
    ContactApproval,
    ContactCase,
    DepartureRecord,
    InterferenceRecord,
    RelativePractice,
    UnplannedContactReport,
)
from ledgers.workflows import TRANSITIONS

from ..factories import StaffMemberFactory, UserFactory, assign
from .test_services import MODELS, OWN_DATA, audit, fresh, make

pytestmark = pytest.mark.django_db

D = dt.date

# The fields each step is given to reach its target (the same whatever the source).
STEP_FIELDS = {
    (InterferenceRecord, "screened"): {
        "nature": "improper",
        "improper_kind": "probing",
        "screened_on": D(2025, 3, 6),
        "screening_note": "打听案情，属违规过问",
    },
    (InterferenceRecord, "reported"): {"recorded_in_file": True, "reported_to_leadership": True},
    (InterferenceRecord, "closed"): {},
    (ContactCase, "verifying"): {},
    (ContactCase, "handled"): {
        "verification": "substantiated",
        "verification_note": "属实",
        "handling": "admonition",
        "handled_on": D(2025, 3, 10),
    },
    (ContactCase, "dismissed"): {
        "verification": "unsubstantiated",
        "verification_note": "查无实据",
    },
    (ContactApproval, "approved"): {"decided_on": D(2025, 3, 25), "decision_note": "同意"},
    (ContactApproval, "refused"): {"decided_on": D(2025, 3, 25), "decision_note": "不宜接触"},
    (ContactApproval, "withdrawn"): {},
    (UnplannedContactReport, "reviewed"): {"review_note": "已阅，无不当"},
    (RelativePractice, "pending"): {"recusal_required_on": D(2025, 2, 1)},
    (RelativePractice, "implemented"): {
        "applied_on": D(2025, 2, 20),
        "post_changed_on": D(2025, 5, 1),
        "new_post": "办公室",
    },
    (RelativePractice, "resolved"): {"resolved_on": D(2025, 6, 1)},
    (DepartureRecord, "ended"): {},
    (DepartureRecord, "following"): {},
}

ROWS = [
    pytest.param(model, step, id=f"{model.__name__}:{step.source}->{step.target}")
    for model, steps in TRANSITIONS.items()
    for step in steps
]


def initial(model):
    return model._meta.get_field("status").default


def path_to(model, status):
    """The targets that lead from the initial status to ``status``, shortest first."""
    frontier, seen = [(initial(model), [])], {initial(model)}
    while frontier:
        state, path = frontier.pop(0)
        if state == status:
            return path
        for step in workflows.transitions_from(model, state):
            if step.target not in seen:
                seen.add(step.target)
                frontier.append((step.target, [*path, step.target]))
    raise LookupError(f"{model.__name__} cannot reach {status}")


def new_record(province, model):
    """A record that every step of its workflow accepts."""
    if model is RelativePractice:
        # A spouse leads a firm in the county of a clerk, who later takes a trial post: the
        # record was saved as "not required" and the rules now require recusal.
        clerk = StaffMemberFactory(
            court=province.courts["heping"],
            department=province.departments["heping"],
            is_trial_post=False,
        )
        record = make(
            province,
            RelativePractice,
            staff=clerk,
            relationship="spouse",
            role="partner",
            firm_area=province.courts["heping"],
        )
        assert record.status == "not_required"
        clerk.is_trial_post = True
        clerk.save()
        return fresh(record)
    if model is DepartureRecord:
        return make(province, model, left_on=D(2015, 1, 1))
    return make(province, model)


def record_in(province, model, status):
    record = new_record(province, model)
    for target in path_to(model, status):
        services.ledger_transition(
            actor=None,
            record=record,
            version=record.version,
            target=target,
            fields=STEP_FIELDS[(model, target)],
        )
    return fresh(record)


def transitions(record):
    return audit(record, "transition")


@pytest.fixture
def officer(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    return user


@pytest.fixture
def judge(province):
    user = UserFactory(staff=province.staff["heping"])
    assign(user, Role.STAFF, province.courts["heping"])
    return user


def test_step_fields_cover_the_table():
    # every step is given only what it asks for, and at least what it requires
    for model, steps in TRANSITIONS.items():
        for step in steps:
            given = set(STEP_FIELDS[(model, step.target)])
            assert given <= set(step.fields), (model, step)
            assert set(step.required) <= given, (model, step)
            assert set(step.required) <= set(step.fields), (model, step)


def test_every_ledger_has_a_workflow():
    assert set(TRANSITIONS) == set(MODELS)


# --- every row ------------------------------------------------------------------------------
@pytest.mark.parametrize(("model", "step"), ROWS)
def test_each_transition_reaches_its_target(province, officer, model, step):
    # given a record in the step's source state
    record = record_in(province, model, step.source)
    assert record.status == step.source
    version = record.version
    fields = STEP_FIELDS[(model, step.target)]

    # when an officer takes the step with its fields
    services.ledger_transition(
        actor=officer, record=record, version=version, target=step.target, fields=fields
    )

    # then the record is in the target state with the fields saved, one version on
    stored = fresh(record)
    assert stored.status == step.target
    assert stored.version == version + 1
    for name, value in fields.items():
        assert getattr(stored, name) == value
    # and the step is audited with the change of status
    event = transitions(record).filter(actor=officer).get()
    assert event.changes["status"] == [step.source, step.target]


FORBIDDEN = [
    pytest.param(InterferenceRecord, "recorded", "reported", id="interference-unscreened-report"),
    pytest.param(InterferenceRecord, "recorded", "closed", id="interference-unscreened-close"),
    pytest.param(InterferenceRecord, "closed", "recorded", id="interference-reopen"),
    pytest.param(ContactCase, "registered", "handled", id="contact-unverified-handling"),
    pytest.param(ContactCase, "handled", "verifying", id="contact-reopen"),
    pytest.param(ContactApproval, "approved", "withdrawn", id="approval-withdrawn-late"),
    pytest.param(ContactApproval, "refused", "approved", id="approval-refused-then-approved"),
    pytest.param(UnplannedContactReport, "reviewed", "submitted", id="report-unreview"),
    pytest.param(RelativePractice, "not_required", "implemented", id="relative-skip-pending"),
    pytest.param(RelativePractice, "resolved", "pending", id="relative-reopen"),
    pytest.param(DepartureRecord, "following", "following", id="departure-same-state"),
    pytest.param(DepartureRecord, "following", "closed", id="departure-unknown-state"),
]


def test_forbidden_steps_cover_every_ledger():
    assert {param.values[0] for param in FORBIDDEN} == set(MODELS)


@pytest.mark.parametrize(("model", "source", "target"), FORBIDDEN)
def test_step_not_in_the_table_is_refused(province, officer, model, source, target):
    # given a record in a state the table has no step from to the target
    assert workflows.find(model, source, target) is None
    record = record_in(province, model, source)
    version, steps = record.version, transitions(record).count()
    fields = STEP_FIELDS.get((model, target), {})

    # when an officer tries the step, then it is refused
    with pytest.raises(ValidationError):
        services.ledger_transition(
            actor=officer, record=record, version=version, target=target, fields=fields
        )

    # and nothing changed
    stored = fresh(record)
    assert stored.status == source
    assert stored.version == version
    assert transitions(record).count() == steps


REQUIRED = [
    pytest.param(model, step, name, id=f"{model.__name__}:{step.target}-without-{name}")
    for model, steps in TRANSITIONS.items()
    for step in steps
    for name in step.required
]


@pytest.mark.parametrize(("model", "step", "name"), REQUIRED)
def test_step_without_a_required_field_names_it(province, officer, model, step, name):
    # given a record in the source state and the step's fields without one it requires
    record = record_in(province, model, step.source)
    version = record.version
    fields = {k: v for k, v in STEP_FIELDS[(model, step.target)].items() if k != name}

    # when the step is taken, then it is refused naming the missing field
    with pytest.raises(ValidationError) as error:
        services.ledger_transition(
            actor=officer, record=record, version=version, target=step.target, fields=fields
        )
    assert name in error.value.message_dict

    # and nothing changed
    stored = fresh(record)
    assert stored.status == step.source
    assert stored.version == version
    assert getattr(stored, name) in (None, "")


def test_step_refuses_fields_it_does_not_ask_for(province, officer):
    # given a recorded inquiry; when screening also tries to change the interferer
    record = record_in(province, InterferenceRecord, "recorded")
    fields = {**STEP_FIELDS[(InterferenceRecord, "screened")], "interferer_name": "李四"}

    # then it is refused
    with pytest.raises(PermissionDenied):
        services.ledger_transition(
            actor=officer, record=record, version=1, target="screened", fields=fields
        )
    stored = fresh(record)
    assert stored.status == "recorded"
    assert stored.interferer_name == "王某"


def test_screening_an_improper_kind_needs_an_improper_nature(province, officer):
    record = record_in(province, InterferenceRecord, "recorded")
    fields = {**STEP_FIELDS[(InterferenceRecord, "screened")], "nature": "within_duty"}
    with pytest.raises(ValidationError) as error:
        services.ledger_transition(
            actor=officer, record=record, version=1, target="screened", fields=fields
        )
    assert "improper_kind" in error.value.message_dict
    assert fresh(record).status == "recorded"


def test_handling_without_its_date_is_refused(province, officer):
    # given a case under verification; when the handling is recorded without its date
    record = record_in(province, ContactCase, "verifying")
    fields = {k: v for k, v in STEP_FIELDS[(ContactCase, "handled")].items() if k != "handled_on"}

    # then it is refused naming the date, and the handling is not stored
    with pytest.raises(ValidationError) as error:
        services.ledger_transition(
            actor=officer, record=record, version=record.version, target="handled", fields=fields
        )
    assert "handled_on" in error.value.message_dict
    stored = fresh(record)
    assert stored.handling == ""
    assert stored.status == "verifying"


# --- the checks -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fields",
    [{}, {"recorded_in_file": True}],
    ids=["nothing", "only-in-the-case-file"],
)
def test_report_step_needs_a_recipient(province, officer, fields):
    # given a screened inquiry; when "reported" names no recipient
    record = record_in(province, InterferenceRecord, "screened")
    with pytest.raises(ValidationError):
        services.ledger_transition(
            actor=officer, record=record, version=record.version, target="reported", fields=fields
        )

    # then it stays screened
    stored = fresh(record)
    assert stored.status == "screened"
    assert stored.recorded_in_file is False


@pytest.mark.parametrize(
    "recipient", ["reported_to_leadership", "reported_to_discipline", "notified"]
)
def test_any_one_recipient_is_enough(province, officer, recipient):
    record = record_in(province, InterferenceRecord, "screened")
    services.ledger_transition(
        actor=officer,
        record=record,
        version=record.version,
        target="reported",
        fields={recipient: True},
    )
    assert fresh(record).status == "reported"


@pytest.mark.parametrize("verification", ["substantiated", "partly"])
def test_dismissal_needs_an_unsubstantiated_verification(province, officer, verification):
    # given a case under verification; when it is closed without finding though it was found
    record = record_in(province, ContactCase, "verifying")
    fields = {"verification": verification, "verification_note": "部分属实"}
    with pytest.raises(ValidationError):
        services.ledger_transition(
            actor=officer, record=record, version=record.version, target="dismissed", fields=fields
        )

    # then it is still being verified with no result stored
    stored = fresh(record)
    assert stored.status == "verifying"
    assert stored.verification == ""


@pytest.mark.parametrize(
    ("fields", "today", "allowed"),
    [
        pytest.param({}, D(2026, 6, 29), False, id="ordinary-last-restricted-day"),
        pytest.param({}, D(2026, 6, 30), True, id="ordinary-day-after"),
        pytest.param({"last_grade": "senior_4"}, D(2026, 6, 30), False, id="senior-two-years"),
        pytest.param({"last_grade": "senior_4"}, D(2027, 6, 30), True, id="senior-three-years"),
        pytest.param({"how": "dismissed"}, D(2045, 1, 1), False, id="dismissed-never"),
    ],
)
def test_departure_ends_only_after_the_restrictions(
    province, officer, monkeypatch, fields, today, allowed
):
    # given a judge who left on 30 June 2024, and the services' today
    record = make(province, DepartureRecord, **fields)
    monkeypatch.setattr(services, "_today", lambda: today)

    # when the follow-up is ended
    if allowed:
        services.ledger_transition(actor=officer, record=record, version=1, target="ended")
    else:
        with pytest.raises(ValidationError):
            services.ledger_transition(actor=officer, record=record, version=1, target="ended")

    # then it ends only once the last restricted day is past
    assert fresh(record).status == ("ended" if allowed else "following")


def test_recusal_step_needs_the_rules_to_require_it(province, officer):
    # given a sibling (report only)
    record = make(province, RelativePractice)
    assert record.status == "not_required"

    # when an officer marks recusal as required, then it is refused
    with pytest.raises(ValidationError):
        services.ledger_transition(
            actor=officer,
            record=record,
            version=1,
            target="pending",
            fields={"recusal_required_on": D(2025, 2, 1)},
        )
    stored = fresh(record)
    assert stored.status == "not_required"
    assert stored.recusal_required_on is None


# --- who takes which step -------------------------------------------------------------------
@pytest.fixture
def request_by_judge(province, judge):
    return services.ledger_create(
        actor=judge, model=ContactApproval, fields=OWN_DATA[ContactApproval]
    )


def user_with(role, court, department=None):
    user = UserFactory()
    assign(user, role, court, department=department)
    return user


@pytest.mark.parametrize("role", [Role.CHIEF, Role.LEADER])
def test_chief_and_court_leader_decide_approvals(province, request_by_judge, role):
    # given the judge's division chief or a leader of the court
    department = province.departments["heping"] if role == Role.CHIEF else None
    decider = user_with(role, province.courts["heping"], department)

    # when they approve the request, then it is approved
    services.ledger_transition(
        actor=decider,
        record=request_by_judge,
        version=1,
        target="approved",
        fields=STEP_FIELDS[(ContactApproval, "approved")],
    )
    assert fresh(request_by_judge).status == "approved"


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda p, judge: judge, id="the-requester"),
        pytest.param(
            lambda p, judge: user_with(
                Role.CHIEF, p.courts["heping"], p.departments["heping_criminal"]
            ),
            id="chief-of-another-division",
        ),
        pytest.param(
            lambda p, judge: user_with(Role.LEADER, p.courts["shenhe"]), id="leader-elsewhere"
        ),
        pytest.param(lambda p, judge: user_with(Role.ADMIN, p.courts["heping"]), id="admin"),
    ],
)
def test_others_cannot_decide_approvals(province, judge, request_by_judge, who):
    # when someone without the decision on this request approves it, then it is refused
    with pytest.raises(PermissionDenied):
        services.ledger_transition(
            actor=who(province, judge),
            record=request_by_judge,
            version=1,
            target="approved",
            fields=STEP_FIELDS[(ContactApproval, "approved")],
        )
    stored = fresh(request_by_judge)
    assert stored.status == "requested"
    assert stored.decided_on is None


def test_staff_member_withdraws_own_request(province, judge, request_by_judge):
    services.ledger_transition(actor=judge, record=request_by_judge, version=1, target="withdrawn")
    assert fresh(request_by_judge).status == "withdrawn"
    assert transitions(request_by_judge).get().actor == judge


def test_colleague_cannot_withdraw_the_request(province, request_by_judge):
    colleague = UserFactory(staff=province.staff["heping_criminal"])
    assign(colleague, Role.STAFF, province.courts["heping"])
    with pytest.raises(PermissionDenied):
        services.ledger_transition(
            actor=colleague, record=request_by_judge, version=1, target="withdrawn"
        )
    assert fresh(request_by_judge).status == "requested"


def test_division_chief_reviews_an_unplanned_report_but_its_author_cannot(province, judge):
    # given a report the judge made
    report = services.ledger_create(
        actor=judge, model=UnplannedContactReport, fields=OWN_DATA[UnplannedContactReport]
    )
    fields = STEP_FIELDS[(UnplannedContactReport, "reviewed")]

    # when the judge reviews it themselves, then it is refused
    with pytest.raises(PermissionDenied):
        services.ledger_transition(
            actor=judge, record=report, version=1, target="reviewed", fields=fields
        )

    # when their division chief reviews it, then it is reviewed
    chief = user_with(Role.CHIEF, province.courts["heping"], province.departments["heping"])
    services.ledger_transition(
        actor=chief, record=fresh(report), version=1, target="reviewed", fields=fields
    )
    assert fresh(report).status == "reviewed"


def test_staff_member_cannot_screen_own_inquiry(province, judge):
    record = services.ledger_create(
        actor=judge, model=InterferenceRecord, fields=OWN_DATA[InterferenceRecord]
    )
    with pytest.raises(PermissionDenied):
        services.ledger_transition(
            actor=judge,
            record=record,
            version=1,
            target="screened",
            fields=STEP_FIELDS[(InterferenceRecord, "screened")],
        )
    assert fresh(record).status == "recorded"
