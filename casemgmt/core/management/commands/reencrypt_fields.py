"""Re-encrypt every encrypted column (and its change-history copy) with the current first key.

Key rotation (docs/security.md): put the new salt first in FIELD_ENCRYPTION_SALT and keep the
old ones after it, run this command, then remove the old salts. All or nothing: one transaction.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from encrypted_fields.fields import EncryptedFieldMixin


def encrypted_columns():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "Re-encrypt the encrypted fields with the first FIELD_ENCRYPTION_SALT (key rotation)."

    @transaction.atomic
    def handle(self, *args, **options):
        total = 0
        for model, fields in encrypted_columns():
            names = [f.attname for f in fields]
            rows = model._default_manager.values_list("pk", *names).iterator(chunk_size=500)
            count = 0
            for pk, *values in rows:
                model._default_manager.filter(pk=pk).update(
                    **{name: value or "" for name, value in zip(names, values, strict=True)}
                )
                count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows ({', '.join(names)})")
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} rows"))
