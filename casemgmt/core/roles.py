"""The roles, as Django groups with permissions, kept in sync after every migrate.

What a role may *see* is decided in casemgmt.core.access from these permissions; this module
only says which permissions each role carries.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class Role:
    CASE_MANAGER = "case_manager"
    SUPERVISOR = "supervisor"
    GU_STAFF = "gu_staff"
    SYSADMIN = "sysadmin"
    #: Staff of a registered provider (외부 협력기관): see resources.partners.
    PARTNER = "partner"

    LABELS = {
        CASE_MANAGER: _("Case manager"),
        SUPERVISOR: _("Welfare team leader · supervisor"),
        GU_STAFF: _("Gu integrated case-management staff"),
        SYSADMIN: _("System administrator"),
        PARTNER: _("Partner agency staff"),
    }
    ALL = list(LABELS)
    #: The roles of the public office, granted by the administrator with a reviewer's approval.
    #: A partner account is opened on its provider's page instead (resources.partners).
    STAFF = [CASE_MANAGER, SUPERVISOR, GU_STAFF, SYSADMIN]


_CLIENT_WORK = [
    "cases.view_client",
    "cases.add_client",
    "cases.change_client",
    "cases.view_case",
    "cases.add_case",
    "cases.change_case",
    "cases.view_intake",
    "cases.add_intake",
    "cases.change_intake",
    "cases.view_discoveryentry",
    "cases.add_discoveryentry",
    "cases.change_discoveryentry",
]
_MEETING_WORK = ["meetings.view_meeting", "meetings.add_meeting", "meetings.change_meeting"]
_GU_READ = [
    "cases.view_client",
    "cases.view_case",
    "cases.view_intake",
    "cases.view_discoveryentry",
]

# The gu's shared resource registry: every officer reads it and adds to it; which rows each may
# change (their dong's; the gu staff every row of the gu) is decided in resources.models.
_RESOURCE_WORK = [
    f"resources.{action}_{model}"
    for model in ("provider", "resource", "resourcedevelopment")
    for action in ("view", "add", "change")
]

ROLE_PERMISSIONS = {
    Role.CASE_MANAGER: [*_MEETING_WORK, "core.scope_own_dong", *_CLIENT_WORK, *_RESOURCE_WORK],
    Role.SUPERVISOR: [
        *_MEETING_WORK,
        "core.scope_own_dong",
        "core.supervise_dong",
        *_CLIENT_WORK,
        *_RESOURCE_WORK,
    ],
    # Gu staff read every dong; they change only the cases a dong shares with them or transfers to
    # them (cases.models.scope decides which).
    Role.GU_STAFF: [
        "cases.change_case",
        "meetings.view_meeting",
        "core.scope_whole_gu",
        *_GU_READ,
        "core.view_accessrecord",
        *_RESOURCE_WORK,
        "cases.view_deadlinepolicy",
        "cases.change_deadlinepolicy",
    ],
    # Accounts, not clients: least privilege keeps personal data out of the administrator's view.
    Role.SYSADMIN: [
        "core.view_user",
        "core.add_user",
        "core.change_user",
        "core.view_rolegrant",
        "core.add_rolegrant",
        "core.view_accessrecord",
        "auth.view_group",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
    ],
    # Nothing but the partner's narrow door: the referrals to its own agency while the client's
    # consent covers it, and the copy of the conferences it attended (casemgmt.core.access).
    Role.PARTNER: ["core.scope_partner"],
}


def role_of(user):
    """The user's role name, or None. One role per account."""
    if not user.is_authenticated:
        return None
    cached = user.__dict__.get("_role_cache", False)
    if cached is False:
        names = set(user.groups.values_list("name", flat=True))
        cached = next((r for r in Role.ALL if r in names), None)
        user._role_cache = cached
    return cached


def _permissions(codes):
    wanted = [code.split(".", 1) for code in codes]
    perms = Permission.objects.select_related("content_type").filter(
        codename__in=[c for _, c in wanted]
    )
    found = {f"{p.content_type.app_label}.{p.codename}": p for p in perms}
    missing = [c for c in codes if c not in found]
    return [found[c] for c in codes if c in found], missing


def sync_role_groups(**kwargs):
    """post_migrate: create each role's group and set exactly its permissions (idempotent)."""
    with transaction.atomic():
        for role in ROLE_PERMISSIONS:
            role_group(role, refresh=True)


def role_group(role, *, refresh=False):
    """The role's group; created with its permissions if it is missing (e.g. after a flush)."""
    group, created = Group.objects.get_or_create(name=role)
    if created or refresh:
        perms, _missing = _permissions(ROLE_PERMISSIONS[role])
        group.permissions.set(perms)
    return group
