from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "ledgers.alerts"
    label = "alerts"
    verbose_name = _("Early warning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What runs the checks, the scope rule, the reminders of unhandled alerts.
        from . import receivers, reminders, scopes  # noqa: F401
