"""The organisation (gu → dong), the user, and the append-only access record (접속기록)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .history import change_history


class Gu(models.Model):
    """A self-governing district (자치구), e.g. 광진구."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("gu")
        verbose_name_plural = _("gus")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Dong(models.Model):
    """An administrative dong (행정동) and its community service centre (주민센터)."""

    gu = models.ForeignKey(Gu, on_delete=models.PROTECT, related_name="dongs", verbose_name=_("gu"))
    name = models.CharField(_("name"), max_length=30)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("dong")
        verbose_name_plural = _("dongs")
        ordering = ["gu", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["gu", "name"], name="dong_unique_name_in_gu"),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """One account per person. Belongs to one dong, or to the gu for gu-level staff."""

    first_name = None
    last_name = None
    name = models.CharField(_("name"), max_length=50)
    gu = models.ForeignKey(
        Gu,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("gu"),
    )
    dong = models.ForeignKey(
        Dong,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("dong"),
        help_text=_("Leave empty for gu-level staff."),
    )
    phone = models.CharField(_("office phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("must choose a new password at the next login"),
        default=False,
        editable=False,
        help_text=_("Set when an administrator resets the password."),
    )
    two_factor = models.BooleanField(
        _("two-factor sign-in"),
        default=False,
        editable=False,
        help_text=_(
            "A code from an authenticator app after the password: always for partner agencies, "
            "by choice for officers (casemgmt.core.two_factor)."
        ),
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    history = change_history(
        excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name", "username"]
        permissions = [
            ("scope_own_dong", _("Can work with the records of their own dong")),
            ("scope_whole_gu", _("Can read the records of every dong of their gu")),
            ("supervise_dong", _("Can supervise the cases of their dong")),
            ("scope_partner", _("Can answer the referrals to their own partner agency")),
        ]

    def __str__(self):
        return self.name or self.username

    def clean(self):
        super().clean()
        if self.dong_id and self.gu_id and self.dong.gu_id != self.gu_id:
            raise ValidationError({"dong": _("This dong does not belong to the selected gu.")})

    def save(self, *args, **kwargs):
        # A dong user's gu is always the dong's gu.
        if self.dong_id:
            self.gu_id = Dong.objects.values_list("gu_id", flat=True).get(pk=self.dong_id)
        super().save(*args, **kwargs)

    @property
    def organisation(self):
        return self.dong or self.gu

    @property
    def role(self):
        from .roles import role_of

        return role_of(self)

    @property
    def role_label(self):
        from .roles import Role

        return Role.LABELS.get(self.role, "")


class AccessAction(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    PRINT = "print", _("Print")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Rows that are written once and never changed or deleted (on PostgreSQL the access-record
    tables also refuse it in the database: migration 0004)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name_plural} cannot be deleted.")


class AccessRecord(AppendOnlyModel):
    """접속기록: who read or changed whose personal data, when, from where, and how.

    Append-only: written by casemgmt.core.access, never edited or deleted by anyone.
    """

    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_records",
        verbose_name=_("account"),
    )
    username = models.CharField(_("account name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    # The data subject (정보주체). A plain id, not a foreign key: the record must outlive any
    # change to the client's own row and must not tie this table to the cases app.
    client_id = models.BigIntegerField(
        pgettext_lazy("access record", "client"), null=True, blank=True, db_index=True
    )
    target = models.CharField(_("record"), max_length=100, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="accessrecord_user_time"),
            # The review's order (newest first, the id breaking ties), read backwards.
            models.Index(fields=["occurred_at", "id"], name="accessrecord_time"),
            # The review by action (prints and exports are a few among a million views).
            models.Index(fields=["action", "occurred_at", "id"], name="accessrecord_action_time"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    @property
    def client_ids(self):
        """Every client whose data the request showed (a list, an export, a meeting)."""
        return sorted(row.client_id for row in self.shown.all())


class AccessRecordClient(AppendOnlyModel):
    """One client shown by one access record: lets a review find who saw a client in a list."""

    record = models.ForeignKey(
        AccessRecord,
        on_delete=models.PROTECT,
        related_name="shown",
        verbose_name=_("access record"),
    )
    client_id = models.BigIntegerField(pgettext_lazy("access record", "client"), db_index=True)

    class Meta:
        verbose_name = _("client shown")
        verbose_name_plural = _("clients shown")

    def __str__(self):
        return f"{self.record_id}: {self.client_id}"


class AccessReview(AppendOnlyModel):
    """월간 점검: a reviewer's record that a month's access records of the gu were reviewed.

    Append-only like the records it is about; one per gu and month.
    """

    gu = models.ForeignKey(Gu, on_delete=models.PROTECT, related_name="+", verbose_name=_("gu"))
    period = models.DateField(_("month reviewed"), help_text=_("The first day of the month."))
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)
    records = models.PositiveIntegerField(_("records in the month"))
    downloads = models.PositiveIntegerField(_("prints and exports in the month"))
    findings = models.TextField(_("findings and actions"))

    class Meta:
        verbose_name = _("access-record review")
        verbose_name_plural = _("access-record reviews")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["gu", "period"], name="access_review_once_a_month"),
        ]

    def __str__(self):
        return f"{self.gu} {self.period:%Y-%m}"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RoleGrant(models.Model):
    """권한 부여 요청: a role and an organisation for an account, proposed by the system
    administrator and applied only when a second person, a gu-level reviewer, approves it.

    Least privilege: nobody grants themselves a role, and no single person can give an account
    access to client data (casemgmt.core.services). Both steps are kept with who and when.
    """

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("account")
    )
    role = models.CharField(_("role"), max_length=20)
    gu = models.ForeignKey(Gu, on_delete=models.PROTECT, related_name="+", verbose_name=_("gu"))
    dong = models.ForeignKey(
        Dong,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dong"),
        help_text=_("Leave empty for gu-level staff."),
    )
    note = models.CharField(_("reason"), max_length=200, help_text=_("e.g. 2027 personnel order"))
    proposed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoleGrantStatus.choices,
        default=RoleGrantStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(proposed_by=models.F("user")), name="role_grant_not_for_oneself"
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("proposed_by")),
                name="role_grant_second_person",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.role_label}"

    @property
    def role_label(self):
        from .roles import Role

        return Role.LABELS.get(self.role, self.role)
