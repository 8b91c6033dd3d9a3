"""Clients (당사자) and their household members (세대원)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import ScopedQuerySet
from casemgmt.core.versioning import VersionedModel

BIRTH_DATE_IN_FUTURE = _("The date of birth cannot be in the future.")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class LivelihoodStatus(models.TextChoices):
    BASIC = "basic", _("Basic livelihood recipient")
    NEAR_POVERTY = "near_poverty", _("Near-poverty group")
    GENERAL = "general", _("General")


class ClientQuerySet(ScopedQuerySet):
    dong_lookup = "dong"

    def active(self):
        return self.filter(archived_at__isnull=True)


class Client(VersionedModel):
    """당사자: a resident of a dong who is, or may become, the subject of a case."""

    dong = models.ForeignKey(
        "core.Dong", on_delete=models.PROTECT, related_name="clients", verbose_name=_("dong")
    )
    name = models.CharField(_("name"), max_length=50)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200)
    livelihood_status = models.CharField(
        _("livelihood status"),
        max_length=20,
        choices=LivelihoodStatus.choices,
        default=LivelihoodStatus.GENERAL,
    )
    health_notes = models.TextField(_("disability and health notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "birth_date"]
        indexes = [
            models.Index(fields=["dong", "name"], name="client_dong_name"),
            models.Index(fields=["name", "birth_date"], name="client_name_birth"),
        ]
        constraints = [
            # "Not in the future" moves with the clock, which a CHECK cannot express portably;
            # the form and clean() refuse it. The database refuses impossible dates.
            models.CheckConstraint(
                condition=Q(birth_date__gte=datetime.date(1900, 1, 1)),
                name="client_birth_date_plausible",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": BIRTH_DATE_IN_FUTURE})

    @property
    def access_subject_id(self):
        return self.pk

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cases:client_detail", args=[self.pk])


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "relative", _("Other relative")
    COHABITANT = "cohabitant", _("Cohabitant (not related)")


class HouseholdMemberQuerySet(ScopedQuerySet):
    dong_lookup = "client__dong"
    change_permission = "cases.change_client"


class HouseholdMember(VersionedModel):
    """세대원: a member of the client's household."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="household", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(
        _("relation to the client"), max_length=20, choices=Relation.choices
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    lives_together = models.BooleanField(_("lives in the same household"), default=True)
    health_notes = models.TextField(_("disability and health notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["client", "id"]

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"

    @property
    def access_subject_id(self):
        return self.client_id
