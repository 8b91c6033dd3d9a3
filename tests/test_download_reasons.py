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
    ResourceFactory(
        registering_dong=dong("능동"),
        name="능동 반찬나눔",
        provider=ProviderFactory(name="능동나눔터", contact_person="김연계", phone="010-0000-1234"),
    )
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
        "resources:resource_list?contacts": reverse("resources:resource_list")
        + "?export=xlsx&contacts=on",
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
    """A client's form (and a conference's minutes) with the reasons of a client's record; the
    resource list with contacts has its own reasons (below)."""
    client.force_login(user_in_dong)
    for name, url in downloads.items():
        if name.startswith("resources:"):
            continue
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


# --- the reasons fit the document; no personal data, no reason -----------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLIENT_REASONS = ["당사자 서명을 받기 위한 출력", "사례회의 자료", "가정방문 또는 상담"]
CONTACT_REASONS = ["자원 연계 업무", "자원 현황 보고", "기관 협의"]
NOT_FOR_THIS_FILE = "이 파일에는 맞지 않는 사유입니다. 목록에서 골라 주세요."


def _offered(response):
    """The labels of the purposes the reason form offers."""
    return [label for _value, label in response.context["form"].fields["purpose"].choices][1:]


def _sheet_rows(content):
    import io

    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _exports():
    return AccessRecord.objects.filter(action=AccessAction.EXPORT)


def test_the_resource_list_without_contacts_downloads_at_once_and_is_recorded(
    client, user_in_dong, downloads
):
    """The list describes services (name, kind, capacity, the provider organisation): nobody's
    personal data, so no reason is asked; the export is still on the access record."""
    client.force_login(user_in_dong)
    response = client.get(reverse("resources:resource_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    header, *rows = _sheet_rows(response.content)
    assert "기관 담당자" not in header and "기관 전화번호" not in header
    assert [row[0] for row in rows] == ["능동 반찬나눔"]
    assert "김연계" not in {cell for row in rows for cell in row}
    record = _exports().get()
    assert (record.user, record.reason) == (user_in_dong, "")


def test_the_resource_list_with_contacts_asks_and_offers_only_reasons_that_fit_it(
    client, user_in_dong, downloads
):
    """Each document offers its own reasons: the list of partners' contact persons those of
    resource work, a client's form (still) those of a client's record, the signature first."""
    client.force_login(user_in_dong)
    form_asked = client.get(downloads["cases:plan_print"])
    assert "주민의 개인정보가 담긴 파일입니다." in form_asked.content.decode()
    offered = _offered(form_asked)
    assert set(CLIENT_REASONS) <= set(offered)
    assert not set(CONTACT_REASONS) & set(offered)

    url = downloads["resources:resource_list?contacts"]
    asked = client.get(url)
    assert asked.status_code == 200 and asked["Content-Type"].startswith("text/html")
    page = asked.content.decode()
    assert "담당자의 이름과 전화번호가 담긴 파일입니다." in page
    offered = _offered(asked)
    assert set(CONTACT_REASONS) <= set(offered)
    assert not set(CLIENT_REASONS) & set(offered), "a client's reasons do not fit a contact list"
    assert "당사자 서명을 받기 위한 출력" not in page
    assert not _exports().exists()

    response = client.get(_joined(url, purpose="linkage", reason="반찬 지원 연계"))
    assert response["Content-Type"] == XLSX
    header, *rows = _sheet_rows(response.content)
    assert header[-2:] == ("기관 담당자", "기관 전화번호")
    assert rows[0][-2:] == ("김연계", "010-0000-1234")
    record = _exports().get()
    assert record.reason == "자원 연계 업무: 반찬 지원 연계"


def test_with_contacts_but_no_row_naming_a_contact_no_reason_is_asked(client, user_in_dong):
    from .resource_factories import ProviderFactory

    ResourceFactory(name="주소만 있는 자원", provider=None)
    ResourceFactory(
        name="담당자 없는 기관 자원", provider=ProviderFactory(contact_person="", phone="")
    )
    client.force_login(user_in_dong)
    response = client.get(reverse("resources:resource_list"), {"export": "xlsx", "contacts": "on"})
    assert response["Content-Type"] == XLSX
    assert _exports().get().reason == ""


@pytest.mark.parametrize(
    "name, purpose",
    [
        ("resources:resource_list?contacts", "signature"),
        ("resources:resource_list?contacts", "meeting"),
        ("cases:plan_print", "linkage"),
        ("cases:consent_print", "consultation"),
    ],
)
def test_a_reason_not_in_the_documents_list_is_refused_in_korean(
    client, user_in_dong, downloads, name, purpose
):
    client.force_login(user_in_dong)
    before = AccessRecord.objects.filter(action__in=[AccessAction.PRINT, AccessAction.EXPORT])
    response = client.get(_joined(downloads[name], purpose=purpose, reason="월간 점검 자료"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert NOT_FOR_THIS_FILE in page
    assert 'value="월간 점검 자료"' in page  # what was typed is kept
    assert not before.exists(), "nothing was downloaded, nothing recorded"


def test_the_access_record_export_offers_the_reasons_of_a_review(client, gu_staff):
    client.force_login(gu_staff)
    form = client.get(reverse("core:access_records")).context["reason_form"]
    offered = [label for _value, label in form.fields["purpose"].choices][1:]
    assert "점검·감사·월간 검토" in offered
    assert not (set(CLIENT_REASONS) | set(CONTACT_REASONS)) & set(offered)
    refused = client.post(reverse("core:access_record_export"), {"purpose": "signature"})
    assert refused.status_code == 400
    assert NOT_FOR_THIS_FILE in refused.content.decode()
