"""Demo meetings for seed_demo: a past conference with final minutes and an upcoming one."""

import datetime

from django.utils import timezone

from cases.models import Case, Stage

from . import services
from .models import Meeting, MeetingKind


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
        services.update_meeting(
            meeting=past, by=supervisor, expected_version=past.version,
            minutes="개입 중인 사례의 구분과 점검 중인 사례의 계획을 검토함. 다음 회의에서 선정 심의 예정.",
        )  # fmt: skip
        services.finalise_minutes(meeting=past, by=supervisor)
        upcoming = services.create_meeting(
            by=officer, kind=MeetingKind.INTEGRATED_CONFERENCE, held_at=now + datetime.timedelta(days=7, hours=15 - now.hour),
            place=f"{dong_name} 주민센터 2층", chair=supervisor, officers=[officer],
        )  # fmt: skip
        if Stage.SELECTION in cases:
            services.place_on_agenda(
                meeting=upcoming, case=cases[Stage.SELECTION], question="select", by=officer
            )
