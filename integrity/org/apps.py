from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "integrity.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (the scope rules of parties and agents)
