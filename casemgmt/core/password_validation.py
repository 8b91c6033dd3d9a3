"""Password composition as the Korean guideline for personal-data systems asks (KISA):
at least two kinds of characters (letters, digits, symbols) and 10 characters, or three kinds
and 8 characters. Length alone is checked by Django's MinimumLengthValidator beside it."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TOO_SIMPLE = "password_too_simple"


def _kinds(password):
    kinds = 0
    kinds += any(c.isalpha() for c in password)
    kinds += any(c.isdigit() for c in password)
    kinds += any(c in string.punctuation or c.isspace() for c in password)
    return kinds


class CharacterKindsValidator:
    def validate(self, password, user=None):
        kinds = _kinds(password)
        if (kinds >= 3 and len(password) >= 8) or (kinds >= 2 and len(password) >= 10):
            return
        raise ValidationError(self.get_help_text(), code=TOO_SIMPLE)

    def get_help_text(self):
        return _(
            "Use letters, digits and symbols: two of the three kinds and at least 10 characters, "
            "or all three and at least 8."
        )
