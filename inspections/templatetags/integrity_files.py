"""``{% integrity_file_url staff as url %}``: the link to a staff member's integrity file, or
"" for whoever may not open it (the staff pages of integrity/org link to it without knowing
the inspections app's rules)."""

from typing import Any

from django import template
from django.urls import reverse

from integrity.access import policy

from ..models import IntegrityFile

register = template.Library()


@register.simple_tag(takes_context=True)
def integrity_file_url(context: Any, staff: Any) -> str:
    user = context["request"].user
    if not policy.may_use(user, IntegrityFile):
        return ""
    if not policy.can(user, policy.VIEW, IntegrityFile(pk=staff.pk)):
        return ""
    return reverse("inspections:file-detail", args=[staff.pk])
