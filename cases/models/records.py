"""What each stage of a case produces. Every record belongs to one case and is scoped by it."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.fields import SensitiveTextField
from casemgmt.core.history import change_history
from casemgmt.core.versioning import VersionedModel

from ..choices import NeedDomain
from .scope import CaseScopedQuerySet


class CaseRecordQuerySet(CaseScopedQuerySet):
    dong_lookup = "case__dong"
    case_prefix = "case__"


class CaseRecord(VersionedModel):
    """A record of one case: scoped, change-tracked, and about the case's client."""

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def access_subject_id(self):
        return self.case.client_id


def case_fk(related_name):
    return models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name=related_name, verbose_name=_("case")
    )


# --- 욕구사정 ------------------------------------------------------------------------------------
class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRISIS = "crisis", _("Crisis")


class Assessment(CaseRecord):
    """욕구사정, versioned: a reassessment is a new version; a completed version is never changed."""

    case = case_fk("assessments")
    number = models.PositiveSmallIntegerField(_("version"), editable=False)
    is_reassessment = models.BooleanField(_("reassessment"), default=False, editable=False)
    reason = models.TextField(_("reason for reassessment"), blank=True)
    assessed_on = models.DateField(_("assessment date"), default=timezone.localdate)
    functional_assessment = SensitiveTextField(
        _("functional assessment"),
        blank=True,
        help_text=_(
            "Physical and mental health, daily living, social functioning, as observed and as told."
        ),
    )
    strengths = models.TextField(_("strengths"), blank=True)
    client_view = models.TextField(_("the client's own view"), blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)

    history = change_history()

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="assessment_version_unique")
        ]

    def __str__(self):
        return f"{self.case} #{self.number}"

    @property
    def is_complete(self):
        return self.completed_on is not None


class AssessmentNeed(models.Model):
    """One need domain of an assessment, in the three steps of the seed: now, wished, how."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="needs", verbose_name=_("assessment")
    )
    domain = models.CharField(_("need domain"), max_length=20, choices=NeedDomain.choices)
    client_view = models.TextField(_("the client's own view"), blank=True)
    current_state = models.TextField(_("current state and concerns"))
    desired_state = models.TextField(_("desired state"))
    change_strategy = models.TextField(_("actions and change strategy"), blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)

    history = change_history()

    class Meta:
        verbose_name = _("assessed need")
        verbose_name_plural = _("assessed needs")
        ordering = ["assessment", "priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="need_domain_once_per_assessment"
            ),
            models.CheckConstraint(condition=Q(priority__gte=1), name="need_priority_positive"),
        ]

    def __str__(self):
        return self.get_domain_display()

    @property
    def history_actor(self):
        return self.assessment.updated_by


# --- 대상자 선정 · 동의 -----------------------------------------------------------------------------
class CaseType(models.TextChoices):
    GENERAL = "general", _("General case")
    SPECIALISED = "specialised", _("Specialised case")


class SelectionDecision(CaseRecord):
    """The supervisor's decision to select (or not) the case, and its classification."""

    case = case_fk("selections")
    selected = models.BooleanField(_("selected"))
    case_type = models.CharField(
        _("case type"), max_length=20, choices=CaseType.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    note = models.TextField(_("reasons and conditions"), blank=True)

    history = change_history()

    class Meta:
        verbose_name = _("selection decision")
        verbose_name_plural = _("selection decisions")
        ordering = ["case", "decided_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(selected=False) | ~Q(case_type=""),
                name="selection_selected_needs_case_type",
            ),
        ]

    def __str__(self):
        return f"{self.case}: {self.selected}"


class ConsentMethod(models.TextChoices):
    SIGNED_PAPER = "paper", _("Signed paper form")
    ON_SCREEN = "on_screen", _("Signature on screen")
    VERBAL = "verbal", _("Verbal, with a witness")


class SharedItem(models.TextChoices):
    BASIC = "basic", _("Basic personal details")
    FAMILY = "family", _("Family and household")
    HEALTH = "health", _("Health and disability")
    ECONOMIC = "economic", _("Income, debts and benefits")
    PROGRESS = "progress", _("Progress of services")


class Consent(CaseRecord):
    """The client's consent to services and to sharing information. Withdrawal stops sharing."""

    case = case_fk("consents")
    services_consent = models.BooleanField(_("consents to receiving services"), default=True)
    sharing_consent = models.BooleanField(_("consents to sharing information"), default=False)
    shared_items = models.JSONField(_("what may be shared"), default=list, blank=True)
    providers = models.ManyToManyField(
        "resources.Provider",
        blank=True,
        related_name="consents",
        verbose_name=_("registered providers it may be shared with"),
    )
    agencies = models.TextField(
        _("other agencies it may be shared with"),
        blank=True,
        help_text=_("Agencies not in the registry, one per line."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the consent runs until the case ends."),
    )
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    witness_name = models.CharField(_("witness"), max_length=50, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawal_note = models.TextField(_("withdrawal note"), blank=True, editable=False)

    history = change_history(m2m_fields=["providers"])

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["case", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="verbal") | ~Q(witness_name=""),
                name="consent_verbal_needs_witness",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("valid_from")),
                name="consent_withdrawn_after_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="consent_valid_until_after_valid_from",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.valid_from}"

    def is_active(self, on=None):
        on = on or timezone.localdate()
        return (
            self.valid_from <= on
            and (self.withdrawn_on is None or self.withdrawn_on > on)
            and (self.valid_until is None or on <= self.valid_until)
        )

    def covers(self, provider, on=None):
        """May the client's information be shared with this registered provider on that day?"""
        return (
            self.sharing_consent
            and self.is_active(on)
            and self.providers.filter(pk=provider.pk).exists()
        )

    @property
    def agency_list(self):
        return [line.strip() for line in self.agencies.splitlines() if line.strip()]


# --- 서비스제공 계획 -------------------------------------------------------------------------------
class MonitoringMethod(models.TextChoices):
    REGULAR_CONTACT = "regular_contact", _("Regular contact (home visit, counselling)")
    INFORMAL = "informal", _("Informal, qualitative (what others observe)")
    FORMAL = "formal", _("Formal, quantitative (scales, record analysis)")
    PROVIDER = "provider", _("Through the provider (contacts, visits, meetings)")


class ItemStatus(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    EXTENDED = "extended", _("Extended")
    REASSESS = "reassess", _("Reassess")


class ServicePlan(CaseRecord):
    """서비스제공 계획, versioned. Once the client has signed a version it is frozen."""

    case = case_fk("plans")
    number = models.PositiveSmallIntegerField(_("version"), editable=False)
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("based on assessment"),
    )
    short_term_goal = models.TextField(_("short-term outcome goal"))
    long_term_goal = models.TextField(_("long-term outcome goal"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    signature_method = models.CharField(
        _("how it was signed"),
        max_length=20,
        choices=ConsentMethod.choices,
        blank=True,
        editable=False,
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("approved by"),
    )
    signed_recorded_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("signature recorded by"),
    )

    history = change_history()

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_unique")
        ]

    def __str__(self):
        return f"{self.case} v{self.number}"

    @property
    def is_signed(self):
        return self.signed_on is not None


class PlanGoal(models.Model):
    """One row of the planning table: problem → demand → need → agreed purpose → measurable goal."""

    plan = models.ForeignKey(
        ServicePlan, on_delete=models.PROTECT, related_name="goals", verbose_name=_("plan")
    )
    domain = models.CharField(_("need domain"), max_length=20, choices=NeedDomain.choices)
    problem = models.TextField(_("presented problem"))
    demand = models.TextField(_("demand or wish"), blank=True)
    need = models.TextField(_("need"))
    purpose = models.TextField(_("agreed purpose"))
    goal = models.TextField(
        _("intervention goal"),
        help_text=_("Measurable, with a time frame: whose change, how much, by when."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    history = change_history()

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.goal

    @property
    def history_actor(self):
        return self.plan.updated_by


class PlanItem(models.Model):
    """One row of the service plan and monitoring sheet, fields ③–⑬."""

    plan = models.ForeignKey(
        ServicePlan, on_delete=models.PROTECT, related_name="items", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        PlanGoal,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("intervention goal"),
    )
    service_content = models.TextField(_("service content"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    period = models.CharField(
        _("intervention period"),
        max_length=50,
        blank=True,
        help_text=_("e.g. short-term, months 1–3"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    times_per_week = models.PositiveSmallIntegerField(_("times per week"))
    resource = models.ForeignKey(
        "resources.Resource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("resource"),
    )
    provider = models.ForeignKey(
        "resources.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("provider"),
    )
    provider_name = models.CharField(
        _("providing agency as printed"),
        max_length=100,
        help_text=_("As printed on the form; filled from the provider when one is chosen."),
    )
    person_in_charge = models.CharField(_("person in charge"), max_length=50, blank=True)
    monitoring_method = models.CharField(
        _("monitoring method"), max_length=20, choices=MonitoringMethod.choices
    )
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, blank=True)
    next_contact_due = models.DateField(
        _("next monitoring contact due"), null=True, blank=True, editable=False
    )  # stored by cases.schedule

    history = change_history(excluded_fields=["next_contact_due"])

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="plan_item_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(times_per_week__gt=0), name="plan_item_frequency_positive"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1), name="plan_item_priority_positive"
            ),
        ]

    def __str__(self):
        return self.service_content

    @property
    def history_actor(self):
        return self.plan.updated_by


# --- 개입 · 점검 · 평가 -----------------------------------------------------------------------------
class InterventionKind(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling")
    HOME_VISIT = "home_visit", _("Home visit")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    CRISIS_SUPPORT = "crisis", _("Crisis support")
    LINKAGE = "linkage", _("Resource linkage")
    ADVOCACY = "advocacy", _("Advocacy")
    COORDINATION = "coordination", _("Coordination")

    @classmethod
    def direct(cls):
        return {cls.COUNSELLING, cls.HOME_VISIT, cls.ACCOMPANIMENT, cls.CRISIS_SUPPORT}


class Intervention(CaseRecord):
    """개입: one activity of direct or indirect practice."""

    case = case_fk("interventions")
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("plan item"),
    )
    kind = models.CharField(_("kind of activity"), max_length=20, choices=InterventionKind.choices)
    date = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    participants = models.CharField(_("who took part"), max_length=200, blank=True)
    note = models.TextField(_("what was done"))

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["case", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0),
                name="intervention_duration_positive",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"

    @property
    def is_direct(self):
        return self.kind in InterventionKind.direct()


class Monitoring(CaseRecord):
    """점검: delivery of a planned service and the client's change, with the item's status ⑬."""

    case = case_fk("monitorings")
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitorings",
        verbose_name=_("plan item"),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    method = models.CharField(_("method"), max_length=20, choices=MonitoringMethod.choices)
    findings = models.TextField(_("findings"))
    client_change = models.TextField(_("the client's change"), blank=True)
    item_status = models.CharField(
        _("status of the item"), max_length=10, choices=ItemStatus.choices, blank=True
    )

    class Meta:
        verbose_name = _("monitoring record")
        verbose_name_plural = _("monitoring records")
        ordering = ["case", "-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.get_method_display()}"


class GoalResult(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not", _("Not achieved")


class Evaluation(CaseRecord):
    """평가: were the goals met, and were the activities worth their time and cost."""

    case = case_fk("evaluations")
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1, editable=False)
    evaluated_on = models.DateField(_("evaluation date"), default=timezone.localdate)
    process_evaluation = models.TextField(_("process evaluation"))
    outcome_evaluation = models.TextField(_("outcome evaluation"))
    client_view = models.TextField(_("the client's own view"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["case", "evaluated_on", "id"]

    def __str__(self):
        return f"{self.case} {self.evaluated_on}"


class EvaluationGoal(models.Model):
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.PROTECT,
        related_name="goal_results",
        verbose_name=_("evaluation"),
    )
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.PROTECT, related_name="+", verbose_name=_("goal")
    )
    result = models.CharField(_("result"), max_length=10, choices=GoalResult.choices)
    evidence = models.TextField(_("evidence"))

    class Meta:
        verbose_name = _("goal result")
        verbose_name_plural = _("goal results")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="goal_once_per_evaluation")
        ]

    def __str__(self):
        return f"{self.goal}: {self.get_result_display()}"


# --- 종결 · 사후관리 ------------------------------------------------------------------------------
class ClosureReason(models.TextChoices):
    GOAL_ACHIEVED = "goal_achieved", _("Goals achieved, self-reliance")
    MOVED_AWAY = "moved_away", _("Moved away")
    DEATH = "death", _("Death")
    NO_REGULAR_CONTACT = "no_contact", _("Regular contact impossible")
    LOST_CONTACT = "lost_contact", _("Long loss of contact")
    CLIENT_WISH = "client_wish", _("Wish of the client or guardian")

    @classmethod
    def without_evaluation(cls):
        """Reasons that end a case before an evaluation is possible."""
        return {cls.DEATH, cls.MOVED_AWAY, cls.LOST_CONTACT}

    @classmethod
    def without_follow_up(cls):
        return {cls.DEATH, cls.MOVED_AWAY, cls.LOST_CONTACT}


class Closure(CaseRecord):
    """종결: proposed by the case manager, approved by the supervisor."""

    case = case_fk("closures")
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1, editable=False)
    reason = models.CharField(_("reason for closure"), max_length=20, choices=ClosureReason.choices)
    closed_on = models.DateField(_("closure date"), default=timezone.localdate)
    summary = models.TextField(_("summary"))
    follow_up_until = models.DateField(_("follow-up until"), null=True, blank=True)
    follow_up_agreed = models.BooleanField(
        _("follow-up explained to and agreed with the client"), default=False
    )
    approved_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("approved by"),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)

    history = change_history()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["case", "closed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_until__isnull=True) | Q(follow_up_until__gte=F("closed_on")),
                name="closure_follow_up_after_closure",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.get_reason_display()}"


class FollowUpCheck(CaseRecord):
    """사후관리: a check-in after closure; a need to intervene again re-opens the case."""

    case = case_fk("follow_ups")
    date = models.DateField(_("date"), default=timezone.localdate)
    method = models.CharField(_("method"), max_length=20, choices=MonitoringMethod.choices)
    findings = models.TextField(_("findings"))
    needs_reintervention = models.BooleanField(_("needs intervention again"), default=False)

    class Meta:
        verbose_name = _("follow-up check")
        verbose_name_plural = _("follow-up checks")
        ordering = ["case", "-date", "-id"]

    def __str__(self):
        return f"{self.case} {self.date}"
