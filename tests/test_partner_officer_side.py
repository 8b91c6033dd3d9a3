"""SECURITY and work: the office's side of the partner door — a provider's partner accounts
(opened, closed, reset by the gu staff or the team leader of a served dong), what the agency sent
on a referral (its reports and documents, downloaded with a reason), and confirming its report on
the case page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from casemgmt.core.models import AccessAction, AccessRecord
from casemgmt.core.roles import Role, role_of
from cases.models import Monitoring
from cases.services import MONITORING_NOT_AWAITING
from resources.models import PartnerAccount
from resources.partner_services import report_service, send_document

from .factories import login_verified, partner_account
from .referral_helpers import case_in_planning, consent_for, plan_with_item, refer
from .resource_factories import ProviderFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the attendance sheet of the programme"
FIRST_SIGN_IN = (
    "At the first sign-in the person must choose a new password of their own, then set up an "
    "authenticator app on their phone: every sign-in after that asks for the app's six-digit code."
)


@pytest.fixture
def provider(neungdong):
    """Registered by 능동 and serving 능동 only."""
    return ProviderFactory(
        registering_dong=neungdong, service_dongs=[neungdong], name="능동종합사회복지관"
    )


@pytest.fixture
def case(user_in_dong, supervisor):
    return case_in_planning(user_in_dong, supervisor, name="한의뢰")


@pytest.fixture
def referral(case, user_in_dong, provider):
    consent_for(case, user_in_dong, provider)
    item = plan_with_item(case, user_in_dong, provider=provider)
    return refer(item, user_in_dong, shares_information=True)


@pytest.fixture
def partner(provider):
    return partner_account(provider, username="bokji.kim", name="김복지")


@pytest.fixture
def report(referral, partner):
    today = timezone.localdate()
    return report_service(
        referral=referral,
        by=partner,
        reported_on=today,
        started_on=today,
        sessions=2,
        attendance="all",
        client_change="표정이 밝아지고 약속을 잘 지킴",
    )


@pytest.fixture
def document(referral, partner):
    request = RequestFactory().get("/")
    request.user = partner
    return send_document(
        request=request,
        referral=referral,
        by=partner,
        title="출석부",
        file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    )


def _open(client, provider, **data):
    fields = {"username": "hong.gildong", "name": "홍길동", "phone": "", "email": "",
              "position": "사회복지사", **data}  # fmt: skip
    return client.post(reverse("resources:partner_account_create", args=[provider.pk]), fields)


def _download_url(referral, document, **query):
    url = reverse("resources:referral_document_download", args=[referral.pk, document.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


# --- partner accounts on the provider's page ------------------------------------------------------


@pytest.mark.parametrize("who", ["gu_staff", "supervisor"])
def test_the_gu_staff_and_the_supervisor_of_a_served_dong_open_an_account_and_see_its_password_once(
    client, provider, who, request
):
    officer = request.getfixturevalue(who)
    client.force_login(officer)
    response = _open(client, provider)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    text = response.content.decode()
    assert password in text
    with translation.override("ko"):  # the page's language, whether or not it is catalogued yet
        assert gettext(FIRST_SIGN_IN) in text
    account = PartnerAccount.objects.select_related("user").get(user__username="hong.gildong")
    assert account.provider == provider
    assert account.created_by == officer
    assert account.position == "사회복지사"
    user = account.user
    assert role_of(user) == Role.PARTNER
    assert user.two_factor is True
    assert user.must_change_password is True
    assert user.check_password(password)
    assert AccessRecord.objects.filter(
        user=officer, action=AccessAction.CREATE, target=f"resources.partneraccount:{account.pk}"
    ).exists()
    # the list shows the account, never its password
    listing = client.get(reverse("resources:partner_accounts", args=[provider.pk]))
    assert listing.status_code == 200
    assert "hong.gildong" in listing.content.decode()
    assert password not in listing.content.decode()


@pytest.mark.parametrize("who", ["user_in_dong", "supervisor_other_dong"])
def test_a_case_manager_and_the_supervisor_of_an_unserved_dong_are_refused_with_403(
    client, provider, partner, who, request
):
    client.force_login(request.getfixturevalue(who))
    account = partner.partner_account
    listing = client.get(reverse("resources:partner_accounts", args=[provider.pk]))
    assert listing.status_code == 200  # they read the provider and its accounts
    assert listing.context["form"] is None
    assert reverse("resources:partner_account_create", args=[provider.pk]) not in (
        listing.content.decode()
    )
    assert _open(client, provider).status_code == 403
    active = reverse("resources:partner_account_active", args=[account.pk])
    reset = reverse("resources:partner_account_reset", args=[account.pk])
    assert client.post(active, {"active": "0"}).status_code == 403
    assert client.post(reset, {"what": "password"}).status_code == 403
    assert client.post(reset, {"what": "two_factor"}).status_code == 403
    partner.refresh_from_db()
    assert partner.is_active
    assert partner.check_password("a-long-test-password")
    assert not PartnerAccount.objects.filter(user__username="hong.gildong").exists()


def test_a_provider_of_another_gu_is_not_found(client, gu_staff, provider_of_other_gu):
    account_user = partner_account(provider_of_other_gu, username="seongsu.park")
    client.force_login(gu_staff)
    pk = provider_of_other_gu.pk
    assert client.get(reverse("resources:partner_accounts", args=[pk])).status_code == 404
    assert _open(client, provider_of_other_gu).status_code == 404
    account = account_user.partner_account
    for name, data in (
        ("resources:partner_account_active", {"active": "0"}),
        ("resources:partner_account_reset", {"what": "password"}),
    ):
        assert client.post(reverse(name, args=[account.pk]), data).status_code == 404
    account_user.refresh_from_db()
    assert account_user.is_active


def test_the_system_administrator_does_not_see_the_partner_accounts(client, sysadmin, provider):
    client.force_login(sysadmin)
    assert client.get(reverse("resources:partner_accounts", args=[provider.pk])).status_code == 404
    assert _open(client, provider).status_code == 404


def test_a_refused_account_keeps_what_was_typed(client, gu_staff, provider, partner):
    client.force_login(gu_staff)
    response = _open(client, provider, username="Bokji.Kim", name="홍길동", phone="010-1234-5678")
    assert response.status_code == 400
    form = response.context["form"]
    assert "username" in form.errors
    text = response.content.decode()
    assert 'value="Bokji.Kim"' in text
    assert 'value="010-1234-5678"' in text
    assert PartnerAccount.objects.filter(provider=provider).count() == 1


def test_closing_an_account_makes_its_sign_in_impossible(client, gu_staff, provider, partner):
    client.force_login(gu_staff)
    account = partner.partner_account
    url = reverse("resources:partner_account_active", args=[account.pk])
    response = client.post(url, {"active": "0"})
    assert response.status_code == 302
    assert response["Location"] == reverse("resources:partner_accounts", args=[provider.pk])
    partner.refresh_from_db()
    assert partner.is_active is False
    client.logout()
    signed_in = client.post(
        reverse("login"), {"username": partner.username, "password": "a-long-test-password"}
    )
    assert signed_in.status_code == 200  # the login form again
    assert "_auth_user_id" not in client.session
    # and it opens again
    client.force_login(gu_staff)
    assert client.post(url, {"active": "1"}).status_code == 302
    partner.refresh_from_db()
    assert partner.is_active is True


def test_a_closed_account_already_signed_in_is_signed_out(client, gu_staff, partner):
    from resources.partner_services import set_partner_account_active

    login_verified(client, partner)
    assert client.get(reverse("partner:home")).status_code == 200
    set_partner_account_active(account=partner.partner_account, by=gu_staff, active=False)
    response = client.get(reverse("partner:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_password_reset_shows_a_new_temporary_password_to_change_at_sign_in(
    client, supervisor, partner
):
    client.force_login(supervisor)
    account = partner.partner_account
    url = reverse("resources:partner_account_reset", args=[account.pk])
    response = client.post(url, {"what": "password"})
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    partner.refresh_from_db()
    assert partner.check_password(password)
    assert partner.must_change_password is True


def test_a_lost_phone_reset_removes_the_authenticator(client, gu_staff, provider, partner):
    TOTPDevice.objects.create(user=partner, name="authenticator", confirmed=True)
    client.force_login(gu_staff)
    listing = client.get(reverse("resources:partner_accounts", args=[provider.pk]))
    assert listing.context["accounts"][0].has_authenticator is True
    url = reverse("resources:partner_account_reset", args=[partner.partner_account.pk])
    response = client.post(url, {"what": "two_factor"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "resources:partner_accounts", args=[provider.pk]
    )
    assert not TOTPDevice.objects.filter(user=partner).exists()
    assert response.context["accounts"][0].has_authenticator is False
    partner.refresh_from_db()
    assert partner.two_factor is True


def test_the_accounts_actions_take_only_post(client, gu_staff, provider, partner):
    client.force_login(gu_staff)
    account = partner.partner_account
    for url in (
        reverse("resources:partner_account_create", args=[provider.pk]),
        reverse("resources:partner_account_active", args=[account.pk]),
        reverse("resources:partner_account_reset", args=[account.pk]),
    ):
        assert client.get(url).status_code == 405


def test_the_provider_page_links_to_its_partner_accounts(client, user_in_dong, provider):
    client.force_login(user_in_dong)
    response = client.get(reverse("resources:provider_detail", args=[provider.pk]))
    assert reverse("resources:partner_accounts", args=[provider.pk]) in response.content.decode()


# --- what the partner sent, on the officer's referral page ---------------------------------------


def test_the_officers_referral_page_lists_the_partners_report_and_document(
    client, user_in_dong, referral, report, document, django_assert_max_num_queries
):
    client.force_login(user_in_dong)
    url = reverse("resources:referral_detail", args=[referral.pk])
    with django_assert_max_num_queries(40) as queries:
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "표정이 밝아지고 약속을 잘 지킴" in text
    assert "김복지" in text
    assert "출석부" in text
    assert _download_url(referral, document) in text
    assert response.context["reports"] == [report]
    # more rows, same number of queries
    today = timezone.localdate()
    report_service(referral=referral, by=report.reported_by, reported_on=today,
                   started_on=today, items_delivered="쌀 10kg", attendance="items",
                   client_change="식사를 거르지 않음")  # fmt: skip
    request = RequestFactory().get("/")
    request.user = report.reported_by
    send_document(request=request, referral=referral, by=report.reported_by, title="영수증",
                  file=SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"))  # fmt: skip
    with django_assert_max_num_queries(len(queries)):
        again = client.get(url)
    assert "쌀 10kg" in again.content.decode()
    assert "영수증" in again.content.decode()


def test_the_document_download_asks_a_reason_then_returns_the_bytes_recorded_as_an_export(
    client, user_in_dong, referral, document
):
    client.force_login(user_in_dong)
    asked = client.get(_download_url(referral, document))
    assert asked.status_code == 200
    assert asked["Content-Type"].startswith("text/html")
    assert not AccessRecord.objects.filter(user=user_in_dong, action=AccessAction.EXPORT).exists()
    response = client.get(_download_url(referral, document, purpose="referral"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert ".pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    record = AccessRecord.objects.get(user=user_in_dong, action=AccessAction.EXPORT)
    assert record.target == f"resources.referral:{referral.pk}"
    assert record.client_id == referral.plan_item.plan.case.client_id
    assert record.reason


def test_an_officer_of_another_dong_gets_404_on_the_download(
    client, user_other_dong, referral, document
):
    client.force_login(user_other_dong)
    assert client.get(_download_url(referral, document)).status_code == 404
    assert client.get(_download_url(referral, document, purpose="referral")).status_code == 404
    assert not AccessRecord.objects.filter(
        user=user_other_dong, target__startswith="resources."
    ).exists()


def test_a_document_of_another_referral_is_not_found_before_any_reason_is_asked(
    client, user_in_dong, supervisor, provider, referral, document
):
    other_case = case_in_planning(user_in_dong, supervisor, name="다른의뢰")
    consent_for(other_case, user_in_dong, provider)
    item = plan_with_item(other_case, user_in_dong, provider=provider)
    other = refer(item, user_in_dong, shares_information=True)
    client.force_login(user_in_dong)
    asked = client.get(_download_url(other, document))
    assert asked.status_code == 404  # not the reason page
    assert client.get(_download_url(other, document, purpose="referral")).status_code == 404
    assert not AccessRecord.objects.filter(user=user_in_dong, action=AccessAction.EXPORT).exists()


def test_a_partner_cannot_use_the_officers_download(client, partner, referral, document):
    login_verified(client, partner)
    response = client.get(_download_url(referral, document, purpose="referral"))
    assert response.status_code in (302, 404)  # the partner's fence, or the door


# --- confirming the provider's report on the case page -------------------------------------------


def _confirm(client, case, monitoring):
    return client.post(reverse("cases:monitoring_confirm", args=[case.pk, monitoring.pk]))


def test_the_case_page_shows_the_report_waiting_for_confirmation(
    client, user_in_dong, case, report, django_assert_max_num_queries
):
    client.force_login(user_in_dong)
    url = reverse("cases:case_detail", args=[case.pk])
    with django_assert_max_num_queries(80) as queries:
        response = client.get(url)
    text = response.content.decode()
    confirm = reverse("cases:monitoring_confirm", args=[case.pk, report.monitoring.pk])
    assert confirm in text
    assert "능동종합사회복지관" in text
    # a second report adds no query
    today = timezone.localdate()
    report_service(referral=report.referral, by=report.reported_by, reported_on=today,
                   started_on=today, sessions=1, attendance="most",
                   client_change="외출이 늘어남")  # fmt: skip
    with django_assert_max_num_queries(len(queries)):
        again = client.get(url)
    second = Monitoring.objects.filter(case=case).latest("id")
    for entry in (report.monitoring, second):
        assert (
            reverse("cases:monitoring_confirm", args=[case.pk, entry.pk]) in again.content.decode()
        )


def test_confirming_a_provider_report_records_who_and_when_and_a_second_confirm_is_refused(
    client, user_in_dong, case, report
):
    client.force_login(user_in_dong)
    monitoring = report.monitoring
    assert monitoring.awaiting_confirmation
    response = _confirm(client, case, monitoring)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    monitoring.refresh_from_db()
    assert monitoring.confirmed_by == user_in_dong
    assert monitoring.confirmed_at is not None
    assert not monitoring.awaiting_confirmation
    page = client.get(response["Location"])
    assert reverse("cases:monitoring_confirm", args=[case.pk, monitoring.pk]) not in (
        page.content.decode()
    )
    again = client.post(
        reverse("cases:monitoring_confirm", args=[case.pk, monitoring.pk]), follow=True
    )
    assert again.redirect_chain == [(reverse("cases:case_detail", args=[case.pk]), 302)]
    assert [str(m) for m in again.context["messages"]] == [str(MONITORING_NOT_AWAITING)]
    confirmed_at = monitoring.confirmed_at
    monitoring.refresh_from_db()
    assert monitoring.confirmed_at == confirmed_at


def test_an_officers_own_monitoring_entry_is_not_confirmed(client, user_in_dong, case, report):
    from cases import services as case_services

    own = case_services.record_monitoring(
        case=case, by=user_in_dong, plan_item=report.monitoring.plan_item,
        date=timezone.localdate(), method="regular_contact", findings="전화 확인",
    )  # fmt: skip
    client.force_login(user_in_dong)
    response = _confirm(client, case, own)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.confirmed_at is None


def test_a_case_manager_of_another_dong_gets_404_on_confirm(client, user_other_dong, case, report):
    client.force_login(user_other_dong)
    assert _confirm(client, case, report.monitoring).status_code == 404
    report.monitoring.refresh_from_db()
    assert report.monitoring.awaiting_confirmation


def test_a_monitoring_entry_of_another_case_is_not_found(
    client, user_in_dong, supervisor, case, report
):
    other_case = case_in_planning(user_in_dong, supervisor, name="다른사례")
    client.force_login(user_in_dong)
    assert _confirm(client, other_case, report.monitoring).status_code == 404
    report.monitoring.refresh_from_db()
    assert report.monitoring.awaiting_confirmation


def test_the_gu_staff_reads_but_does_not_confirm(client, gu_staff, case, report):
    client.force_login(gu_staff)
    assert _confirm(client, case, report.monitoring).status_code == 403
    report.monitoring.refresh_from_db()
    assert report.monitoring.awaiting_confirmation


def test_confirm_takes_only_post(client, user_in_dong, case, report):
    client.force_login(user_in_dong)
    url = reverse("cases:monitoring_confirm", args=[case.pk, report.monitoring.pk])
    assert client.get(url).status_code == 405


# Each role's answer on every one of these addresses is a row of docs/permissions.md, checked by
# tests/test_permission_matrix.py (the PARTNER column included).
