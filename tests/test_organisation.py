import pytest

from casemgmt.core.models import Dong, Gu
from casemgmt.core.roles import ROLE_PERMISSIONS, Role

from .factories import UserFactory, dong

pytestmark = pytest.mark.django_db

GWANGJIN_DONGS = [
    "중곡제1동",
    "중곡제2동",
    "중곡제3동",
    "중곡제4동",
    "능동",
    "구의제1동",
    "구의제2동",
    "구의제3동",
    "광장동",
    "자양제1동",
    "자양제2동",
    "자양제3동",
    "자양제4동",
    "화양동",
    "군자동",
]


def test_the_migration_seeds_gwangjin_gu_and_its_fifteen_dongs():
    gwangjin = Gu.objects.get(name="광진구")
    assert list(Dong.objects.filter(gu=gwangjin).values_list("name", flat=True)) == GWANGJIN_DONGS


def test_a_dong_user_always_belongs_to_the_dongs_gu():
    user = UserFactory(dong=dong("화양동"), gu=None)
    user.refresh_from_db()
    assert user.gu.name == "광진구"
    assert user.organisation.name == "화양동"


def test_gu_level_staff_belong_to_the_gu_without_a_dong(gu_staff):
    assert gu_staff.dong is None
    assert gu_staff.organisation.name == "광진구"


def test_each_role_is_a_group_with_exactly_its_permissions():
    from django.contrib.auth.models import Group

    for role, codes in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert have == set(codes), role


def test_a_user_has_one_role_and_assigning_another_replaces_it(user_in_dong):
    from casemgmt.core.services import assign_role

    assert user_in_dong.role == Role.CASE_MANAGER
    assign_role(user=user_in_dong, role=Role.SUPERVISOR)
    assert list(user_in_dong.groups.values_list("name", flat=True)) == [Role.SUPERVISOR]
    assert user_in_dong.role == Role.SUPERVISOR
