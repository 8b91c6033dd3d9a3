"""Fuzz: every form of the app gets random and hostile data, and must refuse it cleanly.

Every address the app answers is listed below (``PAGES``, ``BUTTONS``, ``QUERY_PAGES`` or
``NO_INPUT``): a new address fails ``test_every_address_is_fuzzed_or_says_why_not`` until it is
put in one of them. For each form page, one user allowed to post there (the case manager of
능동, or its team leader where only the team leader decides, the gu staff, or a partner agency's
account signed in with its second factor on the partner's pages) sends the page's valid answer with
some fields replaced by hostile values: 10,000 characters, control characters (NUL, ESC, the
right-to-left override), SQL and HTML injection, letters in number and date fields, 2026-02-30,
negative and 10**30 numbers, empty values, Hangul and emoji, missing fields.

For every answer: never a server error; a refusal re-renders the form with a Korean message that
the page shows (or redirects with a Korean error message, or answers 403/404); a refusal changes
nothing already saved (every row of the app is compared before and after); posted HTML is shown
escaped, also on the page an accepted post redirects to; no NUL reaches the database.

Each example runs in a savepoint that is rolled back, so every example starts from the same
records. Examples are derandomized (the same every run, so CI does not flake); a longer random
run: ``FUZZ_EXAMPLES=200 pytest tests/test_fuzz.py``, with ``FUZZ_SHRINK=1`` to shrink a failure.
"""

import base64
import datetime
import io
import os
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection, transaction
from django.forms.formsets import BaseFormSet
from django.test import Client as Browser
from django.test.utils import ContextList
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.html import escape
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from cases import services as case_services
from cases.models import CaseType, Stage
from meetings import services as meeting_services
from meetings.models import Decision, Question, ReturnedTask
from resources import services as resource_services

from .factories import (
    ClientFactory,
    grant_special_consent,
    login_verified,
    partner_account,
    registered_with_consent,
)
from .lifecycle import EXAMPLES, run_to
from .referral_helpers import consent_for, plan_with_item, refer
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.walk]

# FUZZ_EXAMPLES=200: at least that many random examples per page (a deeper, slower run).
# FUZZ_SHRINK=1: shrink a failing example to the smallest (re-runs the page many times).
RANDOM_RUN = bool(os.environ.get("FUZZ_EXAMPLES"))
SCALE = int(os.environ.get("FUZZ_EXAMPLES", "0"))
PHASES = list(Phase) if os.environ.get("FUZZ_SHRINK") else [Phase.explicit, Phase.generate]


def examples(default):
    return max(SCALE, default) if RANDOM_RUN else default


# --- hostile values ----------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
MARKUP = (SCRIPT, IMG)
SQL = "'; DROP TABLE cases_client; --"
LONG_TEXT = "긴글 " * 3_400  # 10,200 characters
HUGE = str(10**30)

HOSTILE_TEXT = [
    LONG_TEXT,
    "x" * 100_000,
    "\x00",
    "이름\x00숨김",
    "\x1b[2J\x1b[31m빨강\x1b[0m",
    "\u202e\u2066역방향\u2069 gpj.exe",
    SQL,
    "1' OR '1'='1' --",
    "610505-٢345678",  # Arabic-Indic digit among ASCII ones
    SCRIPT,
    IMG,
    "{{ request }}{% debug %}",
    "%(name)s %s {0} %d",
    "😀👨‍👩‍👧‍👦🇰🇷",
    "한글 이름 ㄱㄴㄷ ㅏㅑ",
    "",
    "   ",
    "\t\r\n",
    "\ufeff\u200b",
    "e\u0301" * 3_000,
    "\x7f\x01\x02\x03",
    "NULL",
    "../../etc/passwd",
    "\\",
    HUGE,
]
HOSTILE_NUMBERS = [
    "-1",
    "0",
    HUGE,
    "-" + HUGE,
    "1e309",
    "1e3",
    "NaN",
    "Infinity",
    "abc",
    "일",
    "1.5",
    "1,000",
    " 7 ",
    "٣",
    "１２",
    "0x1F",
    "",
    "2147483648",
    "32768",
    "9223372036854775808",
    "-9223372036854775809",
]
HOSTILE_DATES = [
    "2023-02-30",
    "2023-02-29",
    "2023-13-01",
    "2023-00-10",
    "2023-04-31",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1899-12-31",
    "2099-12-31",
    "2026-2-3",
    "2026/02/03",
    "2026.02.03",
    "20260203",
    "26-02-03",
    "abcd-ef-gh",
    "오늘",
    "2026-02-28T25:61",
    "-2026-01-01",
    "２０２６-０１-０１",
    "",
    " ",
]
HOSTILE_DATETIMES = [
    "2026-02-30T10:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2023-11-24T24:00",
    "2023-11-24T10:00+99:00",
    "2023-11-24T10:00:00Z",
    "2023-11-24",
    "10:00",
    *HOSTILE_DATES,
]
HOSTILE_FLAGS = ["off", "false", "0", "", "on", SCRIPT, LONG_TEXT]
HOSTILE_LISTS = [["abc"], [HUGE], ["-1"], [""], [SCRIPT], ["1", "1"], [], ["0"], ["\x00"]]
ANYTHING = HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES


def tiny_png():
    """A real 8x4 grey PNG, as the signature pad sends."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 8, 4, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * 8 for _ in range(4))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")  # fmt: skip


SIGNATURE = "data:image/png;base64," + base64.b64encode(tiny_png()).decode()
HOSTILE_SIGNATURES = [
    "data:image/png;base64,",
    "data:image/png;base64,!!!!",
    "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode(),
    "data:image/png;base64," + base64.b64encode(b"GIF89a" + b"\x00" * 20).decode(),
    "data:image/svg+xml;base64," + base64.b64encode(SCRIPT.encode()).decode(),
    "data:image/png;base64," + "A" * 1_000_000,
    "javascript:alert(1)",
]


def workbook(rows):
    """An .xlsx of ``rows`` (the first is the header), cells written as given."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(text):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)[:32_000]


@dataclass(frozen=True)
class Upload:
    """A file to post; a new file object is made for every request."""

    name: str
    content: bytes


def hostile_uploads():
    header = ["성명", "생년월일", "연락처", "주소", "위기 내용"]
    hostile_row = st.lists(st.sampled_from(ANYTHING).map(_cell), min_size=5, max_size=5)
    return st.one_of(
        st.sampled_from(
            [
                Upload("empty.xlsx", b""),
                Upload("zip.xlsx", b"PK\x03\x04" + b"\x00" * 100),
                Upload(f"{SCRIPT}.xlsx", SCRIPT.encode()),
                Upload("../../etc/passwd", b"root:x:0:0"),
                Upload("\u202exslx.exe", b"MZ\x90\x00"),
                Upload("names.csv", "성명,주소\n홍길동,능동로 1\n".encode()),
                Upload("only-header.xlsx", workbook([header])),
                Upload("no-header.xlsx", workbook([["가", "나"], ["1", "2"]])),
            ]
        ),
        st.binary(max_size=300).map(lambda b: Upload("random.xlsx", b)),
        st.lists(hostile_row, min_size=1, max_size=3).map(
            lambda rows: Upload("hostile.xlsx", workbook([header, *rows]))
        ),
    )


PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n"
PNG_HEAD = b"\x89PNG\r\n\x1a\n"
# What a partner agency might send as a document (a PDF, PNG or JPEG is kept): files whose name
# and bytes disagree, markup and paths in the name (kept as the original name, shown escaped),
# empty files and executables.
HOSTILE_DOCUMENTS = [
    Upload("notes.pdf", b"just text pretending"),
    Upload("photo.exe", PNG_HEAD + b"0000"),
    Upload("empty.pdf", b""),
    Upload(f"{SCRIPT}.pdf", PDF),
    Upload(f"{IMG}.png", PNG_HEAD + b"\x00" * 32),
    Upload("../../etc/passwd.pdf", PDF),
    Upload("\u202efdp.exe", PDF),
    Upload("scan.jpg", b"\xff\xd8\xff" + SCRIPT.encode()),
    Upload("svg.png", SCRIPT.encode()),
    Upload("x" * 300 + ".pdf", PDF),
]


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def kind_of(value):
    """What a valid value looks like decides which hostile values it gets most often."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, Upload):
        return "file"
    text = str(value)
    if text.startswith("data:image/png"):
        return "signature"
    if DATETIME_RE.match(text):
        return "datetime"
    if DATE_RE.match(text):
        return "date"
    if text.lstrip("-").isdigit():
        return "number"
    if text == "on":
        return "flag"
    return "text"


POOLS = {
    "text": HOSTILE_TEXT,
    "number": HOSTILE_NUMBERS,
    "date": HOSTILE_DATES,
    "datetime": HOSTILE_DATETIMES,
    "flag": HOSTILE_FLAGS,
    "signature": HOSTILE_SIGNATURES,
}


# Every run, every field of every page at once: the worst value of its kind, then markup.
WORST = {
    "text": LONG_TEXT, "number": HUGE, "date": "2023-02-30", "datetime": "2023-02-30T25:00",
    "flag": LONG_TEXT, "signature": HOSTILE_SIGNATURES[-2], "list": [HUGE, "-1"],
    "file": Upload(f"{SCRIPT}.xlsx", b"\x00" * 1000),
}  # fmt: skip
MARKED = {
    "text": SCRIPT, "number": "-1", "date": "0001-01-01", "datetime": "9999-12-31T23:59",
    "flag": IMG, "signature": "javascript:alert(1)", "list": [IMG], "file": Upload(IMG, b""),
}  # fmt: skip


def all_fields(answer, values):
    return {name: values[kind_of(value)] for name, value in answer.items()}


def hostile_value(valid):
    kind = kind_of(valid)
    if kind == "file" and valid.name.endswith(".pdf"):
        return st.one_of(st.sampled_from(HOSTILE_DOCUMENTS), hostile_uploads())
    if kind == "file":
        return hostile_uploads()
    if kind == "list":
        return st.one_of(
            st.sampled_from(HOSTILE_LISTS),
            st.lists(st.sampled_from(ANYTHING), max_size=3),
            st.just([*valid, *valid, HUGE]),
        )
    return st.one_of(
        st.sampled_from(POOLS[kind]),
        st.sampled_from(ANYTHING),
        st.text(max_size=40),  # any character but surrogates: control characters included
    )


@st.composite
def hostile_posts(draw, valid, extras):
    """The valid answer with some fields hostile, missing, or added."""
    data = dict(valid)
    names = sorted({*valid, *extras, "unexpected"})
    for name in draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
        template = valid.get(name, extras.get(name, ""))
        if draw(st.integers(0, 4)) == 0:
            data.pop(name, None)
        else:
            data[name] = draw(hostile_value(template))
    return data


# --- the world the pages work on ---------------------------------------------------------------


def build_world(*, officer, supervisor, gu_staff, client):
    """Records of 능동 in every state a form needs, written through the services."""
    today = timezone.localdate()
    neung = officer.dong

    def staged(stage, name):
        client = ClientFactory(dong=neung, name=name)
        example = EXAMPLES["frequent_illness"]
        return run_to(stage, officer=officer, supervisor=supervisor, client=client, example=example)

    if hasattr(client, "resident_number"):  # the page that shows it in full needs one
        digit = "2" if client.birth_date.year < 2000 else "4"
        grant_special_consent(client, officer)  # recorded only with its separate consent
        client.refresh_from_db()
        case_services.update_client(
            client=client, by=officer, expected_version=client.version,
            resident_number=f"{client.birth_date:%y%m%d}-{digit}345678",
        )  # fmt: skip
    provider = ProviderFactory(registering_dong=neung, name="능동나눔터")
    resource = ResourceFactory(
        registering_dong=neung, provider=provider, capacity=10, capacity_unit="persons"
    )
    development = resource_services.record_development(
        resource=resource, by=officer, developed_by=officer, developed_on=today,
        method="new_volunteer", note="봉사자 연계",
    )  # fmt: skip
    member = case_services.add_household_member(
        client=client, by=officer, name="한아들", relation="child"
    )
    entry = case_services.add_discovery_entry(
        by=officer, source="tongjang", name="발굴대상", address="능동로 2",
        received_on=today, due_on=today + datetime.timedelta(days=7),
    )  # fmt: skip
    case_intake = staged(Stage.INTAKE, "접수중")
    case_assessment = staged(Stage.ASSESSMENT, "사정중")
    assessment = case_services.start_assessment(case=case_assessment, by=officer)
    case_selection = staged(Stage.SELECTION, "선정중")
    case_planning = staged(Stage.PLANNING, "계획전")
    case_plan = staged(Stage.PLANNING, "계획중")
    referred_item, free_item = plan_with_item(case_plan, officer, provider=provider, items=2)
    consent = consent_for(case_plan, officer, provider)
    referral = refer(referred_item, officer)
    case_late = staged(Stage.EVALUATION, "평가중")
    case_services.classify_case(case=case_late, by=supervisor, case_type=CaseType.SPECIALISED)
    case_services.hand_over_to_gu(
        case=case_late, by=supervisor, mode="shared", gu_manager=gu_staff, note="공동 관리"
    )
    case_services.propose_closure(
        case=case_late, by=officer, reason="goal_achieved", summary="목표 달성",
        follow_up_until=today, follow_up_agreed=True,
    )  # fmt: skip
    meeting = meeting_services.create_meeting(
        by=officer,
        kind="team_conference",
        held_at=timezone.now(),  # today: a meeting is decided on or after its day
        place="능동 회의실",
        chair=supervisor,
    )
    partner = meeting_services.add_attendee(
        meeting=meeting, by=officer, provider=provider, name="외부참석"
    )
    agenda_item = meeting_services.place_on_agenda(
        meeting=meeting, case=case_selection, question=Question.SELECT, by=officer,
        partners=[partner],
    )  # fmt: skip
    task_item = meeting_services.place_on_agenda(
        meeting=meeting, case=case_late, question=Question.CONSULTATION, by=officer
    )
    decision = Decision.objects.create(item=task_item, outcome="other", decided_by=supervisor)
    task = ReturnedTask.objects.create(
        decision=decision, case=case_late, assigned_to=officer, text="보완"
    )
    action = meeting_services.add_action_item(
        meeting=meeting, by=officer, owner=officer, case=case_selection, text="서류 보완",
        due_on=today + datetime.timedelta(days=7),
    )  # fmt: skip
    late_plan = case_late.plans.order_by("-number").first()
    from cases.supervision import record_supervision

    supervision = record_supervision(
        case=case_late, by=supervisor, kind="education", discussed="평가 준비",
        advice="목표별 근거 모으기", action="점검 기록 정리",
    )  # fmt: skip
    door = build_partner_door(
        officer=officer, supervisor=supervisor, gu_staff=gu_staff, provider=provider,
        case=staged(Stage.PLANNING, "협력중"),
    )  # fmt: skip
    return SimpleNamespace(
        **vars(door),
        officer=officer, supervisor=supervisor, gu_staff=gu_staff, client=client, member=member,
        entry=entry, provider=provider, resource=resource, development=development,
        case_intake=case_intake,
        case_assessment=case_assessment, assessment=assessment, case_selection=case_selection,
        case_planning=case_planning, case_plan=case_plan, plan=case_plan.plans.get(),
        referred_item=referred_item, free_item=free_item, consent=consent, referral=referral,
        case_late=case_late, late_item=late_plan.items.first(),
        late_goals=list(late_plan.goals.all()), meeting=meeting, partner=partner,
        agenda_item=agenda_item, task=task, supervision=supervision, action=action,
    )  # fmt: skip


def build_partner_door(*, officer, supervisor, gu_staff, provider, case):
    """A partner agency of ``provider`` and what its pages and the office's side of them need:
    its account (an authenticator set up), a colleague's account, ``case`` (at planning) whose
    client shares basic details and progress with the provider, a referral of its plan item that
    shares them (answer requested) with a document the agency sent, a second referral the agency
    reported on (a monitoring entry awaiting confirmation), and an authenticator the officer is
    setting up (the set-up page's secret)."""
    from django.test import RequestFactory

    from casemgmt.core import two_factor
    from resources import partner_services

    today = timezone.localdate()
    partner = partner_account(provider, username="bokji.kim", name="김복지", by=gu_staff)
    partner_device = TOTPDevice.objects.create(user=partner, name="authenticator", confirmed=True)
    colleague = partner_account(provider, username="food.lee", name="이동료", by=gu_staff)
    consent_for(case, officer, provider)
    item, reported_item = plan_with_item(case, officer, provider=provider, items=2)
    partner_referral = refer(item, officer, shares_information=True)
    reported = refer(reported_item, officer, shares_information=True)
    report = partner_services.report_service(
        referral=reported, by=partner, reported_on=today, started_on=today, sessions=2,
        attendance="all", client_change="밝아짐",
    )  # fmt: skip
    request = RequestFactory().post("/")
    request.user = partner
    document = partner_services.send_document(
        request=request, referral=partner_referral, by=partner, title="출석부",
        file=SimpleUploadedFile("출석부.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip
    return SimpleNamespace(
        partner_user=partner, partner_device=partner_device, colleague=colleague.partner_account,
        case_partner=case, partner_referral=partner_referral, report=report.monitoring,
        document=document, pending_device=two_factor.pending_authenticator(officer),
    )  # fmt: skip


def totp_code(device):
    """The six digits an authenticator app shows now for ``device``."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


@pytest.fixture
def world(user_in_dong, supervisor, gu_staff, client_in_dong):
    return build_world(
        officer=user_in_dong, supervisor=supervisor, gu_staff=gu_staff, client=client_in_dong
    )


def today(days=0):
    return f"{timezone.localdate() + datetime.timedelta(days=days):%Y-%m-%d}"


# --- the pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    route: str
    path: Callable  # world -> the address
    data: Callable = lambda w: {}  # world -> the answer the page accepts
    extras: Callable = lambda w: {}  # world -> fields the fuzz may add (buttons, hidden inputs)
    # officer, supervisor, gu_staff, anonymous, partner (signed in with both factors) or
    # partner_signing_in (the password given, not yet the code)
    user: str = "officer"
    method: str = "post"
    examples: int = 6
    must_accept: bool = True  # its valid answer is accepted (else the fuzz never saves anything)
    # a 200 without form errors that is not a refusal (the duplicate warning, an import report)
    quiet: Callable = lambda context: False
    # a 200 that is what the post did, shown once (a new password, recovery codes): accepted
    done: Callable = lambda context: False


def rotation_form(w):
    from cases.models import Case, Stage

    cases = Case.objects.filter(primary_manager=w.officer, stage__in=Stage.open_stages())
    return {"from_officer": str(w.officer.pk), "to_officer": str(w.supervisor.pk),
            "effective_on": timezone.localdate().isoformat(), "reason": "인사발령",
            "case": [str(c.pk) for c in cases]}  # fmt: skip


def client_form(w, **more):
    from cases.forms import ClientForm

    data = {
        "name": "신규대상", "birth_date": "1961-05-05", "sex": "F", "phone": "010-1234-5678",
        "address": "능동로 3", "livelihood_status": "general", "health_notes": "당뇨",
    }  # fmt: skip
    if "resident_number" in ClientForm.base_fields:
        data["resident_number"] = ""
    return {**data, **more}


def versioned(obj):
    return {"loaded_version": str(type(obj).objects.get(pk=obj.pk).version)}


def household(w):
    return {
        "name": "한딸", "relation": "child", "birth_date": "2010-01-01", "sex": "F",
        "phone": "010-2222-3333", "lives_together": "on", "health_notes": "",
    }  # fmt: skip


def resource_form(w):
    return {
        "name": "새 반찬나눔", "kind": "material", "subtype": "goods", "need_domain": "daily_living",
        "description": "매주 반찬", "eligibility": "독거 어르신", "provider": str(w.provider.pk),
        "capacity": "5", "capacity_unit": "persons", "available_from": today(),
        "available_until": today(365), "cost": "무료", "shared_gu_wide": "on",
    }  # fmt: skip


def provider_form(w):
    return {
        "name": "새 나눔기관", "sector": "private", "kind": "welfare_centre",
        "contact_person": "김연계", "phone": "02-450-1234", "address": "능동로 5",
        "service_dongs": [str(w.officer.dong_id)], "joins_case_conferences": "on",
    }  # fmt: skip


def case_page(name, suffix):
    return lambda w: f"/cases/{getattr(w, name).pk}/{suffix}"


def plan_page(suffix):
    return lambda w: f"/cases/{w.case_plan.pk}/plans/{w.plan.number}/{suffix}"


def evaluation(w):
    data = {
        "evaluated_on": today(), "process_evaluation": "제때 제공됨",
        "outcome_evaluation": "목표를 대부분 이룸", "client_view": "나아졌다고 함",
    }  # fmt: skip
    for goal in w.late_goals:
        data[f"goal-{goal.pk}-result"] = "achieved"
        data[f"goal-{goal.pk}-evidence"] = "점검 기록"
    return data


def assessment(w):
    return {
        "assessed_on": today(), "functional_assessment": "일상생활 자립", "strengths": "이웃",
        "client_view": "도움이 필요", "risk_level": "medium", **versioned(w.assessment),
        "needs-TOTAL_FORMS": "1", "needs-INITIAL_FORMS": "0", "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1000", "needs-0-domain": "health", "needs-0-priority": "1",
        "needs-0-client_view": "", "needs-0-current_state": "자주 아픔",
        "needs-0-desired_state": "건강 회복", "needs-0-change_strategy": "",
    }  # fmt: skip


def download_reason(w):
    from casemgmt.core.forms import DownloadReasonForm

    data = {"reason": "월간 점검 자료"}
    if "purpose" in DownloadReasonForm.base_fields:
        data["purpose"] = "audit"
    return data


PAGES = [
    # --- clients, household, discovery
    Page("clients/new/", lambda w: "/clients/new/", client_form,
         extras=lambda w: {"discovery": str(w.entry.pk), "confirm_duplicates": "1"},
         quiet=lambda c: bool(c.get("duplicates"))),
    Page("clients/<int:pk>/edit/", lambda w: f"/clients/{w.client.pk}/edit/",
         lambda w: client_form(w, birth_date=f"{w.client.birth_date:%Y-%m-%d}", sex=w.client.sex,
                               **versioned(w.client))),
    Page("clients/<int:pk>/intake/", lambda w: f"/clients/{w.client.pk}/intake/",
         lambda w: {"intake_date": today(), "route": "walk_in", "route_detail": "",
                    "presenting_problem": "월세 체납", "potential_problems": "", "strengths": "",
                    "weaknesses": "", "urgency": "normal", "disposition": "case",
                    "disposition_note": ""},
         extras=lambda w: {"discovery": str(w.entry.pk)}),
    Page("clients/<int:pk>/household/new/", lambda w: f"/clients/{w.client.pk}/household/new/",
         household),
    Page("clients/<int:pk>/household/<int:member_pk>/edit/",
         lambda w: f"/clients/{w.client.pk}/household/{w.member.pk}/edit/",
         lambda w: {**household(w), **versioned(w.member)}),
    Page("clients/<int:pk>/resident-number/",
         lambda w: f"/clients/{w.client.pk}/resident-number/", download_reason,
         quiet=lambda c: "revealed" in c),
    Page("discovery/new/", lambda w: "/discovery/new/",
         lambda w: {"source": "tongjang", "source_detail": "3통장", "name": "새발굴",
                    "birth_date": "1950-03-02", "phone": "", "address": "능동로 9",
                    "risk_summary": "단전", "received_on": today(), "due_on": today(7),
                    "assigned_to": str(w.officer.pk)}),
    Page("discovery/import/", lambda w: "/discovery/import/",
         lambda w: {"file": Upload("list.xlsx", workbook([["성명", "생년월일", "주소"],
                                                          ["가나다", "1950-01-01", "능동로 1"]])),
                    "source": "blind_spot", "source_detail": "6차", "received_on": today(),
                    "due_on": today(14)},
         quiet=lambda c: bool(c.get("report") and c["report"].problems)),
    Page("discovery/<int:entry_pk>/", lambda w: f"/discovery/{w.entry.pk}/",
         lambda w: {"investigated_on": today(), "investigation_method": "visit",
                    "result": "no_need", "result_note": "지원 불필요", **versioned(w.entry)}),
    # --- the case
    Page("cases/<int:case_pk>/move/<str:transition>/",
         case_page("case_intake", "move/start_assessment/"), lambda w: {"note": "사정 시작"}),
    Page("cases/<int:case_pk>/team/", case_page("case_late", "team/"),
         lambda w: {"primary_manager": str(w.officer.pk), "assistant": str(w.supervisor.pk),
                    "partner_worker": "복지관 김", "note": "변경", **versioned(w.case_late)},
         user="supervisor"),
    Page("cases/<int:case_pk>/handover/", case_page("case_late", "handover/"),
         lambda w: {"mode": "shared", "gu_manager": str(w.gu_staff.pk), "note": "통합사례"},
         user="supervisor"),
    Page("cases/<int:case_pk>/handover/return/", case_page("case_late", "handover/return/"),
         lambda w: {"note": "복귀"}, user="supervisor"),
    Page("cases/rotation/", lambda w: "/cases/rotation/", rotation_form, user="supervisor"),
    Page("deadlines/", lambda w: "/deadlines/",
         lambda w: {"assessment_days": "12", "selection_days": "5", "plan_days": "15",
                    "intake_to_plan_days": "30", "follow_up_interval_days": "30",
                    "referral_answer_days": "7", "discovery_investigation_days": "14",
                    "follow_up_period_days": "90", "loaded_version": "1"}, user="gu_staff"),
    Page("cases/<int:case_pk>/assessments/<int:number>/",
         lambda w: f"/cases/{w.case_assessment.pk}/assessments/{w.assessment.number}/",
         assessment, extras=lambda w: {"complete": "1"}),
    Page("cases/<int:case_pk>/selection/", case_page("case_selection", "selection/"),
         lambda w: {"selected": "1", "case_type": "general", "decided_on": today(),
                    "note": "내부판정회의"}, user="supervisor"),
    Page("cases/<int:case_pk>/consents/new/", case_page("case_plan", "consents/new/"),
         lambda w: {"services_consent": "on", "sharing_consent": "on",
                    "shared_items": ["basic", "progress"], "providers": [str(w.provider.pk)],
                    "agencies": "광진구 보건소", "valid_from": today(), "method": "paper",
                    "witness_name": ""}),
    Page("cases/<int:case_pk>/consents/<int:consent_pk>/withdraw/",
         lambda w: f"/cases/{w.case_plan.pk}/consents/{w.consent.pk}/withdraw/",
         lambda w: {"withdrawn_on": today(), "note": "본인 요청"}),
    Page("cases/<int:case_pk>/plans/new/", case_page("case_planning", "plans/new/"),
         lambda w: {"short_term_goal": "위기 줄이기", "long_term_goal": "자립",
                    "loaded_version": ""}),
    Page("cases/<int:case_pk>/plans/<int:number>/edit/", plan_page("edit/"),
         lambda w: {"short_term_goal": "위기 줄이기", "long_term_goal": "자립",
                    **versioned(w.plan)}),
    Page("cases/<int:case_pk>/plans/<int:number>/goals/", plan_page("goals/"),
         lambda w: {"goal-domain": "health", "goal-goal_type": "environment", "goal-term": "short",
                    "goal-problem": "자주 아픔", "goal-demand": "", "goal-need": "건강",
                    "goal-purpose": "건강 회복", "goal-goal": "3개월 안에 본인의 병원 일수 30% 감소"},
         extras=lambda w: {"goal-keep_as_is": "on", "goal-seen_hints": "no_time_frame"},
         # the goal checks' hints shown before saving (cases.goal_checks): not a refusal
         quiet=lambda c: bool(getattr(c.get("goal_form"), "hints", None))),
    Page("cases/<int:case_pk>/plans/<int:number>/items/", plan_page("items/"),
         lambda w: {"item-goal": str(w.free_item.goal_id), "item-service_content": "반찬 지원",
                    "item-priority": "3", "item-period": "단기", "item-start_date": today(),
                    "item-end_date": today(90), "item-times_per_week": "1",
                    "item-resource": str(w.resource.pk), "item-provider": "",
                    "item-provider_name": "", "item-person_in_charge": "김담당",
                    "item-monitoring_method": "provider"},
         extras=lambda w: {"item-by_case_manager": "on"}),
    Page("cases/<int:case_pk>/plans/<int:number>/sign/", plan_page("sign/"),
         lambda w: {"sign-method": "paper", "sign-signed_on": today(), "sign-manager_signed": "on"}, examples=6),
    Page("cases/<int:case_pk>/plans/<int:number>/sign-on-screen/", plan_page("sign-on-screen/"),
         lambda w: {"signature": SIGNATURE, "manager_signature": SIGNATURE, "signed_on": today(), "confirmed": "on"},
         examples=6),
    Page("cases/<int:case_pk>/consents/<int:consent_pk>/sign-on-screen/",
         lambda w: f"/cases/{w.case_plan.pk}/consents/{w.consent.pk}/sign-on-screen/",
         lambda w: {"signature": SIGNATURE, "confirmed": "on"}, examples=6),
    Page("cases/<int:case_pk>/interventions/new/", case_page("case_late", "interventions/new/"),
         lambda w: {"kind": "home_visit", "date": today(), "plan_item": str(w.late_item.pk),
                    "duration_minutes": "30", "place": "자택", "participants": "본인",
                    "note": "가정방문"}),
    Page("cases/<int:case_pk>/monitoring/new/", case_page("case_late", "monitoring/new/"),
         lambda w: {"plan_item": str(w.late_item.pk), "date": today(),
                    "method": "regular_contact", "findings": "계획대로",
                    "client_change": "밝아짐", "item_status": "achieved"},
         extras=lambda w: {"scale_name": "우울 척도(CES-D)", "scale_score": "18",
                           "scale_max": "60"}),
    Page("cases/<int:case_pk>/monitoring/new/", case_page("case_late", "monitoring/new/"),
         lambda w: {"plan_item": "", "date": today(), "method": "formal",
                    "findings": "척도 측정", "client_change": "", "item_status": "",
                    "scale_name": "우울 척도(CES-D)", "scale_score": "18.5", "scale_max": "60"}),
    Page("cases/<int:case_pk>/supervisions/new/", case_page("case_late", "supervisions/new/"),
         lambda w: {"date": today(), "kind": "advice", "discussed": "목표 점검",
                    "advice": "척도 결과 공유", "action": "가정방문", "action_due": today(7)},
         user="supervisor"),
    Page("cases/<int:case_pk>/supervisions/<int:supervision_pk>/",
         lambda w: f"/cases/{w.case_late.pk}/supervisions/{w.supervision.pk}/",
         lambda w: {"date": today(), "kind": "mediation", "discussed": "기관 간 갈등",
                    "advice": "사례회의에서 역할 조정", "action": "안건 올리기", "action_due": "",
                    **versioned(w.supervision)},
         user="supervisor"),
    Page("cases/<int:case_pk>/evaluations/new/", case_page("case_late", "evaluations/new/"),
         evaluation),
    Page("cases/<int:case_pk>/closure/new/", case_page("case_late", "closure/new/"),
         lambda w: {"reason": "goal_achieved", "closed_on": today(), "summary": "목표 달성",
                    "follow_up_until": today(30), "follow_up_agreed": "on"}),
    Page("cases/<int:case_pk>/follow-ups/new/", case_page("case_late", "follow-ups/new/"),
         lambda w: {"date": today(), "method": "regular_contact", "findings": "유지됨",
                    "needs_reintervention": ""}),
    # --- the registry and referrals
    Page("resources/new/", lambda w: "/resources/new/", resource_form),
    Page("resources/<int:pk>/edit/", lambda w: f"/resources/{w.resource.pk}/edit/",
         lambda w: {**resource_form(w), **versioned(w.resource)}),
    Page("resources/providers/new/", lambda w: "/resources/providers/new/", provider_form),
    Page("resources/providers/<int:pk>/edit/",
         lambda w: f"/resources/providers/{w.provider.pk}/edit/",
         lambda w: {**provider_form(w), **versioned(w.provider)}),
    Page("resources/development/new/", lambda w: "/resources/development/new/",
         lambda w: {"resource": str(w.resource.pk), "developed_on": today(),
                    "method": "new_volunteer", "developed_by": str(w.officer.pk),
                    "note": "봉사자 2명"},
         extras=lambda w: {"next": "resource"}),
    Page("resources/development/<int:pk>/edit/",
         lambda w: f"/resources/development/{w.development.pk}/edit/",
         lambda w: {"resource": str(w.resource.pk), "developed_on": today(-1),
                    "method": "partnership", "developed_by": str(w.officer.pk),
                    "note": "협약으로 고침", **versioned(w.development)},
         extras=lambda w: {"next": "resource"}),
    Page("resources/providers/<int:pk>/partners/new/",
         lambda w: f"/resources/providers/{w.provider.pk}/partners/new/",
         lambda w: {"username": "hong.gildong", "name": "홍길동", "phone": "010-1234-5678",
                    "email": "hong@example.org", "position": "사회복지사"},
         user="gu_staff", done=lambda c: "password" in c),  # the temporary password, once
    Page("resources/import/", lambda w: "/resources/import/",
         lambda w: {"file": Upload("registry.xlsx", workbook([["기관명", "구분"],
                                                              ["새기관", "민간"]]))},
         quiet=lambda c: c.get("report") is not None),
    Page("resources/referrals/<int:referral_pk>/status/",
         lambda w: f"/resources/referrals/{w.referral.pk}/status/",
         lambda w: {"status": "accepted", "on": today(), "decline_reason": "",
                    "note": "전화 수락"}),
    Page("resources/plan-items/<int:plan_item_pk>/refer/",
         lambda w: f"/resources/plan-items/{w.free_item.pk}/refer/",
         lambda w: {"shares_information": "on", "quantity": "1", "requested_on": today(),
                    "note": "공문 발송"},
         extras=lambda w: {"override_reason": "급함"}),
    # --- meetings
    Page("meetings/new/", lambda w: "/meetings/new/",
         lambda w: {"kind": "team_conference", "held_at": "2026-12-01T10:00",
                    "place": "회의실", "chair": str(w.supervisor.pk),
                    "officers": [str(w.officer.pk)]}),
    Page("meetings/<int:pk>/minutes/", lambda w: f"/meetings/{w.meeting.pk}/minutes/",
         lambda w: {"held_at": "2026-12-01T10:00", "place": "회의실", "minutes": "논의함",
                    **versioned(w.meeting)}),
    Page("meetings/<int:pk>/partners/", lambda w: f"/meetings/{w.meeting.pk}/partners/",
         lambda w: {"provider": str(w.provider.pk), "name": "박외부", "position": "팀장"}),
    Page("meetings/<int:pk>/agenda/", lambda w: f"/meetings/{w.meeting.pk}/agenda/",
         lambda w: {"case": str(w.case_plan.pk), "question": "approve_plan",
                    "partners": [str(w.partner.pk)]}),
    Page("meetings/<int:pk>/agenda/", lambda w: f"/meetings/{w.meeting.pk}/agenda/",
         lambda w: {"client": str(w.client.pk), "question": "emergency_support"},
         extras=lambda w: {"case": str(w.case_plan.pk), "partners": [str(w.partner.pk)]}),
    Page("meetings/<int:pk>/actions/new/", lambda w: f"/meetings/{w.meeting.pk}/actions/new/",
         lambda w: {"text": "자료 보완", "case": str(w.case_selection.pk),
                    "owner": str(w.officer.pk), "owner_name": "", "due_on": today(7)}),
    Page("meetings/<int:pk>/actions/<int:action_pk>/",
         lambda w: f"/meetings/{w.meeting.pk}/actions/{w.action.pk}/",
         lambda w: {"text": "자료 다시 보완", "case": "", "owner": "",
                    "owner_name": "이협력 (광진건강가정지원센터)", "due_on": today(10),
                    **versioned(w.action)}),
    Page("meetings/<int:pk>/items/<int:item_pk>/decide/",
         lambda w: f"/meetings/{w.meeting.pk}/items/{w.agenda_item.pk}/decide/",
         lambda w: {f"item-{w.agenda_item.pk}-outcome": "general",
                    f"item-{w.agenda_item.pk}-comments": "선정"}, user="supervisor"),
    # --- a partner agency's pages (signed in with both factors)
    Page("partner/referrals/<int:pk>/answer/",
         lambda w: f"/partner/referrals/{w.partner_referral.pk}/answer/",
         lambda w: {"answer": "decline", "reason": "정원이 찼습니다"}, user="partner"),
    Page("partner/referrals/<int:pk>/report/",
         lambda w: f"/partner/referrals/{w.partner_referral.pk}/report/",
         lambda w: {"reported_on": today(), "started_on": today(), "sessions": "2",
                    "items_delivered": "쌀 10kg", "attendance": "most",
                    "client_change": "표정이 밝아짐", "ended_on": today(),
                    "end_reason": "목표 회기 완료"}, user="partner"),
    Page("partner/referrals/<int:pk>/documents/",
         lambda w: f"/partner/referrals/{w.partner_referral.pk}/documents/",
         lambda w: {"title": "출석부", "file": Upload("출석부.pdf", PDF)}, user="partner"),
    # --- access records, signing in
    Page("access-records/export/", lambda w: "/access-records/export/",
         lambda w: {"purpose": "other", "reason": "월간 점검 자료"}, user="gu_staff"),
    Page("access-records/reviews/", lambda w: "/access-records/reviews/",
         lambda w: {"period": "2026-10", "findings": "이상 없음"}, user="gu_staff"),
    Page("accounts/password/", lambda w: "/accounts/password/",
         lambda w: {"old_password": "a-long-test-password", "new_password1": "new-river-stone-42",
                    "new_password2": "new-river-stone-42"}),
    Page("accounts/login/", lambda w: "/accounts/login/",
         lambda w: {"username": "neung.officer", "password": "a-long-test-password"},
         user="anonymous"),
    Page("accounts/two-factor/", lambda w: "/accounts/two-factor/",
         lambda w: {"code": totp_code(w.partner_device)}, extras=lambda w: {"next": "/partner/"},
         user="partner_signing_in"),
    Page("accounts/two-factor/setup/", lambda w: "/accounts/two-factor/setup/",
         lambda w: {"code": totp_code(w.pending_device)}, extras=lambda w: {"next": "/"},
         done=lambda c: "codes" in c),  # the recovery codes, once
]  # fmt: skip

# Posts without a form: a button. They get hostile extra fields; the same checks hold.
BUTTONS = [
    Page("clients/<int:pk>/archive/", lambda w: f"/clients/{w.client.pk}/archive/",
         extras=lambda w: {"restore": "1"}),
    Page("cases/<int:case_pk>/assessments/new/", case_page("case_assessment", "assessments/new/")),
    Page("cases/<int:case_pk>/closure/approve/", case_page("case_late", "closure/approve/"),
         user="supervisor"),
    Page("resources/<int:pk>/archive/", lambda w: f"/resources/{w.resource.pk}/archive/"),
    Page("resources/<int:pk>/restore/", lambda w: f"/resources/{w.resource.pk}/restore/"),
    Page("resources/providers/<int:pk>/archive/",
         lambda w: f"/resources/providers/{w.provider.pk}/archive/"),
    Page("resources/providers/<int:pk>/restore/",
         lambda w: f"/resources/providers/{w.provider.pk}/restore/"),
    Page("meetings/queue/place/", lambda w: "/meetings/queue/place/",
         lambda w: {"case": str(w.case_plan.pk), "question": "approve_plan"}, user="supervisor"),
    Page("meetings/tasks/<int:task_pk>/done/", lambda w: f"/meetings/tasks/{w.task.pk}/done/"),
    Page("meetings/<int:pk>/finalise/", lambda w: f"/meetings/{w.meeting.pk}/finalise/",
         user="supervisor"),
    Page("meetings/<int:pk>/actions/<int:action_pk>/done/",
         lambda w: f"/meetings/{w.meeting.pk}/actions/{w.action.pk}/done/",
         extras=lambda w: {"back": "dashboard"}),
    Page("meetings/<int:pk>/actions/<int:action_pk>/cancel/",
         lambda w: f"/meetings/{w.meeting.pk}/actions/{w.action.pk}/cancel/",
         extras=lambda w: {"back": "dashboard"}),
    Page("i18n/setlang/", lambda w: "/i18n/setlang/", lambda w: {"language": "en", "next": "/"}),
    Page("accounts/logout/", lambda w: "/accounts/logout/", extras=lambda w: {"next": "/"}),
    Page("alerts/read/", lambda w: "/alerts/read/"),
    Page("cases/<int:case_pk>/monitoring/<int:pk>/confirm/",
         lambda w: f"/cases/{w.case_partner.pk}/monitoring/{w.report.pk}/confirm/"),
    Page("resources/partners/<int:pk>/active/",
         lambda w: f"/resources/partners/{w.colleague.pk}/active/", lambda w: {"active": "0"},
         user="gu_staff"),
    Page("resources/partners/<int:pk>/reset/",
         lambda w: f"/resources/partners/{w.colleague.pk}/reset/", lambda w: {"what": "password"},
         user="gu_staff", done=lambda c: "password" in c),
    Page("accounts/two-factor/settings/", lambda w: "/accounts/two-factor/settings/",
         lambda w: {"action": "codes"}, user="partner", done=lambda c: "codes" in c),
]  # fmt: skip
BUTTONS = [replace(p, examples=3, must_accept=False) for p in BUTTONS]


def _print(route, path, **more):
    return Page(route, path, lambda w: {"format": "html", **more},
                extras=download_reason, method="get", examples=3)  # fmt: skip


# Pages whose query string is a form (filters, a search, a download reason) or that read it.
QUERY_PAGES = [
    Page("search/", lambda w: "/search/", lambda w: {"q": "ㅎㅅ"}),
    Page("clients/", lambda w: "/clients/",
         lambda w: {"q": "한", "livelihood_status": "basic", "dong": str(w.officer.dong_id),
                    "sort": "-created", "archived": "on", "page": "1"}),
    Page("clients/new/", lambda w: "/clients/new/", lambda w: {"discovery": str(w.entry.pk)}),
    Page("clients/duplicates/", lambda w: "/clients/duplicates/",
         lambda w: {"name": "한순자", "birth_date": "1950-01-01"}),
    Page("clients/<int:pk>/intake/", lambda w: f"/clients/{w.client.pk}/intake/",
         lambda w: {"discovery": str(w.entry.pk)}),
    Page("discovery/", lambda w: "/discovery/",
         lambda w: {"q": "발굴", "result": "pending", "source": "tongjang", "overdue": "on",
                    "page": "1"}),
    Page("cases/", lambda w: "/cases/",
         lambda w: {"q": "능동", "stage": "planning", "manager": "me", "overdue": "monitoring",
                    "sort": "number", "page": "1"}),
    Page("cases/<int:case_pk>/plans/<int:number>/", plan_page(""),
         lambda w: {"goal": str(w.free_item.goal_id), "resource": str(w.resource.pk)}),
    Page("cases/<int:case_pk>/assessments/<int:number>/need-row/",
         lambda w: f"/cases/{w.case_assessment.pk}/assessments/{w.assessment.number}/need-row/",
         lambda w: {"needs-TOTAL_FORMS": "2"}),
    Page("cases/<int:case_pk>/interventions/new/", case_page("case_late", "interventions/new/"),
         lambda w: {"kind": "advocacy", "plan_item": str(w.late_item.pk)}),
    _print("cases/<int:case_pk>/monitoring/print/", case_page("case_late", "monitoring/print/"),
           **{"from": today(-30), "to": today()}),
    _print("cases/<int:case_pk>/plans/<int:number>/print/", plan_page("print/")),
    _print("cases/<int:case_pk>/consent/print/", case_page("case_plan", "consent/print/")),
    _print("cases/<int:case_pk>/intake/print/", case_page("case_late", "intake/print/")),
    _print("cases/<int:case_pk>/closure/print/", case_page("case_late", "closure/print/")),
    _print("print/blank/plan/", lambda w: "/print/blank/plan/"),
    _print("print/blank/consent/", lambda w: "/print/blank/consent/"),
    _print("meetings/<int:pk>/print/", lambda w: f"/meetings/{w.meeting.pk}/print/"),
    _print("meetings/<int:pk>/copy/<int:attendee_pk>/print/",
           lambda w: f"/meetings/{w.meeting.pk}/copy/{w.partner.pk}/print/"),
    Page("resources/", lambda w: "/resources/",
         lambda w: {"q": "반찬", "kind": "material", "need_domain": "daily_living",
                    "provider": str(w.provider.pk), "dong": str(w.officer.dong_id),
                    "sort": "capacity_left", "has_room": "on", "archived": "on", "page": "1"},
         extras=lambda w: {"export": "xlsx", "contacts": "on", **download_reason(w)}),
    Page("resources/providers/", lambda w: "/resources/providers/",
         lambda w: {"q": "나눔", "sector": "private", "kind": "welfare_centre",
                    "dong": str(w.officer.dong_id), "sort": "kind", "conferences": "on",
                    "archived": "on", "page": "1"}),
    Page("resources/providers/<int:pk>/", lambda w: f"/resources/providers/{w.provider.pk}/",
         lambda w: {"page": "1"}),
    Page("resources/development/", lambda w: "/resources/development/",
         lambda w: {"date_from": today(-30), "date_to": today(), "person": str(w.officer.pk),
                    "method": "new_volunteer", "page": "1"}),
    Page("resources/development/new/", lambda w: "/resources/development/new/",
         lambda w: {"resource": str(w.resource.pk)}),
    Page("resources/development/<int:pk>/edit/",
         lambda w: f"/resources/development/{w.development.pk}/edit/",
         lambda w: {"next": "resource"}),
    Page("resources/import/", lambda w: "/resources/import/", lambda w: {"download": "template"}),
    Page("resources/referrals/", lambda w: "/resources/referrals/",
         lambda w: {"status": "requested", "provider": str(w.provider.pk), "sort": "status",
                    "page": "1"}),
    Page("meetings/", lambda w: "/meetings/",
         lambda w: {"kind": "team_conference", "when": "upcoming", "page": "1"}),
    Page("alerts/", lambda w: "/alerts/", lambda w: {"unread": "1", "page": "1"}),
    Page("calendar/", lambda w: "/calendar/",
         lambda w: {"view": "week", "date": today(), "who": "team"}, user="supervisor"),
    Page("cases/<int:case_pk>/monitoring/new/", case_page("case_late", "monitoring/new/"),
         lambda w: {"item": str(w.late_item.pk)}),
    Page("statistics/", lambda w: "/statistics/",
         lambda w: {"from": today(-30), "to": today(), "dong": str(w.officer.dong_id)},
         user="gu_staff"),
    Page("statistics/export.xlsx", lambda w: "/statistics/export.xlsx",
         lambda w: {"from": today(-30), "to": today(), "dong": str(w.officer.dong_id)},
         user="gu_staff"),
    Page("access-records/permissions/", lambda w: "/access-records/permissions/",
         lambda w: {"page": "1"}, user="gu_staff"),
    Page("partner/", lambda w: "/partner/",
         lambda w: {"status": "requested", "sort": "oldest", "page": "1"}, user="partner"),
    Page("partner/meetings/", lambda w: "/partner/meetings/", lambda w: {"page": "1"},
         user="partner"),
    Page("resources/referrals/<int:referral_pk>/documents/<int:pk>/",
         lambda w: f"/resources/referrals/{w.partner_referral.pk}/documents/{w.document.pk}/",
         download_reason),
    Page("access-records/", lambda w: "/access-records/",
         lambda w: {"username": "neung", "action": "view", "client": str(w.client.pk),
                    "date_from": today(-7), "date_to": today(), "page": "1"}, user="gu_staff"),
]  # fmt: skip
QUERY_PAGES = [replace(p, method="get", examples=min(p.examples, 4)) for p in QUERY_PAGES]

# Addresses that read nothing from the request but their address (detail pages, lists without
# filters), and why they are left out.
NO_INPUT = {
    "": "the dashboard: no parameters",
    "alerts/<int:pk>/open/": "a button: reads nothing but its address; tests/test_alerts.py",
    "team/": "the team leader's view: no parameters",
    "accounts/password/done/": "a confirmation: no parameters",
    "clients/<int:pk>/": "detail page",
    "clients/<int:pk>/history/": "change history page",
    "cases/<int:case_pk>/history/": "change history page",
    "cases/<int:case_pk>/": "detail page",
    "resources/<int:pk>/": "detail page",
    "resources/referrals/<int:referral_pk>/": "detail page",
    "meetings/queue/": "the team leader's queue: no parameters",
    "meetings/<int:pk>/": "detail page; its forms post to the addresses in PAGES",
    "meetings/<int:pk>/copy/<int:attendee_pk>/": "a partner's copy: no parameters",
    "resources/providers/<int:pk>/partners/": (
        "a provider's partner accounts: no parameters; its forms post to the addresses in PAGES "
        "and BUTTONS"
    ),
    "partner/referrals/<int:pk>/": (
        "a partner's referral page: no parameters; its forms post to the addresses in PAGES"
    ),
    "partner/meetings/<int:pk>/": "a partner's copy of a conference it attended: no parameters",
    "access-records/role-grants/": "the reviewers' list of role grants: only ?page, paginated",
    "access-records/role-grants/<int:pk>/": (
        "a decision button: reads only decision=approve (anything else rejects); "
        "tests/test_least_privilege.py"
    ),
}
EXEMPT_PREFIXES = ("admin/", "static/", "media/")


def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_address_is_fuzzed_or_says_why_not():
    listed = {p.route for p in PAGES + BUTTONS + QUERY_PAGES} | set(NO_INPUT)
    routes = {r for r in walk(get_resolver().url_patterns) if not r.startswith(EXEMPT_PREFIXES)}
    assert not routes - listed, (
        f"new addresses {sorted(routes - listed)}: put each in PAGES (a form), BUTTONS (a post "
        "without a form), QUERY_PAGES (reads its query string) or NO_INPUT (with the reason)"
    )
    assert not listed - routes, f"addresses that no longer exist: {sorted(listed - routes)}"


# --- checks ---------------------------------------------------------------------------------------

HANGUL = re.compile("[\uac00-\ud7a3]")
SKIPPED_TABLES = {"core_accessrecord", "core_accessrecordclient"}  # every request writes one


def app_tables():
    from django.apps import apps

    tables = []
    for label in ("core", "cases", "resources", "meetings"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.db_table not in SKIPPED_TABLES and not model._meta.proxy:
                tables.append((model._meta.db_table, model._meta.pk.column))
    return sorted(set(tables))


def snapshot():
    """Every row of the app (access records aside), read raw: {table: {pk: (columns, row)}}."""
    rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, pk in app_tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 -- our own table names
            columns = tuple(c[0] for c in cursor.description)
            at = columns.index(pk)
            rows[table] = {row[at]: (columns, tuple(_plain(v) for v in row)) for row in cursor}
    return rows


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def changes(before, after):
    """[(table, pk, what, {column: value})] for rows added, removed or changed."""
    found = []
    for table, rows in after.items():
        old = before.get(table, {})
        for pk, (columns, row) in rows.items():
            if pk not in old:
                found.append((table, pk, "added", dict(zip(columns, row, strict=True))))
            elif row != old[pk][1]:
                diff = {c: v for c, v, o in zip(columns, row, old[pk][1], strict=True) if v != o}
                found.append((table, pk, "changed", diff))
        found.extend((table, pk, "removed", {}) for pk in old if pk not in rows)
    return found


def short(value, limit=120):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"...({len(text)} chars)"


def posted_strings(payload):
    for value in payload.values():
        for item in value if isinstance(value, list) else [value]:
            yield item.name if isinstance(item, Upload) else str(item)


def _contexts(response):
    contexts = response.context
    if contexts is None:
        return []
    return list(contexts) if isinstance(contexts, ContextList) else [contexts]


def forms_in(response):
    """Every form and formset the page was rendered with (also inside lists of pairs)."""
    found, seen = [], set()

    def collect(value, depth=0):
        if id(value) in seen or depth > 3:
            return
        seen.add(id(value))
        if isinstance(value, forms.BaseForm | BaseFormSet):
            found.append(value)
            if isinstance(value, BaseFormSet) and value.is_bound:
                found.extend(value.forms)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item, depth + 1)

    for context in _contexts(response):
        for value in context.flatten().values():
            collect(value)
    return found


def context_dict(response):
    merged = {}
    for context in _contexts(response):
        merged.update(context.flatten())
    return merged


def error_messages(form):
    if not form.is_bound:
        return []
    if isinstance(form, BaseFormSet):
        return [str(m) for m in form.non_form_errors()]
    return [str(m) for errors in form.errors.values() for m in errors]


def is_korean(message, posted):
    """Korean in our own words: what the officer typed does not count."""
    for value in posted:
        if len(value) > 1:
            message = message.replace(value, "")
    return bool(HANGUL.search(message))


def browser_for(world, user):
    browser = Browser()
    if user == "partner":
        login_verified(browser, world.partner_user)
    elif user == "partner_signing_in":
        browser.force_login(world.partner_user)  # the second factor not yet given
    elif user != "anonymous":
        browser.force_login(getattr(world, user))
    return browser


def send(browser, page, path, payload):
    if page.method == "post":  # as a browser posts: never empty, whatever the fields
        payload = {"csrfmiddlewaretoken": "not-checked-in-tests", **payload}
    data = {
        name: SimpleUploadedFile(value.name, value.content) if isinstance(value, Upload) else value
        for name, value in payload.items()
    }
    return getattr(browser, page.method)(path, data)


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)  # a stream that fails half-way is a 500 too
    return response.content


def check_answer(page, path, payload, response, browser, before, *, follow=True):
    """The rules every answer keeps. Returns "refused", "accepted" or "quiet" (a re-rendered
    page that is not a refusal: the duplicate warning, an import report). ``follow``: open the
    page an accepted post redirects to (what was saved must show, escaped, without an error)."""
    where = f"{page.method.upper()} {path} {short(payload, 400)}"
    assert response.status_code < 500, f"server error: {where}"
    body = body_of(response)
    html = response.get("Content-Type", "").startswith("text/html")
    content = body.decode("utf-8", "replace") if html else ""
    posted = list(posted_strings(payload))
    for markup in MARKUP:
        if any(markup in value for value in posted):
            assert markup not in content, f"posted HTML shown unescaped: {where}"

    status = response.status_code
    messages = list(getattr(response.wsgi_request, "_messages", []))
    errors = [str(m) for m in messages if m.level_tag == "error"]
    if status in (403, 404, 405) or (status == 302 and errors):
        verdict = "refused"
        for message in errors:
            assert is_korean(message, posted), f"not in Korean: {message!r}: {where}"
    elif status == 200 and html and page.done(context_dict(response)):
        verdict = "accepted"
    elif status in (200, 400) and html:
        refused = [(f, m) for f in forms_in(response) if (m := error_messages(f))]
        if refused:
            verdict = "refused"
        elif page.method == "get":
            verdict = "accepted"
        else:
            assert page.quiet(context_dict(response)), f"re-rendered with no message: {where}"
            verdict = "quiet"
        for form, form_messages in refused:
            for message in form_messages:
                assert is_korean(message, posted), f"not in Korean: {message!r}: {where}"
                if page.method == "post":
                    assert escape(message) in content, (
                        f"error not shown ({type(form).__name__}): {short(message)}: {where}"
                    )
    else:
        verdict = "accepted"

    unchanged = verdict != "accepted" or page.method == "get"
    # An accepted post is read back for NUL only on SQLite, which would store it: PostgreSQL
    # refuses it itself (a server error, above).
    changed = changes(before, snapshot()) if unchanged or connection.vendor == "sqlite" else []
    if unchanged:
        assert not changed, f"{verdict} {page.method.upper()} changed records: {short(changed, 600)}: {where}"  # fmt: skip
    for table, pk, _what, row in changed:
        for column, value in row.items():
            assert "\x00" not in str(value), f"NUL saved in {table}#{pk}.{column}: {where}"

    if status == 302 and follow:
        location = response["Location"]
        if location.startswith("/"):
            shown = browser.get(location)
            assert shown.status_code < 500, f"the page after the post fails: {location}: {where}"
            text = body_of(shown).decode("utf-8", "replace")
            for markup in MARKUP:
                assert markup not in text, f"saved HTML shown unescaped on {location}: {where}"
    return verdict


def fuzz(page, world, failures):
    """The page's valid answer once (it must be accepted: else the fuzz never reaches the
    database), then ``page.examples`` hostile ones. Failures are collected, not raised."""
    path = page.path(world)
    valid = page.data(world)
    extras = page.extras(world)
    browser = browser_for(world, page.user)
    before = snapshot()

    def one(payload):
        with transaction.atomic():
            response = send(browser, page, path, payload)
            follow = payload != valid  # what the valid answer shows, the page tests check
            verdict = check_answer(page, path, payload, response, browser, before, follow=follow)
            transaction.set_rollback(True)
        return response, verdict

    @settings(
        max_examples=examples(page.examples),
        deadline=None,
        database=None,
        derandomize=not RANDOM_RUN,
        suppress_health_check=list(HealthCheck),
        # shrinking re-runs a failing page many times; the failure names its payload anyway
        phases=PHASES,
    )
    @given(payload=hostile_posts(valid, extras))
    @example(payload=all_fields({**valid, **extras}, WORST))
    @example(payload=all_fields({**valid, **extras}, MARKED))
    def run(payload):
        one(payload)

    try:
        response, verdict = one(valid)
        if verdict == "refused" and page.must_accept:
            told = [m for f in forms_in(response) for m in error_messages(f)]
            told += [str(m) for m in getattr(response.wsgi_request, "_messages", [])]
            raise AssertionError(f"the valid answer is refused ({response.status_code}): {told}")
        run()
    except Exception as exc:  # noqa: BLE001 -- collected, reported together below
        failures.append(f"{page.method.upper()} {page.route}: {type(exc).__name__}: {exc}")


def test_every_form_and_button_refuses_hostile_posts_cleanly(world):
    failures = []
    for page in PAGES + BUTTONS:
        fuzz(page, world, failures)
    assert not failures, "\n\n".join(failures)


def test_every_query_string_survives_hostile_values(world):
    failures = []
    for page in QUERY_PAGES:
        fuzz(page, world, failures)
    assert not failures, "\n\n".join(failures)


# --- NUL -----------------------------------------------------------------------------------------

NON_TEXT_FIELDS = (
    forms.ChoiceField,  # and typed, multiple and model choices: only a listed value passes
    forms.DateField,
    forms.DateTimeField,
    forms.IntegerField,  # and decimal, float
    forms.BooleanField,
    forms.FileField,
)


def all_form_classes():
    import importlib
    import inspect

    for module_name in (
        "casemgmt.core.forms",
        "cases.forms",
        "resources.forms",
        "meetings.forms",
        "casemgmt.partner.forms",
        "resources.partner_views",  # the partner account form
        "casemgmt.core.two_factor_views",  # the code forms
    ):
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


def test_every_text_field_of_every_form_refuses_nul():
    """PostgreSQL refuses NUL in text; Django's CharField refuses it first. A field of any other
    kind must be one that takes only listed or parsed values (or be reviewed and added here)."""
    unchecked = []
    for cls in all_form_classes():
        for name, form_field in cls.base_fields.items():
            if isinstance(form_field, forms.CharField):
                if not any(
                    isinstance(v, ProhibitNullCharactersValidator) for v in form_field.validators
                ):
                    unchecked.append(f"{cls.__name__}.{name}: a text field that takes NUL")
            elif not isinstance(form_field, NON_TEXT_FIELDS):
                unchecked.append(f"{cls.__name__}.{name}: {type(form_field).__name__}, unreviewed")
    assert not unchecked, "\n".join(unchecked)


def test_nul_in_any_posted_field_is_refused_or_never_saved(world):
    """On every page that is posted to: first every field of the valid answer with a NUL at
    once (each form field must refuse it, or clean it away), then each field that the view
    reads outside its form (hidden inputs, buttons) alone. No NUL reaches the database."""
    failures = []
    for page in PAGES + BUTTONS:
        path = page.path(world)
        valid, extras = page.data(world), page.extras(world)
        browser = browser_for(world, page.user)
        before = snapshot()
        form_fields = {n: v for n, v in valid.items() if not isinstance(v, Upload)}
        tries = [(sorted(form_fields), {**valid, **{n: poison(v) for n, v in form_fields.items()}})]
        tries += [([name], {**valid, name: poison(value)}) for name, value in extras.items()]
        for names, payload in tries:
            with transaction.atomic():
                try:
                    response = send(browser, page, path, payload)
                    check_answer(page, path, payload, response, browser, before)
                    for form in forms_in(response):
                        if isinstance(form, forms.BaseForm) and form.is_bound:
                            for name in form.fields:
                                if form.add_prefix(name) in names and name not in form.errors:
                                    cleaned = form.cleaned_data.get(name)
                                    assert "\x00" not in str(cleaned), f"{name} kept a NUL"
                except Exception as exc:  # noqa: BLE001 -- collected, reported together below
                    failures.append(f"{page.route} {names}: {type(exc).__name__}: {exc}")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def poison(value):
    return [f"{v}\x00" for v in value] if isinstance(value, list) else f"{value}\x00"


# --- the transition named in the address ---------------------------------------------------------


@pytest.mark.parametrize(
    "transition",
    ["delete", "save", "__init__", "refresh_from_db", "start_assessment\x00", "x" * 500, "🙂",
     "..", "%00", "select;drop", "close"],
)  # fmt: skip
def test_a_hostile_transition_name_is_refused_with_a_message(
    client, user_in_dong, supervisor, transition
):
    from urllib.parse import quote

    case = run_to(
        Stage.ASSESSMENT, officer=user_in_dong, supervisor=supervisor,
        client=ClientFactory(name="전이"), example=EXAMPLES["frequent_illness"],
    )  # fmt: skip
    client.force_login(user_in_dong)
    response = client.post(f"/cases/{case.pk}/move/{quote(transition, safe='')}/", {"note": "x"})
    assert response.status_code in (302, 404)
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT
    if response.status_code == 302:
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages and all(HANGUL.search(m) for m in messages)


def test_a_resident_number_in_other_digits_is_refused_with_a_message(client, user_in_dong):
    """Python's \\d takes a fullwidth ２ (a Korean keyboard's full-width mode) or an Arabic-Indic
    ٢: the 7th digit must still be refused with the format message, not fail on its century."""
    client.force_login(user_in_dong)
    person = registered_with_consent(  # a number is recorded only with its separate consent
        user_in_dong, name="신규대상", birth_date=datetime.date(1961, 5, 5), sex="F",
        address="능동로 3", livelihood_status="general",
    )  # fmt: skip
    for number in [
        "610505-٢345678",
        "610505-２345678",
        "６１０５０５-２３４５６７８",
        "610505-2345678\x00",
    ]:
        response = client.post(f"/clients/{person.pk}/edit/",
                               client_form(None, resident_number=number, **versioned(person)))  # fmt: skip
        assert response.status_code == 200, number
        errors = response.context["form"].errors.get("resident_number", [])
        assert errors and all(HANGUL.search(e) for e in errors), number
