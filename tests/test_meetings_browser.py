"""A supervisor runs an integrated case conference from the review queue to final minutes."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casemgmt.core.models import User
from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD
from cases import services as case_services
from cases.models import Case, Stage

from . import lifecycle
from .factories import ClientFactory, dong

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_decides_two_cases_in_a_conference_and_both_move(page, live_server, demo):
    officer, leader = User.objects.get(username="neung.cm"), User.objects.get(username="neung.sv")
    to_select = lifecycle.run_to(Stage.SELECTION, officer=officer, supervisor=leader, example=lifecycle.EXAMPLES["school_grades"],
                                 client=ClientFactory(dong=dong("능동"), name="선정대상"))  # fmt: skip
    case_services.record_consent(case=to_select, by=officer, services_consent=True, method="paper")
    to_close = lifecycle.run_to(Stage.EVALUATION, officer=officer, supervisor=leader, example=lifecycle.EXAMPLES["frequent_illness"],
                                client=ClientFactory(dong=dong("능동"), name="종결대상"))  # fmt: skip
    lifecycle.evaluate(officer, to_close)
    case_services.propose_closure(
        case=to_close, by=officer, reason="goal_achieved", summary="목표 달성"
    )

    page.set_default_timeout(5000)
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("계정").fill("neung.sv")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()

    page.goto(live_server.url + "/meetings/queue/")
    expect(page.get_by_role("heading", name="검토 대기 목록", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=f"{to_select.number} 선정대상")).to_be_visible()
    expect(page.get_by_role("link", name=f"{to_close.number} 종결대상")).to_be_visible()

    # A new integrated case conference, today (decided on its day): the next meeting.
    page.goto(live_server.url + "/meetings/new/")
    page.get_by_label("회의 종류").select_option("integrated")
    page.get_by_label("일시").fill(timezone.localtime().strftime("%Y-%m-%dT10:00"))
    page.get_by_label("장소").fill("능동 주민센터 2층")
    page.get_by_label("의장").select_option(label="박서연")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_text("회의를 만들었습니다.")).to_be_visible()
    meeting_url = page.url

    # One click each from the review queue.
    page.goto(live_server.url + "/meetings/queue/")
    for case in (to_select, to_close):
        page.get_by_role("listitem").filter(has_text=case.number).get_by_role(
            "button", name="다음 회의에 올리기"
        ).click()
        expect(page.get_by_text(f"{case.number} 사례를")).to_be_visible()

    page.goto(meeting_url)
    select_item = page.get_by_role(
        "region", name=f"1. {to_select.number} 선정대상 · 대상자 선정 여부"
    )
    select_item.get_by_label("선정: 일반사례").check()
    select_item.get_by_role("button", name="결정 기록").click()
    expect(page.get_by_text("사례가 계획 수립 · 계약 단계로 넘어갔습니다.").first).to_be_visible()
    close_item = page.get_by_role("region", name=f"2. {to_close.number} 종결대상 · 종결 승인")
    close_item.get_by_label("종결 승인").check()
    close_item.get_by_role("button", name="결정 기록").click()
    expect(page.get_by_text("사례가 종결 단계로 넘어갔습니다.").first).to_be_visible()

    page.get_by_role("textbox", name="회의록").fill("선정 1건(일반사례), 종결 1건 승인.")
    page.get_by_role("button", name="회의록 저장").click()
    page.get_by_role("button", name="회의록 확정").click()
    expect(page.get_by_text("회의록을 확정했습니다.")).to_be_visible()
    expect(page.get_by_role("button", name="회의록 저장")).to_have_count(0)

    assert Case.objects.get(pk=to_select.pk).stage == Stage.PLANNING
    assert Case.objects.get(pk=to_close.pk).stage == Stage.CLOSURE
