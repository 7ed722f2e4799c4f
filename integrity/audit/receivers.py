"""Logins, logouts, failed logins and lockouts are audit events too."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import events


def _court_id(user: Any) -> int | None:
    staff = getattr(user, "staff", None)
    return staff.court_id if staff is not None else None


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    events.record(actor=user, action="auth.login", obj=user, court_id=_court_id(user))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        events.record(actor=user, action="auth.logout", obj=user, court_id=_court_id(user))


def _attempted_user(username: str) -> Any:
    return get_user_model()._default_manager.filter(username=username).first()


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    target = _attempted_user(username)
    events.record(
        actor=None,
        actor_name=username,
        action="auth.login_failed",
        obj=target,
        court_id=_court_id(target),
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    target = _attempted_user(username or "")
    events.record(
        actor=None,
        actor_name=username or "",
        action="auth.locked_out",
        obj=target,
        court_id=_court_id(target),
        changes={"ip_address": ip_address},
    )
