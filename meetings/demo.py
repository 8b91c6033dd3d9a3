"""Demo meetings for seed_demo: a past conference with final minutes and action items, a past
내부판정회의 that selected a client for emergency support (no case needed), and an upcoming
conference. Decisions are recorded only for meetings whose day has come (a meeting is decided on
or after its day): the upcoming one keeps its item waiting."""

import datetime

from django.utils import timezone

from cases.models import Case, Client, Stage

from . import services
from .models import Meeting, MeetingKind, Outcome, Question


def seed_demo_meetings(*, officers, supervisors):
    """Idempotent: a dong that already has meetings is left as it is."""
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for dong_name, officer in officers.items():
        supervisor = supervisors[dong_name]
        if Meeting.objects.filter(dong_id=officer.dong_id).exists():
            continue
        cases = {c.stage: c for c in Case.objects.filter(dong_id=officer.dong_id).order_by("id")}
        past = services.create_meeting(
            by=officer, kind=MeetingKind.TEAM_CONFERENCE, held_at=now - datetime.timedelta(days=14, hours=now.hour - 14),
            place=f"{dong_name} 주민센터 회의실", chair=supervisor, officers=[officer],
        )  # fmt: skip
        decisions = [
            (Stage.INTERVENTION, "classify", "general"),
            (Stage.MONITORING, "approve_plan", "plan_approved"),
        ]
        for stage, question, outcome in decisions:
            if stage in cases:
                item = services.place_on_agenda(
                    meeting=past, case=cases[stage], question=question, by=officer
                )
                services.decide(item=item, by=supervisor, outcome=outcome, comments="계획대로 진행")
        if Stage.MONITORING in cases:
            services.add_action_item(
                meeting=past, by=officer, case=cases[Stage.MONITORING], owner=officer,
                text="서비스 제공기관과 월 1회 점검 일정을 정해 공유",
                due_on=timezone.localdate() + datetime.timedelta(days=5),
            )  # fmt: skip
        services.update_meeting(
            meeting=past, by=supervisor, expected_version=past.version,
            minutes="개입 중인 사례의 구분과 점검 중인 사례의 계획을 검토함. 다음 회의에서 선정 심의 예정.",
        )  # fmt: skip
        services.finalise_minutes(meeting=past, by=supervisor)
        _internal_review(officer=officer, supervisor=supervisor, dong_name=dong_name, now=now)
        upcoming = services.create_meeting(
            by=officer, kind=MeetingKind.INTEGRATED_CONFERENCE, held_at=now + datetime.timedelta(days=7, hours=15 - now.hour),
            place=f"{dong_name} 주민센터 2층", chair=supervisor, officers=[officer],
        )  # fmt: skip
        if Stage.SELECTION in cases:
            services.place_on_agenda(
                meeting=upcoming, case=cases[Stage.SELECTION], question="select", by=officer
            )


def _internal_review(*, officer, supervisor, dong_name, now):
    """A 내부판정회의 three days ago: a client with no case selected for emergency support, another
    client's public assistance put on hold, and what the officer and a partner do next."""
    clients = list(
        Client.objects.filter(
            dong_id=officer.dong_id, cases__isnull=True, archived_at__isnull=True
        ).order_by("id")[:2]
    )
    if not clients:
        return
    review = services.create_meeting(
        by=officer, kind=MeetingKind.INTERNAL_REVIEW,
        held_at=now - datetime.timedelta(days=3, hours=now.hour - 10),
        place=f"{dong_name} 주민센터 상담실", chair=supervisor, officers=[officer],
    )  # fmt: skip
    emergency = services.place_on_agenda(
        meeting=review, client=clients[0], question=Question.EMERGENCY_SUPPORT, by=officer
    )
    services.decide(
        item=emergency, by=supervisor, outcome=Outcome.SUPPORT_SELECTED,
        comments="주소득자 실직으로 생계 곤란: 긴급지원 생계지원 1개월 신청",
    )  # fmt: skip
    if len(clients) > 1:
        assistance = services.place_on_agenda(
            meeting=review, client=clients[1], question=Question.PUBLIC_ASSISTANCE, by=officer
        )
        services.decide(
            item=assistance, by=supervisor, outcome=Outcome.ON_HOLD,
            comments="부양의무자 소득 자료 확인 뒤 다음 회의에서 다시 판정",
        )  # fmt: skip
    today = timezone.localdate()
    services.add_action_item(
        meeting=review, by=officer, owner=officer,
        text=f"{clients[0].name} 긴급지원 신청서를 받아 구청에 보내기",
        due_on=today + datetime.timedelta(days=2),
    )  # fmt: skip
    services.add_action_item(
        meeting=review, by=officer, owner_name="이협력 (광진건강가정지원센터)",
        text="가족 상담 가능 일정을 주민센터에 알려 주기",
        due_on=today + datetime.timedelta(days=7),
    )  # fmt: skip
    services.update_meeting(
        meeting=review, by=supervisor, expected_version=review.version,
        minutes="긴급지원 대상 1명 선정, 공공부조 연계 1명 보류: 부양의무자 소득 자료를 확인한 뒤 다시 판정함.",
    )  # fmt: skip
    services.finalise_minutes(meeting=review, by=supervisor)
