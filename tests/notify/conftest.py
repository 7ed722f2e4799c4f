"""A reminder source of the tests' own, so that these tests do not depend on the ledgers'
sources: it reminds the staff members listed in ``TestSource.recipients`` for the day swept."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils.translation import gettext_lazy as django_catalog

from integrity.access.models import Role
from integrity.notify import kinds, reminders
from integrity.notify.reminders import Due
from integrity.org.models import StaffMember

from ..factories import StaffMemberFactory, UserFactory, assign

SOURCE = "tests.notify.source"
KIND = "tests.reminder"
LANGUAGE_KIND = "tests.language"
DAY = datetime.date(2026, 3, 31)

kinds.register(
    # Plain text: the tests add no messages to the project's catalogue.
    kinds.Kind(KIND, "请填报：%(campaign)s", "截止日期：%(due)s。"),
    # A message Django translates itself, to see a notification in the reader's language.
    kinds.Kind(
        LANGUAGE_KIND,
        django_catalog("Ensure this value is greater than or equal to %(limit_value)s."),
    ),
)


@dataclass
class TestSource:
    recipients: list[StaffMember] = field(default_factory=list)
    calls: int = 0

    def __call__(self, today: datetime.date) -> list[Due]:
        self.calls += 1
        return [due(member, today) for member in self.recipients]


def due(member: StaffMember, today: datetime.date = DAY, *, key: str | None = None) -> Due:
    return Due(
        recipient_id=member.pk,
        court_id=member.court_id,
        kind=KIND,
        key=key or f"tests.campaign:1:due:{today.isoformat()}",
        params={"campaign": "2026年度近亲属从事律师职业报告", "due": today.isoformat()},
        url="/ledgers/",
        subject_type="tests.campaign",
        subject_id="1",
    )


@pytest.fixture
def test_source():
    found = TestSource()
    reminders.source(SOURCE)(found)
    yield found
    reminders.unregister(SOURCE)


def person(province, court: str = "heping", *, email: str = "", login: bool = True, **kw):
    """A staff member at ``court`` with (by default) a staff login and that email address."""
    member = StaffMemberFactory(
        court=province.courts[court], department=province.departments[court], **kw
    )
    if login:
        user = UserFactory(staff=member, email=email)
        assign(user, Role.STAFF, province.courts[court])
        member.login = user
    return member


@pytest.fixture(autouse=True)
def _outbox_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://qinglian.court.example"


@pytest.fixture
def celery_eager():
    """Tasks run inline where they are queued (the worker itself is tested in test_tasks)."""
    from integrity.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
