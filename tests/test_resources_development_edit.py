"""A development entry (자원개발) is corrected like every other record: its edit page refuses a
stale save and keeps what was typed, its change history is on the page, the log and the
resource's page say who corrected it and when, and another dong's officer gets 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from casemgmt.core.models import AccessAction, AccessRecord
from casemgmt.core.roles import Role
from resources import services
from resources.models import ResourceDevelopment

from .factories import UserFactory, dong
from .resource_factories import DevelopmentFactory, ResourceFactory

pytestmark = pytest.mark.django_db

STALE = "수정하는 사이 다른 사람이 이 기록을 저장했습니다."


def _record(resource, by, **more):
    data = {
        "developed_by": by,
        "developed_on": timezone.localdate() - datetime.timedelta(days=3),
        "method": "new_volunteer",
        "note": "봉사자 2명 연계",
        **more,
    }
    return services.record_development(resource=resource, by=by, **data)


@pytest.fixture
def entry(user_in_dong):
    resource = ResourceFactory(name="능동 말벗 봉사", shared_gu_wide=False)
    return _record(resource, user_in_dong)


def _url(entry, **query):
    url = reverse("resources:development_update", args=[entry.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _answer(entry, version, **changes):
    """What the edit form sends: the entry as stored, with ``changes``."""
    data = {
        "resource": entry.resource_id,
        "developed_on": entry.developed_on.isoformat(),
        "method": entry.method,
        "developed_by": entry.developed_by_id,
        "note": entry.note,
        "loaded_version": version,
    }
    return {**data, **changes}


def _when(moment):
    with translation.override("ko"):
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def test_an_officer_corrects_an_entry_and_its_history_shows_old_and_new(
    client, user_in_dong, entry
):
    client.force_login(user_in_dong)
    page = client.get(_url(entry))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["loaded_version"] == 1 and form.initial["note"] == "봉사자 2명 연계"
    assert "개발 방법" in page.content.decode()  # the form's own label for "how"

    old_day, new_day = entry.developed_on, entry.developed_on - datetime.timedelta(days=1)
    response = client.post(
        _url(entry),
        _answer(entry, 1, method="partnership", note="협약 체결", developed_on=new_day.isoformat()),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.method, entry.note, entry.version) == ("partnership", "협약 체결", 2)
    assert entry.developed_on == new_day
    assert entry.updated_by == user_in_dong and entry.created_by == user_in_dong
    assert AccessRecord.objects.filter(
        action=AccessAction.UPDATE, target=f"resources.resourcedevelopment:{entry.pk}"
    ).exists()

    page = client.get(_url(entry)).content.decode()
    history = page.split('id="development-history"')[1]
    for text in (
        "변경",
        "개발 방법",
        "신규 자원봉사자",
        "업무협약",
        "봉사자 2명 연계",
        "협약 체결",
    ):
        assert text in history, text
    assert user_in_dong.name in history
    assert "등록" in history  # the entry's creation, below the change
    for day in (old_day, new_day):  # dates as every page writes them, not ISO
        assert f"{day.year}. {day.month}. {day.day}." in history
        assert day.isoformat() not in history


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, user_in_dong, supervisor, entry):
    client.force_login(user_in_dong)
    loaded = client.get(_url(entry)).context["form"].initial["loaded_version"]
    services.update_development(
        entry=ResourceDevelopment.objects.get(pk=entry.pk),
        by=supervisor,
        expected_version=loaded,
        resource=entry.resource,
        developed_by=entry.developed_by,
        developed_on=entry.developed_on,
        method="business_donation",
        note="팀장이 먼저 고침",
    )
    response = client.post(_url(entry), _answer(entry, loaded, note="내가 고친 내용"))
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page
    assert "내가 고친 내용" in page  # typed, kept in the form
    assert "팀장이 먼저 고침" in page  # and what was saved meanwhile, to compare
    assert supervisor.name in page
    entry.refresh_from_db()
    assert (entry.note, entry.version) == ("팀장이 먼저 고침", 2)
    # The form now carries the version seen: saving again is a conscious overwrite.
    assert response.context["form"].data["loaded_version"] == 2
    again = client.post(_url(entry), _answer(entry, 2, note="내가 고친 내용"))
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.note == "내가 고친 내용"


def test_another_dongs_officer_gets_404_and_changes_nothing(client, user_other_dong, entry):
    client.force_login(user_other_dong)
    assert client.get(_url(entry)).status_code == 404
    assert client.post(_url(entry), _answer(entry, 1, note="남의 기록")).status_code == 404
    entry.refresh_from_db()
    assert (entry.note, entry.version) == ("봉사자 2명 연계", 1)


def test_an_entry_of_a_shared_resource_is_read_only_for_another_dong(
    client, user_in_dong, user_other_dong
):
    shared = _record(ResourceFactory(name="구 공유 자원", shared_gu_wide=True), user_in_dong)
    client.force_login(user_other_dong)
    assert client.get(_url(shared)).status_code == 403
    assert client.post(_url(shared), _answer(shared, 1, note="남의 기록")).status_code == 403
    shared.refresh_from_db()
    assert shared.version == 1


def test_gu_staff_correct_any_entry_of_their_gu(client, gu_staff, entry):
    client.force_login(gu_staff)
    response = client.post(_url(entry), _answer(entry, 1, note="구청 확인 후 보완"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.note, entry.updated_by) == ("구청 확인 후 보완", gu_staff)


def test_the_log_and_the_resource_page_show_who_corrected_it_and_when(
    client, user_in_dong, supervisor, entry
):
    client.force_login(supervisor)
    assert client.post(_url(entry), _answer(entry, 1, note="협약서 사본 받음")).status_code == 302
    entry.refresh_from_db()
    corrected = f"{_when(entry.updated_at)} {supervisor.name} 고침"
    log = client.get(reverse("resources:development_list")).content.decode()
    assert corrected in log
    assert _url(entry) in log  # the way to correct it, for who may
    detail = client.get(reverse("resources:resource_detail", args=[entry.resource_id]))
    assert corrected in detail.content.decode()
    assert _url(entry, next="resource") in detail.content.decode()
    # an entry never corrected says nothing more
    untouched = _record(entry.resource, user_in_dong, note="새 봉사자")
    log = client.get(reverse("resources:development_list")).content.decode()
    row = log.split(f'id="development-{untouched.pk}"')[1].split("</tr>")[0]
    assert "고침" not in row


def test_opened_from_the_resource_page_the_save_returns_there(client, user_in_dong, entry):
    client.force_login(user_in_dong)
    form_page = client.get(_url(entry, next="resource")).content.decode()
    assert 'name="next" value="resource"' in form_page
    response = client.post(_url(entry), {**_answer(entry, 1, note="고침"), "next": "resource"})
    assert response["Location"] == reverse("resources:resource_detail", args=[entry.resource_id])


def test_an_officer_who_left_the_team_stays_on_the_entry_but_cannot_be_chosen_anew(
    client, user_in_dong, user_other_dong
):
    colleague = UserFactory(name="이전출", dong=dong("능동"), role=Role.CASE_MANAGER)
    entry = _record(ResourceFactory(shared_gu_wide=False), user_in_dong, developed_by=colleague)
    colleague.dong = dong("구의제1동")  # moved to another dong (인사이동)
    colleague.save()
    client.force_login(user_in_dong)
    offered = client.get(_url(entry)).context["form"].fields["developed_by"].queryset
    assert colleague in offered and user_other_dong not in offered
    assert client.post(_url(entry), _answer(entry, 1, note="전출자 기록")).status_code == 302
    entry.refresh_from_db()
    assert (entry.developed_by, entry.note) == (colleague, "전출자 기록")
    refused = client.post(_url(entry), _answer(entry, 2, developed_by=user_other_dong.pk))
    assert refused.status_code == 200
    assert "developed_by" in refused.context["form"].errors
    entry.refresh_from_db()
    assert entry.developed_by == colleague


def test_a_correction_cannot_be_dated_in_the_future_and_keeps_the_input(
    client, user_in_dong, entry
):
    client.force_login(user_in_dong)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(_url(entry), _answer(entry, 1, developed_on=tomorrow, note="미리 적음"))
    assert response.status_code == 200
    assert "developed_on" in response.context["form"].errors
    assert "미리 적음" in response.content.decode()
    entry.refresh_from_db()
    assert entry.version == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_the_log_with_corrected_entries_costs_the_same_few_queries(
    client, supervisor, user_in_dong, rows
):
    for n in range(rows):
        corrected = DevelopmentFactory(developed_by=user_in_dong, note=f"기록 {n}")
        services.update_development(
            entry=corrected,
            by=supervisor,
            expected_version=1,
            resource=corrected.resource,
            developed_by=user_in_dong,
            developed_on=corrected.developed_on,
            method="other",
            note=f"고친 기록 {n}",
        )
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("resources:development_list"))
    assert response.status_code == 200
    assert len(queries) <= 13  # as the log without corrections (tests/test_resources_lists.py)
    assert response.content.decode().count(f"{supervisor.name} 고침") == min(rows, 25)
