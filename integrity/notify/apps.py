from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "integrity.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers the notifications' scope rule)
