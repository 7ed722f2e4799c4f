"""Every write to notifications: telling someone now (events), scheduling the sweep and the
emails, and marking notifications read.

Reading a notification is not audited: it changes no record of the ledgers or of anyone's
duties, only the reader's own unread marker, and the audit trail is kept for record changes
(shared/DESIGN.md "Audit"). Nothing here writes an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from integrity.access import policy
from integrity.access.models import User

from . import reminders
from .models import Notification
from .reminders import Due

# Up to this many recipients, their logins are looked up by id; above, all logins are read.
EMAIL_LOOKUP_IDS = 5000


def email_addresses(staff_ids: Iterable[int]) -> dict[int, str]:
    """The email address of each staff member who has an active login with one."""
    wanted = set(staff_ids)
    if not wanted:
        return {}
    logins = User.objects.filter(is_active=True, staff__isnull=False).exclude(email="")
    if len(wanted) <= EMAIL_LOOKUP_IDS:
        return dict(logins.filter(staff_id__in=wanted).values_list("staff_id", "email"))
    # A campaign across many courts: one pass over the logins with an address costs less
    # than dozens of long id lists (350,000 staff: under a second instead of a dozen).
    rows = logins.values_list("staff_id", "email").iterator(chunk_size=20000)
    return {staff: email for staff, email in rows if staff in wanted}


def deliver_soon() -> None:
    """Send the waiting emails as soon as the current transaction commits (at once outside
    one): the email of a notification never goes out for a change that was rolled back."""
    from . import tasks

    transaction.on_commit(lambda: tasks.deliver_emails.delay())


def sweep_soon() -> None:
    """Run one reminder sweep once the current transaction commits. Opening a campaign calls
    this, so that every staff member in scope is told within minutes, not at the next hourly
    sweep. The sweep is idempotent: an extra run costs nothing."""
    from . import tasks

    transaction.on_commit(lambda: tasks.run_sweep.delay())


def notify_now(dues: Iterable[Due]) -> int:
    """Tell people about an event now (a declaration returned or signed, a one-click reminder
    to the overdue): writes the notifications in the caller's transaction, through the sweep's
    writer, so a duplicate (same recipient and key) is silently skipped. Emails go out after
    the transaction commits. Returns how many notifications were new."""
    written = reminders.write(dues)
    if written.emails:
        deliver_soon()
    return written.created


def inbox(*, actor: Any) -> Any:
    """The actor's own notifications, through the scoping policy. Nobody, not even a
    superuser, reads someone else's inbox here."""
    staff_id = getattr(actor, "staff_id", None)
    if not staff_id:
        return Notification.objects.none()
    return policy.scope(actor, Notification.objects.filter(recipient_id=staff_id))


def mark_read(*, actor: Any, notification: Notification) -> bool:
    """Mark one of the actor's own notifications read (the first reading time is kept).
    Returns whether it was unread."""
    if notification.recipient_id != getattr(actor, "staff_id", None):
        raise PermissionDenied
    policy.require(actor, policy.CHANGE, notification)
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    if changed:
        notification.read_at = now
    return bool(changed)


def mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    mine = policy.scope(actor, inbox(actor=actor), policy.CHANGE)
    return mine.filter(read_at__isnull=True).update(read_at=timezone.now())
