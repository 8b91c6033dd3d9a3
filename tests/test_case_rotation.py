"""인사이동: the team leader hands an officer's open cases to the officers who stay, all or none,
with the date and reason on each case's timeline."""

import pytest
from django.urls import reverse

from casemgmt.core.models import AccessRecord
from cases.models import Case, CaseOwnership

from . import lifecycle
from .clock import iso, today
from .factories import ClientFactory, UserFactory, dong

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(user_in_dong, supervisor):
    from casemgmt.core.roles import Role

    stays = UserFactory(
        username="neung.stays", name="최남음", dong=dong("능동"), role=Role.CASE_MANAGER
    )
    cases = [
        lifecycle.intake(
            user_in_dong,
            ClientFactory(dong=dong("능동"), name=name),
            lifecycle.EXAMPLES["violence_and_drinking"],
        ).case
        for name in ("가나다", "라마바", "사아자")
    ]
    return user_in_dong, stays, supervisor, cases


def _post(client, leaving, cases, *, to=None, rows=None, reason="2027년 1월 정기 인사발령"):
    data = {"from_officer": leaving.pk, "effective_on": iso(0), "reason": reason,
            "case": [c.pk for c in cases]}  # fmt: skip
    if to is not None:
        data["to_officer"] = to.pk
    for case, officer in (rows or {}).items():
        data[f"to_{case.pk}"] = officer.pk
    return client.post(reverse("cases:case_rotation"), data)


def test_a_leader_hands_two_cases_over_and_each_records_it(client, team):
    leaving, stays, leader, (first, second, third) = team
    client.force_login(leader)
    page = client.get(reverse("cases:case_rotation"), {"from_officer": leaving.pk}).content.decode()
    assert first.number in page and third.number in page
    assert f'name="effective_on" value="{iso(0)}"' in page  # the form starts from today
    response = _post(client, leaving, [first, second], to=stays, rows={second: leader})
    assert response.status_code == 302
    report = client.get(response["Location"])  # the list of what moved, to print or keep
    record = AccessRecord.objects.filter(target="cases:case_rotation").latest("id")
    assert record.client_ids == sorted(c.client_id for c in (first, second, third))  # all shown
    assert [(m.case.pk, m.to_officer) for m in report.context["moved"]] == [
        (first.pk, stays),
        (second.pk, leader),
    ]
    managers = dict(Case.objects.values_list("pk", "primary_manager"))
    assert (managers[first.pk], managers[second.pk], managers[third.pk]) == (
        stays.pk,
        leader.pk,
        leaving.pk,
    )
    change = CaseOwnership.objects.get(case=first)
    assert (change.from_user, change.to_user, change.by, change.effective_on) == (
        leaving,
        stays,
        leader,
        today(),
    )
    assert "2027년 1월 정기 인사발령" in change.note
    timeline = client.get(reverse("cases:case_detail", args=[first.pk])).content.decode()
    assert "2027년 1월 정기 인사발령" in timeline
    client.force_login(stays)
    mine = client.get(reverse("cases:case_list"), {"manager": "me"}).context["page"].object_list
    assert [c.pk for c in mine] == [first.pk]
    dashboard = client.get(reverse("work:dashboard"))
    assert [c.pk for c in dashboard.context["my_cases"]] == [first.pk]  # at once, on her dashboard
    assert first.number in dashboard.content.decode()


def test_if_one_case_cannot_move_none_moves(client, team):
    leaving, stays, leader, (first, second, _third) = team
    Case.objects.filter(pk=second.pk).update(
        primary_manager=stays
    )  # a colleague changed it meanwhile
    client.force_login(leader)
    response = _post(client, leaving, [first, second], to=stays)
    assert response.status_code == 400
    assert "다시 불러오세요" in " ".join(response.context["form"].non_field_errors())
    assert Case.objects.get(pk=first.pk).primary_manager == leaving
    assert not CaseOwnership.objects.exists()


def test_a_ticked_case_needs_someone_to_take_it_and_a_reason(client, team):
    leaving, _stays, leader, (first, _second, _third) = team
    client.force_login(leader)
    response = _post(client, leaving, [first])
    assert response.status_code == 400
    assert first.number in " ".join(response.context["form"].errors["to_officer"])
    assert "checked" in response.content.decode()  # the ticks are kept
    refused = _post(client, leaving, [first], to=leaving)
    assert "지금 맡은 담당자가 아닌" in " ".join(refused.context["form"].non_field_errors())
    assert Case.objects.get(pk=first.pk).primary_manager == leaving


def test_only_the_dongs_team_leader_hands_over(
    client, team, user_other_dong, supervisor_other_dong
):
    leaving, stays, _leader, (first, _second, _third) = team
    for user in (leaving, user_other_dong):
        client.force_login(user)
        assert client.get(reverse("cases:case_rotation")).status_code == 403
    client.force_login(
        supervisor_other_dong
    )  # another dong's leader cannot name this dong's officer
    response = _post(client, leaving, [first], to=stays)
    assert response.status_code == 400 and "from_officer" in response.context["form"].errors
    assert Case.objects.get(pk=first.pk).primary_manager == leaving


def test_the_dashboard_lists_my_open_cases_in_a_fixed_number_of_queries(
    client, user_in_dong, django_assert_max_num_queries
):
    def make(n):
        for i in range(n):
            lifecycle.intake(
                user_in_dong,
                ClientFactory(dong=dong("능동"), name=f"대시{i}"),
                lifecycle.EXAMPLES["violence_and_drinking"],
            )

    client.force_login(user_in_dong)
    make(5)
    client.get(reverse("work:dashboard"))  # warm the session and the caches
    with django_assert_max_num_queries(40) as few:
        assert len(client.get(reverse("work:dashboard")).context["my_cases"]) == 5
    make(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("work:dashboard")).context["my_cases"]) == 30  # bounded
