"""Encrypt what was stored in plain text before the fields became encrypted.

Reading a plain value through an encrypted field returns it unchanged (it is not a token), and
writing it back stores the ciphertext. Values already encrypted are read and re-written alike.
"""

from django.db import migrations

FIELDS = [
    ("Client", "health_notes"),
    ("HouseholdMember", "health_notes"),
    ("Assessment", "functional_assessment"),
]


def encrypt(apps, schema_editor):
    for model_name, field in FIELDS:
        model = apps.get_model("cases", model_name)
        for pk, value in model.objects.values_list("pk", field).iterator(chunk_size=500):
            model.objects.filter(pk=pk).update(**{field: value or ""})


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_change_history_and_encryption")]

    operations = [migrations.RunPython(encrypt, migrations.RunPython.noop)]
