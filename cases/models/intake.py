"""발굴 (the discovery queue) and 접수 · 초기상담 (intake and initial counselling)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import ScopedQuerySet
from casemgmt.core.versioning import VersionedModel


class DiscoverySource(models.TextChoices):
    BLIND_SPOT_LIST = "blind_spot", _("National blind-spot discovery list")
    TONGJANG = "tongjang", _("Report by a tongjang")
    HONORARY_OFFICER = "honorary", _("Report by an honorary welfare officer")
    NEIGHBOUR = "neighbour", _("Report by a neighbour")
    AGENCY = "agency", _("Report by an agency")
    OTHER = "other", _("Other")


class DiscoveryResult(models.TextChoices):
    PENDING = "pending", _("Not yet investigated")
    TO_INTAKE = "to_intake", _("Taken to intake")
    NO_NEED = "no_need", _("No need for support")
    ALREADY_SERVED = "already_served", _("Already receiving services")
    REFUSED = "refused", _("Refused")
    UNREACHABLE = "unreachable", _("Unreachable")


class InvestigationMethod(models.TextChoices):
    VISIT = "visit", _("Home visit")
    CALL = "call", _("Phone call")
    OFFICE = "office", _("Counselling at the centre")


class DiscoveryEntryQuerySet(ScopedQuerySet):
    dong_lookup = "dong"
    change_permission = "cases.change_discoveryentry"

    def open(self):
        return self.filter(result=DiscoveryResult.PENDING)


class DiscoveryEntry(VersionedModel):
    """One reported household that must be investigated, so that nobody reported is forgotten."""

    dong = models.ForeignKey(
        "core.Dong", on_delete=models.PROTECT, related_name="+", verbose_name=_("dong")
    )
    source = models.CharField(_("source"), max_length=20, choices=DiscoverySource.choices)
    source_detail = models.CharField(
        _("round or reporter"),
        max_length=100,
        blank=True,
        help_text=_("e.g. the list's round, or who reported"),
    )
    name = models.CharField(_("name"), max_length=50)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200)
    risk_summary = models.TextField(_("reported risks"), blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("investigate by"))
    assigned_to = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    investigated_on = models.DateField(_("investigated on"), null=True, blank=True)
    investigation_method = models.CharField(
        _("investigation method"), max_length=10, choices=InvestigationMethod.choices, blank=True
    )
    result = models.CharField(
        _("result"), max_length=20, choices=DiscoveryResult.choices, default=DiscoveryResult.PENDING
    )
    result_note = models.TextField(_("result note"), blank=True)
    import_batch = models.CharField(_("import batch"), max_length=40, blank=True, editable=False)

    objects = DiscoveryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("discovery entry")
        verbose_name_plural = _("discovery queue")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["dong", "result", "due_on"], name="discovery_queue"),
            models.Index(fields=["result", "due_on", "id"], name="discovery_queue_gu"),  # all dongs
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")),
                name="discovery_due_after_received",
            ),
            models.CheckConstraint(
                condition=Q(result="pending") | Q(investigated_on__isnull=False),
                name="discovery_result_needs_investigation_date",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def access_subject_id(self):
        """Once the reported person came to intake, the access record names them as a client;
        before that the record names the entry (its target) only."""
        return self.intakes.values_list("client_id", flat=True).first()


class IntakeRoute(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    REFERRAL = "referral", _("Referral")
    OUTREACH = "outreach", _("Outreach (discovery)")
    NEIGHBOUR_REPORT = "neighbour", _("Neighbour report")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRISIS = "crisis", _("Crisis")


class Disposition(models.TextChoices):
    """The four outcomes of initial counselling. Only ③ goes on as a case."""

    BENEFIT = "benefit", _("① Welfare-benefit application")
    SERVICE = "service", _("② Welfare-service application")
    CASE_MANAGEMENT = "case", _("③ Service linkage and case-management referral")
    INFORMATION = "information", _("④ Information on other agencies' programmes")


class IntakeQuerySet(ScopedQuerySet):
    dong_lookup = "client__dong"
    change_permission = "cases.change_intake"


class Intake(VersionedModel):
    """접수 · 초기상담: how the person came, what they told us, and what we decided."""

    client = models.ForeignKey(
        "cases.Client", on_delete=models.PROTECT, related_name="intakes", verbose_name=_("client")
    )
    intake_date = models.DateField(_("intake date"))
    route = models.CharField(_("how the person came"), max_length=20, choices=IntakeRoute.choices)
    route_detail = models.CharField(
        _("referred by / channel"),
        max_length=200,
        blank=True,
        help_text=_("Who referred, or which outreach channel."),
    )
    discovery = models.ForeignKey(
        DiscoveryEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intakes",
        verbose_name=_("discovery entry"),
    )
    presenting_problem = models.TextField(_("presenting problem"))
    potential_problems = models.TextField(_("potential problems"), blank=True)
    strengths = models.TextField(
        _("strengths"),
        blank=True,
        help_text=_("Support system, talents, past successes, abilities, positive attitude."),
    )
    weaknesses = models.TextField(
        _("weaknesses"),
        blank=True,
        help_text=_(
            "No support, little experience or information, negative attitude, perceived failures."
        ),
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    disposition = models.CharField(
        _("disposition"), max_length=20, choices=Disposition.choices, blank=True
    )
    disposition_note = models.TextField(_("disposition note"), blank=True)
    counselled_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("counselled by")
    )

    objects = IntakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-intake_date", "-id"]
        indexes = [models.Index(fields=["intake_date", "id"], name="intake_date")]

    def __str__(self):
        return f"{self.client} {self.intake_date:%Y-%m-%d}"

    @property
    def access_subject_id(self):
        return self.client_id
