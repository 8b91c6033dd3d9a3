"""The dates that drive an officer's day: deadline clocks (처리 기한) and each gu's limits.

The limits are those public guidance for integrated case management sets (as gus publish them):
intake → needs and crisis-level assessment about 10 days; submission to the case conference →
selection and classification about 5 days; writing the service plan about 15 days; intake → signed
service plan within 30 days. A gu may set its own. ``cases.schedule`` computes the clocks and the
due dates from the records, and the services store them in the same transaction.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casemgmt.core.history import change_history
from casemgmt.core.versioning import VersionedModel


class ClockKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Needs and crisis assessment")
    SELECTION = "selection", _("Selection decision")
    PLAN = "plan", _("Service plan")
    INTAKE_TO_PLAN = "intake_to_plan", _("Intake to signed plan")


CLOCK_ORDER = list(ClockKind)

DEFAULT_LIMITS = {
    ClockKind.ASSESSMENT: 10,
    ClockKind.SELECTION: 5,
    ClockKind.PLAN: 15,
    ClockKind.INTAKE_TO_PLAN: 30,
}


def _days(default, label, help_text):
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=help_text,
    )


class DeadlinePolicy(VersionedModel):
    """A gu's limits between the steps of a case, and the intervals of its routine contacts."""

    gu = models.OneToOneField(
        "core.Gu", on_delete=models.PROTECT, related_name="deadline_policy", verbose_name=_("gu")
    )
    assessment_days = _days(
        DEFAULT_LIMITS[ClockKind.ASSESSMENT],
        _("intake → needs and crisis assessment (days)"),
        _("From the intake date to the completed assessment."),
    )
    selection_days = _days(
        DEFAULT_LIMITS[ClockKind.SELECTION],
        _("submission → selection decision (days)"),
        _("From submitting the case for selection to the decision."),
    )
    plan_days = _days(
        DEFAULT_LIMITS[ClockKind.PLAN],
        _("writing the service plan (days)"),
        _("From the start of planning to the signed plan."),
    )
    intake_to_plan_days = _days(
        DEFAULT_LIMITS[ClockKind.INTAKE_TO_PLAN],
        _("intake → signed service plan (days)"),
        _("From the intake date to the signed plan."),
    )
    follow_up_interval_days = _days(
        30,
        _("interval between follow-up checks (days)"),
        _("After closure, a check is due this many days after the last one."),
    )
    referral_answer_days = _days(
        7,
        _("days a provider has to answer a referral"),
        _("After this many days without an answer, the referral shows on the dashboard."),
    )
    discovery_investigation_days = _days(
        14,
        _("report of a household at risk → investigation (days)"),
        _("The discovery list's 'investigate by' date starts this many days after the report."),
    )
    follow_up_period_days = _days(
        90,
        _("follow-up period after closure (days)"),
        _("The closure form proposes the end of the follow-up this many days after closing."),
    )
    plan_approval_required = models.BooleanField(
        _("the supervisor approves each plan before it is signed"),
        default=False,
        help_text=_(
            "When set, the intervention starts only after the supervisor (or a case conference) "
            "has approved the plan, and the plan is signed after that approval."
        ),
    )

    history = change_history()

    class Meta:
        verbose_name = _("deadline settings")
        verbose_name_plural = _("deadline settings")

    def __str__(self):
        return str(self.gu)

    def limit(self, kind):
        return getattr(self, LIMIT_FIELDS[kind])


LIMIT_FIELDS = {
    ClockKind.ASSESSMENT: "assessment_days",
    ClockKind.SELECTION: "selection_days",
    ClockKind.PLAN: "plan_days",
    ClockKind.INTAKE_TO_PLAN: "intake_to_plan_days",
}


def policy_for_gu(gu_id):
    """The gu's policy, or the defaults (unsaved) when the gu never set its own."""
    policy = DeadlinePolicy.objects.filter(gu_id=gu_id).first()
    return policy or DeadlinePolicy(gu_id=gu_id)


class DeadlineClock(models.Model):
    """One running or stopped clock of one cycle of a case. Stored, never recomputed on display:
    a stopped clock keeps the date it stopped and the limit that applied."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="clocks", verbose_name=_("case")
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    kind = models.CharField(_("deadline"), max_length=20, choices=ClockKind.choices)
    started_on = models.DateField(_("started on"))
    limit_days = models.PositiveSmallIntegerField(_("limit (days)"))
    due_on = models.DateField(_("due on"), db_index=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    cancelled = models.BooleanField(
        _("stopped by closure"),
        default=False,
        help_text=_("The case closed before the step was done."),
    )

    class Meta:
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")
        ordering = ["case", "cycle", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "cycle", "kind"], name="clock_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="clock_stops_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"], name="clock_running_due", condition=Q(stopped_on__isnull=True)
            ),
            models.Index(fields=["stopped_on"], name="clock_stopped"),  # a period's statistics
        ]

    def __str__(self):
        return f"{self.case_id} {self.get_kind_display()} {self.cycle}"

    @property
    def is_running(self):
        return self.stopped_on is None

    def days_left(self, today):
        """Days until the limit (negative: days over). A stopped clock counts to its stop."""
        return (self.due_on - (self.stopped_on or today)).days

    def breached(self, today):
        end = self.stopped_on or today
        return end > self.due_on

    def as_tuple(self):
        return (
            self.kind,
            self.cycle,
            self.started_on,
            self.limit_days,
            self.due_on,
            self.stopped_on,
            self.cancelled,
        )


def due(started_on: datetime.date, limit_days: int) -> datetime.date:
    return started_on + datetime.timedelta(days=limit_days)
