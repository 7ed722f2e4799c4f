from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from integrity.access import policy
from integrity.access.scoped_admin import ScopedModelAdmin

from . import services
from .models import Case, CaseAgent, CaseParty, Court, Department, StaffMember


def _court_service(*, actor: Any, court: Court | None, **fields: Any) -> Court:
    if court is None:
        return services.court_create(actor=actor, **fields)
    return services.court_update(actor=actor, court=court, **fields)


@admin.register(Court)
class CourtAdmin(ScopedModelAdmin):
    service = _court_service
    instance_kw = "court"
    list_display = ["name", "code", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "code", "region"]
    fields = ["name", "code", "level", "parent", "region", "is_active"]
    list_select_related = ["parent"]


@admin.register(Department)
class DepartmentAdmin(ScopedModelAdmin):
    service = services.department_save
    instance_kw = "department"
    list_display = ["name", "court", "is_trial", "is_active"]
    list_filter = ["is_trial", "is_active", "court__level"]
    search_fields = ["name", "court__name"]
    list_select_related = ["court"]
    autocomplete_fields = ["court"]


@admin.register(StaffMember)
class StaffMemberAdmin(ScopedModelAdmin):
    service = services.staff_save
    instance_kw = "staff"
    list_display = [
        "name",
        "staff_number",
        "court",
        "department",
        "post",
        "status",
        "is_leading_cadre",
        "is_trial_post",
    ]
    list_filter = ["post", "status", "is_leading_cadre", "is_trial_post", "court__level"]
    search_fields = ["name", "staff_number"]
    list_select_related = ["court", "department"]
    autocomplete_fields = ["court", "department"]
    show_full_result_count = False


class CaseInline(admin.TabularInline):
    """Parties and agents on the case's page, for whoever may see or change the case (the
    scoping policy, not Django's model permissions); never deleted."""

    extra = 0
    can_delete = False

    def _may(self, request: HttpRequest, action: str, obj: Any) -> bool:
        if obj is not None and obj.pk:
            return policy.can(request.user, action, obj)
        return policy.may_use(request.user, Case, action)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, policy.VIEW, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, policy.CHANGE, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, policy.CHANGE, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CasePartyInline(CaseInline):
    model = CaseParty


class CaseAgentInline(CaseInline):
    model = CaseAgent
    # kind offers the guardian of a party (法释〔2011〕12号 art. 8) with the other kinds.
    fields = ["party", "name", "kind", "role", "law_firm", "licence_number"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # The party represented is one of this case's parties (not every party on record).
        parties = CaseParty.objects.filter(case=obj) if obj is not None and obj.pk else None
        formset.form.base_fields["party"].queryset = (
            parties if parties is not None else CaseParty.objects.none()
        )
        return formset


@admin.register(Case)
class CaseAdmin(ScopedModelAdmin):
    service = services.case_save
    instance_kw = "case"
    list_display = [
        "number",
        "court",
        "case_type",
        "cause",
        "filed_on",
        "closed_on",
        "presiding_judge",
    ]
    list_filter = ["case_type", "year"]
    search_fields = ["number", "cause", "parties__name", "agents__name", "agents__law_firm"]
    list_select_related = ["court", "presiding_judge"]
    autocomplete_fields = ["court", "department", "presiding_judge", "panel"]
    inlines = [CasePartyInline, CaseAgentInline]
    show_full_result_count = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The case as saved (the form's instance still counts as being added).
        case = Case._base_manager.get(pk=form.instance.pk)
        services.case_save(actor=request.user, case=case, panel=list(form.cleaned_data["panel"]))
        for formset in formsets:
            service = (
                services.case_party_save if formset.model is CaseParty else services.case_agent_save
            )
            kw = "party" if formset.model is CaseParty else "agent"
            # What formset.save() would note, for the admin's change message.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for inline_form in formset.forms:
                if not inline_form.has_changed() or not inline_form.is_valid():
                    continue
                instance = inline_form.instance
                original = type(instance)._base_manager.get(pk=instance.pk) if instance.pk else None
                fields = {
                    name: inline_form.cleaned_data[name]
                    for name in inline_form.changed_data
                    if name in {f.name for f in instance._meta.concrete_fields}
                }
                fields["case"] = case
                saved = service(actor=request.user, **{kw: original}, **fields)
                if original is None:
                    formset.new_objects.append(saved)
                else:
                    formset.changed_objects.append((saved, inline_form.changed_data))
