"""Reference data: Gwangjin-gu (광진구) and its 15 administrative dongs."""

from django.db import migrations

from casemgmt.core.reference import ensure_gwangjin


def seed(apps, schema_editor):
    ensure_gwangjin(apps.get_model("core", "Gu"), apps.get_model("core", "Dong"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    # Reference data stays on the way back: users and clients point at it.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
