"""One worked example (the husband who withholds living expenses) clicked through every stage."""

import hashlib

import pytest
from playwright.sync_api import expect

from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD
from cases.models import SignedDocument

from .clock import iso
from .pdf_helpers import flat_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def draw(page, canvas):
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 200, y + 20, steps=8)
    page.mouse.up()


def log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("계정").fill(username)
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("heading", name="대시보드", level=1)).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="로그아웃").click()


def move(page, label):
    page.get_by_role("button", name=label).click()
    expect(page.get_by_role("status").first).to_contain_text("단계로 넘어갔습니다")


def save(page):
    page.get_by_role("button", name="저장", exact=True).click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_an_officer_and_a_supervisor_click_a_case_from_intake_to_the_end(page, live_server, demo):
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet at a home visit
    page.set_default_timeout(5000)
    log_in(page, live_server, "neung.cm")

    # 접수 · 초기상담 → a case opens (disposition ③)
    page.goto(live_server.url + "/clients/?q=서민지")
    page.get_by_role("link", name="서민지").click()
    page.get_by_role("link", name="초기상담 기록").click()
    page.get_by_label("접수 경로").select_option("walk_in")
    page.get_by_label("제시된 문제").fill(
        "남편이 생활비를 주지 않아 불안하고 일자리를 구하고 싶다고 함"
    )
    page.get_by_label("강점").fill("스스로 도움을 청하러 옴")
    page.locator("#id_disposition").select_option("case")
    save(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("능동-")
    case_url = page.url

    # 욕구사정
    move(page, "욕구사정 시작")
    page.get_by_role("button", name="욕구사정 작성").click()
    expect(page.get_by_label("강점")).to_have_value(
        "스스로 도움을 청하러 옴"
    )  # carried from intake
    page.get_by_label("기능평가").fill("일상생활은 자립, 정서적으로 불안함")
    page.get_by_label("위기도").select_option("medium")
    page.locator("#id_needs-0-domain").select_option("family")
    page.locator("#id_needs-0-current_state").fill("가계 정보를 공유받지 못함")
    page.locator("#id_needs-0-desired_state").fill("부부가 경제 사정을 함께 나눔")
    # A second need, added in place (no page load)
    page.get_by_role("button", name="욕구 추가").click()
    page.locator("#id_needs-1-domain").select_option("economy")
    page.locator("#id_needs-1-current_state").fill("남편이 생활비를 주지 않음")
    page.locator("#id_needs-1-desired_state").fill("스스로 쓸 수 있는 돈이 생김")
    page.get_by_role("button", name="저장하고 욕구사정 완료").click()
    move(page, "선정 심의에 올리기")

    # 동의 (officer), 선정 (supervisor)
    page.get_by_role("link", name="동의 기록").click()
    page.get_by_label("정보 공유에 동의").check()
    page.get_by_label("정보를 공유할 그 밖의 기관").fill("건강가정지원센터")
    page.get_by_label("동의 방법").select_option("paper")
    save(page)
    log_out(page)
    log_in(page, live_server, "neung.sv")
    expect(page.get_by_text("선정 결정을 기다리는 사례")).to_be_visible()
    page.goto(case_url)
    page.get_by_role("link", name="선정 여부 결정").click()
    page.get_by_label("사례로 선정").check()
    page.get_by_label("사례 구분").select_option("general")
    save(page)
    move(page, "계획 수립으로")
    log_out(page)
    log_in(page, live_server, "neung.cm")
    page.goto(case_url)

    # 서비스제공 계획: goal prefilled from the need, one service, the client's signature
    page.get_by_role("link", name="서비스 계획 작성").click()
    page.get_by_label("단기 성과목표").fill("생활비 사용 내역을 부부가 함께 본다")
    page.get_by_label("장기 성과목표").fill("평등한 부부 관계")
    page.get_by_role("button", name="저장", exact=True).click()
    expect(page.locator("#id_goal-purpose")).to_have_value("부부가 경제 사정을 함께 나눔")
    page.locator("#id_goal-goal").fill("3개월 안에 남편이 가계 사정을 공유하고 생활비를 맡긴다")
    page.get_by_role("button", name="목표 추가").click()
    page.get_by_label("서비스 내용").fill("건강가정지원센터 부부상담 연계")
    page.get_by_label("서비스 종료일").fill(iso(90))
    page.get_by_label("횟수(회/1주당)").fill("1")
    page.get_by_role("textbox", name="제공기관").fill("건강가정지원센터")
    page.get_by_label("점검 방법").select_option("provider")
    page.get_by_role("button", name="서비스 추가").click()
    expect(page.get_by_role("cell", name="건강가정지원센터 부부상담 연계")).to_be_visible()
    # Both sign on the tablet: ⑭ the client, ⑮ the case manager; the kept PDF names both.
    page.get_by_role("link", name="화면에서 서명").click()
    draw(page, page.get_by_role("img", name="당사자 서명"))
    draw(page, page.get_by_role("img", name="사례관리자 서명(⑮)"))
    page.get_by_label("당사자가 계획을 읽었거나").check()
    page.get_by_role("button", name="서명한 계획 저장").click()
    expect(page.get_by_text("서명을 기록하고 서명된 계획서를 보관했습니다.")).to_be_visible()
    document = SignedDocument.objects.get(case__client__name="서민지", kind="plan")
    signed = flat_text(bytes(document.pdf))
    assert "서민지" in signed and document.witnessed_by.name in signed
    assert hashlib.sha256(bytes(document.pdf)).hexdigest() == document.sha256
    page.goto(case_url)
    move(page, "개입 시작")

    # 개입 → 점검 → 평가
    page.get_by_role("link", name="개입 기록").click()
    page.get_by_label("활동 종류").select_option("counselling")
    page.get_by_label("활동 내용").fill("부부상담 일정 조율, 당사자 지지 상담")
    save(page)
    move(page, "점검으로")
    page.get_by_role("link", name="점검 기록").click()
    page.get_by_label("계획 항목").select_option(index=1)
    page.get_by_label("방법").select_option("provider")
    page.get_by_label("점검 내용").fill("부부상담 4회 참여")
    page.get_by_label("항목 이행 여부").select_option("achieved")
    save(page)
    move(page, "평가로")
    page.get_by_role("link", name="평가 기록").click()
    page.get_by_label("과정 평가").fill("계획대로 상담이 진행됨")
    page.get_by_label("성과 평가").fill("남편이 생활비를 맡기기 시작함")
    page.get_by_label("결과").select_option("achieved")
    page.get_by_label("근거").fill("당사자 진술과 상담기관 보고")
    save(page)

    # 종결: proposed by the officer, approved by the supervisor
    page.get_by_role("link", name="종결 제안").click()
    page.get_by_label("종결 사유").select_option("goal_achieved")
    page.get_by_label("요약").fill("목표 달성, 자립")
    page.get_by_label("사후관리 종료일").fill(page.get_by_label("종결일").input_value())
    page.get_by_label("당사자에게 사후관리를 설명하고 동의받음").check()
    save(page)
    log_out(page)
    log_in(page, live_server, "neung.sv")
    expect(page.get_by_text("승인을 기다리는 종결")).to_be_visible()
    page.goto(case_url)
    page.get_by_role("button", name="종결 승인").click()
    move(page, "사례 종결")
    move(page, "사후관리 시작")
    page.get_by_role("link", name="사후관리 점검 기록").click()
    page.get_by_label("방법").select_option("regular_contact")
    page.get_by_label("점검 내용").fill("변화가 유지되고 있음")
    save(page)
    move(page, "사례 종료")
    expect(page.get_by_text("종료된 사례입니다. 다음 단계가 없습니다.")).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="단계: 사후관리 → 사례 종료")).to_be_visible()
