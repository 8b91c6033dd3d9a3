"""A specialised case shared with or transferred to the gu team; ownership changes are recorded."""

import pytest
from django.urls import reverse

from casemgmt.core.exceptions import ApplicationError
from cases import services
from cases.models import CaseOwnership, GuInvolvement, Stage

from . import lifecycle
from .factories import ClientFactory, UserFactory, dong

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialised_case(user_in_dong, supervisor):
    client_record = ClientFactory(dong=dong("능동"), name="팜티란")
    case = lifecycle.run_to(
        Stage.SELECTION, officer=user_in_dong, supervisor=supervisor, client=client_record,
        example=lifecycle.EXAMPLES["violence_and_drinking"],
    )  # fmt: skip
    services.decide_selection(case=case, by=supervisor, selected=True, case_type="specialised")
    services.record_consent(case=case, by=user_in_dong, services_consent=True, method="paper")
    services.move_case(case=case, transition="select", by=user_in_dong)
    return case


def test_a_transferred_case_is_the_gu_teams_to_change_and_the_dongs_to_read(
    specialised_case, supervisor, user_in_dong, gu_staff
):
    services.hand_over_to_gu(
        case=specialised_case,
        by=supervisor,
        mode="transferred",
        gu_manager=gu_staff,
        note="가정폭력 위기",
    )
    assert specialised_case.gu_involvement == GuInvolvement.TRANSFERRED
    from cases.models import Case

    assert Case.objects.editable_by(gu_staff).filter(pk=specialised_case.pk).exists()
    assert not Case.objects.editable_by(user_in_dong).filter(pk=specialised_case.pk).exists()
    assert (
        Case.objects.for_user(user_in_dong).filter(pk=specialised_case.pk).exists()
    )  # kept informed
    # The gu team now writes the plan.
    plan = services.create_plan(
        case=specialised_case, by=gu_staff, short_term_goal="안전", long_term_goal="안정"
    )
    assert plan.created_by == gu_staff
    change = CaseOwnership.objects.get()
    assert (change.kind, change.from_user, change.to_user, change.by) == (
        "transfer",
        user_in_dong,
        gu_staff,
        supervisor,
    )


def test_a_shared_case_is_changed_by_both_teams(
    specialised_case, supervisor, user_in_dong, gu_staff
):
    from cases.models import Case

    services.hand_over_to_gu(
        case=specialised_case, by=supervisor, mode="shared", gu_manager=gu_staff
    )
    for officer in (user_in_dong, gu_staff):
        assert Case.objects.editable_by(officer).filter(pk=specialised_case.pk).exists()


def test_only_the_dong_team_leader_hands_over_and_only_a_specialised_case(
    specialised_case, user_in_dong, supervisor, gu_staff
):
    with pytest.raises(ApplicationError) as error:
        services.hand_over_to_gu(
            case=specialised_case, by=user_in_dong, mode="shared", gu_manager=gu_staff
        )
    assert str(error.value.message) == "이 결정은 해당 동의 복지팀장(슈퍼바이저)만 할 수 있습니다."
    general = lifecycle.run_to(
        Stage.PLANNING, officer=user_in_dong, supervisor=supervisor, client=ClientFactory(dong=dong("능동")),
        example=lifecycle.EXAMPLES["school_grades"],
    )  # fmt: skip
    with pytest.raises(ApplicationError) as error:
        services.hand_over_to_gu(case=general, by=supervisor, mode="shared", gu_manager=gu_staff)
    assert (
        str(error.value.message) == "전문사례만 구 통합사례관리팀과 공유하거나 이관할 수 있습니다."
    )


def test_the_gu_manager_must_be_of_the_gu_team(specialised_case, supervisor, user_other_dong):
    with pytest.raises(ApplicationError) as error:
        services.hand_over_to_gu(
            case=specialised_case, by=supervisor, mode="shared", gu_manager=user_other_dong
        )
    assert str(error.value.message) == "구 통합사례관리팀 담당자를 고르세요."


def test_the_case_returns_to_the_dong_and_the_timeline_shows_every_change(
    client, specialised_case, supervisor, gu_staff
):
    services.hand_over_to_gu(
        case=specialised_case, by=supervisor, mode="transferred", gu_manager=gu_staff
    )
    client.force_login(gu_staff)
    page = client.get(reverse("cases:case_detail", args=[specialised_case.pk])).content.decode()
    assert "구 통합사례관리팀으로 이관" in page
    assert (
        client.post(
            reverse("cases:case_return", args=[specialised_case.pk]), {"note": "안정됨"}
        ).status_code
        == 302
    )
    specialised_case.refresh_from_db()
    assert specialised_case.gu_involvement == GuInvolvement.NONE
    assert list(CaseOwnership.objects.values_list("kind", flat=True)) == ["transfer", "return"]
    client.force_login(supervisor)
    timeline = client.get(reverse("cases:case_detail", args=[specialised_case.pk])).context[
        "timeline"
    ]
    assert sum(1 for event in timeline if event["kind"] == "ownership") == 2


def test_the_gu_manager_sees_the_case_on_the_dashboard(
    client, specialised_case, supervisor, gu_staff
):
    services.hand_over_to_gu(
        case=specialised_case, by=supervisor, mode="shared", gu_manager=gu_staff
    )
    client.force_login(gu_staff)
    assert [c.pk for c in client.get("/").context["waiting"]["gu_cases"]] == [specialised_case.pk]


def test_changing_the_case_manager_is_the_leaders_decision_and_is_recorded(
    client, specialised_case, user_in_dong, supervisor
):
    other = UserFactory(username="neung.second", name="최담당", dong=dong("능동"))
    url = reverse("cases:case_team", args=[specialised_case.pk])
    data = {
        "primary_manager": other.pk,
        "assistant": "",
        "partner_worker": "복지관 이사례",
        "note": "업무 조정",
        "loaded_version": specialised_case.version,
    }
    client.force_login(user_in_dong)
    refused = client.post(url, data)
    assert "복지팀장(슈퍼바이저)만" in refused.content.decode()
    client.force_login(supervisor)
    assert client.post(url, data).status_code == 302
    specialised_case.refresh_from_db()
    assert (specialised_case.primary_manager, specialised_case.partner_worker) == (
        other,
        "복지관 이사례",
    )
    change = CaseOwnership.objects.get()
    assert (change.kind, change.from_user, change.to_user) == (
        "primary_manager",
        user_in_dong,
        other,
    )


def test_the_team_form_offers_only_officers_of_the_cases_dong(
    client, specialised_case, supervisor, user_other_dong
):
    client.force_login(supervisor)
    form = client.get(reverse("cases:case_team", args=[specialised_case.pk])).context["form"]
    assert user_other_dong not in form.fields["primary_manager"].queryset


def test_the_leader_hands_over_from_the_case_page(client, specialised_case, supervisor, gu_staff):
    client.force_login(supervisor)
    url = reverse("cases:case_handover", args=[specialised_case.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["gu_manager"].queryset) == [gu_staff]
    response = client.post(
        url, {"mode": "shared", "gu_manager": gu_staff.pk, "note": "위기 개입 협력"}
    )
    assert response.status_code == 302
    specialised_case.refresh_from_db()
    assert (specialised_case.gu_involvement, specialised_case.gu_manager) == ("shared", gu_staff)


def test_the_hand_over_form_says_before_it_is_filled_in_why_it_is_not_open(
    client, user_in_dong, supervisor
):
    """A case manager, or a general case: the page gives the reason and no form (issue 14, 19)."""

    case = lifecycle.run_to(
        Stage.PLANNING, officer=user_in_dong, supervisor=supervisor,
        client=ClientFactory(dong=dong("능동")), example=lifecycle.EXAMPLES["school_grades"],
    )  # fmt: skip
    url = reverse("cases:case_handover", args=[case.pk])
    for user, reason in (
        (user_in_dong, "복지팀장"),
        (supervisor, "전문사례"),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["refusal"] and '<form method="post" novalidate' not in (
            response.content.decode()
        )
        assert reason in response.content.decode()
