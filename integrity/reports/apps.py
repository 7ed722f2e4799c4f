from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "integrity.reports"
    label = "reports"
    verbose_name = _("Reports, exports and imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (register the jobs' scope rules)
