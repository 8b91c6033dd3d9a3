import datetime

import factory
from factory.django import DjangoModelFactory

from casemgmt.core.models import Dong, Gu, User
from casemgmt.core.roles import Role
from casemgmt.core.services import assign_role


def dong(name):
    return Dong.objects.get(gu__name="광진구", name=name)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    name = factory.Sequence(lambda n: f"담당자{n}")
    dong = factory.LazyFunction(lambda: dong("능동"))
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            assign_role(user=obj, role=extracted or Role.CASE_MANAGER)


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = "cases.Client"

    dong = factory.LazyFunction(lambda: dong("능동"))
    name = factory.Iterator(["김영희", "이철수", "박순자", "최민호", "정다은"])
    birth_date = factory.Sequence(
        lambda n: datetime.date(1950, 1, 1) + datetime.timedelta(days=97 * n)
    )
    sex = "F"
    address = "서울 광진구 능동로 1"
    livelihood_status = "basic"


def gu():
    return Gu.objects.get(name="광진구")
