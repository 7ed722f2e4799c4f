"""The ledger services (ledgers/services.py): create, update, void and the rules applied on
save, through the same calls the pages, the API and the imports make. Access, optimistic
concurrency and the audit trail are checked on every write."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from integrity.org.models import StaffMember
from ledgers import services
from ledgers.models import (
    ContactApproval,
    ContactCase,
    DepartureRecord,
    InterferenceRecord,
    RelativePractice,
    UnplannedContactReport,
)

from ..factories import StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

D = dt.date
MODELS = [
    InterferenceRecord,
    ContactCase,
    ContactApproval,
    UnplannedContactReport,
    RelativePractice,
    DepartureRecord,
]


# --- builders shared by the ledger tests ------------------------------------------------------
def valid_fields(province, model, key="heping"):
    """What an officer enters for a valid record of ``model`` about the judge of ``key``."""
    place = {
        "court": province.courts[key],
        "department": province.departments[key],
        "staff": province.staff[key],
    }
    counterpart = {"counterpart_type": "lawyer", "counterpart_name": "赵律师"}
    by_model = {
        InterferenceRecord: {
            "regulation": "internal",
            "report_form": "three_rules",
            # Typed with full-width brackets: stored in the canonical form.
            "case_number": province.cases[key].number.replace("(", "（").replace(")", "）"),
            "case_stage": "trial",
            "interferer_kind": "internal",
            "interferer_name": "王某",
            "occurred_on": D(2025, 3, 5),
            "method": "phone",
            "content": "打听案件进展",
        },
        ContactCase: {
            **counterpart,
            "counterpart_firm": "辽宁某律师事务所",
            "licence_number": "12101201510000001",
            "behaviour": "gifts",
            "occurred_on": D(2025, 2, 1),
            "description": "接受律师宴请",
            "clue_source": "public_report",
        },
        ContactApproval: {
            **counterpart,
            "planned_on": D(2025, 4, 1),
            "place": "茶楼",
            "purpose": "同学聚会",
        },
        UnplannedContactReport: {
            "counterpart_type": "intermediary",
            "intermediary_kind": "auction",
            "counterpart_name": "某拍卖公司",
            "contact_on": D(2025, 3, 1),
            "reported_on": D(2025, 3, 2),
            "circumstances": "超市偶遇",
        },
        RelativePractice: {
            "relative_name": "李某",
            "relationship": "brother",
            "law_firm": "辽宁某律师事务所",
            "role": "lawyer",
            "reported_on": D(2025, 1, 10),
        },
        DepartureRecord: {
            "left_on": D(2024, 6, 30),
            "how": "resigned",
            "last_post": "judge",
            "last_grade": "judge_1",
            "served_courts": [province.courts["shenyang"]],
        },
    }
    return {**place, **by_model[model]}


def make(province, model, key="heping", **overrides):
    """A record entered by the system (no actor), for tests that start from one."""
    fields = {**valid_fields(province, model, key), **overrides}
    return services.ledger_create(actor=None, model=model, fields=fields)


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def audit(record, verb):
    return AuditEvent.objects.filter(
        action=f"ledgers.{record._meta.model_name}.{verb}", object_id=str(record.pk)
    )


def creations(model):
    return AuditEvent.objects.filter(action=f"ledgers.{model._meta.model_name}.create")


def screen_fields():
    return {"nature": "within_duty", "screened_on": D(2025, 3, 6)}


@pytest.fixture
def officer(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    return user


@pytest.fixture
def judge(province):
    """The judge of the Heping court with a login and only the staff role."""
    user = UserFactory(staff=province.staff["heping"])
    assign(user, Role.STAFF, province.courts["heping"])
    return user


# --- 1. create ------------------------------------------------------------------------------
# The field each ledger's audit event is checked on, with the value it is stored as.
CREATED = {
    InterferenceRecord: ("case_number", lambda p: "(2025)辽0102民初1号"),
    ContactCase: ("licence_number", lambda p: "12101201510000001"),
    ContactApproval: ("purpose", lambda p: "同学聚会"),
    UnplannedContactReport: ("intermediary_kind", lambda p: "auction"),
    RelativePractice: ("relative_name", lambda p: "李某"),
    DepartureRecord: ("served_courts", lambda p: [p.courts["shenyang"].pk]),
}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_officer_creates_a_record_with_one_audit_event(province, officer, model):
    # given valid data for a record in the officer's court
    fields = valid_fields(province, model)

    # when the officer enters it
    record = services.ledger_create(actor=officer, model=model, fields=fields)

    # then it is stored, at version 1, in the initial status, entered by the officer
    stored = fresh(record)
    assert stored.staff == province.staff["heping"]
    assert stored.entered_by == officer
    assert stored.version == 1
    assert stored.status == model._meta.get_field("status").default
    # and exactly one audit event names every field it was given, old value None
    event = creations(model).get()
    assert event.actor == officer
    assert event.object_id == str(record.pk)
    assert event.court_id == province.courts["heping"].pk
    assert event.changes["staff"] == [None, province.staff["heping"].pk]
    name, expected = CREATED[model]
    assert event.changes[name] == [None, expected(province)]
    assert "search_text" not in event.changes


INVALID = [
    pytest.param(
        InterferenceRecord,
        lambda p: {"case_number": "2025年民初1号"},
        "case_number",
        id="bad-case-number",
    ),
    pytest.param(
        ContactCase,
        lambda p: {"counterpart_type": "intermediary"},
        "intermediary_kind",
        id="intermediary-without-kind",
    ),
    pytest.param(
        ContactApproval,
        lambda p: {"intermediary_kind": "notary"},
        "intermediary_kind",
        id="kind-for-a-lawyer",
    ),
    pytest.param(
        ContactApproval,
        lambda p: {"licence_number": "1210120151"},
        "licence_number",
        id="short-licence-number",
    ),
    pytest.param(
        UnplannedContactReport,
        lambda p: {"contact_on": D(2025, 3, 5), "reported_on": D(2025, 3, 4)},
        "__all__",
        id="reported-before-contact",
    ),
    pytest.param(
        InterferenceRecord,
        lambda p: {"department": p.departments["shenhe"]},
        "department",
        id="department-of-another-court",
    ),
    pytest.param(
        RelativePractice,
        lambda p: {"staff": p.staff["shenhe"]},
        "staff",
        id="staff-of-another-court",
    ),
    pytest.param(
        DepartureRecord,
        lambda p: {"pledge_signed_on": D(2024, 7, 1)},
        "pledge_signed_on",
        id="pledge-after-leaving",
    ),
]


@pytest.mark.parametrize(("model", "change", "field"), INVALID)
def test_invalid_input_is_refused_and_leaves_nothing(province, officer, model, change, field):
    # given otherwise valid data with one mistake
    fields = {**valid_fields(province, model), **change(province)}

    # when the officer enters it, then it is refused naming the field
    with pytest.raises(ValidationError) as error:
        services.ledger_create(actor=officer, model=model, fields=fields)
    assert field in error.value.message_dict
    # and neither a row nor an audit event is left
    assert not model.objects.exists()
    assert not creations(model).exists()


@pytest.mark.parametrize(
    "change",
    [{"relationship": "cousin"}, {"role": "notary"}],
    ids=["unknown-relationship", "unknown-role"],
)
def test_unknown_relative_choice_is_a_validation_error(province, officer, change):
    # given a relative's record with a value that is not one of the choices
    fields = {**valid_fields(province, RelativePractice), **change}

    # when entered (an import or a task calls the service directly), then it is refused
    with pytest.raises(ValidationError) as error:
        services.ledger_create(actor=officer, model=RelativePractice, fields=fields)
    assert set(change) <= set(error.value.message_dict)
    assert not RelativePractice.objects.exists()


def test_handling_is_decided_by_its_step_not_at_entry(province, officer):
    # given a contact case entered with a handling (and no date)
    fields = {**valid_fields(province, ContactCase), "handling": "talk"}

    # when entered, then the field is refused: handling comes through the workflow step
    with pytest.raises(PermissionDenied):
        services.ledger_create(actor=officer, model=ContactCase, fields=fields)
    assert not ContactCase.objects.exists()


# --- 2. self-service ------------------------------------------------------------------------
OWN_DATA = {
    InterferenceRecord: {
        "case_number": "(2025)辽0102民初1号",
        "interferer_kind": "other",
        "interferer_name": "张三",
        "occurred_on": D(2025, 3, 5),
        "method": "in_person",
        "content": "请托说情",
    },
    ContactApproval: {
        "counterpart_type": "party",
        "counterpart_name": "钱某",
        "planned_on": D(2025, 4, 1),
        "place": "茶楼",
        "purpose": "亲属聚会，当事人在场",
    },
    UnplannedContactReport: {
        "counterpart_type": "lawyer",
        "counterpart_name": "孙律师",
        "contact_on": D(2025, 3, 1),
        "circumstances": "小区偶遇",
    },
}


@pytest.mark.parametrize("model", list(OWN_DATA), ids=lambda m: m.__name__)
def test_staff_member_records_about_themselves(province, judge, model):
    # given a judge with only the staff role who names another court and colleague
    fields = {
        **OWN_DATA[model],
        "court": province.courts["shenhe"],
        "department": province.departments["shenhe"],
        "staff": province.staff["shenhe"],
    }

    # when they record it
    record = services.ledger_create(actor=judge, model=model, fields=fields)

    # then the record is about themselves, at their own court and department
    stored = fresh(record)
    assert stored.staff == province.staff["heping"]
    assert stored.court == province.courts["heping"]
    assert stored.department == province.departments["heping"]
    assert stored.entered_by == judge
    assert creations(model).get().actor == judge


def test_unplanned_report_by_staff_is_dated_today(province, judge):
    # given a contact yesterday; when the judge reports it
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    fields = {**OWN_DATA[UnplannedContactReport], "contact_on": yesterday}
    record = services.ledger_create(actor=judge, model=UnplannedContactReport, fields=fields)

    # then the report carries today's date, not one they chose
    assert fresh(record).reported_on == timezone.localdate()


@pytest.mark.parametrize(
    ("model", "extra"),
    [
        pytest.param(InterferenceRecord, {"is_confidential": True}, id="confidential-flag"),
        pytest.param(InterferenceRecord, {"regulation": "leading_cadre"}, id="regulation"),
        pytest.param(UnplannedContactReport, {"reported_on": D(2025, 3, 1)}, id="backdated"),
    ],
)
def test_staff_member_cannot_fill_officers_fields(province, judge, model, extra):
    # given self-service data with a field only officers fill
    fields = {**OWN_DATA[model], **extra}

    # when the judge records it, then it is refused and nothing is stored
    with pytest.raises(PermissionDenied):
        services.ledger_create(actor=judge, model=model, fields=fields)
    assert not model.objects.exists()
    assert not creations(model).exists()


@pytest.mark.parametrize(
    "model", [ContactCase, RelativePractice, DepartureRecord], ids=lambda m: m.__name__
)
def test_staff_member_cannot_keep_the_officers_ledgers(province, judge, model):
    # given valid officer data about the judge themselves
    fields = valid_fields(province, model)

    # when the judge enters it, then it is refused and nothing is stored
    with pytest.raises(PermissionDenied):
        services.ledger_create(actor=judge, model=model, fields=fields)
    assert not model.objects.exists()
    assert not creations(model).exists()


def test_staff_member_edits_own_record_until_the_office_screens_it(province, judge, officer):
    # given an inquiry the judge recorded
    record = services.ledger_create(
        actor=judge, model=InterferenceRecord, fields=OWN_DATA[InterferenceRecord]
    )

    # when they correct it while it is "recorded", then the correction is saved
    services.ledger_update(
        actor=judge, record=record, version=1, fields={"content": "请托说情，要求从轻"}
    )
    assert fresh(record).content == "请托说情，要求从轻"

    # when an officer has screened it
    record = fresh(record)
    services.ledger_transition(
        actor=officer, record=record, version=2, target="screened", fields=screen_fields()
    )

    # then a further correction by the judge is refused and changes nothing
    record = fresh(record)
    with pytest.raises(ValidationError):
        services.ledger_update(actor=judge, record=record, version=3, fields={"content": "改"})
    stored = fresh(record)
    assert stored.content == "请托说情，要求从轻"
    assert stored.version == 3
    assert audit(record, "update").count() == 1


def test_staff_member_cannot_change_officers_fields_of_own_record(province, judge):
    # given an inquiry the judge recorded
    record = services.ledger_create(
        actor=judge, model=InterferenceRecord, fields=OWN_DATA[InterferenceRecord]
    )

    # when they try to move it to a colleague or change its regulation, then it is refused
    for fields in ({"staff": province.staff["heping_criminal"]}, {"regulation": "contact"}):
        with pytest.raises(PermissionDenied):
            services.ledger_update(actor=judge, record=record, version=1, fields=fields)
    stored = fresh(record)
    assert stored.staff == province.staff["heping"]
    assert stored.version == 1


def test_staff_member_cannot_edit_a_colleagues_record(province, judge):
    # given an inquiry recorded about a colleague in the same court
    record = make(province, InterferenceRecord)
    other = make(
        province,
        InterferenceRecord,
        department=province.departments["heping_criminal"],
        staff=province.staff["heping_criminal"],
    )
    assert record.staff_id != other.staff_id

    # when the judge edits the colleague's record, then it is refused
    with pytest.raises(PermissionDenied):
        services.ledger_update(actor=judge, record=other, version=1, fields={"content": "改"})
    assert fresh(other).content == "打听案件进展"


def test_officer_with_a_staff_record_records_about_self(province):
    # given an officer of Heping who is also the criminal-division judge
    user = UserFactory(staff=province.staff["heping_criminal"])
    assign(user, Role.OFFICER, province.courts["heping"])

    # when they record an inquiry with about_self
    record = services.ledger_create(
        actor=user,
        model=InterferenceRecord,
        fields={**OWN_DATA[InterferenceRecord], "staff": province.staff["heping"]},
        about_self=True,
    )

    # then it is about themselves
    assert fresh(record).staff == province.staff["heping_criminal"]
    assert fresh(record).department == province.departments["heping_criminal"]


def test_about_self_needs_a_staff_record(province, officer):
    with pytest.raises(PermissionDenied):
        services.ledger_create(
            actor=officer,
            model=InterferenceRecord,
            fields=OWN_DATA[InterferenceRecord],
            about_self=True,
        )
    assert not InterferenceRecord.objects.exists()


# --- 3. scope -------------------------------------------------------------------------------
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_officer_cannot_create_outside_their_court(province, officer, model):
    # given valid data for a record at another court
    fields = valid_fields(province, model, key="shenhe")

    # when the Heping officer enters it, then it is refused and leaves nothing
    with pytest.raises(ValidationError) as error:
        services.ledger_create(actor=officer, model=model, fields=fields)
    assert "staff" in error.value.message_dict
    assert not model.objects.exists()
    assert not creations(model).exists()


def test_officer_covering_the_courts_below_creates_there(province):
    # given a Shenyang officer with and one without the courts below
    covering, local = UserFactory(), UserFactory()
    assign(covering, Role.OFFICER, province.courts["shenyang"], covers=True)
    assign(local, Role.OFFICER, province.courts["shenyang"])
    fields = valid_fields(province, InterferenceRecord, key="heping")

    # when each enters a record at the basic court below
    with pytest.raises(ValidationError):
        services.ledger_create(actor=local, model=InterferenceRecord, fields=fields)
    record = services.ledger_create(actor=covering, model=InterferenceRecord, fields=fields)

    # then only the covering officer's is kept
    assert list(InterferenceRecord.objects.values_list("pk", flat=True)) == [record.pk]


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda actor, record: services.ledger_update(
                actor=actor, record=record, version=1, fields={"content": "越权"}
            ),
            id="update",
        ),
        pytest.param(
            lambda actor, record: services.ledger_transition(
                actor=actor, record=record, version=1, target="screened", fields=screen_fields()
            ),
            id="transition",
        ),
        pytest.param(
            lambda actor, record: services.ledger_void(
                actor=actor, record=record, version=1, reason="越权作废"
            ),
            id="void",
        ),
    ],
)
def test_officer_cannot_write_a_record_outside_their_court(province, officer, write):
    # given a record at Shenhe
    record = make(province, InterferenceRecord, key="shenhe")

    # when the Heping officer changes it, then it is refused and nothing changes
    with pytest.raises(PermissionDenied):
        write(officer, record)
    stored = fresh(record)
    assert stored.version == 1
    assert stored.content == "打听案件进展"
    assert stored.status == "recorded"
    assert not stored.is_void
    trail = AuditEvent.objects.filter(
        object_type="ledgers.interferencerecord", object_id=str(record.pk)
    )
    assert list(trail.values_list("action", flat=True)) == ["ledgers.interferencerecord.create"]


def test_officer_cannot_move_a_record_out_of_their_court(province, officer):
    # given a record at Heping
    record = make(province, InterferenceRecord, department=None)

    # when the officer moves it to Shenhe, then it is refused and stays
    with pytest.raises(PermissionDenied):
        services.ledger_update(
            actor=officer, record=record, version=1, fields={"court": province.courts["shenhe"]}
        )
    stored = fresh(record)
    assert stored.court == province.courts["heping"]
    assert stored.version == 1


# --- 4. optimistic concurrency --------------------------------------------------------------
def test_update_with_the_current_version_bumps_it_and_audits_the_change(province, officer):
    # given a record at version 1
    record = make(province, InterferenceRecord)

    # when the officer corrects it naming version 1
    services.ledger_update(
        actor=officer, record=record, version=1, fields={"interferer_name": "王某某"}
    )

    # then it is saved at version 2 and the change is audited field by field
    stored = fresh(record)
    assert stored.interferer_name == "王某某"
    assert stored.version == 2
    assert record.version == 2
    changes = audit(record, "update").get().changes
    assert changes["interferer_name"] == ["王某", "王某某"]
    assert changes["version"] == [1, 2]
    assert "content" not in changes


def test_second_editor_with_the_old_version_is_refused(province, officer):
    # given two editors who opened the same record at version 1
    record = make(province, InterferenceRecord)
    first, second = fresh(record), fresh(record)
    services.ledger_update(
        actor=officer, record=first, version=1, fields={"interferer_name": "王某某"}
    )

    # when the second saves their edit based on version 1
    with pytest.raises(StaleEdit):
        services.ledger_update(
            actor=officer, record=second, version=1, fields={"interferer_name": "王五"}
        )

    # then the first editor's change stands and nothing else was recorded
    stored = fresh(record)
    assert stored.interferer_name == "王某某"
    assert stored.version == 2
    assert audit(record, "update").count() == 1


@pytest.mark.parametrize("version", [None, "", "abc", 0, 2])
def test_missing_or_wrong_version_is_stale(province, officer, version):
    record = make(province, InterferenceRecord)
    with pytest.raises(StaleEdit):
        services.ledger_update(
            actor=officer, record=record, version=version, fields={"content": "改"}
        )
    assert fresh(record).content == "打听案件进展"
    assert fresh(record).version == 1


def test_transition_with_an_old_version_is_refused(province, officer):
    # given a record that someone corrected after the screener opened it
    record = make(province, InterferenceRecord)
    opened = fresh(record)
    services.ledger_update(actor=officer, record=record, version=1, fields={"content": "改"})

    # when the screener screens it naming version 1
    with pytest.raises(StaleEdit):
        services.ledger_transition(
            actor=officer, record=opened, version=1, target="screened", fields=screen_fields()
        )

    # then it is still unscreened and no transition was audited
    stored = fresh(record)
    assert stored.status == "recorded"
    assert stored.nature == ""
    assert stored.version == 2
    assert not audit(record, "transition").exists()


def test_void_with_an_old_version_is_refused(province, officer):
    # given a record corrected after the officer opened it
    record = make(province, InterferenceRecord)
    opened = fresh(record)
    services.ledger_update(actor=officer, record=record, version=1, fields={"content": "改"})

    # when the officer voids it naming version 1
    with pytest.raises(StaleEdit):
        services.ledger_void(actor=officer, record=opened, version=1, reason="重复录入")

    # then it is not voided
    stored = fresh(record)
    assert not stored.is_void
    assert stored.void_reason == ""
    assert stored.version == 2
    assert not audit(record, "void").exists()


# --- 6. rules applied on save ----------------------------------------------------------------
def relative(province, *, staff=None, **fields):
    staff = staff or province.staff["heping"]
    base = {
        "court": staff.court,
        "department": staff.department,
        "staff": staff,
        "relative_name": "李某",
        "relationship": "spouse",
        "law_firm": "辽宁和平律师事务所",
        "role": "partner",
        "firm_area": province.courts["heping"],
        "reported_on": D(2025, 1, 31),
    }
    return services.ledger_create(actor=None, model=RelativePractice, fields={**base, **fields})


@pytest.mark.parametrize(
    ("relationship", "role", "firm_area", "acts", "required"),
    [
        pytest.param("spouse", "partner", "heping", False, True, id="spouse-partner-same-county"),
        pytest.param("father", "partner", "heping", False, True, id="father-partner"),
        pytest.param("daughter", "lawyer", "dalian", True, True, id="child-acts-in-jurisdiction"),
        pytest.param("spouse", "partner", "shenyang", False, False, id="firm-in-the-city-above"),
        pytest.param("spouse", "partner", "zhongshan", False, False, id="firm-elsewhere"),
        pytest.param("spouse", "partner", None, False, False, id="firm-area-unknown"),
        pytest.param("spouse", "lawyer", "heping", False, False, id="ordinary-lawyer-local"),
        pytest.param("brother", "partner", "heping", True, False, id="sibling-reports-only"),
    ],
)
def test_recusal_rules_decide_the_status_on_save(
    province, relationship, role, firm_area, acts, required
):
    # given a trial judge at Heping reporting a relative
    record = relative(
        province,
        relationship=relationship,
        role=role,
        firm_area=province.courts[firm_area] if firm_area else None,
        acts_in_jurisdiction=acts,
    )

    # then the status and the date recusal became due follow the rules
    stored = fresh(record)
    if required:
        assert stored.status == "pending"
        assert stored.recusal_required_on == D(2025, 1, 31)
    else:
        assert stored.status == "not_required"
        assert stored.recusal_required_on is None
    assert stored.computed_values["recusal_required"] is required


def test_firm_in_a_basic_court_below_is_within_the_city_courts_jurisdiction(province):
    # given a judge of the Shenyang intermediate court whose spouse leads a Heping firm
    record = relative(
        province, staff=province.staff["shenyang"], firm_area=province.courts["heping"]
    )

    # then recusal is required
    assert fresh(record).status == "pending"


def test_staff_neither_leading_cadre_nor_trial_post_need_not_recuse(province):
    # given an administrative clerk whose spouse leads a firm in the court's county
    clerk = StaffMemberFactory(
        court=province.courts["heping"],
        department=province.departments["heping"],
        post=StaffMember.Post.ADMINISTRATIVE,
        is_trial_post=False,
        is_leading_cadre=False,
    )
    record = relative(province, staff=clerk)

    # then nothing is required
    assert fresh(record).status == "not_required"
    assert fresh(record).computed_values["recusal_required"] is False


def test_leading_cadre_outside_trial_posts_must_recuse(province):
    clerk = StaffMemberFactory(
        court=province.courts["heping"],
        department=province.departments["heping"],
        post=StaffMember.Post.VICE_PRESIDENT,
        is_trial_post=False,
        is_leading_cadre=True,
    )
    record = relative(province, staff=clerk)
    assert fresh(record).status == "pending"


def test_recusal_deadlines_are_one_and_six_months_after(province):
    # given a recusal that became due on 31 January
    record = relative(province)

    # then the application is due a month later and the post change six months later
    values = fresh(record).computed_values
    assert values["application_due"] == D(2025, 2, 28)
    assert values["post_change_due"] == D(2025, 7, 31)


def test_recusal_deadlines_are_settings(province, settings):
    # given other deadlines in the settings
    settings.RECUSAL_APPLICATION_MONTHS = 2
    settings.RECUSAL_POST_CHANGE_MONTHS = 3
    record = relative(province)

    # then they drive the computed dates
    values = fresh(record).computed_values
    assert values["application_due"] == D(2025, 3, 31)
    assert values["post_change_due"] == D(2025, 4, 30)


def test_correction_that_makes_recusal_required_starts_the_deadlines(province):
    # given a sibling reported (report only)
    record = relative(province, relationship="brother", reported_on=D(2025, 3, 1))
    assert record.status == "not_required"

    # when the officer corrects the relationship to spouse
    services.ledger_update(actor=None, record=record, version=1, fields={"relationship": "spouse"})

    # then recusal is pending from the day it was reported
    stored = fresh(record)
    assert stored.status == "pending"
    assert stored.recusal_required_on == D(2025, 3, 1)


def test_later_correction_keeps_the_date_recusal_became_due(province):
    record = relative(province, reported_on=D(2025, 3, 1))
    services.ledger_update(
        actor=None, record=record, version=1, fields={"reported_on": D(2025, 3, 20)}
    )
    assert fresh(record).recusal_required_on == D(2025, 3, 1)


def departure(province, **fields):
    return make(province, DepartureRecord, **fields)


@pytest.mark.parametrize(
    ("fields", "ends", "senior"),
    [
        pytest.param({"last_grade": "senior_4"}, D(2027, 6, 29), True, id="senior-grade"),
        pytest.param({"was_leadership": True}, D(2027, 6, 29), True, id="leadership"),
        pytest.param({"senior_assistant": True}, D(2027, 6, 29), True, id="senior-assistant"),
        pytest.param({"last_grade": "judge_1"}, D(2026, 6, 29), False, id="ordinary"),
        pytest.param({"how": "retired", "last_grade": "senior_1"}, D(2027, 6, 29), True, id="ret"),
        pytest.param({"how": "transferred"}, D(2026, 6, 29), False, id="transferred"),
    ],
)
def test_departure_restrictions_are_computed(province, fields, ends, senior):
    # given a judge who left on 30 June 2024
    record = departure(province, **fields)

    # then the restriction ends on the last day of its years, and agent ban after two
    values = fresh(record).computed_values
    assert values["restriction_ends"] == ends
    assert values["agent_ban_ends"] == D(2026, 6, 29)
    assert values["senior"] is senior
    assert values["law_firm_ban_lifetime"] is False


def test_dismissed_staff_are_restricted_for_life(province):
    # given a dismissed senior judge
    record = departure(province, how="dismissed", last_grade="senior_4")

    # then no end date, and a lifelong ban on law firms
    values = fresh(record).computed_values
    assert values["restriction_ends"] is None
    assert values["law_firm_ban_lifetime"] is True


def test_lifetime_courts_are_the_record_court_and_where_they_served(province):
    record = departure(
        province, served_courts=[province.courts["shenyang"], province.courts["dalian"]]
    )
    values = fresh(record).computed_values
    assert values["lifetime_courts"] == sorted(
        [province.courts[k].pk for k in ("heping", "shenyang", "dalian")]
    )


@pytest.mark.parametrize(
    ("reported_on", "days", "late"),
    [
        pytest.param(D(2025, 3, 1), 3, False, id="same-day"),
        pytest.param(D(2025, 3, 4), 3, False, id="on-the-due-day"),
        pytest.param(D(2025, 3, 5), 3, True, id="a-day-after"),
        pytest.param(D(2025, 3, 5), 4, False, id="longer-setting"),
        pytest.param(D(2025, 3, 2), 0, True, id="same-day-setting"),
    ],
)
def test_unplanned_report_is_late_after_the_setting_days(
    province, settings, reported_on, days, late
):
    # given the report period in the settings and a contact on 1 March
    settings.UNPLANNED_CONTACT_REPORT_DAYS = days
    record = make(
        province, UnplannedContactReport, contact_on=D(2025, 3, 1), reported_on=reported_on
    )

    # then it is late only after the due day
    values = fresh(record).computed_values
    assert values["report_due"] == D(2025, 3, 1) + dt.timedelta(days=days)
    assert values["reported_late"] is late


# --- 7. void --------------------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_void_needs_a_reason(province, officer, reason):
    record = make(province, InterferenceRecord)
    with pytest.raises(ValidationError) as error:
        services.ledger_void(actor=officer, record=record, version=1, reason=reason)
    assert "reason" in error.value.message_dict
    stored = fresh(record)
    assert not stored.is_void
    assert stored.version == 1
    assert not audit(record, "void").exists()


def test_void_marks_the_record_and_audits_the_reason(province, officer):
    # given a wrong record
    record = make(province, ContactApproval)

    # when the officer voids it with a reason
    services.ledger_void(actor=officer, record=record, version=1, reason="  重复录入  ")

    # then it stays, marked void, and the reason is in the audit trail
    stored = fresh(record)
    assert stored.voided_at is not None
    assert stored.voided_by == officer
    assert stored.void_reason == "重复录入"
    assert stored.version == 2
    event = audit(record, "void").get()
    assert event.reason == "重复录入"
    assert event.actor == officer


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda actor, record: services.ledger_update(
                actor=actor, record=record, version=2, fields={"content": "改"}
            ),
            id="update",
        ),
        pytest.param(
            lambda actor, record: services.ledger_transition(
                actor=actor, record=record, version=2, target="screened", fields=screen_fields()
            ),
            id="transition",
        ),
        pytest.param(
            lambda actor, record: services.ledger_void(
                actor=actor, record=record, version=2, reason="再次作废"
            ),
            id="void-again",
        ),
    ],
)
def test_voided_record_cannot_be_changed(province, officer, write):
    # given a voided record
    record = make(province, InterferenceRecord)
    services.ledger_void(actor=officer, record=record, version=1, reason="录入错误")

    # when anything is written to it, then it is refused and it stays as voided
    with pytest.raises(ValidationError):
        write(officer, fresh(record))
    stored = fresh(record)
    assert stored.version == 2
    assert stored.status == "recorded"
    assert stored.content == "打听案件进展"
    assert stored.void_reason == "录入错误"
    assert audit(record, "void").count() == 1


def test_staff_member_cannot_void_own_record(province, judge):
    record = services.ledger_create(
        actor=judge, model=InterferenceRecord, fields=OWN_DATA[InterferenceRecord]
    )
    with pytest.raises(PermissionDenied):
        services.ledger_void(actor=judge, record=record, version=1, reason="不想要了")
    assert not fresh(record).is_void
