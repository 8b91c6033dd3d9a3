"""Registering and editing clients: Korean messages on the field, nothing typed is lost,
a concurrent edit is detected."""

import pytest
from django.urls import reverse

from casemgmt.core.exceptions import ConcurrentEditError
from casemgmt.core.korean import korean_date
from cases import services
from cases.models import Client

from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db

VALID = {
    "name": "오정훈",
    "birth_date": "1971-11-02",
    "sex": "M",
    "phone": "010-8765-4321",
    "address": "서울 광진구 능동로 87-3",
    "livelihood_status": "near_poverty",
    "health_notes": "",
}


def test_a_refused_form_keeps_what_was_typed_and_says_in_korean_what_to_fix(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:client_create"), {**VALID, "birth_date": "2999-01-01", "phone": "12"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["birth_date"] == ["생년월일은 미래일 수 없습니다."]
    assert form.errors["phone"] == ["010-1234-5678이나 02-123-4567처럼 전화번호를 입력하세요."]
    body = response.content.decode()
    assert 'value="서울 광진구 능동로 87-3"' in body
    assert 'value="오정훈"' in body
    assert not Client.objects.exists()


def test_a_required_field_left_empty_is_named_in_korean(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(reverse("cases:client_create"), {**VALID, "name": ""})
    assert response.context["form"].errors["name"] == ["필수 항목입니다."]


def test_a_registered_client_shows_who_registered_it_and_when(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(reverse("cases:client_create"), VALID, follow=True)
    new = Client.objects.get()
    assert (new.dong.name, new.created_by, new.updated_by, new.version) == (
        "능동",
        user_in_dong,
        user_in_dong,
        1,
    )
    assert "김담당" in response.content.decode()
    assert "당사자를 등록했습니다." in response.content.decode()


def test_a_stale_edit_is_refused_and_the_typed_values_are_kept(
    client, user_in_dong, supervisor, client_in_dong
):
    # The supervisor saves first...
    services.update_client(
        client=client_in_dong, by=supervisor, expected_version=1, phone="010-0000-0000"
    )
    # ...then the officer submits the form they opened at version 1.
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:client_update", args=[client_in_dong.pk]),
        {**VALID, "name": client_in_dong.name, "address": "새 주소 12", "loaded_version": 1},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "다른 사람이 이 기록을 저장했습니다" in body
    assert 'value="새 주소 12"' in body  # nothing typed is lost
    assert "010-0000-0000" in body  # what was saved meanwhile is shown
    client_in_dong.refresh_from_db()
    assert (client_in_dong.phone, client_in_dong.version) == ("010-0000-0000", 2)
    # Saving again, having seen the other version, goes through.
    again = client.post(
        reverse("cases:client_update", args=[client_in_dong.pk]),
        {**VALID, "name": client_in_dong.name, "address": "새 주소 12", "loaded_version": 2},
    )
    assert again.status_code == 302
    client_in_dong.refresh_from_db()
    assert (client_in_dong.address, client_in_dong.version) == ("새 주소 12", 3)


def test_the_service_refuses_a_stale_version(user_in_dong, client_in_dong):
    services.update_client(
        client=client_in_dong, by=user_in_dong, expected_version=1, phone="010-1111-1111"
    )
    stale = Client.objects.get(pk=client_in_dong.pk)
    with pytest.raises(ConcurrentEditError):
        services.update_client(
            client=stale, by=user_in_dong, expected_version=1, phone="010-2222-2222"
        )


def test_the_service_refuses_a_change_by_another_dong(user_other_dong, client_in_dong):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_client(
            client=client_in_dong, by=user_other_dong, expected_version=1, phone="010-2222-2222"
        )


def test_the_database_refuses_an_impossible_birth_date(client_in_dong):
    import datetime

    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=client_in_dong.pk).update(birth_date=datetime.date(1850, 1, 1))


def test_the_list_filters_sorts_and_pages(client, user_in_dong):
    ClientFactory(dong=dong("능동"), name="가나다", livelihood_status="general")
    ClientFactory(dong=dong("능동"), name="하하하", livelihood_status="basic")
    ClientFactory.create_batch(
        30, dong=dong("능동"), name="나머지", livelihood_status="near_poverty"
    )
    client.force_login(user_in_dong)
    url = reverse("cases:client_list")
    assert [c.name for c in client.get(url, {"q": "가나"}).context["page"]] == ["가나다"]
    assert [c.name for c in client.get(url, {"livelihood_status": "basic"}).context["page"]] == [
        "하하하"
    ]
    assert client.get(url, {"sort": "-name"}).context["page"][0].name == "하하하"
    first = client.get(url, {"livelihood_status": "near_poverty"})
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    second = client.get(url, {"livelihood_status": "near_poverty", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "livelihood_status=near_poverty&amp;page=1" in second.content.decode()


def test_dates_are_shown_in_the_korean_style(client, user_in_dong, client_in_dong):
    client.force_login(user_in_dong)
    body = client.get(reverse("cases:client_detail", args=[client_in_dong.pk])).content.decode()
    assert korean_date(client_in_dong.birth_date) in body


def test_a_client_is_archived_not_deleted_and_can_come_back(client, user_in_dong, client_in_dong):
    client.force_login(user_in_dong)
    url = reverse("cases:client_archive", args=[client_in_dong.pk])
    client.post(url)
    client_in_dong.refresh_from_db()
    assert client_in_dong.archived_at is not None
    assert client_in_dong not in client.get(reverse("cases:client_list")).context["page"]
    assert (
        client_in_dong
        in client.get(reverse("cases:client_list"), {"archived": "on"}).context["page"]
    )
    client.post(url, {"restore": "1"})
    client_in_dong.refresh_from_db()
    assert client_in_dong.archived_at is None


def test_a_client_with_an_open_case_cannot_be_archived(client, user_in_dong, client_in_dong):
    from . import lifecycle

    lifecycle.intake(user_in_dong, client_in_dong, lifecycle.EXAMPLES["school_grades"])
    client.force_login(user_in_dong)
    response = client.post(reverse("cases:client_archive", args=[client_in_dong.pk]), follow=True)
    assert "진행 중인 사례가 있습니다" in response.content.decode()
    client_in_dong.refresh_from_db()
    assert client_in_dong.archived_at is None
