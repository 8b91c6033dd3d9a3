from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessRecord, Dong, Gu, User


@admin.register(Gu)
class GuAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(Dong)
class DongAdmin(admin.ModelAdmin):
    list_display = ["name", "gu", "order"]
    list_filter = ["gu"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """Accounts; the "history" button shows every change of role, dong or status (who, when)."""

    list_display = ["username", "name", "gu", "dong", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "gu", "dong"]
    search_fields = ["username", "name", "email"]
    ordering = ["username"]
    actions = ["unlock_accounts"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["name", "email", "phone"]}),
        (_("Organisation"), {"fields": ["gu", "dong"]}),
        (_("Role"), {"fields": ["is_active", "is_staff", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "name", "gu", "dong", "groups", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.action(description=_("Unlock the selected accounts after failed logins"))
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            axes_reset(username=user.get_username())
        messages.success(request, _("The selected accounts were unlocked."))


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
