from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import RoleAssignment, User
from .scoped_admin import ScopedModelAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = [
        "role",
        "court",
        "department",
        "covers_subordinates",
        "valid_from",
        "valid_until",
        "granted_for",
        "is_active",
    ]
    readonly_fields = ["granted_for"]
    autocomplete_fields = ["court", "department"]


@admin.register(User)
class UserAdmin(ScopedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "staff", "is_active", "last_login"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["username", "staff__name", "staff__staff_number"]
    autocomplete_fields = ["staff"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        (None, {"fields": ["username", "password", "staff", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    superuser_fieldsets = [
        (None, {"fields": ["username", "password", "staff", "is_active", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "staff", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and request.user.is_superuser:
            return self.superuser_fieldsets
        return super().get_fieldsets(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.user_save(actor=request.user, user=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if not inline_form.has_changed():
                continue
            instance = inline_form.instance
            original = RoleAssignment._base_manager.get(pk=instance.pk) if instance.pk else None
            fields = {name: inline_form.cleaned_data[name] for name in inline_form.changed_data}
            fields["user"] = form.instance
            services.role_assignment_save(actor=request.user, assignment=original, **fields)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedModelAdmin):
    service = services.role_assignment_save
    instance_kw = "assignment"
    list_display = [
        "user",
        "role",
        "court",
        "department",
        "covers_subordinates",
        "valid_from",
        "valid_until",
        "granted_for",
        "is_active",
    ]
    list_filter = ["role", "is_active", "covers_subordinates"]
    readonly_fields = ["granted_for"]
    search_fields = ["user__username", "user__staff__name", "court__name"]
    list_select_related = ["user", "court", "department"]
    autocomplete_fields = ["user", "court", "department"]
