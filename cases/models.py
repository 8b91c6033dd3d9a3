"""Clients (당사자) and, as the lifecycle grows, their cases."""

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
