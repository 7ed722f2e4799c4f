"""/api/v1/notifications/: own notifications only (another's is the same 404 as a missing
one), cursor pages, ?unread=1, read, read-all, unread-count; in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from integrity.notify import services
from integrity.notify.models import Notification

from .conftest import due, person

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def _notify(member, n: int = 1, *, start: int = 0) -> list[Notification]:
    services.notify_now(
        [due(member, key=f"tests.api:{member.pk}:{i}") for i in range(start, start + n)]
    )
    return list(Notification.objects.filter(recipient=member).order_by("pk"))


@pytest.fixture
def me(province):
    return person(province)


@pytest.fixture
def api(me):
    client = APIClient()
    client.force_login(me.login)
    return client


def test_list_is_own_and_rendered(api, province, me):
    mine = _notify(me, 2)
    _notify(person(province), 3)
    body = api.get(URL).json()
    assert [row["id"] for row in body["results"]] == [n.pk for n in reversed(mine)]
    row = body["results"][0]
    assert row["title"] == "请填报：2026年度近亲属从事律师职业报告"
    assert row["body"] == "截止日期：2026-03-31。"
    assert row["url"] == "/ledgers/"
    assert row["open_url"] == f"/notifications/{mine[1].pk}/open/"
    assert row["is_read"] is False
    assert "count" not in body  # cursor pages: no COUNT over the table


def test_cursor_pages(api, me):
    _notify(me, 7)
    first = api.get(URL, {"page_size": 5}).json()
    assert len(first["results"]) == 5
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert second["next"] is None


def test_unread_filter_and_bad_input(api, me):
    first, second = _notify(me, 2)
    services.mark_read(actor=me.login, notification=first)
    assert [r["id"] for r in api.get(URL, {"unread": "1"}).json()["results"]] == [second.pk]
    assert len(api.get(URL, {"unread": "0"}).json()["results"]) == 2
    bad = api.get(URL, {"unread": "maybe"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["unread"] == ["必须是有效的布尔值。"]


def test_another_persons_notification_is_not_found(api, province):
    [theirs] = _notify(person(province))
    missing = api.get(f"{URL}999999/")
    assert missing.status_code == 404
    for response in (api.get(f"{URL}{theirs.pk}/"), api.post(f"{URL}{theirs.pk}/read/")):
        assert response.status_code == 404
        assert response.json() == missing.json()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_read_all_and_unread_count(api, province, me):
    first, _second, _third = _notify(me, 3)
    [theirs] = _notify(person(province))
    assert api.get(f"{URL}unread-count/").json() == {"unread": 3}
    read = api.post(f"{URL}{first.pk}/read/")
    assert read.status_code == 200
    assert read.json()["is_read"] is True
    assert api.get(f"{URL}unread-count/").json() == {"unread": 2}
    assert api.post(f"{URL}read-all/").json() == {"marked": 2}
    assert api.post(f"{URL}read-all/").json() == {"marked": 0}
    assert api.get(f"{URL}unread-count/").json() == {"unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_no_writes_but_reading(api, me):
    [mine] = _notify(me)
    assert api.delete(f"{URL}{mine.pk}/").status_code == 405
    assert api.patch(f"{URL}{mine.pk}/", {"read_at": None}, format="json").status_code == 405
    assert api.post(URL, {}).status_code == 405


def test_anonymous_is_refused():
    assert APIClient().get(URL).status_code == 401


def test_list_queries_are_fixed(api, me):
    _notify(me, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(URL).json()["results"]) == 3
    _notify(me, 40, start=3)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(URL).json()["results"]) == 43
    assert len(many.captured_queries) == len(few.captured_queries) <= 4


def test_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in [
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notifications/unread-count/",
    ]:
        assert path in paths, path
    listed = paths["/api/v1/notifications/"]["get"]
    assert "unread" in {p["name"] for p in listed["parameters"]}
    assert "post" in paths["/api/v1/notifications/{id}/read/"]
