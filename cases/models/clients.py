"""Clients (당사자) and their household members (세대원)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import ScopedQuerySet
from casemgmt.core.fields import SensitiveCharField, SensitiveTextField
from casemgmt.core.history import change_history
from casemgmt.core.korean import initial_consonants
from casemgmt.core.search import GramsField, GramsIndex, name_grams, text_grams
from casemgmt.core.versioning import VersionedModel

BIRTH_DATE_IN_FUTURE = _("The date of birth cannot be in the future.")
RESIDENT_NUMBER_FORMAT = _(
    "Enter the resident registration number as 13 digits, like 900101-2345678."
)
RESIDENT_NUMBER_BIRTH = _(
    "The first six digits and the 7th digit must match the date of birth (YYMMDD and the century)."
)
RESIDENT_NUMBER_SEX = _("The 7th digit does not match the sex (odd: male, even: female).")
# ASCII digits only: a fullwidth ２ or an Arabic-Indic ٢ is not a key of CENTURY_OF.
RESIDENT_NUMBER_RE = re.compile(r"^(\d{6})-?(\d)(\d{6})$", re.ASCII)
# 7th digit → century of birth (Korean nationals 1–4 and 9/0, registered foreigners 5–8).
CENTURY_OF = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900,
              "3": 2000, "4": 2000, "7": 2000, "8": 2000}  # fmt: skip


def normalise_resident_number(value: str) -> str:
    """'9001012345678' or '900101-2345678' → '900101-2345678'; anything else is left as typed."""
    match = RESIDENT_NUMBER_RE.match((value or "").strip())
    if not match:
        return (value or "").strip()
    return f"{match.group(1)}-{match.group(2)}{match.group(3)}"


def mask_resident_number(value: str) -> str:
    """주민등록번호 뒷자리 가림: 900101-2****** (the birth date and sex digit only)."""
    if not value:
        return ""
    return value[:8] + "*" * 6 if len(value) == 14 else "*" * len(value)


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
    # 홍길동 → ㅎㄱㄷ, written with the name (save): the initial-consonant search is an index lookup.
    name_initials = models.CharField(
        _("initial consonants of the name"),
        max_length=50,
        editable=False,
        db_index=True,
        default="",
    )
    # The two-letter pieces of the name, its initials, the phone and the address, written with
    # them (save): searching part of any of them is an index lookup (casemgmt/core/search.py).
    search_grams = GramsField(_("search pieces"))
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
    # Encrypted at rest (casemgmt/core/fields.py): shown masked, in full only with a reason.
    resident_number = SensitiveCharField(
        _("resident registration number"), max_length=14, blank=True
    )
    health_notes = SensitiveTextField(_("disability and health notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = ClientQuerySet.as_manager()
    history = change_history(excluded_fields=["name_initials", "search_grams"])
    # Shown as "changed" only: the history page is no side door to what the page itself hides
    # without the separate consents (cases.special_consent).
    history_masked_fields = ("resident_number", "health_notes")

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "birth_date"]
        indexes = [
            models.Index(fields=["dong", "name"], name="client_dong_name"),
            models.Index(fields=["name", "birth_date"], name="client_name_birth"),
            models.Index(fields=["created_at", "id"], name="client_created"),
            GramsIndex(fields=["search_grams"], name="client_search_grams"),
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

    def set_search_fields(self):
        """The columns searching reads, from the name, phone and address (also for bulk loads)."""
        self.name_initials = initial_consonants(self.name)
        self.search_grams = sorted(name_grams(self.name) | text_grams(self.phone, self.address))

    def save(self, *args, **kwargs):
        self.set_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "phone", "address"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_initials", "search_grams"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": BIRTH_DATE_IN_FUTURE})
        self.resident_number = normalise_resident_number(self.resident_number)
        if self.resident_number:
            self._check_resident_number()

    def _check_resident_number(self):
        match = RESIDENT_NUMBER_RE.match(self.resident_number)
        if not match:
            raise ValidationError({"resident_number": RESIDENT_NUMBER_FORMAT})
        front, digit = match.group(1), match.group(2)
        if self.birth_date and (
            self.birth_date.strftime("%y%m%d") != front
            or self.birth_date.year - self.birth_date.year % 100 != CENTURY_OF[digit]
        ):
            raise ValidationError({"resident_number": RESIDENT_NUMBER_BIRTH})
        if self.sex and (int(digit) % 2 == 1) != (self.sex == Sex.MALE):
            raise ValidationError({"resident_number": RESIDENT_NUMBER_SEX})

    @property
    def resident_number_masked(self):
        return mask_resident_number(self.resident_number)

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

    history_masked_fields = ("health_notes",)  # as the client's (cases.special_consent)

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
    health_notes = SensitiveTextField(_("disability and health notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = HouseholdMemberQuerySet.as_manager()
    history = change_history()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["client", "id"]

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"

    @property
    def access_subject_id(self):
        return self.client_id
