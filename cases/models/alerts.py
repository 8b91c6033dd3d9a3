"""알림: what someone else did on a case of mine, unread until I open it. In the database only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    DECISION = "decision", _("Supervisor's decision")
    MEETING = "meeting", _("Meeting outcome")
    REFERRAL = "referral", _("Referral answer")
    RECORD = "record", _("Record added by a colleague")
    HANDOVER = "handover", _("Case handed to me")
    SUPERVISION = "supervision", _("Supervision on my case")
    PARTNER = "partner", _("Partner agency's answer or report")


class AlertQuerySet(models.QuerySet):
    def for_user(self, user):
        """The user's own alerts, of cases they may still read (a case handed on leaves them)."""
        from .case import Case

        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user, case__in=Case.objects.for_user(user))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Alert(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("recipient"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="alerts", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    message = models.CharField(_("what happened"), max_length=300)
    url = models.CharField(_("link"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="alert_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="alert_recipient_time"),
        ]

    def __str__(self):
        return self.message
