"""The alert queue's pages and API (issue 7 §4): the list with its filters, counts and keyset
pages at a fixed number of queries; the detail with the rule, its source, what to do, the
evidence, the match, the records the viewer may open, ledger 3's state and the history; the
API in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from integrity.access import policy
from ledgers.alerts import selectors, services
from ledgers.alerts.models import Alert
from ledgers.conflicts import Rule

from . import queue_people
from .queue_people import api, conflict_at, findings, spouse_on_panel

pytestmark = pytest.mark.django_db
people = queue_people.people  # the fixture

# session, user, role assignments, the court subtree of the assignment, the page of alerts
# (with court, department, subject, case and its court), the open counts by rule, the unread
# notifications and the user's staff record (the header), the filter's courts
LIST_QUERIES = 9
# session, user, role assignments, the court subtree, the page of alerts
API_LIST_QUERIES = 5


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_costs_the_same_for_1_and_10_alerts(
    client, people, province, count, django_assert_num_queries
):
    findings(province, count)
    client.force_login(people.discipline)
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get("/alerts/")
    assert len(page.context["rows"]) == count
    assert "代理人0" in page.content.decode()


@pytest.mark.parametrize("count", [1, 10])
def test_the_api_list_costs_the_same_for_1_and_10_alerts(
    people, province, count, django_assert_num_queries
):
    findings(province, count)
    client = api(people.discipline)
    with django_assert_num_queries(API_LIST_QUERIES):
        answer = client.get("/api/v1/alerts/", HTTP_ACCEPT_LANGUAGE="en")
    rows = answer.json()["results"]
    assert len(rows) == count
    assert rows[-1]["evidence"] == (
        "In case (2025)辽0102民初1号, the litigation agent 代理人0 (辽宁正义律师事务所) is the "
        "spouse that presiding judge heping法官 declared."
    )


def test_filters(client, people, province, heping_case):
    alerts = spouse_on_panel(province, heping_case)
    other = conflict_at(province, "shenhe", name="钱芳", licence="12101201810000022")
    withdrawal = alerts[Rule.PANEL_WITHDRAWAL]
    client.force_login(people.discipline)

    def listed(**params):
        return {row["alert"].pk for row in client.get("/alerts/", params).context["rows"]}

    everything = {withdrawal.pk, alerts[Rule.POST_RECUSAL].pk, other.pk}
    assert listed() == everything
    assert listed(rule="panel_withdrawal") == {withdrawal.pk}
    assert listed(court=province.courts["shenhe"].pk) == {other.pk}
    assert listed(case="（2025）辽0102民初1号") == {withdrawal.pk, alerts[Rule.POST_RECUSAL].pk}
    assert listed(case="辽0103") == {other.pk}
    assert listed(q="钱芳") == {other.pk}
    assert listed(q="heping法官") == {withdrawal.pk, alerts[Rule.POST_RECUSAL].pk}
    assert listed(severity="high") == everything
    assert listed(severity="low") == set()
    assert listed(weaker="on") == set()
    Alert.objects.filter(pk=other.pk).update(strength="name", severity="medium")
    assert listed(weaker="on") == {other.pk}
    Alert.objects.filter(pk=withdrawal.pk).update(status=Alert.Status.DISMISSED)
    assert listed() == everything - {withdrawal.pk}
    assert listed(status="dismissed") == {withdrawal.pk}
    assert listed(status="all") == everything
    api_rows = api(people.discipline).get("/api/v1/alerts/", {"status": "dismissed"}).json()
    assert [row["id"] for row in api_rows["results"]] == [withdrawal.pk]
    assert api(people.discipline).get("/api/v1/alerts/", {"status": "bogus"}).status_code == 400


def test_the_counts_by_rule_are_of_the_open_alerts(client, people, province, heping_case):
    alerts = spouse_on_panel(province, heping_case)
    Alert.objects.filter(pk=alerts[Rule.POST_RECUSAL].pk).update(status=Alert.Status.DISMISSED)
    client.force_login(people.discipline)
    page = client.get("/alerts/")
    counts = {rule: count for rule, _label, count in page.context["counts"]}
    assert counts["panel_withdrawal"] == 1
    assert counts["post_recusal"] == 0
    assert page.context["open_total"] == 1


def test_keyset_pages_forwards_and_backwards(people, province):
    made = findings(province, 7)  # all raised at the same moment: the id breaks the tie
    Alert.objects.filter(pk=made[0].pk).update(changed_at=made[0].changed_at.replace(year=2030))
    queue = selectors.alert_list(actor=people.discipline)
    order = [made[0].pk] + [alert.pk for alert in reversed(made[1:])]
    seen, params = [], QueryDict(mutable=True)
    while True:
        page = selectors.alert_page(queue, params, size=3)
        seen += [alert.pk for alert in page.rows]
        if page.next_after is None:
            break
        params = QueryDict(page.next_url[1:])
    assert seen == order
    back = selectors.alert_page(queue, QueryDict(page.prev_url[1:]), size=3)
    assert [alert.pk for alert in back.rows] == order[3:6]
    assert selectors.alert_page(queue, QueryDict("after=nonsense"), size=3).rows[0].pk == order[0]


def test_the_detail_page_explains_the_alert(client, people, province, heping_case):
    alert = spouse_on_panel(province, heping_case)[Rule.POST_RECUSAL]
    client.force_login(people.discipline)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Post recusal triggered" in body
    assert "法发〔2020〕13号 art. 2" in body  # the source
    assert "application within a month" in body  # what to do
    assert "the litigation agent 李明" in body
    assert "Same licence number" in body
    assert "Recusal required, pending" in body  # ledger 3
    assert f'href="/ledgers/relatives/{alert.relative_id}/"' in body
    assert f'href="/cases/{heping_case.pk}/"' in body
    assert "Raised by the early-warning check" in body  # the history
    assert f'action="/alerts/{alert.pk}/done/"' in body
    assert f'action="/alerts/{alert.pk}/clue/"' in body
    Alert.objects.filter(pk=alert.pk).update(reopened=2)
    assert "reopened 2 times" in client.get(f"/alerts/{alert.pk}/").content.decode()


def test_a_record_link_is_left_out_when_the_viewer_may_not_open_it(
    client, province, people, heping_case, monkeypatch
):
    alert = spouse_on_panel(province, heping_case)[Rule.POST_RECUSAL]
    client.force_login(people.discipline)
    links = {link.url for link in client.get(f"/alerts/{alert.pk}/").context["links"]}
    assert links == {f"/cases/{heping_case.pk}/", f"/ledgers/relatives/{alert.relative_id}/"}
    can = policy.can

    def not_the_case(user, action, obj):
        return False if obj._meta.model_name == "case" else can(user, action, obj)

    monkeypatch.setattr(policy, "can", not_the_case)
    links = {link.url for link in client.get(f"/alerts/{alert.pk}/").context["links"]}
    assert links == {f"/ledgers/relatives/{alert.relative_id}/"}


def test_the_actions_are_offered_only_to_who_may_take_them(client, people, province, heping_case):
    alert = spouse_on_panel(province, heping_case)[Rule.PANEL_WITHDRAWAL]
    client.force_login(people.leader)  # leaders act on alerts but register no clues
    page = client.get(f"/alerts/{alert.pk}/")
    assert page.context["may_dismiss"]
    assert page.context["may_done"]
    assert not page.context["may_clue"]
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.DISMISSED)
    page = client.get(f"/alerts/{alert.pk}/")
    assert not page.context["may_dismiss"]
    assert not page.context["may_done"]
    assert not page.context["may_clue"]


def test_pages_in_english_and_chinese(client, people, province, heping_case):
    spouse_on_panel(province, heping_case)
    client.force_login(people.discipline)
    assert 'lang="zh-hans"' in client.get("/alerts/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/alerts/").content.decode()
    assert 'lang="en"' in body
    assert "Judge must withdraw from the case" in body
    assert "is the spouse that presiding judge heping法官 declared" in body


def test_the_api_is_in_the_openapi_schema(client, people):
    client.force_login(people.discipline)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/alerts/" in paths
    for action in ("dismiss", "clue", "done"):
        assert "post" in paths[f"/api/v1/alerts/{{id}}/{action}/"]
    parameters = {p["name"] for p in paths["/api/v1/alerts/"]["get"]["parameters"]}
    assert {"rule", "status", "severity", "court", "weaker", "case", "q"} <= parameters


def test_the_history_names_people_not_logins(client, people, province, heping_case):
    alert = spouse_on_panel(province, heping_case)[Rule.POST_RECUSAL]
    services.alert_dismiss(
        actor=people.discipline, alert=alert, version=alert.version, reason="已核实，不构成"
    )
    client.force_login(people.discipline)
    history = client.get(f"/alerts/{alert.pk}/").context["history"]
    name = people.discipline.display_name()
    assert name != people.discipline.username
    assert history[-1].action == "alerts.alert.raise"
    assert [event.actor_shown for event in history] == [name] * (len(history) - 1) + ["预警"]
    assert len(history) > 1
