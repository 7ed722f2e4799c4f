"""Email backends for the tests: real Django backends whose server misbehaves on purpose."""

from __future__ import annotations

import smtplib
import threading
from typing import Any

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that accepts the connection and refuses every message."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"mailbox unavailable")})


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached at all."""

    opened = 0

    def open(self) -> bool:
        type(self).opened += 1
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    def send_messages(self, email_messages: Any) -> int:  # pragma: no cover - never reached
        raise AssertionError("sent without a connection")


class PickyBackend(LocmemBackend):
    """Delivers to the outbox, except to addresses at bounce.example (refused)."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if any(address.endswith("@bounce.example") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


class CountingBackend(LocmemBackend):
    """The outbox, counting connections opened (one per batch is expected)."""

    opened = 0
    lock = threading.Lock()

    def open(self) -> bool:
        with self.lock:
            type(self).opened += 1
        return True

    def send_messages(self, messages: Any) -> int:
        with self.lock:
            return super().send_messages(messages)


def outbox() -> list[Any]:
    return getattr(mail, "outbox", [])
