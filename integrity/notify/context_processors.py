"""The unread count in the header of every page."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services import inbox


def unread(request: HttpRequest) -> dict[str, Any]:
    """For a user with a staff record: one COUNT on the partial index ``notify_unread``,
    run only when a template shows it (JSON and partial responses pay nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "staff_id", None):
        return {}
    return {
        "notify_inbox": True,
        "notify_unread": SimpleLazyObject(
            lambda: inbox(actor=user).filter(read_at__isnull=True).count()
        ),
    }
