"""Real pages in Debian's Chromium, driven by Playwright."""

import pytest
from playwright.sync_api import expect

from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/")
    page.get_by_label("계정").fill(username)
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()


def test_a_demo_case_manager_logs_in_and_sees_the_korean_dashboard(page, live_server, demo):
    log_in(page, live_server, "neung.cm")
    expect(page.get_by_role("heading", name="대시보드", level=1)).to_be_visible()
    expect(page.get_by_text("능동 · 사례관리자 · 김하늘")).to_be_visible()
    expect(page.get_by_role("heading", name="최근 등록한 당사자")).to_be_visible()
    expect(page.get_by_role("link", name="임춘자")).to_be_visible()  # the newest client of 능동
    for other in ("장영길", "구자영"):  # clients of 구의제1동
        expect(page.get_by_role("link", name=other)).to_have_count(0)


def test_at_tablet_width_the_menu_folds_and_the_client_list_still_works(page, live_server, demo):
    page.set_viewport_size({"width": 768, "height": 1024})
    log_in(page, live_server, "neung.cm")
    page.get_by_role("link", name="당사자 전체").click()
    expect(page.get_by_role("heading", name="당사자", level=1)).to_be_visible()
    page.get_by_label("검색").fill("오정")
    page.get_by_role("button", name="적용").click()
    expect(page.get_by_role("link", name="오정훈")).to_be_visible()
    expect(page.get_by_role("link", name="한순자")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768


def test_on_a_phone_the_menu_opens_from_the_toggle(page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "neung.cm")
    page.get_by_role("button", name="메뉴 열기").click()
    page.get_by_role("link", name="당사자", exact=True).click()
    expect(page.get_by_role("heading", name="당사자", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_refused_client_form_keeps_the_typed_values(page, live_server, demo):
    log_in(page, live_server, "neung.cm")
    page.goto(live_server.url + "/clients/new/")
    page.get_by_label("이름").fill("홍길순")
    page.get_by_label("생년월일").fill("2999-01-01")
    page.get_by_label("주소").fill("서울 광진구 능동로 5")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_text("생년월일은 미래일 수 없습니다.")).to_be_visible()
    expect(page.get_by_label("이름")).to_have_value("홍길순")
    expect(page.get_by_label("주소")).to_have_value("서울 광진구 능동로 5")
