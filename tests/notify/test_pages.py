"""The inbox page and the unread count in the header: own notifications only, in the reader's
language, keyset pages, mark read (one, by following it, all), a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.notify import services
from integrity.notify.models import Notification

from ..factories import UserFactory, assign
from .conftest import LANGUAGE_KIND, due, person

pytestmark = pytest.mark.django_db


def _notify(member, n: int = 1, *, url: str = "/ledgers/") -> list[Notification]:
    services.notify_now(
        [
            type(due(member))(
                recipient_id=member.pk,
                court_id=member.court_id,
                kind="tests.reminder",
                key=f"tests.page:{member.pk}:{i}",
                params={"campaign": f"第{i}期报告", "due": "2026-03-31"},
                url=url,
            )
            for i in range(n)
        ]
    )
    return list(Notification.objects.filter(recipient=member).order_by("pk"))


@pytest.fixture
def me(province, client):
    member = person(province)
    client.force_login(member.login)
    return member


def test_inbox_shows_own_notifications_only(client, province, me):
    _notify(me)
    other = person(province)
    _notify(other, url="/ledgers/secret/")
    other_title = "第0期报告"
    body = client.get("/notifications/").content.decode()
    assert body.count(other_title) == 1  # mine; the other person's is not listed
    assert f"/notifications/{Notification.objects.get(recipient=other).pk}/" not in body
    assert "请填报：第0期报告" in body
    assert "截止日期：2026-03-31。" in body
    assert "未读" in body


def test_another_persons_notification_is_not_found(client, province, me):
    [theirs] = _notify(person(province))
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/notifications/999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # the attempt on an existing notification is in the audit trail, like other denials
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


def test_a_superuser_reads_only_their_own_inbox(client, province):
    [theirs] = _notify(person(province))
    root_member = person(province, login=False)
    root = UserFactory(is_superuser=True, staff=root_member)
    client.force_login(root)
    assert "第0期报告" not in client.get("/notifications/").content.decode()
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404


def test_open_marks_read_and_follows_the_link(client, me):
    [mine] = _notify(me, url="/ledgers/relatives/")
    response = client.get(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/ledgers/relatives/"
    mine.refresh_from_db()
    first_read = mine.read_at
    assert first_read is not None
    # opening again keeps the first reading time
    client.get(f"/notifications/{mine.pk}/open/")
    mine.refresh_from_db()
    assert mine.read_at == first_read


def test_open_never_redirects_off_site(client, me):
    [mine] = _notify(me, url="https://evil.example/phish")
    response = client.get(f"/notifications/{mine.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_mark_one_read_and_filter_unread(client, me):
    first, second = _notify(me, 2)
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    unread = client.get("/notifications/", {"show": "unread"}).content.decode()
    assert "第1期报告" in unread
    assert "第0期报告" not in unread
    everything = client.get("/notifications/").content.decode()
    assert "第0期报告" in everything


def test_marking_needs_post(client, me):
    [mine] = _notify(me)
    assert client.get(f"/notifications/{mine.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405


def test_mark_all_read_touches_only_own(client, province, me):
    _notify(me, 3)
    [theirs] = _notify(person(province))
    events_before = AuditEvent.objects.count()
    response = client.post("/notifications/read-all/", follow=True)
    assert "3 条通知已标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AuditEvent.objects.count() == events_before  # reading is not a record change


def test_inbox_is_keyset_paged(client, me):
    _notify(me, 35)
    first = client.get("/notifications/").content.decode()
    assert first.count('class="notice unread"') == 30
    after = re.search(r'href="\?(after=\d+)"', first).group(1)
    second = client.get(f"/notifications/?{after}").content.decode()
    assert second.count('class="notice unread"') == 5
    assert "第0期报告" in second
    assert "第34期报告" not in second


def test_inbox_speaks_the_readers_language(client, me):
    services.notify_now(
        [
            type(due(me))(
                recipient_id=me.pk,
                court_id=me.court_id,
                kind=LANGUAGE_KIND,
                key="tests.language",
                params={"limit_value": 5},
            )
        ]
    )
    assert "确保该值大于或等于5。" in client.get("/notifications/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/notifications/").content.decode()
    assert "Ensure this value is greater than or equal to 5." in body
    assert "Mark all read" in body


def test_a_login_without_staff_record_has_no_inbox(client, province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    client.force_login(user)
    home = client.get("/").content.decode()
    assert "/notifications/" not in home
    assert "未关联干警档案" in client.get("/notifications/").content.decode()


def test_header_shows_the_unread_count_on_every_page(client, me):
    _notify(me, 3)
    for url in ["/", "/me/", "/notifications/"]:
        body = client.get(url).content.decode()
        assert re.search(r'class="inbox-count"[^>]*>3</span>', body), url
    client.post("/notifications/read-all/")
    assert 'class="inbox-count"' not in client.get("/").content.decode()


def _notify_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "notify_notification" in q["sql"]]


def test_header_count_is_one_indexed_count_query(client, me):
    _notify(me, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/me/").status_code == 200
    _notify(me, 40)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/me/").content.decode()
    assert 'class="inbox-count"' in body
    [count] = _notify_queries(many.captured_queries)
    assert count.startswith("SELECT COUNT(*)")
    assert 'read_at" IS NULL' in count
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pages_without_the_header_do_not_count(client, me):
    _notify(me, 2)
    with CaptureQueriesContext(connection) as captured:
        client.get("/healthz")
        client.get("/api/v1/notifications/unread-count/")
    # the API's own count only; the context processor's count is never evaluated
    assert len(_notify_queries(captured.captured_queries)) == 1


def test_inbox_page_queries_are_fixed(client, me, django_assert_num_queries):
    _notify(me, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/notifications/").status_code == 200
    _notify(me, 40)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/notifications/").status_code == 200
    # session, user, role assignments, the page, the unread count (+ navigation's own)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(_notify_queries(many.captured_queries)) == 2
