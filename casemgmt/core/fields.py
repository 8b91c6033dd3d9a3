"""Encrypted model fields for personal data (django-fernet-encrypted-fields underneath).

The library writes an empty value as NULL; these read NULL back as "" so an encrypted text
field behaves like any other blank-able text field in forms, templates and comparisons.
Only the ciphertext reaches the database (and its change-history copy): the column can be
neither searched nor sorted, so encrypt only what nobody filters by.
"""

from encrypted_fields.fields import EncryptedCharField, EncryptedTextField


class _BlankIsEmptyString:
    def __init__(self, *args, **kwargs):
        kwargs["null"] = True  # the library stores "" as NULL
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return "" if value is None else value

    def clean(self, value, model_instance):
        # The library marks the field "already decrypted" during clean() and unmarks it after;
        # when validation fails it never unmarks, and every later read in the process would
        # return ciphertext. Unmark whatever happens.
        try:
            return super().clean(value, model_instance)
        finally:
            self.__dict__.pop("_already_decrypted", None)

    def formfield(self, **kwargs):
        kwargs.setdefault("empty_value", "")  # a form gives "", never None, like a text field
        return super().formfield(**kwargs)


class SensitiveCharField(_BlankIsEmptyString, EncryptedCharField):
    pass


class SensitiveTextField(_BlankIsEmptyString, EncryptedTextField):
    pass
