"""Reference data: Gwangjin-gu (광진구) and its 15 administrative dongs."""

from django.db import migrations

GU = "광진구"
DONGS = [
    "중곡제1동", "중곡제2동", "중곡제3동", "중곡제4동", "능동",
    "구의제1동", "구의제2동", "구의제3동", "광장동",
    "자양제1동", "자양제2동", "자양제3동", "자양제4동", "화양동", "군자동",
]


def seed(apps, schema_editor):
    Gu = apps.get_model("core", "Gu")
    Dong = apps.get_model("core", "Dong")
    gu, _ = Gu.objects.get_or_create(name=GU)
    for order, name in enumerate(DONGS, start=1):
        Dong.objects.update_or_create(gu=gu, name=name, defaults={"order": order})


def unseed(apps, schema_editor):
    # Reference data stays: users and clients point at it.
    pass


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
