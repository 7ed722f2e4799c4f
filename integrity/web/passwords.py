"""Password rules (AUTH_PASSWORD_VALIDATORS in integrity/settings.py).

Django's minimum-length message changed its wording in 5.2 and its Chinese catalogue has not
followed, so a court user would read it in English; this validator gives the same rule with a
message of our own, translated in locale/.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def _message(self) -> str:
        return ngettext(
            "This password is too short: it must have at least %(min_length)d character.",
            "This password is too short: it must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                self._message(), code="password_too_short", params={"min_length": self.min_length}
            )

    def get_error_message(self):
        return self._message()
