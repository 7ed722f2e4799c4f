"""Account pages that need more than Django's stock views."""

from typing import Any

from django.contrib.auth import views as auth_views

from integrity.audit import events


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recorded in the audit log (the hash never is)."""

    def form_valid(self, form: Any) -> Any:
        response = super().form_valid(form)
        user = form.user
        events.record(
            actor=user,
            action="auth.password_change",
            obj=user,
            court_id=user.staff.court_id if user.staff_id else None,
        )
        return response
