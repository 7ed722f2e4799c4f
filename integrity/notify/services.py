"""Every write to notifications: telling someone now (events), marking read, and the email
that goes with a notification."""

from __future__ import annotations

from collections.abc import Iterable

from integrity.access.models import User


def email_addresses(staff_ids: Iterable[int]) -> dict[int, str]:
    """The email address of each staff member who has an active login with one."""
    ids = list(staff_ids)
    found: dict[int, str] = {}
    for start in range(0, len(ids), 5000):
        rows = (
            User.objects.filter(staff_id__in=ids[start : start + 5000], is_active=True)
            .exclude(email="")
            .values_list("staff_id", "email")
        )
        found.update(rows)
    return found
