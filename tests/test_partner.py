"""SECURITY and work: a partner agency's door — its referrals, only what the client agreed to
share with it, its answer, its report of the service, its documents and its conference copy."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casemgmt.core.models import AccessAction, AccessRecord
from cases import services as case_services
from cases.models import Alert, AlertKind, Monitoring, MonitoringMethod
from resources.models import ReferralStatus

from .factories import ClientFactory, login_verified, partner_account
from .referral_helpers import case_in_planning, consent_for, plan_with_item, refer
from .resource_factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(neungdong):
    return ProviderFactory(registering_dong=neungdong, name="능동종합사회복지관")


@pytest.fixture
def other_provider(neungdong):
    return ProviderFactory(registering_dong=neungdong, name="능동푸드뱅크")


@pytest.fixture
def case(user_in_dong, supervisor):
    return case_in_planning(user_in_dong, supervisor, name="한의뢰")


@pytest.fixture
def sharing(case, user_in_dong, provider):
    """The client agreed to share basic details and progress (not health, family or income)."""
    return consent_for(case, user_in_dong, provider)


@pytest.fixture
def referral(case, user_in_dong, provider, sharing):
    item = plan_with_item(case, user_in_dong, provider=provider)
    return refer(item, user_in_dong, shares_information=True)


@pytest.fixture
def partner(provider):
    return partner_account(provider, username="bokji.kim", name="김복지")


@pytest.fixture
def other_partner(other_provider):
    return partner_account(other_provider, username="food.lee", name="이푸드")


def _page(client, referral):
    return client.get(reverse("partner:referral", args=[referral.pk]))


def _report(**overrides):
    today = timezone.localdate()
    return {
        "reported_on": today.isoformat(),
        "started_on": today.isoformat(),
        "sessions": "2",
        "items_delivered": "",
        "attendance": "all",
        "client_change": "표정이 밝아지고 약속을 잘 지킴",
        "ended_on": "",
        "end_reason": "",
        **overrides,
    }


# --- what a partner reads -------------------------------------------------------------------------


def test_a_partner_reads_its_referral_and_only_the_consented_items(client, partner, referral):
    client_row = referral.plan_item.plan.case.client
    client_row.health_notes = "당뇨"
    client_row.save()
    login_verified(client, partner)
    response = _page(client, referral)
    assert response.status_code == 200
    text = response.content.decode()
    assert client_row.name in text  # basic details: consented
    assert client_row.address in text
    assert referral.plan_item.service_content in text
    assert "당뇨" not in text  # health: not consented
    assert client_row.get_livelihood_status_display() not in text  # income: not consented
    record = AccessRecord.objects.filter(user=partner, action=AccessAction.VIEW).latest("id")
    assert record.client_id == client_row.pk


def test_the_list_puts_referrals_waiting_for_an_answer_first(client, partner, referral):
    login_verified(client, partner)
    response = client.get(reverse("partner:home"))
    assert response.status_code == 200
    assert referral.plan_item.plan.case.client.name in response.content.decode()
    assert response.context["waiting"] == 1


def test_after_consent_is_withdrawn_the_next_request_shows_nothing_of_that_client(
    client, partner, referral, sharing, user_in_dong
):
    login_verified(client, partner)
    assert _page(client, referral).status_code == 200
    case_services.withdraw_consent(consent=sharing, by=user_in_dong, note="본인 요청")
    assert _page(client, referral).status_code == 404
    listing = client.get(reverse("partner:home")).content.decode()
    assert referral.plan_item.plan.case.client.name not in listing
    answer = client.post(
        reverse("partner:referral_answer", args=[referral.pk]), {"answer": "accept"}
    )
    assert answer.status_code == 404


def test_a_referral_that_shares_nothing_stays_inside(
    client, partner, case, user_in_dong, provider, sharing
):
    item = plan_with_item(case, user_in_dong, provider=provider)
    quiet = refer(item, user_in_dong, shares_information=False)
    login_verified(client, partner)
    assert _page(client, quiet).status_code == 404


def test_a_partner_of_another_provider_gets_404(client, other_partner, referral):
    login_verified(client, other_partner)
    assert _page(client, referral).status_code == 404
    assert (
        referral.plan_item.plan.case.client.name
        not in client.get(reverse("partner:home")).content.decode()
    )
    for name in ("partner:referral_answer", "partner:referral_report", "partner:referral_document"):
        assert client.post(reverse(name, args=[referral.pk]), {}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "work:dashboard",
        "cases:client_list",
        "cases:case_list",
        "cases:search",
        "resources:referral_list",
        "resources:resource_list",
        "meetings:meeting_list",
        "work:alerts",
        "core:access_records",
    ],
)
def test_a_partner_gets_404_on_officer_pages(client, partner, url):
    login_verified(client, partner)
    assert client.get(reverse(url)).status_code == 404


def test_a_partner_gets_404_on_the_case_page_of_its_own_referral(client, partner, referral):
    login_verified(client, partner)
    case = referral.plan_item.plan.case
    for path in (
        reverse("cases:case_detail", args=[case.pk]),
        reverse("cases:client_detail", args=[case.client_id]),
        reverse("resources:referral_detail", args=[referral.pk]),
    ):
        assert client.get(path).status_code == 404, path


def test_an_officer_gets_404_on_the_partner_pages(client, user_in_dong, referral):
    client.force_login(user_in_dong)
    assert client.get(reverse("partner:home")).status_code == 404
    assert _page(client, referral).status_code == 404


# --- what a partner does --------------------------------------------------------------------------


def test_accepting_a_referral_alerts_the_case_manager(client, partner, referral, user_in_dong):
    login_verified(client, partner)
    response = client.post(
        reverse("partner:referral_answer", args=[referral.pk]), {"answer": "accept"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.changes.latest("id").by == partner
    alert = Alert.objects.get(recipient=user_in_dong, kind=AlertKind.PARTNER)
    assert "능동종합사회복지관" in alert.message


def test_declining_needs_a_reason_said_on_the_field_and_keeps_the_answer(
    client, partner, referral, user_in_dong
):
    login_verified(client, partner)
    url = reverse("partner:referral_answer", args=[referral.pk])
    refused = client.post(url, {"answer": "decline", "reason": ""})
    assert refused.status_code == 400
    assert refused.context["answer_form"].errors["reason"]
    assert 'value="decline" checked' in refused.content.decode().replace("\n", " ") or (
        refused.context["answer_form"]["answer"].value() == "decline"
    )
    done = client.post(url, {"answer": "decline", "reason": "정원이 찼습니다"})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "정원이 찼습니다"
    alert = Alert.objects.get(recipient=user_in_dong, kind=AlertKind.PARTNER)
    assert "정원이 찼습니다" in alert.message
    # As for a decline the officer records: the referral asks for advocacy or another resource.
    from resources.selectors import with_advocacy_prompt

    prompted = with_advocacy_prompt(type(referral).objects.filter(pk=referral.pk)).get()
    assert prompted.needs_advocacy


def test_a_report_lands_as_a_monitoring_entry_waiting_for_confirmation(
    client, partner, referral, user_in_dong
):
    login_verified(client, partner)
    response = client.post(reverse("partner:referral_report", args=[referral.pk]), _report())
    assert response.status_code == 302, response.context and response.context["report_form"].errors
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_SERVICE
    entry = Monitoring.objects.get(plan_item=referral.plan_item)
    assert entry.method == MonitoringMethod.PROVIDER
    assert entry.reported_by_provider == referral.provider
    assert entry.awaiting_confirmation
    assert "2" in entry.findings
    assert entry.client_change == "표정이 밝아지고 약속을 잘 지킴"
    assert Alert.objects.filter(recipient=user_in_dong, kind=AlertKind.PARTNER).exists()
    case_services.confirm_provider_monitoring(monitoring=entry, by=user_in_dong)
    entry.refresh_from_db()
    assert not entry.awaiting_confirmation
    assert entry.confirmed_by == user_in_dong


def test_a_report_with_an_end_ends_the_referral(client, partner, referral):
    login_verified(client, partner)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("partner:referral_report", args=[referral.pk]),
        _report(ended_on=today, end_reason="목표 회기 완료"),
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENDED
    assert referral.ended_on == timezone.localdate()
    # An ended referral takes no more reports, and the form is gone from its page.
    assert _page(client, referral).context["report_form"] is None


def test_a_refused_report_says_what_to_fix_and_keeps_what_was_typed(client, partner, referral):
    login_verified(client, partner)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("partner:referral_report", args=[referral.pk]),
        _report(sessions="", reported_on=tomorrow, end_reason="중단"),
    )
    assert response.status_code == 400
    form = response.context["report_form"]
    assert form.errors
    assert form["client_change"].value() == "표정이 밝아지고 약속을 잘 지킴"
    assert not Monitoring.objects.filter(plan_item=referral.plan_item).exists()


def test_a_document_is_kept_through_the_storage_and_alerts(client, partner, referral, user_in_dong):
    login_verified(client, partner)
    pdf = SimpleUploadedFile("출석부.pdf", b"%PDF-1.4\n1 0 obj\n", content_type="application/pdf")
    response = client.post(
        reverse("partner:referral_document", args=[referral.pk]), {"title": "출석부", "file": pdf}
    )
    assert response.status_code == 302
    document = referral.documents.get()
    assert document.content_type == "application/pdf"
    assert "출석부" not in document.file.name  # stored under a random name
    with document.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    assert Alert.objects.filter(recipient=user_in_dong, kind=AlertKind.PARTNER).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.pdf", b"just text pretending"),  # a name that lies about its content
        ("photo.exe", b"\x89PNG\r\n\x1a\n0000"),  # a PNG with a name we do not keep
        ("empty.pdf", b""),
    ],
)
def test_a_document_that_is_not_a_pdf_or_image_is_refused(client, partner, referral, name, data):
    login_verified(client, partner)
    response = client.post(
        reverse("partner:referral_document", args=[referral.pk]),
        {"title": "서류", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"]
    assert not referral.documents.exists()


def test_a_document_over_the_size_limit_is_refused(client, partner, referral, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    login_verified(client, partner)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2000)
    response = client.post(
        reverse("partner:referral_document", args=[referral.pk]), {"title": "큰 파일", "file": big}
    )
    assert response.status_code == 400
    assert not referral.documents.exists()


# --- conference copies -----------------------------------------------------------------------------


def _final_meeting(officer, supervisor, case, provider, *, attended=True):
    from meetings import services as meeting_services
    from meetings.models import Attendee, Meeting

    meeting = Meeting.objects.create(
        dong=officer.dong, kind="integrated",
        held_at=timezone.now() - datetime.timedelta(days=1), place="회의실", chair=supervisor,
        created_by=supervisor, updated_by=supervisor,
    )  # fmt: skip
    attendee = Attendee.objects.create(
        meeting=meeting, provider=provider, name="김복지", attended=attended
    )
    meeting_services.place_on_agenda(
        meeting=meeting, by=supervisor, case=case, question="consultation", partners=[attendee]
    )
    meeting.finalised_at = timezone.now()
    meeting.finalised_by = supervisor
    meeting.save()
    return meeting


def test_a_partner_reads_the_copy_of_a_conference_it_attended_only(
    client, partner, referral, user_in_dong, supervisor, provider, other_provider
):
    case = referral.plan_item.plan.case
    attended = _final_meeting(user_in_dong, supervisor, case, provider)
    absent = _final_meeting(user_in_dong, supervisor, case, provider, attended=False)
    other = _final_meeting(user_in_dong, supervisor, case, other_provider)
    login_verified(client, partner)
    listing = client.get(reverse("partner:meetings"))
    assert [m.pk for m in listing.context["page"]] == [attended.pk]
    page = client.get(reverse("partner:meeting", args=[attended.pk]))
    assert page.status_code == 200
    assert case.client.name in page.content.decode()  # basic details: consented
    for meeting in (absent, other):
        assert client.get(reverse("partner:meeting", args=[meeting.pk])).status_code == 404
    # The officers' copy page of the same meeting stays closed to the partner.
    copy = reverse("meetings:external_copy", args=[attended.pk, attended.attendees.get().pk])
    assert client.get(copy).status_code == 404


def test_a_client_without_consent_shows_no_details_in_the_copy(
    client, partner, user_in_dong, supervisor, provider
):
    quiet = case_in_planning(user_in_dong, supervisor, name="비공유")
    meeting = _final_meeting(user_in_dong, supervisor, quiet, provider)
    login_verified(client, partner)
    page = client.get(reverse("partner:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert "비공유" not in page.content.decode()


def test_a_closed_partner_account_cannot_sign_in(client, partner):
    partner.is_active = False
    partner.save()
    assert not client.login(username="bokji.kim", password="a-long-test-password")


def test_a_client_of_the_same_name_elsewhere_is_not_shown(client, partner, referral, neungdong):
    ClientFactory(dong=neungdong, name="다른사람")
    login_verified(client, partner)
    assert "다른사람" not in client.get(reverse("partner:home")).content.decode()


def test_a_partners_not_found_page_leads_back_to_its_own_page_not_the_dashboard(client, partner):
    login_verified(client, partner)
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 404
    text = response.content.decode()
    assert f'href="{reverse("partner:home")}"' in text
    assert 'href="/"' not in text
    assert reverse("work:alerts") not in text  # the officers' menu is not drawn for a partner
