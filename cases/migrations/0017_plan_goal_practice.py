# Goal checks of seed 002 on the plan's goals (type, term, hints kept as they are) and the
# service the case manager gives herself (사례관리자 직접 제공).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0016_alerts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalplangoal',
            name='acknowledged_hints',
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name='hints kept as they are'),
        ),
        migrations.AddField(
            model_name='historicalplangoal',
            name='goal_type',
            field=models.CharField(blank=True, choices=[('relationships', 'Relationships'), ('major_decision', 'A major decision'), ('harmful_behaviour', 'Harmful behaviour'), ('environment', 'Environment'), ('resources', 'Resources or information'), ('social_role_skills', 'Social-role skills')], help_text="Relationships (marriage, neighbours); a major decision (entering a facility, moving); harmful behaviour (violence, drinking, smoking, habits); environment (housing, neighbours' support); resources or information (livelihood benefit, debt relief, sponsorship); social-role skills (caring for grandchildren, daily living).", max_length=20, verbose_name='goal type'),
        ),
        migrations.AddField(
            model_name='historicalplangoal',
            name='hints_acknowledged_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='hints kept at'),
        ),
        migrations.AddField(
            model_name='historicalplangoal',
            name='hints_acknowledged_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='hints kept by'),
        ),
        migrations.AddField(
            model_name='historicalplangoal',
            name='term',
            field=models.CharField(blank=True, choices=[('short', 'Short-term'), ('mid', 'Mid-term'), ('long', 'Long-term')], max_length=10, verbose_name='goal term'),
        ),
        migrations.AddField(
            model_name='historicalplanitem',
            name='by_case_manager',
            field=models.BooleanField(default=False, help_text='Counselling, accompanying and other help the case manager gives herself: no provider is needed.', verbose_name='provided by the case manager'),
        ),
        migrations.AddField(
            model_name='plangoal',
            name='acknowledged_hints',
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name='hints kept as they are'),
        ),
        migrations.AddField(
            model_name='plangoal',
            name='goal_type',
            field=models.CharField(blank=True, choices=[('relationships', 'Relationships'), ('major_decision', 'A major decision'), ('harmful_behaviour', 'Harmful behaviour'), ('environment', 'Environment'), ('resources', 'Resources or information'), ('social_role_skills', 'Social-role skills')], help_text="Relationships (marriage, neighbours); a major decision (entering a facility, moving); harmful behaviour (violence, drinking, smoking, habits); environment (housing, neighbours' support); resources or information (livelihood benefit, debt relief, sponsorship); social-role skills (caring for grandchildren, daily living).", max_length=20, verbose_name='goal type'),
        ),
        migrations.AddField(
            model_name='plangoal',
            name='hints_acknowledged_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='hints kept at'),
        ),
        migrations.AddField(
            model_name='plangoal',
            name='hints_acknowledged_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='hints kept by'),
        ),
        migrations.AddField(
            model_name='plangoal',
            name='term',
            field=models.CharField(blank=True, choices=[('short', 'Short-term'), ('mid', 'Mid-term'), ('long', 'Long-term')], max_length=10, verbose_name='goal term'),
        ),
        migrations.AddField(
            model_name='planitem',
            name='by_case_manager',
            field=models.BooleanField(default=False, help_text='Counselling, accompanying and other help the case manager gives herself: no provider is needed.', verbose_name='provided by the case manager'),
        ),
        migrations.AddConstraint(
            model_name='planitem',
            constraint=models.CheckConstraint(condition=models.Q(('by_case_manager', False), models.Q(('provider__isnull', True), ('resource__isnull', True)), _connector='OR'), name='plan_item_direct_has_no_provider'),
        ),
    ]
