from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    label = "ledgers"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from . import reminders, scopes  # noqa: F401  (the reminder sources, the scope rules)
        from .declarations import services  # noqa: F401  (the declaration events' notification kinds)
