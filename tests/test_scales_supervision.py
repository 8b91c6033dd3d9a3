"""Issue 14, points 9 and 10: formal monitoring with a scale and its score (seed 002: 척도 활용),
shown over time on the case page and on the monitoring sheet; and the supervisor's supervision
(교육·지도, 조언, 갈등 중재) on record, on the timeline, alerted to the case manager, with its
history and a refused stale edit."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.forms import MonitoringForm
from cases.models import Alert, AlertKind, MonitoringMethod, Stage, Supervision
from cases.supervision import record_supervision, update_supervision

from . import lifecycle
from .clock import days, iso
from .factories import ClientFactory, dong
from .pdf_helpers import flat_text, squash, with_reason

pytestmark = pytest.mark.django_db

SCALE = "우울 척도(CES-D)"


def _case(officer, supervisor, stage=Stage.MONITORING, *, name="최척도", in_dong="능동"):
    data = lifecycle.EXAMPLES["school_grades"]
    client = ClientFactory(dong=dong(in_dong), name=name)
    return lifecycle.run_to(
        stage, officer=officer, supervisor=supervisor, client=client, example=data
    )


@pytest.fixture
def case(user_in_dong, supervisor):
    return _case(user_in_dong, supervisor)


def _score(case, officer, on, score, *, scale=SCALE, maximum=60, findings="척도 측정"):
    return services.record_monitoring(
        case=case, by=officer, date=on, method=MonitoringMethod.FORMAL, findings=findings,
        scale_name=scale, scale_score=score, scale_max=maximum,
    )  # fmt: skip


def _form(case, **data):
    values = {"date": iso(0), "method": "formal", "findings": "척도 측정", **data}
    return MonitoringForm(values, case=case)


# --- point 9: scales --------------------------------------------------------------------------------


def test_a_formal_monitoring_saves_its_scale_and_score(client, user_in_dong, case):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:monitoring_create", args=[case.pk]),
        {"date": iso(0), "method": "formal", "findings": "척도 측정", "scale_name": SCALE,
         "scale_score": "18.5", "scale_max": "60"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = case.monitorings.get(scale_name=SCALE)
    assert saved.scale_score == Decimal("18.5") and saved.scale_max == Decimal("60")


def test_the_form_offers_common_scales_and_takes_any_other(user_in_dong, case):
    html = str(_form(case)["scale_name"])
    assert 'list="id_scale_name-options"' in html
    assert "<datalist" in html and "우울 척도(CES-D)" in html and "자아존중감 척도" in html
    form = _form(case, scale_name="우리 동 고독감 척도", scale_score="7")
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"scale_name": SCALE}, "scale_score", "점수를 적으세요"),
        ({"scale_score": "18"}, "scale_name", "척도 이름을 적으세요"),
        ({"scale_name": SCALE, "scale_score": "18", "method": "regular_contact"}, "scale_name",
         "공식적·양적 점검에만"),
        ({"scale_name": SCALE, "scale_score": "70", "scale_max": "60"}, "scale_score",
         "최고 점수보다 높을 수 없습니다"),
        ({"scale_max": "60"}, "scale_max", "점수와 함께"),
    ],
    ids=["scale without score", "score without scale", "not formal", "above max", "max alone"],
)  # fmt: skip
def test_scale_and_score_go_together_and_only_with_the_formal_method(
    client, user_in_dong, case, data, field, message
):
    form = _form(case, **data)
    assert not form.is_valid()
    assert any(message in str(error) for error in form.errors[field]), form.errors
    client.force_login(user_in_dong)
    before = case.monitorings.count()
    response = client.post(
        reverse("cases:monitoring_create", args=[case.pk]),
        {"date": iso(0), "method": "formal", "findings": "척도 측정", **data},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert case.monitorings.count() == before
    for value in data.values():
        assert f'value="{value}"' in response.content.decode()  # what was typed stays


def test_formal_monitoring_without_a_scale_is_still_allowed(case):
    assert _form(case).is_valid()  # 기록지 분석: formal, with no scale


def test_the_service_refuses_a_scale_without_the_formal_method(user_in_dong, case):
    with pytest.raises(ValidationError) as refused:
        services.record_monitoring(
            case=case, by=user_in_dong, method="regular_contact", findings="방문",
            scale_name=SCALE, scale_score=10,
        )  # fmt: skip
    assert "scale_name" in refused.value.message_dict


def test_the_database_keeps_scale_and_score_together_and_formal_only(
    user_in_dong, supervisor, case
):
    from django.db import IntegrityError, transaction

    from cases.models import Monitoring

    scored = _score(case, user_in_dong, days(-1), 18)
    for change in ({"method": "regular_contact"}, {"scale_score": None}, {"scale_max": 10}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Monitoring.objects.filter(pk=scored.pk).update(**change)
    supervision = record_supervision(case=case, by=supervisor, **{**SUPERVISION, "date": days(0)})
    with pytest.raises(IntegrityError), transaction.atomic():
        Supervision.objects.filter(pk=supervision.pk).update(action_due=days(-1))


def _scale_rows(html):
    section = html.split('id="scales"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<td class="text-end">([\d.]+)', section), section


def test_the_case_page_shows_a_scales_scores_in_date_order(client, user_in_dong, case):
    _score(case, user_in_dong, days(-10), 20)
    _score(case, user_in_dong, days(-30), 15)
    _score(case, user_in_dong, days(-1), 25)
    _score(case, user_in_dong, days(-5), 30, scale="자아존중감 척도(Rosenberg)", maximum=40)
    client.force_login(user_in_dong)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    scores, section = _scale_rows(html)
    assert SCALE in section and "자아존중감 척도(Rosenberg)" in section
    depression = section.split(SCALE, 1)[1].split("자아존중감", 1)[0]
    assert re.findall(r'<td class="text-end">([\d.]+)', depression) == ["15", "20", "25"]
    assert '<svg class="sparkline' in depression and "점수 변화: 15 → 20 → 25" in depression
    assert "<polyline" in depression and "<script" not in section
    assert "60점 만점" in depression
    assert "우울 척도(CES-D) 25/60점" in html  # the timeline names the score too


def test_the_scales_take_one_query_whatever_the_number_of_entries(client, user_in_dong, case):
    client.force_login(user_in_dong)
    url = reverse("cases:case_detail", args=[case.pk])
    for n in range(2):
        _score(case, user_in_dong, days(-20 + n), 10 + n)
    client.get(url)  # warm: the first visit reads its alerts
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for n in range(8):
        _score(case, user_in_dong, days(-15 + n), 12 + n, scale=["A척도", "B척도"][n % 2])
    with CaptureQueriesContext(connection) as ten:
        html = client.get(url).content.decode()
    assert html.count('<table class="table table-sm small mb-0 scale-scores">') == 3
    assert len(ten.captured_queries) == len(two.captured_queries)


def test_the_monitoring_sheet_shows_the_scale_and_score(client, user_in_dong, case):
    item = case.plans.get().items.order_by("id").first()
    services.record_monitoring(
        case=case, by=user_in_dong, plan_item=item, date=days(-3), method="formal",
        findings="항목 척도", scale_name=SCALE, scale_score=Decimal("18.5"), scale_max=60,
    )  # fmt: skip
    _score(case, user_in_dong, days(-2), 22, scale="사회적 지지 척도", maximum=None,
           findings="전반 척도")  # fmt: skip
    client.force_login(user_in_dong)
    response = client.get(with_reason(reverse("cases:monitoring_print", args=[case.pk])))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    found = flat_text(data)
    assert squash(f"{SCALE} 18.5/60점") in found
    assert squash("사회적 지지 척도 22점") in found  # a record tied to no item is printed too
    assert squash("당사자 전반 점검") in found


# --- point 10: supervision --------------------------------------------------------------------------

SUPERVISION = {
    "date": None,
    "kind": "advice",
    "discussed": "어머니가 학원비 지원만 원함",
    "advice": "척도 결과를 함께 보며 멘토링 효과를 설명할 것",
    "action": "다음 방문에서 멘토링 일정 합의",
}


def _post_data(**more):
    return {**SUPERVISION, "date": iso(0), "action_due": iso(7), **more}


def test_a_supervisor_writes_a_supervision_and_the_case_manager_sees_it(
    client, user_in_dong, supervisor, case
):
    client.force_login(supervisor)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).content.decode().count(
        reverse("cases:supervision_create", args=[case.pk])
    ) == 1  # fmt: skip
    response = client.post(reverse("cases:supervision_create", args=[case.pk]), _post_data())
    assert response.status_code == 302
    supervision = case.supervisions.get()
    assert supervision.supervisor == supervisor and supervision.kind == "advice"

    alert = Alert.objects.get(recipient=user_in_dong, kind=AlertKind.SUPERVISION)
    assert alert.created_by == supervisor and "슈퍼비전을 기록했습니다: 조언" in alert.message
    assert alert.url == reverse("cases:supervision_detail", args=[case.pk, supervision.pk])

    client.force_login(user_in_dong)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    timeline = html.split('id="timeline"', 1)[1]
    assert "슈퍼비전: 조언" in timeline
    for text in (SUPERVISION["discussed"], SUPERVISION["advice"], SUPERVISION["action"]):
        assert text in timeline
    assert reverse("cases:supervision_detail", args=[case.pk, supervision.pk]) in timeline
    assert reverse("cases:supervision_create", args=[case.pk]) not in html  # no button for her
    page = client.get(reverse("cases:supervision_detail", args=[case.pk, supervision.pk]))
    assert page.status_code == 200
    assert SUPERVISION["advice"] in page.content.decode()
    assert 'name="loaded_version"' not in page.content.decode()  # she reads, does not edit


def test_a_case_manager_cannot_write_or_change_a_supervision(
    client, user_in_dong, supervisor, case
):
    client.force_login(user_in_dong)
    url = reverse("cases:supervision_create", args=[case.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _post_data()).status_code == 403
    assert not case.supervisions.exists()
    with pytest.raises(PermissionDenied):
        record_supervision(case=case, by=user_in_dong, **{**SUPERVISION, "date": days(0)})
    supervision = record_supervision(case=case, by=supervisor, **{**SUPERVISION, "date": days(0)})
    detail = reverse("cases:supervision_detail", args=[case.pk, supervision.pk])
    answer = client.post(detail, _post_data(advice="바꿈", loaded_version=supervision.version))
    assert answer.status_code == 403
    supervision.refresh_from_db()
    assert supervision.advice == SUPERVISION["advice"]


def test_another_dongs_supervisor_gets_404(
    client, user_in_dong, supervisor, supervisor_other_dong, case
):
    supervision = record_supervision(case=case, by=supervisor, **{**SUPERVISION, "date": days(0)})
    client.force_login(supervisor_other_dong)
    detail = reverse("cases:supervision_detail", args=[case.pk, supervision.pk])
    create = reverse("cases:supervision_create", args=[case.pk])
    assert client.get(create).status_code == 404
    assert client.post(create, _post_data()).status_code == 404
    assert client.get(detail).status_code == 404
    assert client.post(detail, _post_data(loaded_version=1)).status_code == 404
    assert case.supervisions.count() == 1


def test_the_deadline_cannot_come_before_the_supervision(client, supervisor, case):
    client.force_login(supervisor)
    response = client.post(
        reverse("cases:supervision_create", args=[case.pk]), _post_data(action_due=iso(-1))
    )
    assert response.status_code == 200
    assert "슈퍼비전 날짜보다 앞설 수 없습니다" in response.content.decode()
    assert not case.supervisions.exists()


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, supervisor, case):
    supervision = record_supervision(case=case, by=supervisor, **{**SUPERVISION, "date": days(0)})
    loaded = supervision.version
    update_supervision(
        supervision=Supervision.objects.get(pk=supervision.pk), by=supervisor,
        expected_version=loaded, advice="먼저 저장된 조언",
    )  # fmt: skip
    client.force_login(supervisor)
    detail = reverse("cases:supervision_detail", args=[case.pk, supervision.pk])
    response = client.post(detail, _post_data(advice="늦게 쓴 조언", loaded_version=loaded))
    html = response.content.decode()
    assert response.status_code == 200
    assert "다른 사람이 이 기록을 저장했습니다" in html
    assert "늦게 쓴 조언" in html  # typed, kept in the form
    supervision.refresh_from_db()
    assert supervision.advice == "먼저 저장된 조언" and supervision.version == loaded + 1
    # Saving again from the refused form (it now carries the stored version) goes through.
    again = client.post(detail, _post_data(advice="늦게 쓴 조언", loaded_version=loaded + 1))
    assert again.status_code == 302
    supervision.refresh_from_db()
    assert supervision.advice == "늦게 쓴 조언"


def test_a_supervisions_changes_show_in_the_case_history(client, user_in_dong, supervisor, case):
    supervision = record_supervision(case=case, by=supervisor, **{**SUPERVISION, "date": days(0)})
    client.force_login(supervisor)
    detail = reverse("cases:supervision_detail", args=[case.pk, supervision.pk])
    page = client.get(detail).content.decode()
    history_url = reverse("cases:case_history", args=[case.pk])
    assert f'href="{history_url}"' in page and 'name="loaded_version"' in page
    assert client.post(detail, _post_data(kind="mediation", loaded_version=1)).status_code == 302
    client.force_login(user_in_dong)
    history = client.get(history_url).content.decode()
    assert "슈퍼비전" in history and "조언" in history and "갈등 중재" in history
    assert Alert.objects.filter(recipient=user_in_dong, kind=AlertKind.SUPERVISION).count() == 2


def test_the_gu_team_supervises_a_case_transferred_to_it(user_in_dong, supervisor, gu_staff, case):
    from cases.models import CaseType

    from .scope_world import _specialised_case

    transferred = _specialised_case(
        user_in_dong, supervisor, name="이관척도", mode="transferred", gu_manager=gu_staff
    )
    record_supervision(case=transferred, by=gu_staff, **{**SUPERVISION, "date": days(0)})
    with pytest.raises(PermissionDenied):  # the dong reads a transferred case, no longer decides
        record_supervision(case=transferred, by=supervisor, **{**SUPERVISION, "date": days(0)})
    with pytest.raises(PermissionDenied):  # a case the dong keeps is the dong leader's
        record_supervision(case=case, by=gu_staff, **{**SUPERVISION, "date": days(0)})
    assert transferred.case_type == CaseType.SPECIALISED


# --- the demo ---------------------------------------------------------------------------------------


def test_the_demo_shows_a_scale_at_two_dates_and_a_supervision_once(demo):
    from django.core.management import call_command

    from cases.models import Monitoring

    for run in range(2):  # seed_demo runs twice: nothing is added the second time
        if run:
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        scored = Monitoring.objects.exclude(scale_name="")
        assert scored.count() == 2
        assert len({m.date for m in scored}) == 2 and {m.case_id for m in scored} == {
            Supervision.objects.get().case_id
        }
    supervision = Supervision.objects.get()
    assert supervision.supervisor.username == "neung.sv"
    assert Alert.objects.filter(kind=AlertKind.SUPERVISION, case=supervision.case).count() == 1
    call_command("recompute_schedule")  # the scored contacts keep the stored dates right
