"""Factories for the resource registry (kept apart from tests/factories.py, which the
lifecycle work owns)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from .factories import dong, gu


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = "resources.Provider"
        skip_postgeneration_save = True

    gu = factory.LazyFunction(gu)
    registering_dong = factory.LazyFunction(lambda: dong("능동"))
    name = factory.Sequence(lambda n: f"햇살복지관{n}")
    sector = "private"
    kind = "welfare_centre"
    contact_person = "김연계"
    phone = "02-0000-1234"
    address = "서울 광진구 능동로 1"

    @factory.post_generation
    def service_dongs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.service_dongs.set(extracted)


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = "resources.Resource"

    gu = factory.LazyFunction(gu)
    registering_dong = factory.LazyFunction(lambda: dong("능동"))
    shared_gu_wide = True
    name = factory.Sequence(lambda n: f"밑반찬 나눔{n}")
    description = "매주 밑반찬을 배달합니다."
    kind = "material"
    subtype = "goods"
    need_domain = "daily_living"
    capacity = None
    capacity_unit = ""


class DevelopmentFactory(DjangoModelFactory):
    class Meta:
        model = "resources.ResourceDevelopment"

    resource = factory.SubFactory(ResourceFactory)
    developed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    method = "new_volunteer"
    note = ""
