"""Every Excel/PDF download of personal data asks why, and the reason is on the access record."""

import pytest
from django.urls import get_resolver, reverse

from casemgmt.core.models import AccessAction, AccessRecord
from cases.models import Stage

from . import lifecycle
from .clock import at, iso
from .factories import ClientFactory, dong
from .resource_factories import ResourceFactory

pytestmark = pytest.mark.django_db

# Printed forms without anyone's data (blank forms) need no reason.
NO_PERSONAL_DATA = {"cases:blank_plan_print", "cases:blank_consent_print"}


@pytest.fixture
def downloads(user_in_dong, supervisor):
    """name → url for every download of personal data: a closed demo case, a conference with
    an external partner, the resource registry."""

    from meetings import services as meeting_services
    from meetings.models import MeetingKind

    from .resource_factories import ProviderFactory

    data = lifecycle.EXAMPLES["frequent_illness"]
    person = ClientFactory(dong=dong("능동"), **data["client"])
    case = lifecycle.run_to(
        Stage.CLOSURE, officer=user_in_dong, supervisor=supervisor, client=person, example=data
    )
    meeting = meeting_services.create_meeting(
        by=user_in_dong,
        kind=MeetingKind.INTEGRATED_CONFERENCE,
        held_at=at(1, 10),
        place="능동 주민센터 2층",
        chair=supervisor,
        officers=[user_in_dong],
    )
    partner = meeting_services.add_attendee(
        meeting=meeting, by=user_in_dong, provider=ProviderFactory(name="광진복지관"), name="이협력"
    )
    ResourceFactory(registering_dong=dong("능동"), name="능동 반찬나눔")
    return {
        "cases:plan_print": reverse("cases:plan_print", args=[case.pk, 1]),
        "cases:consent_print": reverse("cases:consent_print", args=[case.pk]),
        "cases:monitoring_print": reverse("cases:monitoring_print", args=[case.pk]),
        "cases:intake_print": reverse("cases:intake_print", args=[case.pk]),
        "cases:closure_print": reverse("cases:closure_print", args=[case.pk]),
        "meetings:minutes_print": reverse("meetings:minutes_print", args=[meeting.pk]),
        "meetings:external_copy_print": reverse(
            "meetings:external_copy_print", args=[meeting.pk, partner.pk]
        ),
        "resources:resource_list?export": reverse("resources:resource_list") + "?export=xlsx",
    }


def _print_url_names():
    names = set()
    for app in ("cases", "meetings", "resources", "core", "work"):
        resolver = get_resolver().namespace_dict[app][1]
        names |= {
            f"{app}:{name}"
            for name in resolver.reverse_dict
            if isinstance(name, str) and name.endswith("_print")
        }
    return names - NO_PERSONAL_DATA


def test_every_print_address_is_covered_here(downloads):
    covered = {name for name in downloads if "?" not in name}
    missing = _print_url_names() - covered
    assert not missing, f"add these downloads to the fixture above: {missing}"


def _joined(url, **params):
    from urllib.parse import urlencode

    return url + ("&" if "?" in url else "?") + urlencode(params)


def test_a_download_without_a_reason_gets_the_reason_form_and_no_file(
    client, user_in_dong, downloads
):
    client.force_login(user_in_dong)
    for name, url in downloads.items():
        before = AccessRecord.objects.filter(action__in=[AccessAction.PRINT, AccessAction.EXPORT])
        count = before.count()
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/html"), name
        page = response.content.decode()
        assert "이 파일이 왜 필요한가요?" in page, name
        assert 'name="purpose"' in page and 'name="reason"' in page
        assert before.count() == count, f"{name}: nothing was downloaded, nothing recorded"


def test_the_reason_form_keeps_the_other_parameters(client, user_in_dong, downloads):
    client.force_login(user_in_dong)
    start, end = iso(-30), iso(0)
    url = downloads["cases:monitoring_print"] + f"?from={start}&to={end}"
    page = client.get(url).content.decode()
    assert f'name="from" value="{start}"' in page and f'name="to" value="{end}"' in page


def test_a_bad_reason_is_refused_on_the_field_in_korean(client, user_in_dong, downloads):
    client.force_login(user_in_dong)
    url = downloads["cases:plan_print"]
    empty = client.get(_joined(url, purpose="", reason=""))
    assert empty.status_code == 400
    assert "필수 항목입니다." in empty.content.decode()
    short = client.get(_joined(url, purpose="other", reason="그냥"))
    assert short.status_code == 400
    assert "사유를 다섯 글자 이상 적어 주세요." in short.content.decode()
    assert 'value="그냥"' in short.content.decode()  # what was typed is kept


@pytest.mark.parametrize(
    "params, recorded",
    [
        ({"purpose": "signature"}, "당사자 서명을 받기 위한 출력"),
        ({"purpose": "meeting", "reason": "3월 사례회의"}, "사례회의 자료: 3월 사례회의"),
        ({"purpose": "other", "reason": "구청 감사 자료 제출"}, "구청 감사 자료 제출"),
    ],
)
def test_with_a_reason_the_file_comes_and_the_reason_is_recorded(
    client, user_in_dong, downloads, params, recorded
):
    client.force_login(user_in_dong)
    for name, url in downloads.items():
        response = client.get(_joined(url, **params))
        assert response.status_code == 200, name
        assert response["Content-Type"] in (
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ), name
        record = AccessRecord.objects.latest("id")
        assert record.action in (AccessAction.PRINT, AccessAction.EXPORT), name
        assert (record.user, record.reason) == (user_in_dong, recorded), name


def test_the_html_preview_is_a_page_view_without_a_reason(client, user_in_dong, downloads):
    client.force_login(user_in_dong)
    response = client.get(downloads["cases:plan_print"] + "?format=html")
    assert response.status_code == 200 and "이 파일이 왜" not in response.content.decode()
    assert AccessRecord.objects.latest("id").action == AccessAction.VIEW


def test_another_dong_gets_404_before_any_reason_is_asked(client, user_other_dong, downloads):
    client.force_login(user_other_dong)
    for name, url in downloads.items():
        if name.startswith("resources:"):
            continue  # the registry export is a list: scoped to the user's own rows
        assert client.get(url).status_code == 404, name
        assert client.get(_joined(url, purpose="audit")).status_code == 404, name


def test_a_missing_part_is_not_found_before_any_reason_is_asked(client, user_in_dong, downloads):
    """An own meeting with a wrong partner, an own case without the record to print: 404 first."""
    from cases.models import Case

    client.force_login(user_in_dong)
    meeting_url = downloads["meetings:external_copy_print"]
    wrong_partner = meeting_url.replace("/copy/", "/copy/9").replace("/print/", "9/print/")
    assert client.get(wrong_partner).status_code == 404
    fresh = Case.objects.filter(stage=Stage.CLOSURE).first()
    assert client.get(reverse("cases:closure_print", args=[fresh.pk])).status_code == 200
    from .factories import ClientFactory as Factory

    person = Factory(dong=dong("능동"))
    early = lifecycle.run_to(
        Stage.ASSESSMENT,
        officer=user_in_dong,
        supervisor=user_in_dong,
        client=person,
        example=lifecycle.EXAMPLES["frequent_illness"],
    )
    for name in ("closure_print", "monitoring_print"):
        assert client.get(reverse(f"cases:{name}", args=[early.pk])).status_code == 404, name
