"""The admin through the scoping policy: non-superusers see and change only their scope, every
save goes through the model's service (validation and audit), and nothing is ever deleted."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import policy
from .models import Role

ADMIN_ROLES = {Role.ADMIN, Role.OFFICER}


class ScopedAdminSite(admin.AdminSite):
    site_header = _("Qinglian administration")
    site_title = _("Qinglian")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # The admin is the administrators' and discipline officers' tool; everyone else works
        # through the pages and the API.
        user = request.user
        return bool(user.is_active and (user.is_superuser or policy.roles_of(user) & ADMIN_ROLES))


class ScopedModelAdmin(admin.ModelAdmin):
    #: the service that saves one instance: ``service(actor=…, <instance_kw>=obj, **fields)``
    service: Callable[..., Any] | None = None
    instance_kw = ""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return policy.scope(request.user, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.may_use(request.user, self.model, policy.VIEW)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return policy.can(request.user, policy.VIEW, obj)
        return policy.may_use(request.user, self.model, policy.VIEW)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return policy.can(request.user, policy.CHANGE, obj)
        return policy.may_use(request.user, self.model, policy.CHANGE)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.may_use(request.user, self.model, policy.CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records are never deleted

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        try:
            policy.rule_for(related)
        except LookupError:
            pass
        else:
            kwargs["queryset"] = policy.scope(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        kwargs["queryset"] = policy.scope(request.user, related._default_manager.all())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def changed_fields(self, obj: models.Model, form: Any) -> dict[str, Any]:
        concrete = {f.name for f in obj._meta.concrete_fields}
        return {name: getattr(obj, name) for name in form.changed_data if name in concrete}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert self.service is not None, f"{type(self).__name__} needs a service"
        fields = (
            self.changed_fields(obj, form)
            if change
            else {
                f.name: getattr(obj, f.name)
                for f in obj._meta.concrete_fields
                if f.name in form.cleaned_data
            }
        )
        original = type(obj)._base_manager.get(pk=obj.pk) if change else None
        saved = type(self).service(actor=request.user, **{self.instance_kw: original}, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()
        obj._state.adding = False  # saved: a later save (save_related) updates the same row
        # The saved row must still be the user's to change (no moving a record out of scope).
        if not policy.can(request.user, policy.CHANGE, saved):
            raise PermissionDenied


class ReadOnlyInline(admin.TabularInline):
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
