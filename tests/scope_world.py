"""One dong's records of every kind a URL can name, for the permission matrix and the leak tests.

``build_dong_world`` writes them through the services, as the dong's case manager and team
leader would (and the partner agency of the dong's provider, for its own records), and returns
the objects and the URL arguments (``args``) that reach each kind. The kinds are the ``object``
column of docs/permissions.md; ``objects["PARTNER"]`` is the agency's account.
"""

import contextlib
import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from casemgmt.core.roles import Role
from cases import services as case_services
from cases.demo import EXAMPLES, evaluate, intake, run_to
from cases.models import CaseType, ConsentMethod, GuInvolvement, Stage
from meetings import services as meeting_services
from meetings.models import Outcome, Question
from resources import services as resource_services

from .factories import ClientFactory, UserFactory, dong, gu
from .referral_helpers import case_in_planning, plan_with_item, refer
from .resource_factories import ProviderFactory, ResourceFactory

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@contextlib.contextmanager
def for_the_module(django_db_blocker):
    """Records written once for a test module (inside a module-scoped fixture that depends on
    ``django_db_setup``, in a module marked ``django_db``) and rolled back after its last test.
    Each test's own transaction is a savepoint inside this one."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def people(tag):
    """The five users of docs/permissions.md (usernames start with ``tag``)."""
    return {
        "CM": UserFactory(
            username=f"{tag}.cm", name="김담당", dong=dong("능동"), role=Role.CASE_MANAGER
        ),
        "SV": UserFactory(
            username=f"{tag}.sv", name="박팀장", dong=dong("능동"), role=Role.SUPERVISOR
        ),
        "CM other": UserFactory(
            username=f"{tag}.other", name="이담당", dong=dong("구의제1동"), role=Role.CASE_MANAGER
        ),
        "SV other": UserFactory(
            username=f"{tag}.other.sv", name="정팀장", dong=dong("구의제1동"), role=Role.SUPERVISOR
        ),
        "GU": UserFactory(
            username=f"{tag}.gu", name="강구청", dong=None, gu=gu(), role=Role.GU_STAFF
        ),
        "ADMIN": UserFactory(
            username=f"{tag}.admin",
            name="윤관리",
            dong=None,
            gu=gu(),
            is_staff=True,
            role=Role.SYSADMIN,
        ),  # fmt: skip
    }


def _specialised_case(officer, supervisor, *, name, mode, gu_manager):
    """A specialised case at planning, shared with or transferred to the gu team."""
    client = ClientFactory(dong=officer.dong, name=name)
    example = EXAMPLES["school_grades"]
    case = run_to(
        Stage.SELECTION, officer=officer, supervisor=supervisor, client=client, example=example
    )
    case_services.decide_selection(
        case=case, by=supervisor, selected=True, case_type=CaseType.SPECIALISED, note="통합사례"
    )
    case_services.record_consent(
        case=case, by=officer, services_consent=True, method=ConsentMethod.SIGNED_PAPER
    )
    case_services.move_case(case=case, transition="select", by=officer)
    return case_services.hand_over_to_gu(
        case=case, by=supervisor, mode=mode, gu_manager=gu_manager, note="구 통합사례관리"
    )


def build_dong_world(*, officer, supervisor, gu_manager, prefix):
    """Records of the officer's dong. ``prefix``: the start of every client's name (so a test can
    tell one dong's names from another's, e.g. "능" or "구"). With them, a partner agency's account
    of the dong's provider (``objects["PARTNER"]``) and its records (``build_partner_world``)."""
    dong = officer.dong
    today = timezone.localdate()
    provider = ProviderFactory(registering_dong=dong, name=f"{prefix}나눔터")
    resource = ResourceFactory(
        registering_dong=dong,
        shared_gu_wide=False,
        name=f"{prefix} 반찬나눔",
        provider=provider,
        need_domain="health",
    )

    development = resource_services.record_development(
        resource=resource,
        by=officer,
        developed_by=officer,
        developed_on=today,
        method="new_volunteer",
        note=f"{prefix} 봉사자 연계",
    )

    client = ClientFactory(dong=dong, name=f"{prefix}표본")
    member = case_services.add_household_member(
        client=client, by=officer, name=f"{prefix}가족", relation="child"
    )

    # at intake: "start_assessment" is allowed, so a POST that gets through changes the stage
    intake_case = intake(
        officer, ClientFactory(dong=dong, name=f"{prefix}접수"), EXAMPLES["frequent_illness"]
    ).case

    # at assessment, with the first assessment open
    assessing = run_to(
        Stage.ASSESSMENT,
        officer=officer,
        supervisor=supervisor,
        client=ClientFactory(dong=dong, name=f"{prefix}사정"),
        example=EXAMPLES["frequent_illness"],
    )
    case_services.start_assessment(case=assessing, by=officer)

    # at planning: consent, an unsigned plan v1 with one item referred to the dong's provider
    case = case_in_planning(officer, supervisor, name=f"{prefix}계획")
    item = plan_with_item(case, officer, provider=provider)
    referral = refer(item, officer, shares_information=False)
    consent = case.consents.get()

    # at evaluation, closure proposed and waiting for the team leader
    closing = run_to(
        Stage.EVALUATION,
        officer=officer,
        supervisor=supervisor,
        client=ClientFactory(dong=dong, name=f"{prefix}종결"),
        example=EXAMPLES["withheld_living_expenses"],
    )
    evaluate(officer, closing)
    case_services.propose_closure(
        case=closing,
        by=officer,
        reason="goal_achieved",
        summary="목표 달성",
        follow_up_until=today,
        follow_up_agreed=True,
    )

    shared = _specialised_case(
        officer, supervisor, name=f"{prefix}공유", mode=GuInvolvement.SHARED, gu_manager=gu_manager
    )
    transferred = _specialised_case(
        officer,
        supervisor,
        name=f"{prefix}이관",
        mode=GuInvolvement.TRANSFERRED,
        gu_manager=gu_manager,
    )

    entry = case_services.add_discovery_entry(
        by=officer,
        source="tongjang",
        name=f"{prefix}발굴",
        address="예시로 1",
        received_on=today,
        due_on=today + datetime.timedelta(days=10),
    )

    # a meeting: a decided item that returned a task, an undecided one, an external partner
    meeting = meeting_services.create_meeting(
        by=officer,
        kind="team_conference",
        place="회의실",
        chair=supervisor,
        held_at=datetime.datetime.combine(today, datetime.time(10), tzinfo=SEOUL),  # decided today
    )
    partner = meeting_services.add_attendee(
        meeting=meeting, by=officer, provider=provider, name="협력자"
    )
    decided = meeting_services.place_on_agenda(
        meeting=meeting,
        case=case,
        question=Question.APPROVE_PLAN,
        by=officer,
        partners=[partner],
    )
    meeting_services.decide(item=decided, by=supervisor, outcome=Outcome.PLAN_RETURNED)
    undecided = meeting_services.place_on_agenda(
        meeting=meeting, case=closing, question=Question.CONSULTATION, by=officer
    )
    task = decided.decision.task
    action = meeting_services.add_action_item(
        meeting=meeting, by=officer, owner=officer, case=case, text="계획 목표 보완",
        due_on=today + datetime.timedelta(days=7),
    )  # fmt: skip
    from cases.models import Alert

    alert = Alert.objects.filter(recipient=officer).order_by("pk").first()  # the meeting's decision

    # the team leader's supervision on the case at planning (after the alert above: its own
    # alert comes later)
    from cases.supervision import record_supervision

    supervision = record_supervision(
        case=case, by=supervisor, kind="advice", discussed="계획 목표", advice="측정 가능하게",
        action="목표 다시 쓰기",
    )  # fmt: skip

    objects = {  # by the kind of object the matrix names (and a few more)
        "client": client,
        "household member": member,
        "intake case": intake_case,
        "move": intake_case,
        "assessing case": assessing,
        "assessment": assessing.assessments.get(),
        "case": case,
        "plan": item.plan,
        "plan item": item,
        "referral": referral,
        "consent": consent,
        "closing case": closing,
        "shared case": shared,
        "transferred case": transferred,
        "discovery": entry,
        "dong resource": resource,
        "development": development,
        "dong provider": provider,
        "meeting": meeting,
        "agenda item": undecided,
        "decided item": decided,
        "partner copy": partner,
        "task": task,
        "alert": alert,
        "supervision": supervision,
        "action item": action,
    }
    # the partner agency of the dong's provider (the PARTNER column) and what it reaches
    _partner, partner_objects, partner_args = build_partner_world(
        officer=officer, supervisor=supervisor, gu_staff=gu_manager, provider=provider,
        tag=f"partner{provider.pk}", prefix=prefix,
    )  # fmt: skip
    objects.update(partner_objects)
    for obj in {id(o): o for o in objects.values()}.values():
        obj.refresh_from_db()  # as stored, after everything written since
    args = {
        "-": [],
        "client": [client.pk],
        "household member": [client.pk, member.pk],
        "intake case": [intake_case.pk],
        "move": [intake_case.pk, "start_assessment"],
        "assessing case": [assessing.pk],
        "assessment": [assessing.pk, 1],
        "case": [case.pk],
        "plan": [case.pk, item.plan.number],
        "consent": [case.pk, consent.pk],
        "closing case": [closing.pk],
        "shared case": [shared.pk],
        "transferred case": [transferred.pk],
        "discovery": [entry.pk],
        "dong resource": [resource.pk],
        "development": [development.pk],
        "dong provider": [provider.pk],
        "referral": [referral.pk],
        "plan item": [item.pk],
        "meeting": [meeting.pk],
        "agenda item": [meeting.pk, undecided.pk],
        "partner copy": [meeting.pk, partner.pk],
        "task": [task.pk],
        "alert": [alert.pk],
        "supervision": [case.pk, supervision.pk],
        "action item": [meeting.pk, action.pk],
        **partner_args,
    }
    return objects, args


#: What a partner agency sends as a document: a small PDF (its first bytes are what is checked).
PARTNER_PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n"


def build_partner_world(*, officer, supervisor, gu_staff, provider, tag, prefix):
    """A partner agency of ``provider`` (the dong's provider) and what it reaches: its account
    (signed in with two factors), a case of the officer's dong at planning whose client agreed to
    share basic details and progress with the provider, a referral of its plan item to the
    provider that shares the information (answer requested), a second referral on which the
    agency reported the service (a monitoring entry waiting for the case manager), a document it
    sent, a colleague's account, and a finalised conference it attended for the case.

    Returns the partner user, the objects and the URL arguments (as ``build_dong_world``)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import RequestFactory
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from resources import partner_services

    from .factories import partner_account
    from .referral_helpers import consent_for

    today = timezone.localdate()
    partner = partner_account(provider, username=f"{tag}.partner", name="최협력", by=gu_staff)
    TOTPDevice.objects.create(user=partner, name="authenticator", confirmed=True)
    colleague = partner_account(
        provider, username=f"{tag}.partner.colleague", name="한동료", by=gu_staff
    ).partner_account

    case = case_in_planning(officer, supervisor, name=f"{prefix}협력")
    consent = consent_for(case, officer, provider)  # basic details and progress, to the provider
    item, reported_item = plan_with_item(case, officer, provider=provider, items=2)
    referral = refer(item, officer, shares_information=True)  # requested: waits for the answer
    reported = refer(reported_item, officer, shares_information=True)
    report = partner_services.report_service(
        referral=reported, by=partner, reported_on=today, started_on=today, sessions=2,
        attendance="all", client_change="약속을 잘 지킴",
    )  # fmt: skip
    request = RequestFactory().post("/")
    request.user = partner
    document = partner_services.send_document(
        request=request, referral=referral, by=partner, title="출석부",
        file=SimpleUploadedFile("출석부.pdf", PARTNER_PDF, content_type="application/pdf"),
    )  # fmt: skip

    # a conference the agency attended for the case, decided and finalised
    meeting = meeting_services.create_meeting(
        by=officer,
        kind="integrated",
        place="능동 회의실",
        chair=supervisor,
        held_at=datetime.datetime.combine(today, datetime.time(9), tzinfo=SEOUL),
        minutes="연계 기관과 서비스 조정",
    )
    attendee = meeting_services.add_attendee(
        meeting=meeting, by=officer, provider=provider, name="최협력", attended=True
    )
    agenda = meeting_services.place_on_agenda(
        meeting=meeting, case=case, question=Question.CONSULTATION, by=officer,
        partners=[attendee],
    )  # fmt: skip
    meeting_services.decide(item=agenda, by=supervisor, outcome=Outcome.OTHER)
    meeting = meeting_services.finalise_minutes(meeting=meeting, by=supervisor)

    objects = {
        "PARTNER": partner,
        "partner case": case,
        "partner consent": consent,
        "partner referral": referral,
        "reported referral": reported,
        "partner report": report.monitoring,
        "partner document": document,
        "partner account": colleague,
        "partner meeting": meeting,
    }
    for obj in objects.values():
        obj.refresh_from_db()
    args = {
        "partner case": [case.pk],
        "partner referral": [referral.pk],
        "partner report": [case.pk, report.monitoring_id],
        "partner document": [referral.pk, document.pk],
        "partner account": [colleague.pk],
        "partner meeting": [meeting.pk],
    }
    return partner, objects, args
