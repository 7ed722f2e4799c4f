"""Where the current request comes from, for the audit events services write."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)
