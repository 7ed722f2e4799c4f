from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections, clues and complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import reminders, scopes  # noqa: F401  (register scope rules and reminder sources)
