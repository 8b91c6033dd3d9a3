"""What each stage of a case produces. Every record belongs to one case and is scoped by it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.fields import SensitiveTextField
from casemgmt.core.history import change_history
from casemgmt.core.versioning import VersionedModel

from ..choices import NeedDomain
from ..goal_checks import labels as hint_labels
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
        indexes = [models.Index(fields=["completed_on"], name="assessment_completed")]
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
    # PIPA asks for these apart from the general consent, each ticked and signed on its own:
    # sensitive data such as health and disability (Art. 23) and unique identifiers such as the
    # resident registration number (Art. 24). Without them neither is recorded (cases.privacy).
    sensitive_consent = models.BooleanField(
        _("consents separately to health and disability information (sensitive data)"),
        default=False,
        help_text=_("Personal Information Protection Act, Art. 23."),
    )
    identifier_consent = models.BooleanField(
        _("consents separately to the resident registration number (unique identifier)"),
        default=False,
        help_text=_("Personal Information Protection Act, Art. 24."),
    )
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


class GoalType(models.TextChoices):
    """목표유형: the six kinds of goal of seed 002."""

    RELATIONSHIPS = "relationships", _("Relationships")
    MAJOR_DECISION = "major_decision", _("A major decision")
    HARMFUL_BEHAVIOUR = "harmful_behaviour", _("Harmful behaviour")
    ENVIRONMENT = "environment", _("Environment")
    RESOURCES = "resources", _("Resources or information")
    SOCIAL_ROLE_SKILLS = "social_role_skills", _("Social-role skills")


class GoalTerm(models.TextChoices):
    """Short-, mid- or long-term, as seed 001 describes practice goals."""

    SHORT = "short", _("Short-term")
    MID = "mid", _("Mid-term")
    LONG = "long", _("Long-term")


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
    # ⑭ may be signed by a guardian for the client; ⑮ by the case manager. Both sign before the
    # plan is frozen.
    client_signer = models.CharField(
        _("signed for the client by"),
        max_length=60,
        blank=True,
        editable=False,
        help_text=_("A guardian's name and relation, when the client did not sign personally."),
    )
    manager_signed_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("signed as case manager (⑮) by"),
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
    goal_type = models.CharField(
        _("goal type"),
        max_length=20,
        choices=GoalType.choices,
        blank=True,
        help_text=_(
            "Relationships (marriage, neighbours); a major decision (entering a facility, "
            "moving); harmful behaviour (violence, drinking, smoking, habits); environment "
            "(housing, neighbours' support); resources or information (livelihood benefit, debt "
            "relief, sponsorship); social-role skills (caring for grandchildren, daily living)."
        ),
    )
    term = models.CharField(_("goal term"), max_length=10, choices=GoalTerm.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # The goal checks' hints (cases.goal_checks) the officer chose to keep the goal despite.
    acknowledged_hints = models.JSONField(
        _("hints kept as they are"), default=list, blank=True, editable=False
    )
    hints_acknowledged_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("hints kept by"),
    )
    hints_acknowledged_at = models.DateTimeField(
        _("hints kept at"), null=True, blank=True, editable=False
    )

    history = change_history()

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.goal

    @property
    def kept_hint_labels(self):
        """The short names of the hints the officer saved the goal despite."""
        return hint_labels(self.acknowledged_hints)

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
    by_case_manager = models.BooleanField(
        _("provided by the case manager"),
        default=False,
        help_text=_(
            "Counselling, accompanying and other help the case manager gives herself: no "
            "provider is needed."
        ),
    )
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
            models.CheckConstraint(
                condition=Q(by_case_manager=False)
                | Q(resource__isnull=True, provider__isnull=True),
                name="plan_item_direct_has_no_provider",
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


#: Scales officers use in welfare practice, offered on the monitoring form (any other may be typed).
COMMON_SCALES = [
    _("Depression scale (CES-D)"),
    _("Geriatric depression scale (SGDS-K)"),
    _("Self-esteem scale (Rosenberg)"),
    _("Social support scale"),
    _("Life satisfaction scale"),
    _("Anxiety scale (BAI)"),
    _("Alcohol use disorders test (AUDIT-K)"),
]

SCALE_NEEDS_SCORE = _("Write the score the client got on this scale.")
SCORE_NEEDS_SCALE = _("Name the scale this score comes from.")
SCALE_ONLY_FORMAL = _(
    "A scale and its score belong to formal, quantitative monitoring: choose that method, or "
    "leave the scale empty."
)
SCALE_MAX_NEEDS_SCORE = _("Give the highest possible score only with a score.")
SCORE_ABOVE_MAX = _("The score cannot be higher than the scale's highest possible score.")


def scale_problems(*, method, name, score, maximum):
    """{field: Korean message} for a monitoring's scale fields: a scale and its score go
    together, only with the formal method; the highest possible score, if given, bounds it."""
    problems = {}
    if name and score is None:
        problems["scale_score"] = SCALE_NEEDS_SCORE
    elif score is not None and not name:
        problems["scale_name"] = SCORE_NEEDS_SCALE
    elif name and method and method != MonitoringMethod.FORMAL:
        problems["scale_name"] = SCALE_ONLY_FORMAL
    if maximum is not None and score is None and "scale_score" not in problems:
        problems["scale_max"] = SCALE_MAX_NEEDS_SCORE
    elif maximum is not None and score is not None and score > maximum:
        problems["scale_score"] = SCORE_ABOVE_MAX
    return problems


class Monitoring(CaseRecord):
    """점검: delivery of a planned service and the client's change, with the item's status ⑬.

    Formal, quantitative monitoring (척도 활용) records the scale and the client's score, so the
    case page can show one scale's scores over time."""

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
    scale_name = models.CharField(
        _("scale"),
        max_length=100,
        blank=True,
        help_text=_("Formal monitoring only: choose a scale from the list or type its name."),
    )
    scale_score = models.DecimalField(
        _("score"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    scale_max = models.DecimalField(
        _("highest possible score"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Optional, e.g. 60 for the CES-D."),
    )
    # A partner agency's report of the service it delivered (resources.ServiceReport) lands here,
    # method "through the provider", and waits until the case manager confirms it.
    reported_by_provider = models.ForeignKey(
        "resources.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("reported by the provider"),
    )
    confirmed_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("monitoring record")
        verbose_name_plural = _("monitoring records")
        ordering = ["case", "-date", "-id"]
        # A case's entries by date (its page, the schedule's last contact), read backwards.
        indexes = [models.Index(fields=["case", "date", "id"], name="monitoring_case_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_name="", scale_score__isnull=True)
                | (~Q(scale_name="") & Q(scale_score__isnull=False, method="formal")),
                name="monitoring_scale_with_score_formal_only",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__isnull=True)
                | Q(scale_score__isnull=False, scale_score__lte=F("scale_max")),
                name="monitoring_score_within_scale_max",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | Q(
                    reported_by_provider__isnull=False,
                    confirmed_by__isnull=False,
                    confirmed_at__isnull=False,
                ),
                name="monitoring_confirmed_only_provider_reports",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_method_display()}"

    @property
    def awaiting_confirmation(self):
        """A partner agency's report the case manager has not confirmed yet."""
        return self.reported_by_provider_id is not None and self.confirmed_at is None

    def clean(self):
        super().clean()
        self.scale_name = (self.scale_name or "").strip()
        problems = scale_problems(
            method=self.method,
            name=self.scale_name,
            score=self.scale_score,
            maximum=self.scale_max,
        )
        if problems:
            raise ValidationError(problems)


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
        indexes = [models.Index(fields=["closed_on"], name="closure_date")]
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
        indexes = [models.Index(fields=["date"], name="follow_up_date")]

    def __str__(self):
        return f"{self.case} {self.date}"


# --- 슈퍼비전 ------------------------------------------------------------------------------------------
class SupervisionKind(models.TextChoices):
    """The supervisor's functions in seed 002: teaching and guidance through the whole process,
    advice on the case, and mediating conflicts (and fostering cooperation)."""

    EDUCATION = "education", _("Teaching and guidance")
    ADVICE = "advice", _("Advice")
    MEDIATION = "mediation", _("Mediating conflicts, fostering cooperation")


FOLLOW_UP_BEFORE_SUPERVISION = _("The case manager's deadline cannot be before the supervision.")


class Supervision(CaseRecord):
    """슈퍼비전: the team leader's teaching, advice or mediation on a case, and what the case
    manager will do about it. Written by the supervisor; read by everyone who reads the case."""

    case = case_fk("supervisions")
    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(
        _("kind of supervision"), max_length=20, choices=SupervisionKind.choices
    )
    discussed = models.TextField(_("what was discussed"))
    advice = models.TextField(_("advice given"))
    action = models.TextField(_("what the case manager will do"))
    action_due = models.DateField(_("to be done by"), null=True, blank=True)
    supervisor = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("supervisor"),
    )

    history = change_history()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["case", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action_due__isnull=True) | Q(action_due__gte=F("date")),
                name="supervision_action_due_after_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"

    def clean(self):
        super().clean()
        if self.action_due and self.date and self.action_due < self.date:
            raise ValidationError({"action_due": FOLLOW_UP_BEFORE_SUPERVISION})
