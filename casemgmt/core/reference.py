"""Reference data: Gwangjin-gu (광진구) and its 15 administrative dongs.

Used by the data migration (with historical models) and by seed_demo (which must also work
on a database a test has flushed).
"""

GU = "광진구"
DONGS = [
    "중곡제1동", "중곡제2동", "중곡제3동", "중곡제4동", "능동",
    "구의제1동", "구의제2동", "구의제3동", "광장동",
    "자양제1동", "자양제2동", "자양제3동", "자양제4동", "화양동", "군자동",
]  # fmt: skip


def ensure_gwangjin(gu_model, dong_model):
    gu, _ = gu_model.objects.get_or_create(name=GU)
    for order, name in enumerate(DONGS, start=1):
        dong_model.objects.update_or_create(gu=gu, name=name, defaults={"order": order})
    return gu
