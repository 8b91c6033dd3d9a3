"""Printed forms: every entered value appears on the paper, in a Korean font, on A4."""

import pytest
from django.urls import reverse

from casemgmt.core.models import AccessAction, AccessRecord
from cases import pdf as case_pdf
from cases.models import ItemStatus, Stage

from . import lifecycle
from .clock import days, iso
from .factories import ClientFactory, dong
from .pdf_helpers import flat_text, fonts, page_size, squash, with_reason

pytestmark = pytest.mark.django_db

A4_PORTRAIT = (595, 842)
A4_LANDSCAPE = (842, 595)


def _date(value):
    return f"{value.year}.{value.month}.{value.day}."


def _case(user_in_dong, supervisor, stage, example="frequent_illness"):
    data = lifecycle.EXAMPLES[example]
    client = ClientFactory(dong=dong("능동"), **data["client"])
    return lifecycle.run_to(
        stage, officer=user_in_dong, supervisor=supervisor, client=client, example=data
    )


def _get_pdf(client, url):
    response = client.get(with_reason(url))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("example", list(lifecycle.EXAMPLES))
def test_the_service_plan_prints_every_field_of_each_worked_example(
    client, user_in_dong, supervisor, example
):
    case = _case(user_in_dong, supervisor, Stage.MONITORING, example)
    plan = case.plans.get()
    first = plan.items.order_by("id").first()
    first.status = ItemStatus.EXTENDED
    first.save()
    client.force_login(user_in_dong)
    # The plan was signed on paper: the stored PDF is what prints; check a fresh render too.
    stored = _get_pdf(client, reverse("cases:plan_print", args=[case.pk, plan.number]))
    fresh = case_pdf.render(case_pdf.PLAN_TEMPLATE, case_pdf.plan_context(plan=plan))
    for data in (stored, fresh):
        found = flat_text(data)
        assert page_size(data) == A4_LANDSCAPE
        assert "Nanum" in fonts(data)
        for value in (
            case.number,
            case.client.name,
            _date(case.client.birth_date),
            user_in_dong.name,
            plan.short_term_goal,
            plan.long_term_goal,
            "⑭",
            "⑮",
        ):
            assert squash(value) in found, value
        for item in plan.items.select_related("goal"):
            for value in (
                item.goal.goal,
                item.service_content,
                item.period,
                _date(item.start_date),
                _date(item.end_date),
                item.provider_name,
                item.person_in_charge,
            ):
                assert squash(value) in found, value
    assert "■연장" in flat_text(fresh)  # ⑬ the current status ticked
    assert "□달성" in flat_text(fresh)


def test_a_signed_plan_prints_the_signing_date_and_the_paper_signature_note(
    client, user_in_dong, supervisor
):
    case = _case(user_in_dong, supervisor, Stage.INTERVENTION)
    plan = case.plans.get()
    client.force_login(user_in_dong)
    found = flat_text(_get_pdf(client, reverse("cases:plan_print", args=[case.pk, 1])))
    assert _date(plan.signed_on) in found
    assert "종이" in found  # signed on the paper copy


def test_the_consent_form_says_what_the_consent_record_says(client, user_in_dong, supervisor):
    case = _case(user_in_dong, supervisor, Stage.PLANNING)
    consent = case.consents.get()
    client.force_login(user_in_dong)
    data = _get_pdf(client, reverse("cases:consent_print", args=[case.pk]))
    found = flat_text(data)
    assert page_size(data) == A4_PORTRAIT
    assert "Nanum" in fonts(data)
    for value in (case.number, case.client.name, *consent.agency_list, _date(consent.valid_from)):
        assert squash(value) in found, value
    # every part agreed, the two separate ones (PIPA Art. 23, 24) too; separate boxes per part
    assert found.count("■동의함") == 4
    assert found.count("□동의하지않음") == 4
    assert "3.민감정보" in found and "4.고유식별정보" in found
    assert "기본인적사항" in found and "서비스진행상황" in found


def test_a_refused_sharing_is_ticked_as_not_agreed(client, user_in_dong, supervisor):
    from cases import services

    case = _case(user_in_dong, supervisor, Stage.PLANNING)
    services.record_consent(
        case=case, by=user_in_dong, services_consent=True, sharing_consent=False, method="paper"
    )
    client.force_login(user_in_dong)
    found = flat_text(_get_pdf(client, reverse("cases:consent_print", args=[case.pk])))
    assert found.count("■동의함") == 1
    assert found.count("■동의하지않음") == 3  # sharing, and neither separate consent


def test_the_monitoring_sheet_lists_each_items_records_for_the_period(
    client, user_in_dong, supervisor
):
    from cases import services

    case = _case(user_in_dong, supervisor, Stage.MONITORING)
    item = case.plans.get().items.order_by("id").first()
    old = services.record_monitoring(
        case=case,
        by=user_in_dong,
        plan_item=item,
        date=days(-70),
        method="provider",
        findings="기관 담당자와 통화함",
        item_status="extended",
    )
    new = services.record_monitoring(
        case=case,
        by=user_in_dong,
        plan_item=item,
        date=days(-10),
        method="regular_contact",
        findings="가정방문에서 아이가 건강해 보임",
        client_change="웃는 일이 많아짐",
        item_status="achieved",
    )
    client.force_login(user_in_dong)
    url = reverse("cases:monitoring_print", args=[case.pk])
    data = _get_pdf(client, url)
    found = flat_text(data)
    assert page_size(data) == A4_LANDSCAPE
    for value in (case.number, item.service_content, old.findings, new.findings, new.client_change):
        assert squash(value) in found, value
    period = flat_text(_get_pdf(client, url + f"?from={iso(-20)}&to={iso(0)}"))
    assert squash(new.findings) in period
    assert squash(old.findings) not in period


def test_the_intake_record_prints_what_the_client_told(client, user_in_dong, supervisor):
    case = _case(user_in_dong, supervisor, Stage.ASSESSMENT)
    intake = case.intake
    client.force_login(user_in_dong)
    data = _get_pdf(client, reverse("cases:intake_print", args=[case.pk]))
    found = flat_text(data)
    assert page_size(data) == A4_PORTRAIT
    for value in (
        case.number,
        case.client.name,
        _date(case.client.birth_date),
        intake.presenting_problem,
        intake.strengths,
        intake.weaknesses,
        _date(intake.intake_date),
    ):
        assert squash(value) in found, value
    assert "■③" in found  # the disposition ticked


def test_the_closure_report_prints_the_closure_and_the_goal_results(
    client, user_in_dong, supervisor
):
    case = _case(user_in_dong, supervisor, Stage.CLOSURE)
    closure = case.closures.get()
    evaluation = case.evaluations.get()
    client.force_login(user_in_dong)
    data = _get_pdf(client, reverse("cases:closure_print", args=[case.pk]))
    found = flat_text(data)
    for value in (
        case.number,
        case.client.name,
        closure.summary,
        evaluation.process_evaluation,
        evaluation.outcome_evaluation,
        *[g.goal.goal for g in evaluation.goal_results.all()],
        supervisor.name,
    ):
        assert squash(value) in found, value
    assert "■목표달성" in found or "■목표를" in found


def test_the_blank_forms_carry_no_client_data(client, user_in_dong, supervisor):
    case = _case(user_in_dong, supervisor, Stage.INTERVENTION)
    client.force_login(user_in_dong)
    plan = _get_pdf(client, reverse("cases:blank_plan_print"))
    consent = _get_pdf(client, reverse("cases:blank_consent_print"))
    assert page_size(plan) == A4_LANDSCAPE
    assert page_size(consent) == A4_PORTRAIT
    for data in (plan, consent):
        found = flat_text(data)
        assert case.client.name not in found and case.number not in found
        assert "⑭" in found or "동의함" in found
    assert "□달성" in flat_text(plan)


def test_the_html_preview_uses_the_same_template(client, user_in_dong, supervisor):
    case = _case(user_in_dong, supervisor, Stage.INTERVENTION)
    client.force_login(user_in_dong)
    response = client.get(reverse("cases:plan_print", args=[case.pk, 1]) + "?format=html")
    assert response.status_code == 200
    assert "pdf/service_plan.html" in [t.name for t in response.templates]
    assert "css/print.css" in response.content.decode()


def test_printing_writes_an_access_record_with_action_print(client, user_in_dong, supervisor):
    case = _case(user_in_dong, supervisor, Stage.INTERVENTION)
    client.force_login(user_in_dong)
    for name in ("consent_print", "intake_print", "monitoring_print"):
        before = AccessRecord.objects.filter(action=AccessAction.PRINT).count()
        _get_pdf(client, reverse(f"cases:{name}", args=[case.pk]))
        records = AccessRecord.objects.filter(action=AccessAction.PRINT).order_by("-id")
        assert records.count() == before + 1
        assert records[0].client_id == case.client_id
        assert records[0].user == user_in_dong
    _get_pdf(client, reverse("cases:plan_print", args=[case.pk, 1]))
    record = AccessRecord.objects.filter(action=AccessAction.PRINT).latest("id")
    assert record.target == f"cases.serviceplan:{case.plans.get().pk}"


def test_another_dong_gets_404_for_every_print_of_a_case(
    client, user_other_dong, user_in_dong, supervisor
):
    case = _case(user_in_dong, supervisor, Stage.CLOSURE)
    client.force_login(user_other_dong)
    for name, args in (
        ("plan_print", [case.pk, 1]),
        ("consent_print", [case.pk]),
        ("monitoring_print", [case.pk]),
        ("intake_print", [case.pk]),
        ("closure_print", [case.pk]),
    ):
        assert client.get(reverse(f"cases:{name}", args=args)).status_code == 404, name
        assert client.get(reverse(f"cases:{name}", args=args) + "?format=html").status_code == 404
    assert not AccessRecord.objects.filter(action=AccessAction.PRINT, user=user_other_dong).exists()


def test_blank_forms_need_a_login(client):
    response = client.get(reverse("cases:blank_plan_print"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_management_number_is_printed_in_the_header_and_in_its_field_only(
    client, user_in_dong, supervisor
):
    from .pdf_helpers import text

    case = _case(user_in_dong, supervisor, Stage.MONITORING)
    client.force_login(user_in_dong)
    plan = _get_pdf(client, reverse("cases:plan_print", args=[case.pk, 1]))
    assert flat_text(plan).count(case.number) == 2  # the page header, and ①
    monitoring = _get_pdf(client, reverse("cases:monitoring_print", args=[case.pk]))
    assert flat_text(monitoring).count(case.number) == 2
    # "(계획 버전 1)" stays on one line beside the number
    assert "(계획 버전 1)" in text(monitoring, layout=True)


def test_the_blank_plan_leaves_room_for_the_name_and_the_date(client, user_in_dong):
    client.force_login(user_in_dong)
    found = flat_text(_get_pdf(client, reverse("cases:blank_plan_print")))
    assert "본인______________은(는)______년____월____일부터" in found
