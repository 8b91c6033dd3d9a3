"""My work in Chromium at tablet width: a monitoring contact from the dashboard in three clicks."""

import pytest
from playwright.sync_api import expect

from cases.models import Case, Monitoring

from .clock import at, today
from .test_browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_demo_case_manager_records_a_contact_from_her_dashboard_in_three_clicks(
    page,
    live_server,
    demo,  # noqa: F811
):
    page.set_viewport_size({"width": 768, "height": 1024})
    log_in(page, live_server, "neung.cm")
    clicks = 0
    due = page.locator('[data-due="contact"]').first
    expect(due).to_be_visible()
    case_label = due.locator("a").nth(0).inner_text()
    due.get_by_role("link", name="점검 기록").click()
    clicks += 1
    expect(page.get_by_role("heading", name="점검 기록", level=1)).to_be_visible()
    # The form arrives filled in: the service item that is due, its method, today.
    assert page.locator("#id_plan_item").input_value() != ""
    assert page.locator("#id_method").input_value() != ""
    assert page.locator("#id_date").input_value() == today().isoformat()
    page.locator("#id_findings").fill("가정방문으로 서비스 제공을 확인함")
    page.get_by_role("button", name="저장").click()
    clicks += 1
    expect(page.get_by_text("저장했습니다.")).to_be_visible()
    assert clicks <= 3
    number = case_label.split()[0]
    case = Case.objects.get(number=number)
    assert Monitoring.objects.filter(case=case, date=today()).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 768


def test_an_alert_appears_after_the_supervisors_decision_and_goes_once_read(
    page,
    live_server,
    demo,  # noqa: F811
):
    from cases.models import Alert, Stage

    page.set_viewport_size({"width": 768, "height": 1024})
    case = Case.objects.get(primary_manager__username="neung.cm", stage=Stage.SELECTION)
    Alert.objects.update(read_at=at(0, 0))  # start from nothing unread
    log_in(page, live_server, "neung.sv")
    page.goto(f"{live_server.url}/cases/{case.pk}/selection/")
    page.locator("#id_selected_0").check()
    page.locator("#id_case_type").select_option("general")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_text("저장했습니다.")).to_be_visible()
    page.get_by_role("button", name="로그아웃").click()

    log_in(page, live_server, "neung.cm")
    badge = page.locator("#alerts-link [data-unread]")
    expect(badge).to_have_text("1 읽지 않음")
    alert = page.locator('section[aria-labelledby="new-alerts"]').get_by_role(
        "button", name=case.number
    )
    expect(alert).to_be_visible()
    alert.click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")
    page.goto(live_server.url + "/")
    expect(page.locator("#alerts-link [data-unread]")).to_have_count(0)
    expect(page.locator("#new-alerts")).to_have_count(0)


def test_a_leader_hands_two_cases_over_and_the_new_officers_dashboard_lists_them(
    page,
    live_server,
    demo,  # noqa: F811
):
    from casemgmt.core.models import User

    page.set_viewport_size({"width": 768, "height": 1024})
    from cases.demo import DEMO_CASE_CLIENTS

    leaving = User.objects.get(username="neung.cm")
    # Her demo cases (not those the partner agencies' demo referrals were opened for).
    hers = Case.objects.filter(primary_manager=leaving, client__name__in=DEMO_CASE_CLIENTS["능동"])
    two = list(hers.filter(stage="intervention")) + list(hers.filter(stage="monitoring"))
    assert len(two) == 2
    log_in(page, live_server, "neung.sv")
    page.goto(f"{live_server.url}/cases/rotation/")
    page.locator("#id_from_officer").select_option(str(leaving.pk))
    page.get_by_role("button", name="사례 보기").click()
    for case in two:
        page.locator(f"#case-{case.pk}").check()
    page.locator("#id_to_officer").select_option(label="이도윤")
    page.locator("#id_reason").fill("인사발령")
    page.get_by_role("button", name="선택한 사례 인계").click()
    expect(page.locator("#moved-title")).to_be_visible()
    page.get_by_role("button", name="로그아웃").click()

    log_in(page, live_server, "neung.cm2")
    mine = page.locator('section[aria-labelledby="my-cases"]')
    for case in two:
        expect(mine.get_by_role("link", name=f"{case.number} {case.client.name}")).to_be_visible()
    due = page.locator('section[aria-labelledby="due-now"]')
    expect(due.locator('[data-due="contact"]')).to_have_count(2)  # with what is due, at once
    alerts = page.locator('section[aria-labelledby="new-alerts"]')
    expect(alerts.get_by_role("button")).to_have_count(2)
