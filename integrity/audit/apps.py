from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "integrity.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401  (logins, logouts, failures, lockouts)
            scopes,  # noqa: F401
        )
