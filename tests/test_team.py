"""팀 현황: the team leader sees caseload, what is late and what waits, each a click away."""

import pytest
from django.urls import reverse

from cases import services as case_services
from cases.models import Disposition, IntakeRoute, Stage

from . import lifecycle
from .clock import days
from .factories import ClientFactory, UserFactory, dong
from .test_schedule import case_in_intervention, item

pytestmark = pytest.mark.django_db
EXAMPLE = lifecycle.EXAMPLES["school_grades"]


def open_case(officer, *, days_ago=0, name="팀현황"):
    return case_services.record_intake(
        client=ClientFactory(dong=officer.dong, name=name), by=officer,
        intake_date=days(-days_ago), route=IntakeRoute.WALK_IN, presenting_problem="생계 곤란",
        disposition=Disposition.CASE_MANAGEMENT,
    ).case  # fmt: skip


def run(stage, officer, supervisor, name="팀사례"):
    return lifecycle.run_to(
        stage, officer=officer, supervisor=supervisor,
        client=ClientFactory(dong=officer.dong, name=name), example=EXAMPLE,
    )  # fmt: skip


def test_the_team_view_counts_caseload_lateness_and_waiting_work(
    client, user_in_dong, supervisor, user_other_dong
):
    colleague = UserFactory(username="neung.cm3", name="이동료", dong=dong("능동"))
    open_case(user_in_dong, days_ago=12, name="늦은접수")  # assessment clock 2 days over
    open_case(user_in_dong, days_ago=1, name="새접수")
    run(Stage.SELECTION, colleague, supervisor)  # waits for the selection decision
    case_in_intervention(
        colleague, supervisor, [item("방문", start=days(-20), end=days(40), per_week=1)]
    )  # a monitoring contact overdue
    open_case(user_other_dong, days_ago=20, name="다른동")  # never counted

    client.force_login(supervisor)
    response = client.get(reverse("work:team"))
    assert response.status_code == 200
    rows = {row.officer.pk: row for row in response.context["load"]["rows"]}
    assert rows[user_in_dong.pk].by_stage == {Stage.INTAKE: 2}
    assert rows[colleague.pk].by_stage == {Stage.SELECTION: 1, Stage.INTERVENTION: 1}
    assert rows[user_in_dong.pk].overdue["deadline"] == 1
    assert rows[colleague.pk].overdue["monitoring"] == 1
    assert user_other_dong.pk not in rows
    assert response.context["load"]["totals"]["total"] == 4
    assert response.context["waiting"]["selection"] == 1
    clocks = response.context["clocks"]
    assert [c.case.client.name for c in clocks][0] == "늦은접수"
    assert "다른동" not in response.content.decode()
    link = f"{reverse('cases:case_list')}?manager={colleague.pk}&amp;overdue=monitoring"
    assert link in response.content.decode()


def test_only_the_team_leader_opens_the_team_view(client, user_in_dong, gu_staff, sysadmin):
    for user in (user_in_dong, gu_staff, sysadmin):
        client.force_login(user)
        assert client.get(reverse("work:team")).status_code == 403


def test_the_team_view_reads_the_same_number_of_queries_with_5_and_50_cases(
    client, user_in_dong, supervisor, django_assert_max_num_queries
):
    def make(n, start):
        for i in range(n):
            open_case(user_in_dong, days_ago=8 + i % 7, name=f"팀{start + i}")

    make(5, 0)
    client.force_login(supervisor)
    client.get(reverse("work:team"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("work:team"))
    make(45, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("work:team"))
    assert response.context["load"]["totals"]["total"] == 50
