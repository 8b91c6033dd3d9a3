"""The resource registry in Debian's Chromium, at tablet width."""

import pytest
from playwright.sync_api import expect

from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_at_tablet_width_an_officer_searches_the_resources_and_opens_one(page, live_server, demo):
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(live_server.url + "/resources/")
    page.get_by_label("계정").fill("neung.cm")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("heading", name="지역 자원", level=1)).to_be_visible()

    page.get_by_label("검색").fill("반찬")
    page.get_by_role("button", name="적용").click()
    expect(page.get_by_role("link", name="밑반찬 정기 배달")).to_be_visible()
    expect(page.get_by_role("link", name="경로당 반찬 품앗이")).to_be_visible()
    expect(page.get_by_role("link", name="방과후 돌봄")).to_have_count(0)  # not a match
    expect(page.get_by_role("link", name="무료 세탁 지원")).to_have_count(0)  # 구의제1동's own
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    page.get_by_role("link", name="밑반찬 정기 배달").click()
    expect(page.get_by_role("heading", name="밑반찬 정기 배달", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="행복한반찬가게")).to_be_visible()
    expect(page.get_by_text("반찬가게 대표가 주 1회 배달을 약정")).to_be_visible()
    expect(page.get_by_role("link", name="수정")).to_be_visible()  # 능동 registered it
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
