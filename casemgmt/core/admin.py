"""The administrator's screens: accounts, not clients.

Least privilege: the administrator creates accounts, unlocks them, resets passwords and
*proposes* roles; a role or organisation is applied only when a gu-level reviewer approves it
(casemgmt.core.services: ``propose_role`` / ``decide_role_grant``) or by ``manage.py grant_role``
on the server. So the role, gu, dong and staff fields are read-only here, for every account.
"""

from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .exceptions import ApplicationError
from .models import AccessRecord, Dong, Gu, RoleGrant, User
from .roles import Role

REACTIVATION_NEEDS_GRANT = _(
    "A closed account is opened again through a role grant, which a gu-level reviewer approves."
)


@admin.register(Gu)
class GuAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(Dong)
class DongAdmin(admin.ModelAdmin):
    list_display = ["name", "gu", "order"]
    list_filter = ["gu"]


class AccountChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean_is_active(self):
        active = self.cleaned_data.get("is_active")
        if active and self.instance.pk and not self.instance.is_active:
            raise ValidationError(REACTIVATION_NEEDS_GRANT)
        return active


class AccountCreationForm(UserCreationForm):
    """A new account has no role and no organisation: it sees nothing until a grant is approved."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "name", "email", "phone"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """Accounts; the "history" button shows every change of role, dong or status (who, when)."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ["username", "name", "gu", "dong", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "gu", "dong"]
    search_fields = ["username", "name", "email"]
    ordering = ["username"]
    actions = ["unlock_accounts"]
    fieldsets = [
        (None, {"fields": ["username", "password", "must_change_password"]}),
        (_("Person"), {"fields": ["name", "email", "phone"]}),
        (
            _("Organisation and role (through a role grant)"),
            {"fields": ["gu", "dong", "role_label"]},
        ),
        (_("Account status"), {"fields": ["is_active", "is_staff"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "name", "email", "phone", "password1", "password2"]}),
    ]
    readonly_fields = [
        "gu", "dong", "role_label", "groups", "is_staff", "is_superuser", "user_permissions",
        "must_change_password", "last_login", "date_joined",
    ]  # fmt: skip

    @admin.display(description=_("role"))
    def role_label(self, obj):
        return obj.role_label or "—"

    def get_actions(self, request):
        # Only unlocking: no bulk action may change roles or remove accounts.
        return {k: v for k, v in super().get_actions(request).items() if k == "unlock_accounts"}

    @admin.action(description=_("Unlock the selected accounts after failed logins"))
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            axes_reset(username=user.get_username())
        messages.success(request, _("The selected accounts were unlocked."))

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            services.mark_password_reset(user=User.objects.get(pk=id), by=request.user)
        return response


class RoleGrantForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("role"), choices=[(r, Role.LABELS[r]) for r in Role.STAFF])

    class Meta:
        model = RoleGrant
        fields = ["user", "role", "gu", "dong", "note"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_proposal(
                user=data["user"],
                role=data["role"],
                gu=data["gu"],
                dong=data.get("dong"),
                by=self.request.user,
            )
        except ApplicationError as error:
            raise ValidationError(error.message) from error
        return data


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Propose a role (it waits for a gu-level reviewer's approval); read what was decided."""

    list_display = ["user", "role_label", "gu", "dong", "status", "proposed_by", "proposed_at",
                    "decided_by", "decided_at"]  # fmt: skip
    list_filter = ["status", "role", "gu"]
    search_fields = ["user__username", "user__name"]
    actions = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, form=RoleGrantForm, **kwargs)

        class WithRequest(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return WithRequest

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        grant = services.propose_role(
            user=data["user"],
            role=data["role"],
            gu=data["gu"],
            dong=data.get("dong"),
            note=data["note"],
            by=request.user,
        )
        obj.pk, obj.proposed_by, obj.proposed_at = grant.pk, grant.proposed_by, grant.proposed_at
        obj._state.adding = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: access records are append-only for everyone but the system."""

    list_display = ["occurred_at", "username", "ip_address", "action", "client_id", "target"]
    list_filter = ["action", "occurred_at"]
    search_fields = ["username", "target", "path"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
