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


def test_a_person_known_in_another_dong_is_found_with_only_where_and_whom_to_call(
    user_in_dong, known_elsewhere
):
    found = gu_duplicates(user=user_in_dong, name="장영길", birth_date=BIRTH)
    assert found == [{
        "client_id": known_elsewhere.client_id, "dong": "구의제1동", "same_dong": False,
        "officer_phone": "02-450-1234",
    }]  # fmt: skip


def test_the_own_dong_also_sees_the_stage_and_the_officer(user_other_dong, known_elsewhere):
    found = gu_duplicates(user=user_other_dong, name="장영길", birth_date=BIRTH)
    assert found == [{
        "client_id": known_elsewhere.client_id, "dong": "구의제1동", "same_dong": True,
        "officer_phone": "02-450-1234", "stage": "접수 · 초기상담", "officer": "이담당",
    }]  # fmt: skip


def test_spacing_and_the_initial_sound_rule_do_not_hide_a_person(user_in_dong, known_elsewhere):
    assert name_key("리 영희") == name_key("이영희")
    assert gu_duplicates(user=user_in_dong, name="장 영길", birth_date=BIRTH)
    assert not gu_duplicates(user=user_in_dong, name="장영수", birth_date=BIRTH)
    assert not gu_duplicates(user=user_in_dong, name="장영길", birth_date=None)  # a name alone


def test_a_phone_number_with_part_of_a_name_finds_nobody(client, user_in_dong, known_elsewhere):
    client.force_login(user_in_dong)
    page = client.get(reverse("cases:duplicate_check"), {"name": "장", "phone": "01011112222"})
    assert page.context["duplicates"] is None
    assert page.context["form"].errors["birth_date"] == ["이름과 함께 생년월일을 입력하세요."]


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
    assert "이담당" not in page and "접수 · 초기상담" not in page
    assert AccessRecord.objects.get(target="cases:duplicate_check").client_ids == [
        known_elsewhere.client_id
    ]


def test_the_check_needs_the_name_and_the_birth_date(client, user_in_dong):
    client.force_login(user_in_dong)
    form = client.get(reverse("cases:duplicate_check"), {"name": "장영길"}).context["form"]
    assert form.errors["birth_date"] == ["이름과 함께 생년월일을 입력하세요."]


def test_an_officer_runs_a_limited_number_of_checks_an_hour_each_recorded(
    client, user_in_dong, known_elsewhere, settings
):
    from casemgmt.core.models import AccessRecord

    settings.DUPLICATE_CHECKS_PER_HOUR = 3
    client.force_login(user_in_dong)
    url = reverse("cases:duplicate_check")
    for name in ("장영길", "없는사람", "장영길"):
        page = client.get(url, {"name": name, "birth_date": "1955-01-20"})
        assert page.context["duplicates"] is not None
    refused = client.get(url, {"name": "장영길", "birth_date": "1955-01-20"})
    assert refused.context["duplicates"] is None
    assert refused.context["form"].non_field_errors() == [
        "최근 한 시간 동안 3번 확인하여 허용된 횟수를 모두 썼습니다. 잠시 뒤 다시 하시고, "
        "업무상 더 필요하면 팀장에게 요청하세요."
    ]
    assert "구의제1동" not in refused.content.decode()
    checks = AccessRecord.objects.filter(user=user_in_dong, target="cases:duplicate_check")
    assert [r.client_ids for r in checks.order_by("id")] == [
        [known_elsewhere.client_id],
        [],
        [known_elsewhere.client_id],
    ]
    # The registration form's check is the same door: no side way round the limit.
    data = {"name": "장영길", "birth_date": "1955-01-20", "sex": "M", "address": "능동로 9",
            "livelihood_status": "basic"}  # fmt: skip
    blocked = client.post(reverse("cases:client_create"), data)
    assert blocked.status_code == 200 and "구의제1동" not in blocked.content.decode()
    assert 'value="능동로 9"' in blocked.content.decode()
    assert not Client.objects.filter(dong=dong("능동"), name="장영길").exists()


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
