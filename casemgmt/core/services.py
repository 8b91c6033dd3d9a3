from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role, role_group


@transaction.atomic
def assign_role(*, user: User, role: str) -> User:
    """One role per account: replace whatever role groups the user had."""
    if role not in Role.ALL:
        raise ValueError(f"unknown role {role!r}")
    user.groups.remove(*Group.objects.filter(name__in=Role.ALL).exclude(name=role))
    user.groups.add(role_group(role))
    for cache in ("_role_cache", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user
