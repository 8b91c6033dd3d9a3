"""Signed documents: the PDF a client signed, frozen with its SHA-256, the time and the witness."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .records import CaseRecordQuerySet, ConsentMethod


class DocumentKind(models.TextChoices):
    PLAN = "plan", _("Service plan and monitoring sheet")
    CONSENT = "consent", _("Consent to collecting, using and sharing personal information")


class SignedDocument(models.Model):
    """One signed paper, as it was printed at signing. Never changed: re-printing returns ``pdf``."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("document"), max_length=10, choices=DocumentKind.choices)
    plan = models.OneToOneField(
        "cases.ServicePlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_document",
        verbose_name=_("service plan"),
    )
    consent = models.OneToOneField(
        "cases.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_document",
        verbose_name=_("consent"),
    )
    pdf = models.BinaryField(_("PDF"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    signed_at = models.DateTimeField(_("signed at"), editable=False)
    witnessed_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("witnessed by"),
    )
    method = models.CharField(
        _("how it was signed"), max_length=20, choices=ConsentMethod.choices, editable=False
    )
    signature_image = models.BinaryField(
        _("signature image (PNG)"), null=True, blank=True, editable=False
    )
    manager_signature_image = models.BinaryField(
        _("case manager's signature image (PNG)"), null=True, blank=True, editable=False
    )
    # A consent's separate parts (PIPA Art. 23 and 24), each signed on its own.
    sensitive_signature_image = models.BinaryField(
        _("signature for sensitive data (PNG)"), null=True, blank=True, editable=False
    )
    identifier_signature_image = models.BinaryField(
        _("signature for the resident registration number (PNG)"),
        null=True,
        blank=True,
        editable=False,
    )

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        ordering = ["case", "signed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="plan", plan__isnull=False, consent__isnull=True))
                | Q(kind="consent", consent__isnull=False, plan__isnull=True),
                name="signed_document_names_its_record",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()} {self.signed_at:%Y-%m-%d}"

    @property
    def access_subject_id(self):
        return self.case.client_id
