"""Notifications in the admin: read-only, and an administrator sees their jurisdiction only."""

from __future__ import annotations

import pytest

from integrity.access.models import Role
from integrity.notify import services

from ..factories import UserFactory, assign
from .conftest import due, person

pytestmark = pytest.mark.django_db


def test_admin_lists_the_jurisdiction_read_only(client, province):
    services.notify_now([due(person(province, name="和平干警"))])
    services.notify_now([due(person(province, "dalian", name="大连干警"))])
    admin = UserFactory()
    assign(admin, Role.ADMIN, province.courts["heping"])
    client.force_login(admin)
    listing = client.get("/admin/notify/notification/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "和平干警" in body
    assert "大连干警" not in body
    assert "/admin/notify/notification/add/" not in body
    from integrity.notify.models import Notification

    mine = Notification.objects.get(recipient__name="和平干警")
    other = Notification.objects.get(recipient__name="大连干警")
    detail = client.get(f"/admin/notify/notification/{mine.pk}/change/")
    assert detail.status_code == 200
    assert "请填报：2026年度近亲属从事律师职业报告" in detail.content.decode()
    assert 'name="email_status"' not in detail.content.decode()  # nothing editable
    assert client.get(f"/admin/notify/notification/{other.pk}/change/").status_code == 302
    assert client.get(f"/admin/notify/notification/{mine.pk}/delete/").status_code == 403


def test_an_officer_sees_only_their_own_in_the_admin(client, province):
    me = person(province, name="本人干警")
    services.notify_now([due(me)])
    services.notify_now([due(person(province, name="同院干警"))])
    assign(me.login, Role.OFFICER, province.courts["heping"])
    client.force_login(me.login)
    body = client.get("/admin/notify/notification/").content.decode()
    assert "本人干警" in body
    assert "同院干警" not in body


def test_nobody_manages_a_notification_not_even_an_officer_of_the_court(province):
    from integrity.access import policy
    from integrity.notify.models import Notification

    services.notify_now([due(person(province, name="和平干警"))])
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    notification = Notification.objects.get()
    assert not policy.can(officer, policy.MANAGE, notification)
    assert not policy.can(officer, policy.CHANGE, notification)
