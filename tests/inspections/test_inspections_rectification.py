"""Findings and their rectification (issue 5, item 2): the transition table row by row, the
version check, a return needs a reason, closing only after a report, evidence files checked by
content and size, the four counts, and the look-back (回头看) listing and recording."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import Finding, Inspection, LookBackCheck, RectificationReport
from inspections.selectors import inspections as selectors
from inspections.services import inspections as services
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from ledgers.models import Attachment

from .inspection_builders import PDF, days, make_finding, make_inspection, report, today

pytestmark = pytest.mark.django_db
St = Finding.Status


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    return root


@pytest.fixture
def inspection(province, logins):
    return make_inspection(logins.supervisor, province)


@pytest.fixture
def finding(province, logins, inspection):
    return make_finding(logins.supervisor, inspection, province)


def at(finding: Finding, status: str) -> Finding:
    """The finding put in ``status`` (with a report awaiting verification when reported)."""
    Finding.objects.filter(pk=finding.pk).update(status=status)
    if status == St.REPORTED:
        RectificationReport.objects.create(
            finding=finding, measures="整改", completed_on=today(), reported_by=None
        )
    finding.refresh_from_db()
    return finding


# --- the table, row by row -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "step", "allowed"),
    [
        (St.OPEN, "report", True),
        (St.RETURNED, "report", True),
        (St.REPORTED, "report", False),
        (St.CLOSED, "report", False),
        (St.REPORTED, "close", True),
        (St.OPEN, "close", False),
        (St.RETURNED, "close", False),
        (St.CLOSED, "close", False),
        (St.REPORTED, "return", True),
        (St.OPEN, "return", False),
        (St.RETURNED, "return", False),
        (St.CLOSED, "return", False),
    ],
)
def test_finding_steps_only_from_allowed_states(logins, finding, status, step, allowed):
    finding = at(finding, status)
    calls = {
        "report": lambda: services.finding_report(
            actor=logins.chief,
            finding=finding,
            version=finding.version,
            measures="补登记",
            completed_on=today(),
        ),
        "close": lambda: services.finding_close(
            actor=logins.supervisor, finding=finding, version=finding.version
        ),
        "return": lambda: services.finding_return(
            actor=logins.supervisor, finding=finding, version=finding.version, reason="证据不足"
        ),
    }
    if allowed:
        calls[step]()
        finding.refresh_from_db()
        assert finding.status == services.FINDING_STEPS[step].target
    else:
        with pytest.raises(ValidationError):
            calls[step]()
        assert Finding.objects.get(pk=finding.pk).status == status


def test_full_cycle_report_return_report_close(logins, finding):
    # The responsible department's chief reports
    finding = report(logins.chief, finding)
    assert finding.status == St.REPORTED
    # The inspector returns it with a reason
    services.finding_return(
        actor=logins.supervisor, finding=finding, version=finding.version, reason="未见台账"
    )
    finding.refresh_from_db()
    assert (finding.status, finding.times_returned) == (St.RETURNED, 1)
    first = finding.reports.get()
    assert (first.outcome, first.review_note) == (RectificationReport.Outcome.RETURNED, "未见台账")
    # The unit reports again; the inspector closes (销号)
    finding = report(logins.chief, finding, "已补台账")
    services.finding_close(actor=logins.supervisor, finding=finding, version=finding.version)
    finding.refresh_from_db()
    assert finding.status == St.CLOSED
    assert (finding.closed_on, finding.closed_by) == (today(), logins.supervisor)
    assert finding.reports.latest("id").outcome == RectificationReport.Outcome.ACCEPTED
    verbs = list(
        AuditEvent.objects.filter(object_type="inspections.finding", object_id=str(finding.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert verbs == [
        "inspections.finding.create",
        "inspections.finding.report",
        "inspections.finding.return",
        "inspections.finding.report",
        "inspections.finding.close",
    ]


def test_return_needs_a_reason(logins, finding):
    finding = report(logins.chief, finding)
    with pytest.raises(ValidationError) as refused:
        services.finding_return(
            actor=logins.supervisor, finding=finding, version=finding.version, reason="  "
        )
    assert "reason" in refused.value.message_dict
    assert Finding.objects.get(pk=finding.pk).status == St.REPORTED


def test_close_needs_a_report(logins, finding):
    with pytest.raises(ValidationError):
        services.finding_close(actor=logins.supervisor, finding=finding, version=finding.version)


def test_stale_version_is_refused(logins, finding):
    stale = finding.version
    finding = report(logins.chief, finding)
    with pytest.raises(StaleEdit):
        services.finding_close(actor=logins.supervisor, finding=finding, version=stale)
    assert Finding.objects.get(pk=finding.pk).status == St.REPORTED


@pytest.mark.parametrize("who", ["chief", "officer", "vice", "staff"])
def test_responsible_unit_reports(logins, finding, who):
    # staff: the responsible person (the province's judge of 和平 民一庭)
    assert report(getattr(logins, who), finding).status == St.REPORTED


@pytest.mark.parametrize("who", ["outsider", "discipline", "supervisor"])
def test_others_do_not_report(logins, finding, who):
    with pytest.raises(PermissionDenied):
        report(getattr(logins, who), finding)


@pytest.mark.parametrize("who", ["chief", "officer", "vice", "staff"])
def test_the_unit_does_not_verify_itself(logins, finding, who):
    finding = report(logins.chief, finding)
    with pytest.raises(PermissionDenied):
        services.finding_close(actor=getattr(logins, who), finding=finding, version=finding.version)


def test_findings_are_numbered_per_inspection(province, logins, inspection):
    first = make_finding(logins.supervisor, inspection, province)
    second = make_finding(logins.supervisor, inspection, province)
    other = make_inspection(logins.supervisor, province, title="另一轮")
    assert (first.sequence, second.sequence) == (1, 2)
    assert make_finding(logins.supervisor, other, province).sequence == 1


def test_finding_must_concern_a_target(province, logins, inspection):
    with pytest.raises(ValidationError):
        make_finding(
            logins.supervisor,
            inspection,
            province,
            court=province.courts["shenhe"],
            department=province.departments["shenhe"],
            responsible_staff=province.staff["shenhe"],
        )


def test_edit_needs_manage_and_a_fresh_version(logins, finding):
    with pytest.raises(PermissionDenied):
        services.finding_update(
            actor=logins.chief,
            finding=finding,
            version=finding.version,
            fields={"severity": "major"},
        )
    services.finding_update(
        actor=logins.supervisor,
        finding=finding,
        version=finding.version,
        fields={"severity": "major"},
    )
    with pytest.raises(StaleEdit):
        services.finding_update(
            actor=logins.supervisor, finding=finding, version=1, fields={"severity": "minor"}
        )
    assert Finding.objects.get(pk=finding.pk).severity == "major"


def test_void_needs_a_reason(logins, finding):
    with pytest.raises(ValidationError):
        services.finding_void(
            actor=logins.supervisor, finding=finding, version=finding.version, reason=""
        )
    services.finding_void(
        actor=logins.supervisor, finding=finding, version=finding.version, reason="录入错误"
    )
    assert Finding.objects.get(pk=finding.pk).is_void


# --- evidence --------------------------------------------------------------------------------
def test_evidence_is_checked_by_content(logins, finding, media):
    finding.refresh_from_db()
    services.finding_report(
        actor=logins.chief,
        finding=finding,
        version=finding.version,
        measures="补登记",
        completed_on=today(),
        evidence=[(SimpleUploadedFile("台账.pdf", PDF), "整改台账")],
    )
    stored = Attachment.objects.get()
    assert (stored.mime_type, stored.original_name) == ("application/pdf", "台账.pdf")
    report_ = finding.reports.get()
    fake = SimpleUploadedFile("假.pdf", b"<html>not a pdf</html>" + b" " * 40)
    with pytest.raises(ValidationError):
        services.report_evidence_add(actor=logins.chief, report=report_, upload=fake)
    assert Attachment.objects.count() == 1


def test_evidence_size_is_limited(logins, finding, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 64
    finding.refresh_from_db()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 100)
    with pytest.raises(ValidationError):
        services.finding_report(
            actor=logins.chief,
            finding=finding,
            version=finding.version,
            measures="补登记",
            completed_on=today(),
            evidence=[(big, "")],
        )
    # nothing of the report was kept
    assert not RectificationReport.objects.exists()
    assert Finding.objects.get(pk=finding.pk).status == St.OPEN


def test_evidence_only_by_the_unit(logins, finding, media):
    finding = report(logins.chief, finding)
    with pytest.raises(PermissionDenied):
        services.report_evidence_add(
            actor=logins.outsider,
            report=finding.reports.get(),
            upload=SimpleUploadedFile("a.pdf", PDF),
        )


# --- counts ----------------------------------------------------------------------------------
def test_counts_found_rectified_overdue_returned(
    province, logins, inspection, django_assert_num_queries
):
    def make(**kw):
        return make_finding(logins.supervisor, inspection, province, **kw)

    make()  # open, not due
    make(deadline=days(-1))  # overdue
    closed = report(logins.chief, make(deadline=days(-3)))
    services.finding_close(actor=logins.supervisor, finding=closed, version=closed.version)
    returned = report(logins.chief, make(deadline=days(-2)))  # returned and overdue
    services.finding_return(
        actor=logins.supervisor, finding=returned, version=returned.version, reason="不彻底"
    )
    voided = make(deadline=days(-5))
    services.finding_void(
        actor=logins.supervisor, finding=voided, version=voided.version, reason="x"
    )
    with django_assert_num_queries(1):
        counts = selectors.inspection_counts(inspection, today())
    assert counts == {"found": 4, "rectified": 1, "overdue": 2, "returned": 1}
    # the list annotates the same counts
    row = selectors.inspection_list(logins.supervisor, today=today()).get(pk=inspection.pk)
    assert (row.found, row.rectified, row.overdue, row.returned) == (4, 1, 2, 1)


# --- look-back -------------------------------------------------------------------------------
def test_look_back_lists_earlier_findings_of_its_targets(province, logins):
    earlier = make_inspection(
        logins.supervisor, province, starts=days(-200), ends=days(-170), title="上一轮"
    )
    held = make_finding(logins.supervisor, earlier, province)
    criminal = make_finding(
        logins.supervisor,
        earlier,
        province,
        department=province.departments["heping_criminal"],
        responsible_staff=province.staff["heping_criminal"],
    )
    voided = make_finding(logins.supervisor, earlier, province)
    services.finding_void(
        actor=logins.supervisor, finding=voided, version=voided.version, reason="x"
    )
    elsewhere = make_inspection(
        logins.supervisor,
        province,
        starts=days(-200),
        ends=days(-170),
        targets=[(province.courts["shenhe"], None)],
    )
    other_court = make_finding(
        logins.supervisor,
        elsewhere,
        province,
        court=province.courts["shenhe"],
        department=province.departments["shenhe"],
        responsible_staff=province.staff["shenhe"],
    )
    look_back = make_inspection(
        logins.supervisor,
        province,
        kind=Inspection.Kind.LOOK_BACK,
        targets=[(province.courts["heping"], province.departments["heping"])],
        title="回头看",
    )
    listed = set(selectors.look_back_findings(logins.supervisor, look_back))
    assert listed == {held}
    assert criminal not in listed
    assert other_court not in listed
    # Recording a verdict, then changing it
    check = services.look_back_record(
        actor=logins.supervisor, inspection=look_back, finding=held, result="held"
    )
    assert check.result == LookBackCheck.Result.HELD
    services.look_back_record(
        actor=logins.supervisor,
        inspection=look_back,
        finding=held,
        result="relapsed",
        note="又出现未登记",
    )
    assert LookBackCheck.objects.get().result == LookBackCheck.Result.RELAPSED
    # A finding that is not an earlier one of its targets is refused
    with pytest.raises(ValidationError):
        services.look_back_record(
            actor=logins.supervisor, inspection=look_back, finding=other_court, result="held"
        )
    # Only a look-back inspection records, and only by its inspectors
    with pytest.raises(ValidationError):
        services.look_back_record(
            actor=logins.supervisor, inspection=earlier, finding=held, result="held"
        )
    with pytest.raises(PermissionDenied):
        services.look_back_record(
            actor=logins.officer, inspection=look_back, finding=held, result="held"
        )
