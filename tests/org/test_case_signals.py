"""org.signals.cases_changed: sent once per committed transaction with every case written
(the case, its parties, agents or panel), never for a rolled-back one; the admin's save of a
case with its inlines is one announcement."""

import datetime as dt

import pytest
from django.db import transaction

from integrity.access.models import Role
from integrity.org import services
from integrity.org.models import Case, CaseAgent
from integrity.org.signals import announce, cases_changed

from ..factories import UserFactory, assign

pytestmark = pytest.mark.django_db


class Boom(Exception):
    """Raised inside a transaction to roll it back."""


@pytest.fixture
def announced():
    """The case ids of each cases_changed signal sent during the test."""
    sent: list[frozenset[int]] = []

    def receiver(sender, case_ids, **kwargs):
        sent.append(case_ids)

    cases_changed.connect(receiver, weak=False, dispatch_uid="test_case_signals")
    yield sent
    cases_changed.disconnect(dispatch_uid="test_case_signals")


def _case(province, sequence: int) -> Case:
    return services.case_save(
        actor=None,
        number=f"(2025)辽0102民初{sequence}号",
        court=province.courts["heping"],
        case_type=Case.Type.CIVIL,
    )


def _fail(province, sequence: int) -> None:
    """A transaction that writes a case, then fails."""
    with transaction.atomic():
        _case(province, sequence)
        raise Boom


def test_one_signal_per_transaction_with_every_case_written(
    province, announced, django_capture_on_commit_callbacks
):
    # given two new cases, a party of one, an agent of an existing case and a panel change
    existing = province.cases["shenhe"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first, second = _case(province, 501), _case(province, 502)
        services.case_party_save(actor=None, case=first, name="张三", role="plaintiff")
        services.case_agent_save(actor=None, case=existing, name="李四")
        services.case_save(actor=None, case=second, panel=[province.staff["heping"]])
        assert announced == []  # nothing before the commit
    # then one signal names all three cases
    assert announced == [frozenset({first.pk, second.pk, existing.pk})]


def test_nothing_is_sent_for_a_rolled_back_transaction(
    province, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom):
            _fail(province, 503)
        assert callbacks == []
        # the next transaction announces its own cases only
        with transaction.atomic():
            kept = _case(province, 504)
    assert announced == [frozenset({kept.pk})]
    assert not Case.objects.filter(number="(2025)辽0102民初503号").exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_signal_is_sent_at_once(announced):
    announce([7, None, 7])
    assert announced == [frozenset({7})]


@pytest.mark.django_db(transaction=True)
def test_committed_and_rolled_back_transactions_for_real(province, announced):
    # an import-like transaction of three cases: one signal after the commit
    with transaction.atomic():
        cases = [_case(province, 600 + n) for n in range(3)]
        assert announced == []
    assert announced == [frozenset(case.pk for case in cases)]
    # a transaction that fails sends nothing, and leaves nothing behind for the next one
    with pytest.raises(Boom):
        _fail(province, 700)
    assert len(announced) == 1
    with transaction.atomic():
        later = _case(province, 701)
    assert announced[1:] == [frozenset({later.pk})]


def test_the_admin_saves_a_case_with_a_guardian_as_one_announcement(
    client, province, announced, django_capture_on_commit_callbacks
):
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    client.force_login(officer)
    # the agent kinds offered include the guardian of a party
    page = client.get("/admin/org/case/add/").content.decode()
    assert 'value="guardian"' in page
    data = {
        "number": "（2025）辽0102民初801号",
        "court": province.courts["heping"].pk,
        "department": province.departments["heping"].pk,
        "case_type": "civil",
        "cause": "抚养纠纷",
        "filed_on": dt.date(2025, 4, 1).isoformat(),
        "presiding_judge": province.staff["heping"].pk,
        "panel": [province.staff["heping"].pk],
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-0-name": "小明",
        "parties-0-role": "plaintiff",
        "agents-TOTAL_FORMS": "1",
        "agents-INITIAL_FORMS": "0",
        "agents-0-name": "张大",
        "agents-0-kind": "guardian",
        "agents-0-role": "agent",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/org/case/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(number="(2025)辽0102民初801号")
    assert case.agents.get().kind == CaseAgent.Kind.GUARDIAN
    assert case.parties.get().name == "小明"
    assert announced == [frozenset({case.pk})]
    # and a change of the agent on the case's page is one more announcement, no new agent
    party, agent = case.parties.get(), case.agents.get()
    data.update(
        {
            "number": case.number,
            "parties-INITIAL_FORMS": "1",
            "parties-0-id": party.pk,
            "parties-0-case": case.pk,
            "agents-INITIAL_FORMS": "1",
            "agents-0-id": agent.pk,
            "agents-0-case": case.pk,
            "agents-0-party": party.pk,
            "agents-0-kind": "relative",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/org/case/{case.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert (agent.kind, agent.party, case.agents.count()) == ("relative", party, 1)
    assert announced == [frozenset({case.pk})] * 2
