"""The discipline team's actions on an alert (issue 7 §4): dismiss with a reason, turn into a
clue, mark the recusal done — each only from open, version-checked (a stale version is a 409
in the API and a form error on the page), recording who handled it, audited; a post recusal
is done only once ledger 3 records it; a clue keeps the alert as its source."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections.models import Clue, Referral
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from ledgers import services as ledger_services
from ledgers.alerts import detect, services
from ledgers.alerts.models import Alert
from ledgers.conflicts import Rule
from ledgers.models import RelativePractice

from . import queue_people
from .queue_people import api, conflict_at, spouse_on_panel

pytestmark = pytest.mark.django_db
people = queue_people.people  # the fixture
D = datetime.date


@pytest.fixture
def alerts(province, heping_case):
    return spouse_on_panel(province, heping_case)


def events_of(alert: Alert, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="alerts.alert", object_id=str(alert.pk), action=action
        )
    )


# --- dismiss -------------------------------------------------------------------------------------
def test_dismiss_records_who_when_and_why(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    services.alert_dismiss(
        actor=people.discipline,
        alert=alert,
        version=alert.version,
        reason="法官已于立案当日申请回避",
    )
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    assert alert.handled_by == people.discipline
    assert alert.handled_at is not None
    assert alert.reason == "法官已于立案当日申请回避"
    assert alert.version == 2
    (event,) = events_of(alert, "alerts.alert.dismiss")
    assert event.actor == people.discipline
    assert event.reason == "法官已于立案当日申请回避"
    assert event.changes["status"] == ["open", "dismissed"]


def test_dismiss_needs_a_reason(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    with pytest.raises(ValidationError) as refused:
        services.alert_dismiss(
            actor=people.discipline, alert=alert, version=alert.version, reason=" "
        )
    assert "reason" in refused.value.message_dict
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    assert alert.version == 1


def test_a_stale_version_changes_nothing(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    with pytest.raises(StaleEdit):
        services.alert_dismiss(
            actor=people.discipline, alert=alert, version=alert.version - 1, reason="x"
        )
    alert.refresh_from_db()
    assert (alert.status, alert.version) == (Alert.Status.OPEN, 1)
    assert not events_of(alert, "alerts.alert.dismiss")


def test_only_an_open_alert_is_handled(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    services.alert_dismiss(actor=people.discipline, alert=alert, version=1, reason="已核实")
    with pytest.raises(ValidationError) as refused:
        services.alert_to_clue(actor=people.discipline, alert=alert, version=alert.version)
    assert refused.value.code == "not_open"
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    assert alert.clue is None
    assert not Clue.objects.exists()


def test_who_may_not_change_the_alert_is_refused(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    for user in (people.officer, people.outsider, people.subject):
        with pytest.raises(PermissionDenied):
            services.alert_dismiss(actor=user, alert=alert, version=1, reason="x")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


def test_a_dismissed_alert_comes_back_only_when_its_facts_change(
    province, people, alerts, heping_case
):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    services.alert_dismiss(actor=people.discipline, alert=alert, version=1, reason="已核实无误")
    detect.check_cases([heping_case.pk])
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    heping_case.agents.update(law_firm="辽宁正义律师事务所沈阳分所")
    detect.check_cases([heping_case.pk])
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    assert alert.reopened == 1


# --- clue ----------------------------------------------------------------------------------------
def test_an_alert_becomes_a_clue_with_the_alert_as_its_source(people, alerts, province):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    services.alert_to_clue(actor=people.discipline, alert=alert, version=alert.version)
    alert.refresh_from_db()
    clue = alert.clue
    assert alert.status == Alert.Status.CLUE
    assert clue.source == Clue.Source.ALERT
    assert clue.source_object == alert
    assert clue.court == province.courts["heping"]
    assert clue.subject == province.staff["heping"]
    assert clue.department == province.departments["heping"]
    assert clue.received_on == timezone.localdate()
    assert clue.summary.startswith(str(alert.info.label))
    assert "(2025)辽0102民初1号" in clue.summary
    assert "李明" in clue.details
    (event,) = events_of(alert, "alerts.alert.clue")
    assert event.changes["clue"] == clue.pk
    assert AuditEvent.objects.filter(
        action="inspections.clue.create", object_id=str(clue.pk)
    ).exists()


def test_a_clue_about_a_court_president_goes_to_the_discipline_team(people, province):
    alert = conflict_at(
        province, "heping", name="周芳", licence="12101201810000077", post="president"
    )
    assert alert.about_leader
    services.alert_to_clue(actor=people.discipline, alert=alert, version=alert.version)
    alert.refresh_from_db()
    assert alert.clue.about_leader
    assert Referral.objects.filter(clue=alert.clue).exists()


def test_a_leader_without_the_clue_role_cannot_register_the_clue(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    with pytest.raises(ValidationError):
        services.alert_to_clue(actor=people.leader, alert=alert, version=alert.version)
    alert.refresh_from_db()
    assert (alert.status, alert.version, alert.clue) == (Alert.Status.OPEN, 1, None)
    assert not Clue.objects.exists()


# --- done ----------------------------------------------------------------------------------------
def test_a_withdrawal_is_marked_done_with_how(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    with pytest.raises(ValidationError) as refused:
        services.alert_mark_done(actor=people.discipline, alert=alert, version=1, note="")
    assert "note" in refused.value.message_dict
    services.alert_mark_done(
        actor=people.discipline,
        alert=alert,
        version=1,
        note="审判长自行回避，已更换审判长",
        done_on=D(2026, 3, 5),
    )
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DONE
    assert alert.reason == "审判长自行回避，已更换审判长"
    (event,) = events_of(alert, "alerts.alert.done")
    assert event.changes["done_on"] == "2026-03-05"


def test_a_post_recusal_is_done_only_once_ledger_3_records_it(people, alerts):
    alert = alerts[Rule.POST_RECUSAL]
    record = RelativePractice.objects.get(pk=alert.relative_id)
    assert record.status == RelativePractice.Status.PENDING
    with pytest.raises(ValidationError) as refused:
        services.alert_mark_done(actor=people.discipline, alert=alert, version=1)
    assert refused.value.code == "recusal_not_recorded"
    alert.refresh_from_db()
    assert (alert.status, alert.version) == (Alert.Status.OPEN, 1)
    ledger_services.ledger_transition(
        actor=None,
        record=record,
        version=record.version,
        target=RelativePractice.Status.IMPLEMENTED,
        fields={"post_changed_on": D(2026, 4, 1), "new_post": "综合部门"},
    )
    services.alert_mark_done(actor=people.discipline, alert=alert, version=1, done_on=D(2026, 4, 1))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DONE


def test_other_rules_are_not_marked_done(people, province):
    from .queue_people import about

    alert = about(province.staff["shenhe"], key="undeclared:test")
    with pytest.raises(ValidationError):
        services.alert_mark_done(actor=people.discipline, alert=alert, version=1, note="x")


def test_the_day_done_is_not_in_the_future(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.alert_mark_done(
            actor=people.discipline, alert=alert, version=1, note="x", done_on=tomorrow
        )
    assert "done_on" in refused.value.message_dict


# --- the same actions through the API -----------------------------------------------------------
def test_api_dismiss_and_the_stale_version(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    client = api(people.discipline)
    url = f"/api/v1/alerts/{alert.pk}/dismiss/"
    assert client.post(url, {"version": 1}, format="json").status_code == 400  # no reason
    answer = client.post(url, {"version": 1, "reason": "已核实"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == "dismissed"
    assert answer.json()["version"] == 2
    stale = client.post(url, {"version": 1, "reason": "again"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"
    not_open = client.post(url, {"version": 2, "reason": "again"}, format="json")
    assert not_open.status_code == 400
    assert Alert.objects.get(pk=alert.pk).reason == "已核实"


def test_api_clue_and_done(people, alerts):
    client = api(people.discipline)
    withdrawal, recusal = alerts[Rule.PANEL_WITHDRAWAL], alerts[Rule.POST_RECUSAL]
    answer = client.post(f"/api/v1/alerts/{withdrawal.pk}/clue/", {"version": 1}, format="json")
    assert answer.status_code == 200
    clue = Clue.objects.get(pk=answer.json()["clue"])
    assert clue.source == Clue.Source.ALERT
    refused = client.post(
        f"/api/v1/alerts/{recusal.pk}/done/",
        {"version": 1, "done_on": "2026年3月5日"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["non_field_errors"]
    assert (
        client.post(f"/api/v1/alerts/{recusal.pk}/done/", {"version": 0}, format="json").status_code
        == 409
    )


def test_api_actions_out_of_scope_are_404(people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    for user in (people.outsider, people.officer, people.subject):
        answer = api(user).post(
            f"/api/v1/alerts/{alert.pk}/dismiss/", {"version": 1, "reason": "x"}, format="json"
        )
        assert answer.status_code == 404
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.OPEN


# --- the same actions on the page ---------------------------------------------------------------
def test_page_dismiss_with_a_stale_version_shows_the_error(client, people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    client.force_login(people.discipline)
    page = client.post(f"/alerts/{alert.pk}/dismiss/", {"version": 0, "reason": "已核实"})
    assert page.status_code == 200
    assert page.context["dismiss_form"].non_field_errors()
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.OPEN
    done = client.post(f"/alerts/{alert.pk}/dismiss/", {"version": 1, "reason": "已核实"})
    assert done.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.DISMISSED


def test_page_recusal_done_refused_until_ledger_3(client, people, alerts):
    alert = alerts[Rule.POST_RECUSAL]
    client.force_login(people.discipline)
    page = client.post(f"/alerts/{alert.pk}/done/", {"version": 1, "note": ""})
    assert page.status_code == 200
    assert page.context["done_form"].non_field_errors()
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.OPEN


def test_page_clue_leads_to_the_clue(client, people, alerts):
    alert = alerts[Rule.PANEL_WITHDRAWAL]
    client.force_login(people.discipline)
    answer = client.post(f"/alerts/{alert.pk}/clue/", {"version": 1})
    alert.refresh_from_db()
    assert answer.status_code == 302
    assert answer["Location"] == f"/inspections/clues/{alert.clue_id}/"


def test_done_is_offered_only_for_withdrawals_and_recusals(client, people, province):
    from .queue_people import about

    alert = about(province.staff["heping"], key="undeclared:page")
    client.force_login(people.discipline)
    page = client.get(f"/alerts/{alert.pk}/")
    assert page.context["may_dismiss"]
    assert page.context["may_clue"]
    assert not page.context["may_done"]
    assert client.post(f"/alerts/{alert.pk}/done/", {"version": 1, "note": "x"}).status_code == 404
