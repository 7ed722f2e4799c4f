"""Who reaches which alert (issue 7: "alerts respect scope and the leader-as-subject rule"),
the same on the list page, the detail page, the API list and detail, and the admin: a
basic court's discipline team sees its court's alerts only; a leader sees the courts of their
jurisdiction; the staff member concerned never sees an alert about themselves; an alert about
a court president is hidden from that court's leaders and reached by the discipline team and
the court above. Out of scope is the same 404 as missing."""

from __future__ import annotations

import pytest

from integrity.audit.models import AuditEvent
from ledgers.alerts.models import Alert

from ..factories import UserFactory
from . import queue_people
from .queue_people import about, api, conflict_at

pytestmark = pytest.mark.django_db
people = queue_people.people  # the fixture


@pytest.fixture
def spread(province):
    """A post recusal alert at 和平 (basic), 沈河 (basic, same city) and 中山 (another city),
    and one about the president of 和平."""
    return {
        "heping": conflict_at(province, "heping", name="赵敏", licence="12101201810000011"),
        "shenhe": conflict_at(province, "shenhe", name="钱芳", licence="12101201810000022"),
        "zhongshan": conflict_at(province, "zhongshan", name="孙丽", licence="12101201810000033"),
        "president": conflict_at(
            province, "heping", name="李娜", licence="12101201810000044", post="president"
        ),
    }


REACH = {
    "discipline": {"heping", "shenhe", "president"},
    "basic_discipline": {"heping", "president"},
    "leader": {"heping", "shenhe", "president"},
    "vice": {"heping"},
    "officer": set(),
    "outsider": {"zhongshan"},
}


def _listed(client, user) -> set[int]:
    client.force_login(user)
    page = client.get("/alerts/")
    if page.status_code == 404:
        return set()
    return {row["alert"].pk for row in page.context["rows"]}


@pytest.mark.parametrize("who", sorted(REACH))
def test_each_role_reaches_its_alerts_everywhere(client, people, spread, who):
    user = getattr(people, who)
    expected = {spread[key].pk for key in REACH[who]}
    assert _listed(client, user) == expected
    api_list = api(user).get("/api/v1/alerts/")
    assert api_list.status_code == 200
    assert {row["id"] for row in api_list.json()["results"]} == expected
    for key, alert in spread.items():
        seen = key in REACH[who]
        assert client.get(f"/alerts/{alert.pk}/").status_code == (200 if seen else 404)
        assert api(user).get(f"/api/v1/alerts/{alert.pk}/").status_code == (200 if seen else 404)


def test_the_alert_about_a_president_is_hidden_from_that_courts_leaders(client, people, spread):
    alert = spread["president"]
    assert alert.about_leader
    client.force_login(people.vice)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404
    assert client.get("/alerts/", {"q": "李娜"}).context["rows"] == []
    client.force_login(people.leader)  # the court above
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200
    found = client.get("/alerts/", {"q": "李娜"}).context["rows"]
    assert [row["alert"].pk for row in found] == [alert.pk]


def test_the_subject_never_sees_an_alert_about_themselves(client, people, province, spread):
    mine = about(province.staff["heping"], key="undeclared:mine")
    others = spread["heping"]
    assert _listed(client, people.subject) == {others.pk, spread["president"].pk}
    assert client.get(f"/alerts/{mine.pk}/").status_code == 404
    assert api(people.subject).get(f"/api/v1/alerts/{mine.pk}/").status_code == 404
    client.force_login(people.discipline)
    assert client.get(f"/alerts/{mine.pk}/").status_code == 200


def test_missing_and_out_of_scope_are_the_same_404_and_the_attempt_is_recorded(
    client, people, spread
):
    client.force_login(people.outsider)
    alert = spread["heping"]
    out_of_scope = client.get(f"/alerts/{alert.pk}/")
    missing = client.get("/alerts/999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert AuditEvent.objects.filter(
        action="access.denied", object_type="alerts.alert", object_id=str(alert.pk)
    ).exists()
    assert api(people.outsider).get("/api/v1/alerts/999999/").status_code == 404


def test_without_a_role_for_alerts_the_queue_is_not_there(client, people):
    client.force_login(people.officer)
    assert client.get("/alerts/").status_code == 404
    assert 'href="/alerts/"' not in client.get("/").content.decode()
    client.force_login(people.discipline)
    assert 'href="/alerts/"' in client.get("/").content.decode()


def test_viewing_an_alert_is_recorded(client, people, spread):
    alert = spread["heping"]
    client.force_login(people.discipline)
    client.get(f"/alerts/{alert.pk}/")
    api(people.leader).get(f"/api/v1/alerts/{alert.pk}/")
    viewers = AuditEvent.objects.filter(
        action="alerts.alert.view", object_id=str(alert.pk)
    ).values_list("actor__username", flat=True)
    assert sorted(viewers) == ["discipline", "leader"]


def test_the_admin_is_read_only_and_scoped(client, province, spread):
    superuser = UserFactory(is_superuser=True)
    client.force_login(superuser)
    listing = client.get("/admin/alerts/alert/")
    assert listing.status_code == 200
    assert f"/alerts/{spread['zhongshan'].pk}/" in listing.content.decode()
    detail = client.get(f"/admin/alerts/alert/{spread['heping'].pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/alerts/alert/add/").status_code == 403
    assert client.post(f"/admin/alerts/alert/{spread['heping'].pk}/delete/").status_code == 403
    assert Alert.objects.count() == 4


def test_the_admin_offers_no_alerts_to_a_court_officer(client, people, spread):
    client.force_login(people.officer)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/alerts/alert/").status_code == 403
