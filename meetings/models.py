"""Case conferences: meetings, their attendees, agenda items and the chair's decisions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import ScopedQuerySet
from casemgmt.core.history import change_history
from casemgmt.core.korean import korean_date
from casemgmt.core.versioning import VersionedModel


class MeetingKind(models.TextChoices):
    INTERNAL_REVIEW = "internal_review", _("Internal review meeting")
    TEAM_CONFERENCE = "team_conference", _("Team case conference")
    INTEGRATED_CONFERENCE = "integrated", _("Integrated case conference")


class Question(models.TextChoices):
    """What the case manager asks the meeting to decide."""

    SELECT = "select", _("Select the case?")
    CLASSIFY = "classify", _("General or specialised?")
    APPROVE_PLAN = "approve_plan", _("Approve the service plan?")
    APPROVE_CLOSURE = "approve_closure", _("Approve the closure?")
    REASSESSMENT = "reassessment", _("Reassessment review")
    CONSULTATION = "consultation", _("Difficult-case consultation")
    # Questions about a client, with no case needed (seed 002: the 내부판정회의 also selects
    # recipients of emergency support and of public assistance).
    EMERGENCY_SUPPORT = "emergency_support", _("Select for emergency support")
    PUBLIC_ASSISTANCE = (
        "public_assistance",
        _("Public assistance (basic livelihood security etc.) linkage"),
    )


#: The questions whose subject is a client, not a case.
CLIENT_QUESTIONS = frozenset({Question.EMERGENCY_SUPPORT, Question.PUBLIC_ASSISTANCE})


class Outcome(models.TextChoices):
    GENERAL = "general", _("Selected: general case")
    SPECIALISED = "specialised", _("Selected: specialised case")
    NOT_SELECTED = "not_selected", _("Not selected")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    PLAN_RETURNED = "plan_returned", _("Plan returned with comments")
    CLOSURE_APPROVED = "closure_approved", _("Closure approved")
    CLOSURE_RETURNED = "closure_returned", _("Closure returned with comments")
    OTHER = "other", _("Other resolution")
    SUPPORT_SELECTED = "support_selected", _("Selected for support")
    ON_HOLD = "on_hold", _("On hold")


#: The outcomes the chair may pick for each question (one declarative table, as in the
#: conventions): the form offers these, and the service refuses anything else.
OUTCOMES_FOR = {
    Question.SELECT: [Outcome.GENERAL, Outcome.SPECIALISED, Outcome.NOT_SELECTED],
    Question.CLASSIFY: [Outcome.GENERAL, Outcome.SPECIALISED],
    Question.APPROVE_PLAN: [Outcome.PLAN_APPROVED, Outcome.PLAN_RETURNED],
    Question.APPROVE_CLOSURE: [Outcome.CLOSURE_APPROVED, Outcome.CLOSURE_RETURNED],
    Question.REASSESSMENT: [Outcome.OTHER],
    Question.CONSULTATION: [Outcome.OTHER],
    Question.EMERGENCY_SUPPORT: [Outcome.SUPPORT_SELECTED, Outcome.NOT_SELECTED, Outcome.ON_HOLD],
    Question.PUBLIC_ASSISTANCE: [Outcome.SUPPORT_SELECTED, Outcome.NOT_SELECTED, Outcome.ON_HOLD],
}
RETURNED = {Outcome.PLAN_RETURNED, Outcome.CLOSURE_RETURNED}

CLIENT_QUESTION_NEEDS_CLIENT = _("This question is about a client: choose the client, not a case.")
CASE_QUESTION_NEEDS_CASE = _("This question is about a case: choose the case, not a client.")
CASE_OR_CLIENT = _("Choose a case or a client: one of the two.")


class MeetingQuerySet(ScopedQuerySet):
    dong_lookup = "dong"
    change_permission = "meetings.change_meeting"

    def upcoming(self):
        return self.filter(finalised_at__isnull=True)

    def for_partner(self, user):
        """A partner agency reads the final minutes of the conferences it attended (and of those
        only its external copy: meetings.selectors.external_copy)."""
        attended = Attendee.objects.filter(
            meeting=OuterRef("pk"), attended=True, provider__partner_accounts__user=user
        )
        return self.filter(finalised_at__isnull=False).filter(Exists(attended))


class Meeting(VersionedModel):
    dong = models.ForeignKey(
        "core.Dong", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("dong")
    )
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=100)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
        verbose_name=_("chair"),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    finalised_at = models.DateTimeField(
        _("minutes finalised at"), null=True, blank=True, editable=False
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("minutes finalised by"),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_at", "-id"]
        indexes = [
            models.Index(fields=["dong", "held_at"], name="meeting_dong_time"),
            models.Index(fields=["held_at", "id"], name="meeting_time"),  # the gu's, by time
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {korean_date(timezone.localtime(self.held_at).date())}"

    @property
    def is_upcoming(self):
        return self.held_at > timezone.now()

    @property
    def is_final(self):
        return self.finalised_at is not None

    @property
    def held_on(self):
        """The meeting's day in Seoul."""
        return timezone.localtime(self.held_at).date()

    @property
    def is_before_its_day(self):
        """A meeting is decided on or after its day (Seoul): before it, nothing can be decided."""
        return self.held_on > timezone.localdate()


class Attendee(models.Model):
    """An internal officer, or an external partner person from a registered provider."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendees", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    provider = models.ForeignKey(
        "resources.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, provider__isnull=True)
                | Q(user__isnull=True, provider__isnull=False),
                name="attendee_is_officer_or_partner",
            ),
        ]

    def __str__(self):
        if self.user_id:
            return str(self.user)
        return f"{self.name} ({self.provider})"

    @property
    def is_external(self):
        return self.provider_id is not None


class AgendaItemQuerySet(ScopedQuerySet):
    dong_lookup = "meeting__dong"
    change_permission = "meetings.change_meeting"


class AgendaItem(VersionedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="items", verbose_name=_("meeting")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("case"),
    )
    client = models.ForeignKey(
        "cases.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("client"),
        help_text=_(
            "For a question about a client with no case (emergency support, public assistance)."
        ),
    )
    question = models.CharField(_("question to decide"), max_length=20, choices=Question.choices)
    summary = models.TextField(
        _("case summary"), help_text=_("Prepared from the case's own records; edit as needed.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    partners = models.ManyToManyField(
        Attendee,
        blank=True,
        related_name="items",
        verbose_name=_("external attendees for this item"),
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, client__isnull=True)
                | Q(case__isnull=True, client__isnull=False),
                name="agenda_item_is_about_a_case_or_a_client",
            ),
        ]

    def __str__(self):
        return f"{self.subject_label}: {self.get_question_display()}"

    def clean(self):
        super().clean()
        if bool(self.case_id) == bool(self.client_id):
            raise ValidationError(CASE_OR_CLIENT)
        if self.question in CLIENT_QUESTIONS and not self.client_id:
            raise ValidationError({"question": CLIENT_QUESTION_NEEDS_CLIENT})
        if self.question and self.question not in CLIENT_QUESTIONS and not self.case_id:
            raise ValidationError({"question": CASE_QUESTION_NEEDS_CASE})

    @property
    def is_about_client(self):
        return self.client_id is not None

    @property
    def subject_label(self):
        """What a person recognises: the case number and client, or the client alone."""
        if self.client_id:
            return self.client.name
        return f"{self.case.number} {self.case.client.name}"

    @property
    def subject_client_id(self):
        return self.client_id or self.case.client_id

    @property
    def access_subject_id(self):
        return self.subject_client_id


class Decision(models.Model):
    """The chair's decision on one agenda item. Immutable once the minutes are final."""

    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="decision", verbose_name=_("agenda item")
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    comments = models.TextField(_("comments and conditions"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    effect = models.TextField(_("effect on the case"), blank=True, editable=False)

    history = change_history()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["decided_at"], name="decision_time")]  # a period's

    def __str__(self):
        return self.get_outcome_display()

    @property
    def history_actor(self):
        return self.decided_by


class TaskQuerySet(ScopedQuerySet):
    dong_lookup = "case__dong"
    change_permission = "cases.change_case"

    def open(self):
        return self.filter(done_at__isnull=True)


class ReturnedTask(models.Model):
    """What a returned decision asks the case manager to do."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="task", verbose_name=_("decision")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("case")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("assigned to"),
    )
    text = models.TextField(_("what to do"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "-created_at"]

    def __str__(self):
        return self.text[:50]


class ActionItemQuerySet(ScopedQuerySet):
    dong_lookup = "meeting__dong"
    change_permission = "meetings.change_meeting"

    def open(self):
        return self.filter(done_at__isnull=True, cancelled_at__isnull=True)


ACTION_OWNER_REQUIRED = _("Choose who does it: an officer, or write an external partner's name.")
ACTION_ONE_OWNER = _("Choose an officer or write an external partner's name, not both.")
ACTION_DUE_BEFORE_MEETING = _("The due date cannot be before the meeting's day (%(day)s).")


class ActionItem(VersionedModel):
    """조치 사항: what the meeting asks someone to do, by when — an officer of the dong or the gu,
    or an external partner named in the minutes. Open until done; never deleted, only cancelled."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("meeting")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("case"),
        help_text=_("A case on this meeting's agenda, if the action is about one."),
    )
    text = models.TextField(_("what to do"), max_length=1000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("officer in charge"),
    )
    owner_name = models.CharField(
        _("external partner in charge"),
        max_length=100,
        blank=True,
        help_text=_("Name and agency, e.g. 이협력 (광진건강가정지원센터)."),
    )
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("marked done by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)

    objects = ActionItemQuerySet.as_manager()
    history = change_history()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at"], name="action_owner_open")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(owner_name=""))
                | (Q(owner__isnull=True) & ~Q(owner_name="")),
                name="action_item_has_one_owner",
            ),
        ]

    def __str__(self):
        return self.text[:50]

    def clean(self):
        super().clean()
        if self.owner_id and self.owner_name:
            raise ValidationError({"owner_name": ACTION_ONE_OWNER})
        if not self.owner_id and not self.owner_name.strip():
            raise ValidationError({"owner": ACTION_OWNER_REQUIRED})
        if self.due_on and self.meeting_id and self.due_on < self.meeting.held_on:
            raise ValidationError(
                {"due_on": ACTION_DUE_BEFORE_MEETING % {"day": korean_date(self.meeting.held_on)}}
            )

    @property
    def is_open(self):
        return self.done_at is None and self.cancelled_at is None

    @property
    def owner_label(self):
        return str(self.owner) if self.owner_id else self.owner_name

    @property
    def access_subject_id(self):
        return self.case.client_id if self.case_id else None
