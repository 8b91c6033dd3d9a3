"""The registry through its services and pages: registering, editing, archiving providers and
resources; the database refuses impossible rows; a concurrent edit is detected."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casemgmt.core.exceptions import ApplicationError, ConcurrentEditError
from resources import services
from resources.models import (
    CAPACITY_BELOW_USE,
    CAPACITY_NEEDS_UNIT,
    DUPLICATE_PROVIDER,
    DUPLICATE_RESOURCE,
    SUBTYPE_NOT_OF_KIND,
    UNTIL_BEFORE_FROM,
    Provider,
    Resource,
)

from .clock import today
from .factories import dong
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db

# The calendar year the resource runs; no rule compares it with today.
YEAR = today().year

RESOURCE = {
    "name": "밑반찬 정기 배달",
    "kind": "material",
    "subtype": "goods",
    "need_domain": "daily_living",
    "description": "매주 화요일 밑반찬 3종",
    "eligibility": "결식 우려 1인 가구",
    "capacity": "15",
    "capacity_unit": "households",
    "available_from": f"{YEAR}-01-01",
    "available_until": f"{YEAR}-12-31",
    "cost": "무료",
    "shared_gu_wide": "on",
}

PROVIDER = {
    "name": "새싹꿈 지역아동센터",
    "sector": "private",
    "kind": "children_centre",
    "contact_person": "이새싹",
    "phone": "02-0000-3201",
    "address": "서울 광진구 능동로 95",
}


def resource_data(**changes):
    data = {
        "name": "방과후 돌봄",
        "kind": "material",
        "subtype": "social_service",
        "need_domain": "education",
        "capacity": 29,
        "capacity_unit": "persons",
    }
    return {**data, **changes}


# --- services -----------------------------------------------------------------------------------


def test_a_dong_officer_registers_a_resource_for_their_dong_and_gu(user_in_dong):
    resource = services.create_resource(by=user_in_dong, **resource_data())
    assert (resource.registering_dong.name, resource.gu.name) == ("능동", "광진구")
    assert (resource.created_by, resource.updated_by, resource.version) == (
        user_in_dong,
        user_in_dong,
        1,
    )
    assert resource.capacity_in_use == 0


def test_a_resource_registered_by_the_gu_office_is_always_shared(gu_staff):
    resource = services.create_resource(by=gu_staff, **resource_data(shared_gu_wide=False))
    assert resource.registering_dong is None
    assert resource.shared_gu_wide is True


def test_the_system_administrator_cannot_add_to_the_registry(sysadmin):
    with pytest.raises(ApplicationError):
        services.create_resource(by=sysadmin, **resource_data())
    with pytest.raises(ApplicationError):
        services.create_provider(by=sysadmin, **PROVIDER)


def test_an_edit_by_the_registering_dong_bumps_the_version_and_names_the_editor(
    user_in_dong, supervisor
):
    resource = services.create_resource(by=user_in_dong, **resource_data())
    services.update_resource(
        resource=resource, by=supervisor, expected_version=1, cost="월 5,000원"
    )
    resource.refresh_from_db()
    assert (resource.cost, resource.version, resource.updated_by) == ("월 5,000원", 2, supervisor)


def test_a_stale_edit_of_a_resource_is_refused(user_in_dong, supervisor):
    resource = services.create_resource(by=user_in_dong, **resource_data())
    stale = Resource.objects.get(pk=resource.pk)
    services.update_resource(resource=resource, by=supervisor, expected_version=1, cost="무료")
    with pytest.raises(ConcurrentEditError):
        services.update_resource(resource=stale, by=user_in_dong, expected_version=1, cost="유료")


def test_another_dong_cannot_change_a_shared_resource(user_in_dong, user_other_dong):
    resource = services.create_resource(by=user_in_dong, **resource_data())
    with pytest.raises(PermissionDenied):
        services.update_resource(
            resource=resource, by=user_other_dong, expected_version=1, cost="유료"
        )


def test_gu_staff_may_change_a_dong_resource(user_in_dong, gu_staff):
    resource = services.create_resource(by=user_in_dong, **resource_data())
    services.update_resource(resource=resource, by=gu_staff, expected_version=1, cost="무료")
    resource.refresh_from_db()
    assert resource.updated_by == gu_staff


def test_a_subtype_must_belong_to_its_kind(user_in_dong):
    with pytest.raises(ValidationError) as refused:
        services.create_resource(by=user_in_dong, **resource_data(kind="human"))
    assert refused.value.message_dict["subtype"] == [str(SUBTYPE_NOT_OF_KIND)]


def test_availability_cannot_end_before_it_starts(user_in_dong):
    with pytest.raises(ValidationError) as refused:
        services.create_resource(
            by=user_in_dong,
            **resource_data(
                available_from=datetime.date(2026, 5, 1),
                available_until=datetime.date(2026, 4, 30),
            ),
        )
    assert refused.value.message_dict["available_until"] == [str(UNTIL_BEFORE_FROM)]


def test_a_capacity_says_what_it_counts(user_in_dong):
    with pytest.raises(ValidationError) as refused:
        services.create_resource(by=user_in_dong, **resource_data(capacity_unit=""))
    assert refused.value.message_dict["capacity_unit"] == [str(CAPACITY_NEEDS_UNIT)]


def test_the_same_resource_of_the_same_provider_is_not_registered_twice(user_in_dong):
    provider = ProviderFactory()
    services.create_resource(by=user_in_dong, **resource_data(provider=provider))
    with pytest.raises(ValidationError) as refused:
        services.create_resource(by=user_in_dong, **resource_data(provider=provider))
    assert refused.value.message_dict["name"] == [str(DUPLICATE_RESOURCE)]
    # Another provider's resource of the same name is another resource.
    services.create_resource(by=user_in_dong, **resource_data(provider=ProviderFactory()))


def test_a_provider_name_is_unique_in_the_gu(user_in_dong, user_other_dong):
    services.create_provider(by=user_in_dong, **PROVIDER)
    with pytest.raises(ValidationError) as refused:
        services.create_provider(by=user_other_dong, **PROVIDER)
    assert refused.value.message_dict["name"] == [str(DUPLICATE_PROVIDER)]


def test_a_dong_centre_is_always_public(user_in_dong):
    with pytest.raises(ValidationError) as refused:
        services.create_provider(
            by=user_in_dong, **{**PROVIDER, "kind": "dong_centre", "sector": "private"}
        )
    assert "sector" in refused.value.message_dict


def test_a_provider_keeps_its_service_area(user_in_dong):
    provider = services.create_provider(
        by=user_in_dong, service_dongs=[dong("능동"), dong("군자동")], **PROVIDER
    )
    assert {d.name for d in provider.service_dongs.all()} == {"능동", "군자동"}
    services.update_provider(
        provider=provider, by=user_in_dong, expected_version=1, service_dongs=[]
    )
    assert not provider.service_dongs.exists()
    assert Provider.objects.serving(dong("화양동")).filter(pk=provider.pk).exists()


def test_a_resource_may_only_name_a_provider_the_officer_can_see(
    user_in_dong, provider_of_other_gu
):
    with pytest.raises(ValidationError) as refused:
        services.create_resource(by=user_in_dong, **resource_data(provider=provider_of_other_gu))
    assert "provider" in refused.value.message_dict


def test_capacity_in_use_moves_only_within_zero_and_the_capacity(user_in_dong):
    resource = services.create_resource(by=user_in_dong, **resource_data(capacity=2))
    services.adjust_capacity_in_use(resource=resource, by=user_in_dong, delta=2)
    with pytest.raises(ApplicationError):
        services.adjust_capacity_in_use(resource=resource, by=user_in_dong, delta=1)
    services.adjust_capacity_in_use(resource=resource, by=user_in_dong, delta=-2)
    with pytest.raises(ApplicationError):
        services.adjust_capacity_in_use(resource=resource, by=user_in_dong, delta=-1)
    resource.refresh_from_db()
    assert (resource.capacity_in_use, resource.version) == (0, 1)


def test_an_edit_cannot_set_the_capacity_below_what_is_in_use(user_in_dong):
    resource = services.create_resource(by=user_in_dong, **resource_data(capacity=10))
    services.adjust_capacity_in_use(resource=resource, by=user_in_dong, delta=6)
    stale = Resource.objects.get(pk=resource.pk)
    stale.capacity_in_use = 0  # loaded before the referrals: the service must not trust it
    with pytest.raises(ValidationError) as refused:
        services.update_resource(resource=stale, by=user_in_dong, expected_version=1, capacity=5)
    assert refused.value.message_dict["capacity"] == [str(CAPACITY_BELOW_USE % {"in_use": 6})]
    services.update_resource(
        resource=Resource.objects.get(pk=resource.pk),
        by=user_in_dong,
        expected_version=1,
        description="설명",
    )
    resource.refresh_from_db()
    assert resource.capacity_in_use == 6  # an edit never overwrites what referrals keep


def test_archiving_keeps_the_row_and_hides_it_from_the_active_list(user_in_dong):
    resource = services.create_resource(by=user_in_dong, **resource_data())
    services.archive_resource(resource=resource, by=user_in_dong)
    assert Resource.objects.filter(pk=resource.pk).exists()
    assert not Resource.objects.active().filter(pk=resource.pk).exists()
    with pytest.raises(ApplicationError):
        services.archive_resource(resource=resource, by=user_in_dong)
    services.restore_resource(resource=resource, by=user_in_dong)
    assert Resource.objects.active().filter(pk=resource.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity_in_use", -1),
        ("capacity", 0),
        ("available_until", datetime.date(2020, 1, 1)),
        ("subtype", "volunteer"),
    ],
)
def test_the_database_refuses_an_impossible_resource(field, value):
    resource = ResourceFactory(
        capacity=5, capacity_unit="persons", available_from=datetime.date(2026, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(**{field: value})


def test_the_database_refuses_a_dong_only_resource_without_a_dong():
    resource = ResourceFactory(shared_gu_wide=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(registering_dong=None)


# --- pages --------------------------------------------------------------------------------------


def test_registering_a_resource_from_the_page_shows_who_and_when(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(reverse("resources:resource_create"), RESOURCE, follow=True)
    resource = Resource.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "resources:resource_detail", args=[resource.pk]
    )
    body = response.content.decode()
    assert "자원을 등록했습니다." in body
    assert user_in_dong.name in body
    assert (resource.capacity, resource.registering_dong.name) == (15, "능동")


def test_a_refused_resource_form_keeps_what_was_typed_and_says_in_korean_what_to_fix(
    client, user_in_dong
):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("resources:resource_create"),
        {
            **RESOURCE,
            "capacity": "0",
            "available_until": f"{YEAR - 1}-12-31",
            "kind": "human",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["capacity"] == ["1 이상의 값을 입력해 주세요."]
    assert errors["subtype"] == ["이 세부 유형은 선택한 자원 종류에 속하지 않습니다."]
    assert errors["available_until"] == ["이용 종료일이 시작일보다 빠를 수 없습니다."]
    body = response.content.decode()
    assert 'value="밑반찬 정기 배달"' in body
    assert "결식 우려 1인 가구" in body
    assert not Resource.objects.exists()


def test_a_duplicate_resource_is_named_on_the_name_field(client, user_in_dong):
    client.force_login(user_in_dong)
    client.post(reverse("resources:resource_create"), RESOURCE)
    response = client.post(reverse("resources:resource_create"), RESOURCE)
    assert response.context["form"].errors["name"] == [str(DUPLICATE_RESOURCE)]
    assert Resource.objects.count() == 1


def test_a_stale_resource_edit_is_refused_and_the_typed_values_are_kept(
    client, user_in_dong, supervisor
):
    resource = services.create_resource(by=user_in_dong, **resource_data(name="방과후 돌봄"))
    services.update_resource(
        resource=resource, by=supervisor, expected_version=1, cost="간식비 월 1만 원"
    )
    client.force_login(user_in_dong)
    url = reverse("resources:resource_update", args=[resource.pk])
    form = {
        **RESOURCE,
        "name": "방과후 돌봄",
        "description": "새로 쓴 설명",
        "loaded_version": 1,
    }
    response = client.post(url, form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "다른 사람이 이 기록을 저장했습니다" in body
    assert "새로 쓴 설명" in body  # nothing typed is lost
    assert "간식비 월 1만 원" in body  # what was saved meanwhile is shown
    resource.refresh_from_db()
    assert (resource.description, resource.version) == ("", 2)
    again = client.post(url, {**form, "loaded_version": 2})
    assert again.status_code == 302
    resource.refresh_from_db()
    assert (resource.description, resource.version) == ("새로 쓴 설명", 3)


def test_a_stale_provider_edit_is_refused(client, user_in_dong, supervisor):
    provider = services.create_provider(by=user_in_dong, **PROVIDER)
    services.update_provider(
        provider=provider, by=supervisor, expected_version=1, phone="02-0000-9999"
    )
    client.force_login(user_in_dong)
    response = client.post(
        reverse("resources:provider_update", args=[provider.pk]),
        {**PROVIDER, "address": "새 주소 1", "loaded_version": 1},
    )
    assert response.status_code == 200
    assert "02-0000-9999" in response.content.decode()
    assert 'value="새 주소 1"' in response.content.decode()
    provider.refresh_from_db()
    assert provider.address == PROVIDER["address"]


def test_a_provider_is_registered_with_its_service_area_from_the_page(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("resources:provider_create"),
        {
            **PROVIDER,
            "service_dongs": [dong("능동").pk, dong("군자동").pk],
            "joins_case_conferences": "on",
        },
        follow=True,
    )
    provider = Provider.objects.get()
    assert provider.joins_case_conferences
    assert provider.registering_dong.name == "능동"
    body = response.content.decode()
    assert "능동, 군자동" in body or "군자동, 능동" in body


def test_a_bad_provider_phone_is_named_in_korean(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(reverse("resources:provider_create"), {**PROVIDER, "phone": "123"})
    assert response.context["form"].errors["phone"] == [
        "02-450-1234, 010-1234-5678, 1588-1234처럼 전화번호를 입력하세요."
    ]
    assert 'value="새싹꿈 지역아동센터"' in response.content.decode()


def test_archiving_from_the_page_takes_a_post_and_can_be_undone(client, user_in_dong):
    resource = ResourceFactory()
    client.force_login(user_in_dong)
    assert client.get(reverse("resources:resource_archive", args=[resource.pk])).status_code == 405
    client.post(reverse("resources:resource_archive", args=[resource.pk]))
    resource.refresh_from_db()
    assert resource.archived_at is not None
    assert resource not in client.get(reverse("resources:resource_list")).context["page"]
    client.post(reverse("resources:resource_restore", args=[resource.pk]))
    resource.refresh_from_db()
    assert resource.archived_at is None


def test_an_archived_provider_is_no_longer_offered_on_the_resource_form(client, user_in_dong):
    closed = ProviderFactory(name="문 닫은 기관")
    services.archive_provider(provider=closed, by=user_in_dong)
    open_one = ProviderFactory(name="운영 중 기관")
    client.force_login(user_in_dong)
    offered = client.get(reverse("resources:resource_create")).context["form"].fields["provider"]
    assert list(offered.queryset) == [open_one]
    # ...but a resource that already names it keeps it on its edit form.
    resource = ResourceFactory(provider=closed)
    offered = (
        client.get(reverse("resources:resource_update", args=[resource.pk]))
        .context["form"]
        .fields["provider"]
    )
    assert set(offered.queryset) == {closed, open_one}


def test_the_detail_page_shows_the_development_log_and_who_changed_it(
    client, user_in_dong, supervisor
):
    resource = services.create_resource(by=user_in_dong, **resource_data())
    services.record_development(
        resource=resource,
        by=supervisor,
        developed_by=user_in_dong,
        developed_on=timezone.localdate(),
        method="partnership",
        note="지역아동센터와 협약",
    )
    client.force_login(supervisor)
    body = client.get(reverse("resources:resource_detail", args=[resource.pk])).content.decode()
    assert "지역아동센터와 협약" in body
    assert "업무협약" in body
    assert user_in_dong.name in body


def test_a_provider_is_archived_and_restored_from_its_page(client, user_in_dong):
    provider = ProviderFactory(registering_dong=dong("능동"), name="잠시 쉬는 기관")
    client.force_login(user_in_dong)
    client.post(reverse("resources:provider_archive", args=[provider.pk]))
    provider.refresh_from_db()
    assert provider.archived_at is not None
    client.post(reverse("resources:provider_restore", args=[provider.pk]))
    provider.refresh_from_db()
    assert provider.archived_at is None
