from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "integrity.access"
    label = "access"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers the scope rules of the shared models)
