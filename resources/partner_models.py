"""외부 협력기관: a partner agency's own accounts, the service it reports having delivered on a
referral, and the documents it sends with it.

A partner account belongs to one registered provider. What it may read is decided in
``ReferralQuerySet.for_partner`` (resources.models) through the one door, casemgmt.core.access.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartnerAccount(models.Model):
    """The login of one person of a partner agency, tied to that registered provider.

    Opened by the gu's integrated case-management staff or by the team leader of a dong the
    provider serves (resources.partner_services), never by the partner; closed by deactivating the
    user, never deleted (its answers and reports name it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_account",
        verbose_name=_("account"),
    )
    provider = models.ForeignKey(
        "resources.Provider",
        on_delete=models.PROTECT,
        related_name="partner_accounts",
        verbose_name=_("provider"),
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner account")
        verbose_name_plural = _("partner accounts")
        ordering = ["provider", "user__name", "id"]

    def __str__(self):
        return f"{self.user} ({self.provider})"


class Attendance(models.TextChoices):
    ALL = "all", _("Attended every session")
    MOST = "most", _("Attended most sessions")
    SOME = "some", _("Attended some sessions")
    NONE = "none", _("Did not attend")
    NOT_SESSIONS = "items", _("Not sessions (goods or money delivered)")


REPORT_NEEDS_DELIVERY = _("Write how many sessions were held or what was delivered.")
REPORT_END_NEEDS_REASON = _("Write why the service ended.")
REPORT_REASON_NEEDS_END = _("Give the date the service ended, or leave the reason empty.")
REPORT_DATE_IN_FUTURE = _("A report cannot be dated in the future.")
REPORT_END_BEFORE_START = _("The service cannot end before it started.")
REPORT_START_AFTER_REPORT = _("The service cannot start after the date of the report.")


class ServiceReport(models.Model):
    """서비스 제공 보고: what a partner agency delivered on a referral, as it sees it. It becomes a
    monitoring entry of the case ("through the provider") that the case manager confirms."""

    referral = models.ForeignKey(
        "resources.Referral",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("referral"),
    )
    reported_on = models.DateField(_("date of the report"), default=timezone.localdate)
    started_on = models.DateField(_("service started on"))
    sessions = models.PositiveSmallIntegerField(
        _("sessions held"), null=True, blank=True, help_text=_("Since the last report.")
    )
    items_delivered = models.CharField(
        _("goods or money delivered"),
        max_length=200,
        blank=True,
        help_text=_("e.g. rice 10 kg × 2, a voucher of 100,000 won."),
    )
    attendance = models.CharField(_("the client's attendance"), max_length=10, choices=Attendance)
    client_change = models.TextField(
        _("the client's change, as the agency sees it"),
    )
    ended_on = models.DateField(
        _("service ended on"),
        null=True,
        blank=True,
        help_text=_("Only when the service has ended."),
    )
    end_reason = models.TextField(_("why it ended"), blank=True)
    monitoring = models.OneToOneField(
        "cases.Monitoring",
        on_delete=models.PROTECT,
        related_name="service_report",
        editable=False,
        verbose_name=_("monitoring record"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")
        ordering = ["referral", "-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__isnull=False) | ~Q(items_delivered=""),
                name="service_report_delivery_given",
                violation_error_message=REPORT_NEEDS_DELIVERY,
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="service_report_end_with_reason",
                violation_error_message=REPORT_END_NEEDS_REASON,
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="service_report_end_after_start",
                violation_error_message=REPORT_END_BEFORE_START,
            ),
        ]

    def __str__(self):
        return f"{self.referral_id} {self.reported_on}"

    def clean(self):
        super().clean()
        errors = {}
        today = timezone.localdate()
        if self.reported_on and self.reported_on > today:
            errors["reported_on"] = REPORT_DATE_IN_FUTURE
        if self.started_on and self.reported_on and self.started_on > self.reported_on:
            errors["started_on"] = REPORT_START_AFTER_REPORT
        if self.ended_on and self.ended_on > today:
            errors["ended_on"] = REPORT_DATE_IN_FUTURE
        if self.sessions is None and not self.items_delivered.strip():
            errors["sessions"] = REPORT_NEEDS_DELIVERY
        if self.ended_on and not self.end_reason.strip():
            errors["end_reason"] = REPORT_END_NEEDS_REASON
        if self.end_reason.strip() and not self.ended_on:
            errors["ended_on"] = REPORT_REASON_NEEDS_END
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = REPORT_END_BEFORE_START
        if errors:
            raise ValidationError(errors)

    @property
    def access_subject_id(self):
        return self.referral.access_subject_id


def referral_document_path(instance, filename):
    """Stored under a random name: the client's or agency's file name is never a path."""
    return f"referrals/{timezone.localdate():%Y/%m}/{instance.sha256[:16]}-{instance.token}"


class ReferralDocument(models.Model):
    """A document a partner agency sent on a referral (a PDF or an image), kept through Django's
    storage API (local files, or S3 when several app servers run)."""

    referral = models.ForeignKey(
        "resources.Referral",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("referral"),
    )
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to=referral_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("kind of file"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)
    token = models.CharField(max_length=32, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    uploaded_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")
        ordering = ["referral", "-uploaded_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def access_subject_id(self):
        return self.referral.access_subject_id

    @staticmethod
    def digest(data):
        return hashlib.sha256(data).hexdigest()
