"""Matching and referral in Debian's Chromium, at tablet width: two clicks from the plan page
link a resource to a service, one more form sends the referral."""

import re

import pytest
from playwright.sync_api import expect

from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD
from resources.models import Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planning_case(demo):
    """The demo case of 능동 being planned: a plan with one health goal and no service yet, and
    a consent that names the provider of the best match."""
    from cases import services as case_services
    from cases.demo import DEMO_CASE_CLIENTS
    from cases.models import Case
    from resources.models import Provider

    case = Case.objects.get(
        dong__name="능동", stage="planning", client__name__in=DEMO_CASE_CLIENTS["능동"]
    )
    officer = case.primary_manager
    plan = case_services.create_plan(
        case=case,
        by=officer,
        short_term_goal="아이들이 안전하게 지낸다",
        long_term_goal="폭력 없는 가정",
        goals=[
            {
                "domain": "health",
                "problem": "남편의 음주와 불면",
                "need": "남편의 건강 회복",
                "purpose": "남편의 건강 회복",
                "goal": "3개월 안에 남편의 불면증이 나아진다",
            }
        ],
    )
    case_services.record_consent(
        case=case,
        by=officer,
        services_consent=True,
        sharing_consent=True,
        shared_items=["basic", "progress"],
        providers=[Provider.objects.get(name="능동햇빛의원")],
        method="paper",
    )
    return case, plan


def test_at_tablet_width_an_officer_links_a_matching_resource_in_two_clicks_and_refers_it(
    page, live_server, planning_case
):
    case, plan = planning_case
    page.set_viewport_size({"width": 768, "height": 1024})
    page.set_default_timeout(5000)
    plan_url = f"{live_server.url}/cases/{case.pk}/plans/{plan.number}/"
    page.goto(plan_url)
    page.get_by_label("계정").fill("neung.cm")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.goto(plan_url)

    matches = page.get_by_role("list", name="맞는 자원 (좋은 순)")
    best = matches.get_by_role("listitem").first
    expect(best).to_contain_text("저소득 주민 진료비 감면")
    expect(best).to_contain_text("능동햇빛의원")
    expect(best).to_contain_text("우리 동 자원")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    # Click 1: choose the best match; the service form is filled in with it.
    best.get_by_role("link", name="선택 저소득 주민 진료비 감면").click()
    expect(page.get_by_label("서비스 내용")).to_have_value("저소득 주민 진료비 감면 연계")
    clinic = Resource.objects.get(name="저소득 주민 진료비 감면")
    expect(page.get_by_role("combobox", name="자원", exact=True)).to_have_value(str(clinic.pk))
    expect(page.get_by_role("combobox", name="제공기관")).to_have_value(str(clinic.provider_id))
    expect(page.get_by_role("textbox", name="제공기관")).to_have_value("능동햇빛의원")
    # Click 2: add the service.
    page.get_by_role("button", name="서비스 추가").click()
    expect(page.get_by_role("status").first).to_contain_text("서비스 항목을 추가했습니다")
    row = page.get_by_role("row").filter(has_text="저소득 주민 진료비 감면 연계")
    expect(row.get_by_role("link", name="저소득 주민 진료비 감면", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    # Then the referral, from the item's row.
    row.get_by_role("link", name=re.compile("^의뢰하기")).click()
    expect(page.get_by_role("heading", name="서비스 의뢰", level=1)).to_be_visible()
    expect(page.get_by_text("정보 공유를 포함합니다")).to_be_visible()
    expect(page.get_by_label("당사자 정보를 제공기관과 공유")).to_be_checked()
    page.get_by_role("button", name="의뢰 보내기").click()
    expect(page.get_by_role("status").first).to_contain_text("의뢰를 기록했습니다")
    row = page.get_by_role("row").filter(has_text="저소득 주민 진료비 감면 연계")
    expect(row.get_by_text("의뢰됨")).to_be_visible()
    expect(row.get_by_role("link", name=re.compile("^의뢰하기"))).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    row.get_by_role("link", name="의뢰", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("저소득 주민 진료비 감면")
    expect(page.get_by_role("cell", name="의뢰됨")).to_be_visible()  # the history row
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
