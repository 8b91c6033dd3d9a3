"""A partner agency on a phone (390 px), in Debian's Chromium: the first sign-in with an
authenticator code, an accepted referral, a report of two sessions; then the case manager sees the
alert and confirms the entry."""

import base64
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from playwright.sync_api import expect

from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD
from cases.models import Monitoring
from resources.models import Referral, ReferralStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def app_code(secret_text, ahead=0):
    """What an authenticator app shows for the key typed from the set-up page."""
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, step=30, t0=-ahead * 30):06d}"


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def serious_violations(axe, page):
    """What axe-core finds serious or critical on the page (tests/test_accessibility_browser.py)."""
    results = axe.run(page).response
    return [
        f"{page.url}: {v['id']}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_demo_partner_answers_and_reports_on_a_phone_and_the_case_manager_confirms(
    browser, live_server, demo
):
    waiting = Referral.objects.get(
        plan_item__plan__case__client__name="문정자", status=ReferralStatus.REQUESTED
    )
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("계정").fill("haetsal.partner")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()

    # First sign-in: the QR code and its key; the code the app would show.
    expect(page.get_by_role("heading", name="2단계 인증 설정")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR"))).to_be_visible()
    fits(page, 390)
    axe, problems = Axe(), []
    problems += serious_violations(axe, page)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("앱에 표시된 코드").fill(app_code(secret))
    page.get_by_role("button", name="확인").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name=re.compile("계속")).click()

    # The agency's referrals, the one waiting for an answer on top.
    expect(page.get_by_role("heading", name="우리 기관에 온 의뢰")).to_be_visible()
    fits(page, 390)
    problems += serious_violations(axe, page)
    first = page.locator("main ul.list-unstyled li").first
    expect(first).to_contain_text("문정자")
    expect(first).to_contain_text("의뢰됨")
    first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("문정자"))).to_be_visible()
    expect(page.get_by_text("집안 정리와 곰팡이 제거", exact=True)).to_be_visible()
    fits(page, 390)
    problems += serious_violations(axe, page)
    page.get_by_label("수락합니다").check()
    page.get_by_role("button", name="답변 보내기").click()
    expect(page.get_by_role("status").first).to_contain_text("수락")

    # Two sessions delivered.
    page.get_by_label("제공한 회기 수").fill("2")
    page.get_by_label("대상자의 참여").select_option("all")
    page.get_by_label("기관이 본 대상자의 변화").fill("두 번 모두 참여했고 집 정리에 의욕을 보임")
    page.get_by_role("button", name="보고 보내기").click()
    expect(page.get_by_role("status").first).to_contain_text("보고")
    expect(page.get_by_text("확인 대기")).to_be_visible()
    fits(page, 390)
    page.screenshot(path="test-results/partner-referral-390.png", full_page=True)
    page.get_by_role("link", name="회의록").click()
    expect(page.get_by_role("heading", name="회의록", level=1)).to_be_visible()
    fits(page, 390)
    problems += serious_violations(axe, page)
    assert not problems, problems
    phone.close()

    waiting.refresh_from_db()
    assert waiting.status == ReferralStatus.IN_SERVICE
    entry = Monitoring.objects.get(plan_item=waiting.plan_item, reported_by_provider__isnull=False)
    assert entry.awaiting_confirmation

    # The case manager, on her tablet: the alert, then the entry confirmed on the case page.
    tablet = browser.new_context(viewport={"width": 768, "height": 1024})
    page = tablet.new_page()
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("계정").fill("neung.cm")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.goto(f"{live_server.url}/alerts/")
    alert = page.get_by_text(re.compile("아차산햇살종합사회복지관.*확인을 기다립니다")).first
    expect(alert).to_be_visible()
    page.goto(f"{live_server.url}/cases/{waiting.plan_item.plan.case_id}/")
    confirm = page.locator(f"form[action$='/monitoring/{entry.pk}/confirm/'] button")
    expect(confirm).to_be_visible()
    confirm.click()
    expect(page.locator(f"form[action$='/monitoring/{entry.pk}/confirm/']")).to_have_count(0)
    tablet.close()
    entry.refresh_from_db()
    assert not entry.awaiting_confirmation
    assert entry.confirmed_by.username == "neung.cm"
