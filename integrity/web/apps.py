from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "integrity.web"
    label = "web"
    verbose_name = _("Web pages")


class QinglianAdminConfig(AdminConfig):
    """The admin site, with access decided by the scoping policy instead of ``is_staff``."""

    default_site = "integrity.access.scoped_admin.ScopedAdminSite"
