"""The integrity file (廉政档案): one page per staff member, assembled from the data. It is a
proxy of the staff record with a scope rule of its own: leaders and the discipline team reach
it within their jurisdiction (inspections/scopes.py)."""

from django.utils.translation import gettext_lazy as _

from integrity.org.models import StaffMember


class IntegrityFile(StaffMember):
    class Meta:
        proxy = True
        verbose_name = _("integrity file")
        verbose_name_plural = _("integrity files")
