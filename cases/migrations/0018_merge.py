from django.db import migrations


class Migration(migrations.Migration):
    """Joins three changes written side by side: the gu's practice settings and both
    signatures, monitoring scales and supervision, and the plan goals' type, term and hints."""

    dependencies = [
        ("cases", "0017_practice_settings_and_signatures"),
        ("cases", "0017_scales_supervision"),
        ("cases", "0017_plan_goal_practice"),
    ]

    operations = []
