"""The email that goes with a notification (issue 4, "Reliability").

The in-app notification is written first and stands on its own; the email is a second,
retried delivery of it. A failing mail server therefore never loses or hides a reminder: the
notification stays unread in the inbox while its email waits for the next attempt.

Each batch *claims* the rows it will send with one compare-and-set UPDATE that writes a claim
token: only rows still due are taken, so two workers running at once never send the same
email. While a row is being sent, ``email_next_at`` holds the end of its lease; a worker that
dies mid-batch leaves rows whose lease runs out, and the next batch takes them again. (Such a
row may have been handed to the mail server just before the worker died: after a crash an
email can arrive twice, never zero times.)

Retries back off exponentially: ``NOTIFY_EMAIL_RETRY_SECONDS * 2 ** (attempts - 1)``; after
``NOTIFY_EMAIL_MAX_ATTEMPTS`` failures the row is given up, its last error kept.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .kinds import body_of, title_of
from .models import Notification

logger = logging.getLogger(__name__)

DUE = [Notification.Email.PENDING, Notification.Email.FAILED, Notification.Email.SENDING]


def retry_seconds() -> int:
    return int(getattr(settings, "NOTIFY_EMAIL_RETRY_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_EMAIL_MAX_ATTEMPTS", 6))


def lease_seconds() -> int:
    return int(getattr(settings, "NOTIFY_EMAIL_LEASE_SECONDS", 600))


def batch_size() -> int:
    return int(getattr(settings, "NOTIFY_EMAIL_BATCH", 100))


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return datetime.timedelta(seconds=retry_seconds() * 2 ** max(attempts - 1, 0))


@dataclass
class Delivery:
    """What one or more batches did."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0  # will be retried
    given_up: int = 0
    no_address: int = 0  # the recipient has no active login with an email address any more
    lost: int = 0  # the claim ran out and another worker took the row over

    def add(self, other: Delivery) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def due(now: datetime.datetime) -> QuerySet[Notification]:
    """Rows whose email should go out at ``now``: waiting, failed and due for a retry, or
    claimed by a worker whose lease has run out. One range on the partial index
    ``notify_email_due``."""
    return Notification.objects.filter(email_status__in=DUE, email_next_at__lte=now)


def link(notification: Notification) -> str:
    """The absolute address that opens the notification (and marks it read)."""
    base = str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return base + reverse("notify:open", args=[notification.pk])


def message(notification: Notification, address: str, connection: Any = None) -> EmailMessage:
    """The email for one notification, in the system's default language (zh-hans): the
    recipient has no language of their own until they log in."""
    with translation.override(settings.LANGUAGE_CODE):
        title = title_of(notification.kind, notification.params)
        body = body_of(notification.kind, notification.params)
        lines = [title, ""]
        if body:
            lines += [body, ""]
        lines += [
            _("Open it in Qinglian: %(link)s") % {"link": link(notification)},
            "",
            "-- ",
            _("This message was sent automatically by Qinglian. Please do not reply to it."),
        ]
        subject = " ".join(title.split())  # a header holds no line breaks
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"X-Qinglian-Notification": str(notification.pk)},
        connection=connection,
    )


def _claim(now: datetime.datetime, limit: int) -> tuple[str, list[int]]:
    token = str(uuid.uuid4())
    ids = list(due(now).order_by("email_next_at").values_list("pk", flat=True)[:limit])
    if not ids:
        return token, []
    # Compare-and-set: the WHERE repeats "still due", so of two workers that read the same
    # ids, the second finds them taken (on PostgreSQL it waits for the first to commit and
    # re-checks the row; SQLite runs one writer at a time).
    due(now).filter(pk__in=ids).update(
        email_status=Notification.Email.SENDING,
        email_claim=token,
        email_claimed_at=now,
        email_next_at=now + datetime.timedelta(seconds=lease_seconds()),
    )
    return token, ids


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def deliver_due(now: datetime.datetime | None = None, *, limit: int | None = None) -> Delivery:
    """Send one batch of due emails through one mail-server connection.

    A fixed number of queries per batch: pick, claim, load, addresses, then one UPDATE for the
    sent rows and one per distinct (attempt, error) among the failed ones."""
    from .services import email_addresses

    now = now or timezone.now()
    token, candidates = _claim(now, limit or batch_size())
    result = Delivery()
    if not candidates:
        return result
    rows = list(Notification.objects.filter(pk__in=candidates, email_claim=token).order_by("pk"))
    result.claimed = len(rows)
    if not rows:
        return result
    addresses = email_addresses({row.recipient_id for row in rows})
    sent: list[int] = []
    no_address: list[int] = []
    failures: dict[tuple[int, str], list[int]] = defaultdict(list)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # the server is down: every row of the batch fails alike
        text = _error_text(error)
        for row in rows:
            if row.recipient_id in addresses:
                failures[(row.email_attempts + 1, text)].append(row.pk)
            else:
                no_address.append(row.pk)
    else:
        try:
            for row in rows:
                address = addresses.get(row.recipient_id)
                if not address:
                    no_address.append(row.pk)
                    continue
                try:
                    if connection.send_messages([message(row, address, connection)]) != 1:
                        raise RuntimeError("the mail backend did not accept the message")
                except Exception as error:
                    failures[(row.email_attempts + 1, _error_text(error))].append(row.pk)
                else:
                    sent.append(row.pk)
        finally:
            try:
                connection.close()
            except Exception:  # closing a broken connection must not undo what was sent
                logger.warning("closing the mail connection failed", exc_info=True)
    mine = Notification.objects.filter(email_claim=token)
    if sent:
        done = mine.filter(pk__in=sent).update(
            email_status=Notification.Email.SENT,
            emailed_at=now,
            email_attempts=F("email_attempts") + 1,
            email_claim="",
            email_next_at=None,
            email_error="",
        )
        result.sent = done
        result.lost += len(sent) - done
    if no_address:
        done = mine.filter(pk__in=no_address).update(
            email_status=Notification.Email.NONE, email_claim="", email_next_at=None
        )
        result.no_address = done
        result.lost += len(no_address) - done
    limit_attempts = max_attempts()
    for (attempts, text), ids in failures.items():
        give_up = attempts >= limit_attempts
        done = mine.filter(pk__in=ids).update(
            email_status=Notification.Email.GIVEN_UP if give_up else Notification.Email.FAILED,
            email_attempts=attempts,
            email_next_at=None if give_up else now + backoff(attempts),
            email_error=text,
            email_claim="",
        )
        if give_up:
            result.given_up += done
            logger.error("giving up the email of %s notifications: %s", done, text)
        else:
            result.failed += done
            logger.warning("email of %s notifications failed, will retry: %s", done, text)
        result.lost += len(ids) - done
    return result


def deliver_all(now: datetime.datetime | None = None, *, max_batches: int = 50) -> Delivery:
    """Batches until nothing is due (or ``max_batches``; the next run continues)."""
    now = now or timezone.now()
    total = Delivery()
    limit = batch_size()
    for _batch in range(max_batches):
        result = deliver_due(now, limit=limit)
        total.add(result)
        if result.claimed < limit:
            break
    return total
