"""What a person reads on every page a demo user can reach and on every form they can print:
Korean particles chosen from the word, one Korean date style, and no internal identifiers
(issue 14, points 11, 12 and 14).

Each demo role walks the site from its dashboard (links only, GET, within the site) on the demo
data, and the visible text of every page — not attributes, not form values — is checked. Then the
case manager of 능동 prints every kind of form of the demo (a case or two per stage, the meetings'
minutes and partners' copies, the blank forms) and the text pdftotext reads is checked the same
way; only a blank form may keep "(는)", because no word is known there.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.core.models import User
from cases.models import Case, Stage
from meetings import services as meeting_services
from meetings.models import Meeting, Question
from resources.models import Provider

from .pdf_helpers import text as pdf_text
from .pdf_helpers import with_reason

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")
BRACKETED_PARTICLE = re.compile(r"\((은|는|이|가|을|를|과|와|으로|로)\)")
INTERNAL_ID = re.compile(r"\b[a-z_]+\.[a-z_]+:\d+")
# The official style writes 2026. 12. 2.: a zero-padded month or day is the other style.
PADDED_DATE = re.compile(r"\b\d{4}\. (0\d\. \d{1,2}|\d{1,2}\. 0\d)\.")
SKIP = ("/accounts/logout", "/admin", "/static", "/i18n")
DOWNLOADS = ("export", "print", ".xlsx", ".csv", "/signed/", "format=")
PAGE_LIMIT = 150
PER_SHAPE = 2


class VisibleText(HTMLParser):
    """The text a person sees, and the site's own links."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "option"):
            self._hidden += 1
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "option") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


CHECKS = (
    ("ISO date", ISO_DATE),
    ("bracketed particle", BRACKETED_PARTICLE),
    ("internal identifier", INTERNAL_ID),
    ("zero-padded date", PADDED_DATE),
)


def walk(username):
    """Breadth first from the dashboard; at most two pages of each shape (/cases/N/, …)."""
    browser = Client()
    browser.force_login(User.objects.get(username=username))
    seen, shapes, queue, problems = set(), {}, ["/"], []
    while queue and len(seen) < PAGE_LIMIT:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP) or any(d in path for d in DOWNLOADS):
            continue
        shape = re.sub(r"\d+", "N", path)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.add(path)
        response = browser.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = VisibleText()
        parser.feed(response.content.decode())
        text = " ".join(parser.text)
        for name, pattern in CHECKS:
            for found in pattern.finditer(text):
                context = text[max(0, found.start() - 30) : found.end() + 30]
                problems.append(f"{username} {path}: {name} {found.group()!r} in …{context}…")
        queue.extend(link for link in parser.links if link not in seen)
    return seen, problems


@pytest.mark.django_db(transaction=True)
def test_every_reachable_page_reads_as_a_korean_officer_writes(demo):
    problems = []
    for username in ("neung.cm", "neung.sv", "gu.staff"):
        seen, found = walk(username)
        assert len(seen) > 30, f"{username}: the walk reached too few pages to mean anything"
        problems += found
    assert not problems, "\n".join(problems[:40])


# --- printed forms ------------------------------------------------------------------------------
CASES_PER_STAGE = 1
# Rendering takes about half a second a form: each kind prints from at most six cases (taken in
# the order of the stages, so the early and the late forms of a kind both print), under 40 in all.
PER_KIND = 6
CASE_PRINTS = ("consent_print", "intake_print", "monitoring_print", "closure_print")
MEETINGS = 3
PARTNER_COPIES = 2
PRINT_KINDS = (
    "blank_plan_print",
    "blank_consent_print",
    "plan_print",
    *CASE_PRINTS,
    "minutes_print",
    "external_copy_print",
)


# "본인 ______은(는)": the word is a blank on the paper, to be written by hand.
AFTER_A_BLANK = re.compile(r"_\s*[가-힣]{0,2}\s*$")


def printed_text_problems(label, raw, *, blank=False):
    r"""What the checks of the pages find in text as pdftotext gives it. pdftotext breaks a line
    wherever the form wraps a cell, so each check reads the text twice: with every run of white
    space made one space ("2026. 12.\n02." → "2026. 12. 02."), and with the lines joined where
    they were broken ("(\n는)" → "(는)", "cases.\ncase:7" → "cases.case:7"). A blank form keeps
    "(는)" where the word is a blank to fill in ("______은(는)"), and only there."""
    spaced = " ".join(raw.split())
    joined = "".join(line.strip() for line in raw.splitlines())
    problems, seen = [], set()
    for name, pattern in CHECKS:
        for text in (spaced, joined):
            for found in pattern.finditer(text):
                if (
                    blank
                    and pattern is BRACKETED_PARTICLE
                    and AFTER_A_BLANK.search(text, 0, found.start())
                ):
                    continue
                key = (name, "".join(found.group().split()))
                if key in seen:
                    continue
                seen.add(key)
                context = text[max(0, found.start() - 30) : found.end() + 30]
                problems.append(f"{label}: {name} {found.group()!r} in …{context}…")
    return problems


@pytest.mark.parametrize(
    ("raw", "blank", "found"),
    [
        ("본인 홍길동은(는) 위 내용에 동의합니다.", False, "bracketed particle"),
        ("본인 홍길동은(\n는) 위 내용에", False, "bracketed particle"),
        ("새싹꿈 지역아동센터)이 (가)\n연계", False, "bracketed particle"),
        ("구청 통합사례관리팀과(와) 협의", False, "bracketed particle"),
        ("주민센터(으로) 방문", False, "bracketed particle"),
        ("작성일 2026-12-02 담당", True, "ISO date"),
        ("작성일 2026-12-\n02 담당", False, "ISO date"),
        ("서명일 2026. 12.\n02.", True, "zero-padded date"),
        ("서명일 2026. 02. 2.", False, "zero-padded date"),
        ("조회 · cases.\ncase:7", True, "internal identifier"),
        ("빈 서식에도 적힌 사례관리자은(는) 확인", True, "bracketed particle"),
    ],
)
def test_the_printed_form_checks_find_what_pdftotext_breaks_apart(raw, blank, found):
    assert [p for p in printed_text_problems("form", raw, blank=blank) if found in p]


@pytest.mark.parametrize(
    ("raw", "blank"),
    [
        ("본인 ______________은(는) ______년 ____월 ____일부터", True),
        ("본인 ________ 은(\n는) 위 내용에 동의합니다.  년 월 일", True),
        ("본인 홍길동은 위 내용에 동의합니다. 2026. 12. 2.", False),
        ("서명일 2026. 12. 2. 14:05 전화 010-1234-5678", False),
        ("관리번호 능동-2026-0012 (계획 버전 1)", False),
    ],
)
def test_the_printed_form_checks_let_correct_korean_through(raw, blank):
    assert printed_text_problems("form", raw, blank=blank) == []


def _pdf(browser, url):
    """The text of the printed form, None when there is nothing of that kind (404), or a problem."""
    response = browser.get(with_reason(url))
    if response.status_code == 404:
        return None, None  # nothing of that kind on this case (no plan yet, no closure …)
    if response.status_code != 200 or response.get("Content-Type") != "application/pdf":
        return None, f"answered {response.status_code} {response.get('Content-Type')}"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return pdf_text(data), None


def printable_forms():
    """(kind, label, url, blank) of the forms the demo's case manager of 능동 can print: a case of
    each stage with every plan version, the latest meetings' minutes and partners' copies, and
    the blank forms. Taken from the demo's records, so a new demo case is printed too."""
    forms = [
        ("blank_plan_print", "blank plan", reverse("cases:blank_plan_print"), True),
        ("blank_consent_print", "blank consent", reverse("cases:blank_consent_print"), True),
    ]
    per_stage, order = {}, list(Stage)
    cases = Case.objects.filter(dong__name="능동").prefetch_related("plans")
    for case in sorted(cases, key=lambda case: (order.index(case.stage), case.pk)):
        if per_stage.get(case.stage, 0) >= CASES_PER_STAGE:
            continue
        per_stage[case.stage] = per_stage.get(case.stage, 0) + 1
        label = f"{case.number} ({case.stage})"
        for plan in sorted(case.plans.all(), key=lambda plan: plan.number):
            url = reverse("cases:plan_print", args=[case.pk, plan.number])
            forms.append(("plan_print", f"{label} plan v{plan.number}", url, False))
        for kind in CASE_PRINTS:
            forms.append((kind, label, reverse(f"cases:{kind}", args=[case.pk]), False))
    meetings = Meeting.objects.filter(dong__name="능동").prefetch_related("attendees__provider")
    with_partners_first = sorted(
        meetings,
        key=lambda m: (not any(a.provider_id for a in m.attendees.all()), -m.held_at.timestamp()),
    )
    for meeting in with_partners_first[:MEETINGS]:
        label = f"meeting {meeting.held_at:%m/%d} {meeting.get_kind_display()}"
        url = reverse("meetings:minutes_print", args=[meeting.pk])
        forms.append(("minutes_print", label, url, False))
        partners = [a for a in meeting.attendees.all() if a.provider_id][:PARTNER_COPIES]
        for attendee in partners:
            url = reverse("meetings:external_copy_print", args=[meeting.pk, attendee.pk])
            forms.append(("external_copy_print", f"{label}, copy for {attendee}", url, False))
    return forms


def _partner_at_the_upcoming_conference(officer):
    """The demo seats no external partner at a meeting, so the partner's copy would never print:
    the officer adds one to the upcoming conference, as the meeting page does, with a case whose
    consent shares the client's information with that partner's agency (so the copy holds text)."""
    meeting = Meeting.objects.filter(dong_id=officer.dong_id, finalised_at__isnull=True).first()
    not_on_it = Case.objects.filter(dong_id=officer.dong_id).exclude(agenda_items__meeting=meeting)
    shared = [
        (case, consent.providers.first())
        for case in not_on_it.order_by("pk")
        for consent in case.consents.filter(sharing_consent=True).order_by("-pk")[:1]
        if consent.providers.exists()
    ]
    case, provider = shared[0] if shared else (None, Provider.objects.first())
    attendee = meeting_services.add_attendee(
        meeting=meeting, by=officer, provider=provider, name="이수진", position="팀장"
    )
    if case is not None:
        meeting_services.place_on_agenda(
            meeting=meeting, case=case, question=Question.CONSULTATION, by=officer,
            partners=[attendee],
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_every_printed_form_reads_as_a_korean_officer_writes(demo):
    officer = User.objects.get(username="neung.cm")
    _partner_at_the_upcoming_conference(officer)
    browser = Client()
    browser.force_login(officer)
    printed, problems = [], []
    for kind, label, url, blank in printable_forms():
        if printed.count(kind) >= PER_KIND:
            continue
        raw, refused = _pdf(browser, url)
        if refused:
            problems.append(f"{label} {url}: {refused}")
        if raw is not None:
            printed.append(kind)
            problems += printed_text_problems(f"{label} {url}", raw, blank=blank)
    missing = set(PRINT_KINDS) - set(printed)
    assert not missing, f"the demo printed no {sorted(missing)}: the check would mean little"
    assert not problems, "\n".join(problems[:60])
