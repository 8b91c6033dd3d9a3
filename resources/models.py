"""The community-resource registry: providers (제공기관), resources (자원), development log (자원개발),
and referrals (서비스 연계 · 의뢰) of a plan item's service to a resource or provider.

One registry per gu, shared by every dong team (DB 공유): providers and gu-shared resources are
read by every officer of the gu; a dong-only resource by its registering dong and the gu staff.
Who may read and change what is decided here, in the QuerySets, and nowhere else.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casemgmt.core.access import SCOPE_OWN_DONG, SCOPE_WHOLE_GU, ScopedQuerySet
from casemgmt.core.history import change_history
from casemgmt.core.korean import korean_date
from casemgmt.core.versioning import VersionedModel
from cases.choices import NeedDomain
from cases.models.scope import CaseScopedQuerySet

# --- vocabulary ---------------------------------------------------------------------------------


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class ProviderKind(models.TextChoices):
    DONG_CENTRE = "dong_centre", _("Dong community service centre")
    GU_DEPARTMENT = "gu_department", _("Gu office department")
    HEALTH_CENTRE = "health_centre", _("Public health centre")
    PUBLIC_AGENCY = "public_agency", _("Other public agency")
    WELFARE_CENTRE = "welfare_centre", _("Social welfare centre")
    CHILDREN_CENTRE = "children_centre", _("Community children's centre")
    SELF_SUFFICIENCY = "self_sufficiency", _("Self-sufficiency centre")
    HOSPITAL = "hospital", _("Hospital or clinic")
    RELIGIOUS = "religious", _("Religious organisation")
    CIVIC_GROUP = "civic_group", _("Association or civic group")
    BUSINESS = "business", _("Business or shop")
    OTHER = "other", _("Other")


#: Kinds that can only be of one sector; the others may be either.
KIND_SECTOR = {
    ProviderKind.DONG_CENTRE: Sector.PUBLIC,
    ProviderKind.GU_DEPARTMENT: Sector.PUBLIC,
    ProviderKind.HEALTH_CENTRE: Sector.PUBLIC,
    ProviderKind.PUBLIC_AGENCY: Sector.PUBLIC,
    ProviderKind.RELIGIOUS: Sector.PRIVATE,
    ProviderKind.CIVIC_GROUP: Sector.PRIVATE,
    ProviderKind.BUSINESS: Sector.PRIVATE,
}


class ResourceKind(models.TextChoices):
    """The three kinds of community resource in the seed textbook."""

    HUMAN = "human", _("Human")
    MATERIAL = "material", _("Material")
    RELATIONAL = "relational", _("Relational")


class ResourceSubtype(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    RESIDENT = "resident", _("Resident")
    SHOP_OWNER = "shop_owner", _("Local shop owner")
    ASSOCIATION = "association", _("Occupational association")
    SELF_HELP_GROUP = "self_help_group", _("Self-help group")
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")
    PUBLIC_BENEFIT = "public_benefit", _("Public benefit")
    SOCIAL_SERVICE = "social_service", _("Social service")
    SPONSORSHIP = "sponsorship", _("Sponsorship money")
    NEIGHBOUR_NETWORK = "neighbour_network", _("Neighbour network")
    MENTORING = "mentoring", _("Mentoring or befriending")
    COMMUNITY_GROUP = "community_group", _("Neighbourhood group")


SUBTYPES_OF_KIND = {
    ResourceKind.HUMAN: [
        ResourceSubtype.VOLUNTEER,
        ResourceSubtype.RESIDENT,
        ResourceSubtype.SHOP_OWNER,
        ResourceSubtype.ASSOCIATION,
        ResourceSubtype.SELF_HELP_GROUP,
    ],
    ResourceKind.MATERIAL: [
        ResourceSubtype.GOODS,
        ResourceSubtype.SERVICE,
        ResourceSubtype.PUBLIC_BENEFIT,
        ResourceSubtype.SOCIAL_SERVICE,
        ResourceSubtype.SPONSORSHIP,
    ],
    ResourceKind.RELATIONAL: [
        ResourceSubtype.NEIGHBOUR_NETWORK,
        ResourceSubtype.MENTORING,
        ResourceSubtype.COMMUNITY_GROUP,
    ],
}


def grouped_subtype_choices():
    """Subtypes grouped under their kind, for a select with option groups."""
    return [
        (ResourceKind(kind).label, [(s.value, s.label) for s in subtypes])
        for kind, subtypes in SUBTYPES_OF_KIND.items()
    ]


class CapacityUnit(models.TextChoices):
    PERSONS = "persons", _("persons")
    HOUSEHOLDS = "households", _("households")
    PLACES = "places", _("places")
    SESSIONS_PER_MONTH = "sessions_month", _("sessions per month")
    ITEMS_PER_MONTH = "items_month", _("items per month")
    WON_PER_MONTH = "won_month", _("won per month")


class DevelopmentMethod(models.TextChoices):
    NEW_VOLUNTEER = "new_volunteer", _("New volunteer")
    BUSINESS_DONATION = "business_donation", _("Business donation")
    PARTNERSHIP = "partnership", _("Partnership agreement")
    OTHER = "other", _("Other")


# --- error texts (tests import them) ------------------------------------------------------------

SUBTYPE_NOT_OF_KIND = _("This subtype does not belong to the chosen kind of resource.")
UNTIL_BEFORE_FROM = _("The end of availability cannot be before its start.")
CAPACITY_BELOW_USE = _("The capacity cannot be lower than what is in use now (%(in_use)s).")
CAPACITY_NEEDS_UNIT = _("Say what the capacity counts: persons, places, won per month…")
PROVIDER_OF_OTHER_GU = _("This provider is not registered in your gu.")
DUPLICATE_RESOURCE = _(
    "This resource is already registered with the same provider. Edit the registered one instead."
)
DUPLICATE_PROVIDER = _("A provider with this name is already registered in this gu.")
SECTOR_OF_KIND = _("This kind of provider is always %(sector)s.")
DONG_ONLY_NEEDS_DONG = _("A resource registered by the gu office is shared with every dong.")
DEVELOPED_IN_FUTURE = _("The date of the development cannot be in the future.")


# --- access: one rule for object checks, lists, choice lists and exports ------------------------


def _active_officer(user):
    return bool(user.is_authenticated and user.is_active)


class GuRegistryQuerySet(ScopedQuerySet):
    """Rows of a gu's shared registry: a ``gu``, a ``registering_dong`` (None: the gu office).

    Read: every officer of the gu reads the shared rows (``shared_q``); a row kept to one dong is
    read by that dong and the gu staff. Change: the registering dong's team and the gu staff.
    The system administrator holds neither scope and sees nothing.
    """

    dong_lookup = "registering_dong"

    def shared_q(self):
        """Rows every officer of the gu may read; None: all of them."""
        return None

    def _perm(self, action):
        meta = self.model._meta
        return f"{meta.app_label}.{action}_{meta.model_name}"

    def for_user(self, user):
        if not _active_officer(user) or not user.gu_id:
            return self.none()
        if not user.has_perm(self._perm("view")):
            return self.none()
        in_gu = self.filter(gu_id=user.gu_id)
        if user.has_perm(SCOPE_WHOLE_GU):
            return in_gu
        if user.has_perm(SCOPE_OWN_DONG) and user.dong_id:
            shared = self.shared_q()
            if shared is None:
                return in_gu
            return in_gu.filter(shared | Q(registering_dong_id=user.dong_id))
        return self.none()

    def editable_by(self, user):
        if not _active_officer(user) or not user.gu_id:
            return self.none()
        if not user.has_perm(self._perm("change")):
            return self.none()
        in_gu = self.filter(gu_id=user.gu_id)
        if user.has_perm(SCOPE_WHOLE_GU):
            return in_gu
        if user.has_perm(SCOPE_OWN_DONG) and user.dong_id:
            return in_gu.filter(registering_dong_id=user.dong_id)
        return self.none()

    def active(self):
        return self.filter(archived_at__isnull=True)


def can_register(user, model):
    """May the user add a row to the registry: a dong officer for their dong, gu staff for the gu."""
    meta = model._meta
    if not (_active_officer(user) and user.gu_id):
        return False
    if not user.has_perm(f"{meta.app_label}.add_{meta.model_name}"):
        return False
    return user.has_perm(SCOPE_WHOLE_GU) or bool(user.has_perm(SCOPE_OWN_DONG) and user.dong_id)


class ProviderQuerySet(GuRegistryQuerySet):
    def serving(self, dong):
        """Providers whose service area includes ``dong`` or is the whole gu (no dong ticked)."""
        area = Provider.service_dongs.through.objects.filter(provider_id=OuterRef("pk"))
        return self.filter(~Exists(area) | Exists(area.filter(dong_id=_pk(dong))))


class ResourceQuerySet(GuRegistryQuerySet):
    def shared_q(self):
        return Q(shared_gu_wide=True)

    def serving(self, dong):
        """Resources a client living in ``dong`` can use: a dong-only resource of that dong, or
        a shared one whose provider serves the dong (or the whole gu), or without a provider."""
        dong_id = _pk(dong)
        area = Provider.service_dongs.through.objects.filter(provider_id=OuterRef("provider_id"))
        return self.filter(
            Q(shared_gu_wide=False, registering_dong_id=dong_id)
            | Q(shared_gu_wide=True)
            & (Q(provider__isnull=True) | ~Exists(area) | Exists(area.filter(dong_id=dong_id)))
        )

    def available_on(self, day):
        return self.filter(
            Q(available_from__isnull=True) | Q(available_from__lte=day),
            Q(available_until__isnull=True) | Q(available_until__gte=day),
        )

    def with_room(self):
        """Unlimited, or with capacity left."""
        return self.filter(Q(capacity__isnull=True) | Q(capacity__gt=models.F("capacity_in_use")))


class ResourceDevelopmentQuerySet(ScopedQuerySet):
    """A development entry follows its resource: readable where the resource is, written by
    those who may change the resource."""

    dong_lookup = "resource__registering_dong"

    def for_user(self, user):
        if not (_active_officer(user) and user.has_perm("resources.view_resourcedevelopment")):
            return self.none()
        return self.filter(resource__in=Resource.objects.for_user(user))

    def editable_by(self, user):
        if not (_active_officer(user) and user.has_perm("resources.change_resourcedevelopment")):
            return self.none()
        return self.filter(resource__in=Resource.objects.editable_by(user))


def _pk(obj_or_pk):
    return getattr(obj_or_pk, "pk", obj_or_pk)


# --- models -------------------------------------------------------------------------------------


class Provider(VersionedModel):
    """제공기관: a public or private organisation that provides services or resources."""

    gu = models.ForeignKey(
        "core.Gu", on_delete=models.PROTECT, related_name="providers", verbose_name=_("gu")
    )
    registering_dong = models.ForeignKey(
        "core.Dong",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_providers",
        verbose_name=_("registered by dong"),
        help_text=_("Empty: registered by the gu office."),
    )
    name = models.CharField(_("provider name"), max_length=100)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    kind = models.CharField(_("kind of provider"), max_length=20, choices=ProviderKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    service_dongs = models.ManyToManyField(
        "core.Dong",
        blank=True,
        related_name="served_by_providers",
        verbose_name=_("service area"),
        help_text=_("The dongs it serves. Tick none if it serves the whole gu."),
    )
    joins_case_conferences = models.BooleanField(
        _("takes part in integrated case conferences"), default=False
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gu", "name"],
                name="provider_unique_name_in_gu",
                violation_error_message=DUPLICATE_PROVIDER,
            ),
            models.CheckConstraint(
                condition=(
                    ~Q(kind__in=[k for k, s in KIND_SECTOR.items() if s == Sector.PUBLIC])
                    | Q(sector=Sector.PUBLIC)
                )
                & (
                    ~Q(kind__in=[k for k, s in KIND_SECTOR.items() if s == Sector.PRIVATE])
                    | Q(sector=Sector.PRIVATE)
                ),
                name="provider_sector_matches_kind",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        fixed = KIND_SECTOR.get(self.kind)
        if fixed and self.sector and self.sector != fixed:
            errors["sector"] = ValidationError(
                SECTOR_OF_KIND, params={"sector": Sector(fixed).label}
            )
        if self.gu_id and self.name:
            same = Provider.objects.filter(gu_id=self.gu_id, name=self.name).exclude(pk=self.pk)
            if same.exists():
                errors["name"] = ValidationError(DUPLICATE_PROVIDER)
        if errors:
            raise ValidationError(errors)


class Resource(VersionedModel):
    """자원: a person, a good or service, or a relationship that can meet a client's need."""

    gu = models.ForeignKey(
        "core.Gu", on_delete=models.PROTECT, related_name="resources", verbose_name=_("gu")
    )
    registering_dong = models.ForeignKey(
        "core.Dong",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_resources",
        verbose_name=_("registered by dong"),
        help_text=_("Empty: registered by the gu office."),
    )
    shared_gu_wide = models.BooleanField(
        _("shared with every dong of the gu"),
        default=True,
        help_text=_("Untick to keep it to your dong: other dongs will not see it."),
    )
    name = models.CharField(_("resource name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind of resource"), max_length=12, choices=ResourceKind.choices)
    subtype = models.CharField(_("subtype"), max_length=20, choices=ResourceSubtype.choices)
    need_domain = models.CharField(_("need domain"), max_length=20, choices=NeedDomain.choices)
    eligibility = models.TextField(_("eligibility"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty if it is unlimited.")
    )
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=20, choices=CapacityUnit.choices, blank=True
    )
    # Kept by referrals (an accepted or running referral holds its share); changed only by the
    # services (resources.services), with the row locked.
    capacity_in_use = models.PositiveIntegerField(_("in use"), default=0, editable=False)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    cost = models.CharField(
        _("cost"), max_length=100, blank=True, help_text=_("e.g. free, 5,000 won per meal")
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("provider"),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["gu", "need_domain"], name="resource_gu_domain"),
            models.Index(fields=["registering_dong", "shared_gu_wide"], name="resource_dong"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_in_use__gte=0), name="resource_in_use_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="resource_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="resource_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(kind=kind, subtype__in=[s.value for s in subtypes])
                        for kind, subtypes in SUBTYPES_OF_KIND.items()
                    ],
                    _connector=Q.OR,
                ),
                name="resource_subtype_of_kind",
            ),
            models.CheckConstraint(
                condition=Q(shared_gu_wide=True) | Q(registering_dong__isnull=False),
                name="resource_dong_only_has_dong",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def capacity_left(self):
        """None when unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.capacity_in_use, 0)

    @property
    def is_available_now(self):
        today = timezone.localdate()
        return (self.available_from is None or self.available_from <= today) and (
            self.available_until is None or self.available_until >= today
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.kind and self.subtype:
            if self.subtype not in SUBTYPES_OF_KIND.get(self.kind, []):
                errors["subtype"] = ValidationError(SUBTYPE_NOT_OF_KIND)
        if self.available_from and self.available_until:
            if self.available_until < self.available_from:
                errors["available_until"] = ValidationError(UNTIL_BEFORE_FROM)
        if self.capacity is not None:
            if not self.capacity_unit:
                errors["capacity_unit"] = ValidationError(CAPACITY_NEEDS_UNIT)
            if self.capacity_in_use > self.capacity:
                errors["capacity"] = ValidationError(
                    CAPACITY_BELOW_USE, params={"in_use": self.capacity_in_use}
                )
        if self.gu_id and self.provider_id and self.provider.gu_id != self.gu_id:
            errors["provider"] = ValidationError(PROVIDER_OF_OTHER_GU)
        if self.gu_id and not self.registering_dong_id and not self.shared_gu_wide:
            errors["shared_gu_wide"] = ValidationError(DONG_ONLY_NEEDS_DONG)
        if self.gu_id and self.name and "name" not in errors:
            same = Resource.objects.active().filter(
                gu_id=self.gu_id,
                registering_dong_id=self.registering_dong_id,
                provider_id=self.provider_id,
                name=self.name,
            )
            if same.exclude(pk=self.pk).exists():
                errors["name"] = ValidationError(DUPLICATE_RESOURCE)
        if errors:
            raise ValidationError(errors)


class ResourceDevelopment(VersionedModel):
    """자원개발: one resource discovered or developed, by whom, when and how."""

    resource = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        related_name="developments",
        verbose_name=_("resource"),
    )
    developed_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="resource_developments",
        verbose_name=_("developed by"),
    )
    developed_on = models.DateField(_("date"))
    method = models.CharField(_("how"), max_length=20, choices=DevelopmentMethod.choices)
    note = models.TextField(_("note"), blank=True)

    objects = ResourceDevelopmentQuerySet.as_manager()
    history = change_history()

    class Meta:
        verbose_name = _("resource development")
        verbose_name_plural = _("resource development")
        ordering = ["-developed_on", "-id"]
        indexes = [
            models.Index(fields=["developed_by", "developed_on"], name="development_person_date"),
        ]

    def __str__(self):
        return f"{self.resource} · {korean_date(self.developed_on)}"

    def clean(self):
        super().clean()
        if self.developed_on and self.developed_on > timezone.localdate():
            raise ValidationError({"developed_on": DEVELOPED_IN_FUTURE})


# --- referrals (서비스 연계 · 의뢰) ----------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("referral status", "Requested")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    IN_SERVICE = "in_service", pgettext_lazy("referral status", "In service")
    ENDED = "ended", pgettext_lazy("referral status", "Ended")


#: Where a referral may go from each status. A provider may start at once (requested → in
#: service), take back its acceptance (accepted → declined); a request may be withdrawn (→ ended).
REFERRAL_MOVES = {
    ReferralStatus.REQUESTED: [
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.IN_SERVICE,
        ReferralStatus.ENDED,
    ],
    ReferralStatus.ACCEPTED: [
        ReferralStatus.IN_SERVICE,
        ReferralStatus.DECLINED,
        ReferralStatus.ENDED,
    ],
    ReferralStatus.IN_SERVICE: [ReferralStatus.ENDED],
    ReferralStatus.DECLINED: [],
    ReferralStatus.ENDED: [],
}
#: A referral in these statuses holds its share of the resource's capacity.
HOLDS_CAPACITY = {ReferralStatus.ACCEPTED, ReferralStatus.IN_SERVICE}
OPEN_REFERRAL = [ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_SERVICE]
#: The date field each move fills in.
STEP_DATE_FIELD = {
    ReferralStatus.REQUESTED: "requested_on",
    ReferralStatus.ACCEPTED: "responded_on",
    ReferralStatus.DECLINED: "responded_on",
    ReferralStatus.IN_SERVICE: "started_on",
    ReferralStatus.ENDED: "ended_on",
}
#: What the officer picks to record a move, in words about what happened.
MOVE_LABELS = {
    ReferralStatus.ACCEPTED: _("The provider accepted"),
    ReferralStatus.DECLINED: _("The provider declined"),
    ReferralStatus.IN_SERVICE: _("The service started"),
    ReferralStatus.ENDED: _("The service ended (or the request was withdrawn)"),
}

DECLINED_NEEDS_REASON = _("Write why the provider declined.")
REFERRAL_NEEDS_TARGET = _("A referral goes to a resource or a provider of the registry.")
OVERRIDE_NEEDS_REASON = _("A supervisor's approval without consent needs its reason.")
STEP_DATE_IN_FUTURE = _("The date of a step cannot be in the future.")
STEP_DATE_BEFORE_REQUEST = _("A step cannot be dated before the request (%(date)s).")
CONSENT_DOES_NOT_COVER = _(
    "The client's information may not be shared with %(provider)s: no valid consent of this case "
    "names it as a provider to share with. Record a consent that covers it, refer without "
    "sharing information, or ask the dong's supervisor to approve the referral with a reason."
)
NO_PROVIDER_TO_CONSENT_TO = _(
    "%(resource)s has no registered provider, so no consent can name who receives the client's "
    "information. Refer without sharing information, or ask the dong's supervisor to approve the "
    "referral with a reason."
)


def is_own_centre(provider, dong_id):
    """Is the provider the dong's own community service centre (sharing stays in the team)?"""
    return provider.kind == ProviderKind.DONG_CENTRE and (
        provider.registering_dong_id == dong_id
        or provider.service_dongs.filter(pk=dong_id).exists()
    )


def shares_information_by_default(*, case, provider):
    """A referral passes the client's information on unless it goes to the dong's own centre."""
    return provider is None or not is_own_centre(provider, case.dong_id)


def consent_missing(*, case, provider, resource=None, shares_information=True, on=None):
    """What is missing before the client's information may go to ``provider``: a list of Korean
    sentences, empty when nothing is shared, it stays in the dong's own centre, or an active
    consent of the case covers the provider."""
    if not shares_information or (provider is not None and is_own_centre(provider, case.dong_id)):
        return []
    if provider is None:
        return [NO_PROVIDER_TO_CONSENT_TO % {"resource": resource}]
    if any(consent.covers(provider, on=on) for consent in case.consents.all()):
        return []
    return [CONSENT_DOES_NOT_COVER % {"provider": provider.name}]


class ReferralQuerySet(CaseScopedQuerySet):
    """A referral is a record of its case: read where the case is read (its dong, the gu staff),
    changed by whoever may change the case."""

    dong_lookup = "plan_item__plan__case__dong"
    case_prefix = "plan_item__plan__case__"

    def open(self):
        return self.filter(status__in=OPEN_REFERRAL)

    def for_partner(self, user):
        """A partner agency reads the referrals addressed to it, and each only while an active
        consent of the case names the agency (a withdrawal closes it from the day it is recorded).
        A referral that shares nothing, or shares on a supervisor's approval, stays inside."""
        from cases.models import Consent

        today = timezone.localdate()
        covering = Consent.objects.filter(
            case_id=OuterRef("plan_item__plan__case_id"),
            sharing_consent=True,
            providers=OuterRef("provider_id"),
            valid_from__lte=today,
        ).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        )
        return self.filter(
            provider__partner_accounts__user=user,
            provider__archived_at__isnull=True,
            shares_information=True,
            consent_override_by__isnull=True,
        ).filter(Exists(covering))


class Referral(VersionedModel):
    """서비스 연계 · 의뢰: a plan item's service asked of a resource or provider, and its answer."""

    plan_item = models.ForeignKey(
        "cases.PlanItem",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("plan item"),
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("resource"),
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("provider"),
    )
    status = models.CharField(
        pgettext_lazy("referral", "status"),
        max_length=12,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REQUESTED,
        editable=False,
    )
    quantity = models.PositiveIntegerField(
        _("capacity used"),
        default=1,
        help_text=_("How much of the resource's capacity it takes: persons, places, won…"),
    )
    shares_information = models.BooleanField(
        _("shares the client's information with the provider"), default=True
    )
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    responded_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    started_on = models.DateField(_("service started on"), null=True, blank=True, editable=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    consent_override_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("approved without consent by"),
    )
    consent_override_at = models.DateTimeField(
        _("approved without consent at"), null=True, blank=True, editable=False
    )
    consent_override_reason = models.TextField(
        _("reason for approving without consent"), blank=True, editable=False
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["status", "requested_on"], name="referral_status_date"),
            models.Index(fields=["requested_on", "id"], name="referral_date"),
            models.Index(fields=["provider", "status"], name="referral_provider_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resource__isnull=False) | Q(provider__isnull=False),
                name="referral_has_target",
                violation_error_message=REFERRAL_NEEDS_TARGET,
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
                violation_error_message=DECLINED_NEEDS_REASON,
            ),
            models.CheckConstraint(
                condition=Q(consent_override_by__isnull=True, consent_override_reason="")
                | Q(consent_override_by__isnull=False, consent_override_at__isnull=False)
                & ~Q(consent_override_reason=""),
                name="referral_override_recorded_with_reason",
                violation_error_message=OVERRIDE_NEEDS_REASON,
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="referral_quantity_positive"),
            models.CheckConstraint(
                condition=(Q(responded_on__isnull=True) | Q(responded_on__gte=F("requested_on")))
                & (Q(started_on__isnull=True) | Q(started_on__gte=F("requested_on")))
                & (Q(ended_on__isnull=True) | Q(ended_on__gte=F("requested_on"))),
                name="referral_steps_after_request",
            ),
            models.UniqueConstraint(
                fields=["plan_item"],
                condition=Q(status__in=OPEN_REFERRAL),
                name="referral_one_open_per_item",
            ),
        ]

    def __str__(self):
        return f"{self.target_name} · {self.get_status_display()}"

    @property
    def target_name(self):
        if self.resource_id and self.provider_id:
            return f"{self.resource.name} ({self.provider.name})"
        return str(self.resource or self.provider)

    @property
    def case(self):
        return self.plan_item.plan.case

    @property
    def access_subject_id(self):
        return self.plan_item.plan.case.client_id

    @property
    def is_open(self):
        return self.status in OPEN_REFERRAL

    @property
    def holds_capacity(self):
        return self.status in HOLDS_CAPACITY

    @property
    def consent_overridden(self):
        return self.consent_override_by_id is not None

    def next_statuses(self):
        return REFERRAL_MOVES[ReferralStatus(self.status)]

    def latest_step_date(self):
        dates = [self.requested_on, self.responded_on, self.started_on, self.ended_on]
        return max(d for d in dates if d is not None)

    def clean(self):
        super().clean()
        errors = {}
        if self.requested_on and self.requested_on > timezone.localdate():
            errors["requested_on"] = ValidationError(STEP_DATE_IN_FUTURE)
        if errors:
            raise ValidationError(errors)


class ReferralStatusChange(models.Model):
    """One row per change of a referral's status: who, when, from, to, and a note."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="changes", verbose_name=_("referral")
    )
    source = models.CharField(_("from"), max_length=12, choices=ReferralStatus.choices, blank=True)
    target = models.CharField(_("to"), max_length=12, choices=ReferralStatus.choices)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")
        ordering = ["referral", "at", "id"]

    def __str__(self):
        return f"{self.referral_id}: {self.source or '-'} → {self.target}"


# The partner agencies' accounts, reports and documents (kept apart: this module is long enough).
from .partner_models import (  # noqa: E402, F401
    Attendance,
    PartnerAccount,
    ReferralDocument,
    ServiceReport,
)
