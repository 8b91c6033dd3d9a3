"""DB 공유: at intake, the same person anywhere in the gu is found, with nothing of their case shown."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Client
from cases.selectors import gu_duplicates, name_key

from . import lifecycle
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1955, 1, 20)


@pytest.fixture
def known_elsewhere(user_other_dong, client_other_dong):
    """장영길 of 구의제1동 with an open case, held by the other dong's officer."""
    user_other_dong.phone = "02-450-1234"
    user_other_dong.save()
    Client.objects.filter(pk=client_other_dong.pk).update(
        birth_date=BIRTH, phone="010-1111-2222", health_notes="알코올 의존"
    )
    case = lifecycle.intake(
        user_other_dong,
        Client.objects.get(pk=client_other_dong.pk),
        lifecycle.EXAMPLES["violence_and_drinking"],
    ).case
    return case


def test_a_person_known_in_another_dong_is_found_with_only_where_stage_and_whom_to_call(
    user_in_dong, known_elsewhere
):
    found = gu_duplicates(user=user_in_dong, name="장영길", birth_date=BIRTH)
    assert found == [{
        "client_id": known_elsewhere.client_id, "dong": "구의제1동", "same_dong": False,
        "stage": "접수 · 초기상담", "officer": "이담당", "officer_phone": "02-450-1234",
    }]  # fmt: skip


def test_spacing_and_the_initial_sound_rule_do_not_hide_a_person(user_in_dong, known_elsewhere):
    assert name_key("리 영희") == name_key("이영희")
    assert gu_duplicates(user=user_in_dong, name="장 영길", birth_date=BIRTH)
    assert gu_duplicates(user=user_in_dong, name="장영길", phone="01011112222")
    assert not gu_duplicates(user=user_in_dong, name="장영수", birth_date=BIRTH)
    assert not gu_duplicates(user=user_in_dong, name="장영길")  # a name alone is not enough


def test_the_check_page_shows_nothing_of_the_case_and_records_the_search(
    client, user_in_dong, known_elsewhere
):
    from casemgmt.core.models import AccessRecord

    client.force_login(user_in_dong)
    page = client.get(
        reverse("cases:duplicate_check"), {"name": "장영길", "birth_date": "1955-01-20"}
    ).content.decode()
    assert "구의제1동" in page and "02-450-1234" in page
    assert (
        "알코올" not in page and "010-1111-2222" not in page and known_elsewhere.number not in page
    )
    assert AccessRecord.objects.get(target="cases:duplicate_check").client_ids == [
        known_elsewhere.client_id
    ]


def test_the_check_needs_a_birth_date_or_phone(client, user_in_dong):
    client.force_login(user_in_dong)
    form = client.get(reverse("cases:duplicate_check"), {"name": "장영길"}).context["form"]
    assert form.non_field_errors() == ["이름과 함께 생년월일이나 전체 전화번호를 입력하세요."]


def test_registering_someone_known_elsewhere_asks_for_confirmation_and_keeps_the_form(
    client, user_in_dong, known_elsewhere
):
    client.force_login(user_in_dong)
    data = {
        "name": "장영길",
        "birth_date": "1955-01-20",
        "sex": "M",
        "address": "능동로 9",
        "livelihood_status": "basic",
    }
    first = client.post(reverse("cases:client_create"), data)
    assert first.status_code == 200
    assert "구의제1동" in first.content.decode()
    assert 'value="능동로 9"' in first.content.decode()
    assert not Client.objects.filter(dong=dong("능동"), name="장영길").exists()
    confirmed = client.post(reverse("cases:client_create"), {**data, "confirm_duplicates": "1"})
    assert confirmed.status_code == 302
    assert Client.objects.filter(dong=dong("능동"), name="장영길").exists()


def test_another_gu_is_never_searched(user_in_dong):
    from casemgmt.core.models import Dong, Gu

    other = Dong.objects.create(gu=Gu.objects.create(name="성동구"), name="왕십리동")
    ClientFactory(dong=other, name="김외부", birth_date=BIRTH)
    assert not gu_duplicates(user=user_in_dong, name="김외부", birth_date=BIRTH)
