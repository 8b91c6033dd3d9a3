"""SECURITY: every cell of docs/permissions.md, checked as the user it names.

The table lists every URL name of the apps (cases, resources, meetings, core, work) and of the
partner agencies' pages (partner): each page, form, action, export and printed form, with the
method it is tried with. A GET row is fetched; a POST row
is posted with the payload below (valid, so that a missing check would change something); a refused
POST (403/404/405) must leave every record as it was. A URL name that only has POST rows must answer
a GET with 405 for everyone. A URL name the table does not list fails
``test_the_matrix_lists_every_url_name``: a new URL comes with its row and its answers.

The PARTNER column is a partner agency's account (외부 협력기관) of 능동's provider, signed in with
its two factors: the fence (PartnerFenceMiddleware) answers 404 to it on every officer address,
whatever the method, before any view; on its own ``partner:`` pages it reads only the referrals
that share the client's information under a consent naming its agency.

The records (of 능동) are written once for the module; each cell runs in a savepoint that is rolled
back, so every cell starts from the same records whatever the cells before it did.
"""

import datetime
import pathlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from casemgmt.core.roles import Role
from casemgmt.core.services import propose_role

from .factories import UserFactory, dong, grant_special_consent, gu, login_verified
from .scope_world import PARTNER_PDF, build_dong_world, for_the_module, people

pytestmark = [pytest.mark.django_db, pytest.mark.walk]

MATRIX = pathlib.Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
COLUMNS = ["CM", "SV", "CM other", "GU", "ADMIN", "PARTNER"]
#: The apps (their URL namespaces; tests/test_scope_leaks.py reads their forms too).
APPS = ("cases", "resources", "meetings", "core", "work")
#: The URL namespaces the table covers: the apps' and the partner agencies' pages.
NAMESPACES = (*APPS, "partner")
#: The apps whose tables a refused POST must leave as they were (the partner pages keep their
#: records in resources and cases; the authenticators are django-otp's).
TABLE_APPS = ("cases", "resources", "meetings", "core", "work", "otp_totp", "otp_static")
REFUSED = {403, 404, 405}


def matrix_rows():
    text = MATRIX.read_text(encoding="utf-8")
    body = text.split("<!-- matrix -->")[1].split("<!-- /matrix -->")[0]
    rows = []
    for line in body.strip().splitlines()[2:]:
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 1 and not cells[0]:
            continue
        url, method, kind, *answers = cells
        rows.append((url, method, kind, dict(zip(COLUMNS, map(int, answers), strict=True))))
    return rows


ROWS = matrix_rows()


def _url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in NAMESPACES:
                yield f"{namespace}:{pattern.name}"

    return set(walk(get_resolver().url_patterns))


# --- the records, once for the module -----------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with for_the_module(django_db_blocker):
        users = people("m")
        objects, args = build_dong_world(
            officer=users["CM"], supervisor=users["SV"], gu_manager=users["GU"], prefix="능매"
        )
        # A role the administrator proposed, waiting for a gu-level reviewer (the second person).
        newcomer = UserFactory(username="m.newcomer", name="신규", dong=None, gu=None)
        newcomer.groups.clear()
        grant = propose_role(
            user=newcomer, role=Role.CASE_MANAGER, gu=gu(), dong=dong("능동"),
            note="인사발령", by=users["ADMIN"],
        )  # fmt: skip
        objects["role grant"], args["role grant"] = grant, [grant.pk]
        # The resident number page is for a client who consented to it (PIPA Art. 24).
        grant_special_consent(objects["client"], users["CM"])
        # The PARTNER column: the account of the dong's provider the world opened.
        users["PARTNER"] = objects["PARTNER"]
        yield SimpleNamespace(people=users, objects=objects, args=args)


@pytest.fixture(autouse=True)
def _no_weasyprint(monkeypatch):
    """Answers, not documents: a stand-in for the PDF renderer (the leak tests read real PDFs)."""
    monkeypatch.setattr("casemgmt.core.pdf.render_pdf", lambda template, context: b"%PDF-1.7\n")


# --- what each POST row sends -------------------------------------------------------------------


def _today():
    return timezone.localdate().isoformat()


def _later(days=30):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _client_fields(w, o):
    return {"name": "능새사람", "birth_date": "1961-03-04", "sex": "F", "phone": "010-4321-8765",
            "address": "능동로 9", "livelihood_status": "basic"}  # fmt: skip


def _resource_fields(w, o):
    return {"name": "능새 자원", "kind": "material", "subtype": "goods", "need_domain": "health",
            "description": "새 자원", "provider": w.objects["dong provider"].pk}  # fmt: skip


def _provider_fields(w, o):
    return {"name": "능새 기관", "sector": "private", "kind": "welfare_centre",
            "contact_person": "김연계", "phone": "02-450-1234", "address": "능동로 2"}  # fmt: skip


def _rotation(w):
    """Every open case of the world's case manager, to the team leader (인사이동)."""
    from cases.models import Case, Stage

    cases = Case.objects.filter(primary_manager=w.people["CM"], stage__in=Stage.open_stages())
    return {"from_officer": w.people["CM"].pk, "to_officer": w.people["SV"].pk,
            "effective_on": _today(), "reason": "인사발령", "case": [c.pk for c in cases]}  # fmt: skip


def _versioned(fields):
    """The fields, and the version of the row (``o``) the officer loaded."""
    return lambda w, o: {**fields(w, o), "loaded_version": o.version}


#: What each POST row sends, as ``payload(world, object of the row)``: enough for the change to
#: go through for a user who may make it (else nothing proves that a refusal refused anything).
#: Not listed: an empty POST (a button, or a form whose empty answer is the point).
PAYLOADS = {
    "cases:client_create": _client_fields,
    "cases:client_update": _versioned(_client_fields),
    "cases:client_resident_number": lambda w, o: {"reason": "가정방문 본인 확인"},
    "cases:intake_create": lambda w, o: {
        "intake_date": _today(),
        "route": "walk_in",
        "presenting_problem": "생활고",
        "urgency": "normal",
        "disposition": "information",
    },  # fmt: skip
    "cases:household_member_create": lambda w, o: {"name": "능새가족", "relation": "spouse"},
    "cases:household_member_update": _versioned(
        lambda w, o: {"name": "능새가족", "relation": "spouse", "lives_together": "on"}
    ),
    "cases:discovery_create": lambda w, o: {
        "source": "tongjang",
        "name": "능새발굴",
        "address": "능동로 3",
        "received_on": _today(),
        "due_on": _later(),
    },  # fmt: skip
    "cases:discovery_detail": _versioned(
        lambda w, o: {
            "investigated_on": _today(),
            "investigation_method": "call",
            "result": "no_need",
        }  # fmt: skip
    ),
    "cases:case_team": _versioned(
        lambda w, o: {
            "primary_manager": o.primary_manager_id,
            "assistant": w.people["SV"].pk,
            "partner_worker": "복지관 김사회",
            "note": "보조 지정",
        }  # fmt: skip
    ),
    "cases:case_handover": lambda w, o: {
        "mode": "shared",
        "gu_manager": w.people["GU"].pk,
        "note": "구 통합사례관리",
    },
    "cases:case_return": lambda w, o: {"note": "동으로"},
    "cases:case_move": lambda w, o: {"note": "사정 시작"},
    "cases:assessment_edit": _versioned(
        lambda w, o: {
            "assessed_on": _today(),
            "functional_assessment": "일상생활 가능",
            "risk_level": "low",
            "needs-TOTAL_FORMS": "1",
            "needs-INITIAL_FORMS": "0",
            "needs-0-domain": "health",
            "needs-0-priority": "1",
            "needs-0-current_state": "아픔",
            "needs-0-desired_state": "회복",
        }  # fmt: skip
    ),
    "cases:selection_decide": lambda w, o: {
        "selected": "1",
        "case_type": "general",
        "decided_on": _today(),
    },
    "cases:consent_create": lambda w, o: {
        "services_consent": "on",
        "valid_from": _today(),
        "method": "paper",
    },
    "cases:consent_withdraw": lambda w, o: {"withdrawn_on": _today(), "note": "본인 요청"},
    "cases:plan_create": lambda w, o: {"short_term_goal": "단기", "long_term_goal": "장기"},
    "cases:plan_update": _versioned(
        lambda w, o: {"short_term_goal": "새 단기", "long_term_goal": "새 장기"}
    ),
    "cases:plan_goal_add": lambda w, o: {
        "goal-domain": "daily_living",
        "goal-problem": "식사를 자주 거름",
        "goal-need": "규칙적인 식사의 욕구",
        "goal-purpose": "균형 잡힌 식사",
        "goal-goal": "3개월 안에 본인이 하루 두 끼 이상 식사한다",  # no hint of the goal checks
    },  # fmt: skip
    "cases:plan_item_add": lambda w, o: {
        "item-goal": w.objects["plan item"].goal_id,
        "item-service_content": "가정방문",
        "item-priority": "2",
        "item-start_date": _today(),
        "item-end_date": _later(90),
        "item-times_per_week": "1",
        "item-provider": w.objects["dong provider"].pk,
        "item-monitoring_method": "regular_contact",
    },  # fmt: skip
    "cases:plan_sign": lambda w, o: {
        "sign-method": "paper",
        "sign-signed_on": _today(),
        "sign-manager_signed": "on",
    },
    "cases:intervention_create": lambda w, o: {
        "kind": "home_visit",
        "date": _today(),
        "note": "가정방문",
    },
    "cases:monitoring_create": lambda w, o: {
        "plan_item": w.objects["plan item"].pk,
        "date": _today(),
        "method": "regular_contact",
        "findings": "제공됨",
    },  # fmt: skip
    "cases:closure_create": lambda w, o: {
        "reason": "goal_achieved",
        "closed_on": _today(),
        "summary": "목표 달성",
    },
    "cases:follow_up_create": lambda w, o: {
        "date": _today(),
        "method": "regular_contact",
        "findings": "유지",
    },
    "cases:supervision_create": lambda w, o: {
        "date": _today(),
        "kind": "education",
        "discussed": "욕구 사정",
        "advice": "강점도 적기",
        "action": "사정 보완",
    },
    "cases:supervision_detail": _versioned(
        lambda w, o: {
            "date": _today(),
            "kind": "mediation",
            "discussed": "제공기관과 갈등",
            "advice": "사례회의에서 역할 나누기",
            "action": "사례회의 안건 올리기",
            "action_due": _later(7),
        }  # fmt: skip
    ),
    "resources:resource_create": _resource_fields,
    "resources:resource_update": _versioned(
        lambda w, o: {**_resource_fields(w, o), "name": o.name}
    ),
    "resources:provider_create": _provider_fields,
    "resources:provider_update": _versioned(
        lambda w, o: {**_provider_fields(w, o), "name": o.name}
    ),
    "resources:development_create": lambda w, o: {
        "resource": w.objects["dong resource"].pk,
        "developed_on": _today(),
        "method": "new_volunteer",
        "developed_by": w.people["CM"].pk,
    },  # fmt: skip
    "resources:development_update": _versioned(
        lambda w, o: {
            "resource": o.resource_id,
            "developed_on": _today(),
            "method": "partnership",
            "developed_by": o.developed_by_id,
            "note": "협약으로 고침",
        }  # fmt: skip
    ),
    "resources:referral_change": lambda w, o: {"status": "accepted", "on": _today()},
    "resources:referral_create": lambda w, o: {"requested_on": _today()},
    "meetings:meeting_create": lambda w, o: {
        "kind": "internal_review",
        "held_at": f"{_later(3)}T10:00",
        "place": "상담실",
        "chair": w.people["SV"].pk,
    },  # fmt: skip
    "meetings:queue_place": lambda w, o: {"case": w.objects["case"].pk, "question": "consultation"},
    "meetings:meeting_minutes": _versioned(
        lambda w, o: {
            "held_at": timezone.localtime(o.held_at).strftime("%Y-%m-%dT%H:%M"),
            "place": "회의실",
            "minutes": "논의함",
        }  # fmt: skip
    ),
    "meetings:partner_add": lambda w, o: {
        "provider": w.objects["dong provider"].pk,
        "name": "새 협력자",
    },
    "meetings:agenda_add": lambda w, o: {
        "case": w.objects["assessing case"].pk,
        "question": "consultation",
    },
    "meetings:item_decide": lambda w, o: {f"item-{o.pk}-outcome": "other"},
    "meetings:action_add": lambda w, o: {
        "text": "자료 보완",
        "owner": w.people["CM"].pk,
        "due_on": _later(7),
    },
    "meetings:action_edit": _versioned(
        lambda w, o: {"text": "자료 다시 보완", "owner": w.people["SV"].pk, "due_on": _later(10)}
    ),
    "resources:partner_account_create": lambda w, o: {
        "username": "m.partner.new",
        "name": "홍협력",
        "phone": "02-450-5678",
        "email": "",
        "position": "사회복지사",
    },  # fmt: skip
    "resources:partner_account_active": lambda w, o: {"active": "0"},
    "resources:partner_account_reset": lambda w, o: {"what": "password"},
    "partner:referral_answer": lambda w, o: {"answer": "accept", "reason": ""},
    "partner:referral_report": lambda w, o: {
        "reported_on": _today(),
        "started_on": _today(),
        "sessions": "2",
        "items_delivered": "",
        "attendance": "all",
        "client_change": "표정이 밝아짐",
        "ended_on": "",
        "end_reason": "",
    },  # fmt: skip
    "partner:referral_document": lambda w, o: {
        "title": "출석부",
        "file": SimpleUploadedFile("출석부.pdf", PARTNER_PDF, content_type="application/pdf"),
    },
    "core:access_record_export": lambda w, o: {"reason": "월간 점검"},
    "core:access_review_create": lambda w, o: {"period": "2026-10", "findings": "이상 없음"},
    "core:role_grant_decide": lambda w, o: {"decision": "approve"},
    "cases:case_rotation": lambda w, o: _rotation(w),
    "cases:deadline_settings": lambda w, o: {
        "assessment_days": "12",
        "selection_days": "5",
        "plan_days": "15",
        "intake_to_plan_days": "30",
        "follow_up_interval_days": "30",
        "referral_answer_days": "7",
        "discovery_investigation_days": "14",
        "follow_up_period_days": "90",
        "loaded_version": "1",
    },  # fmt: skip
}

SKIPPED_TABLES = {"core_accessrecord", "core_accessrecordclient"}


def snapshot():
    """Every row of every table of the apps, but the access records (a refused request may
    still leave one). Plain SQL: the matrix takes one before and after every POST."""
    from django.db import connection

    tables = {
        model._meta.db_table
        for label in TABLE_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    } - SKIPPED_TABLES
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            state[table] = cursor.fetchall()
    return state


def _url(world, url, kind):
    name, _, query = url.partition("?")
    return reverse(name, args=world.args[kind]) + (f"?{query}" if query else "")


def sign_in(client, world, column):
    """As the user of ``column``: a partner agency's account with its second factor given."""
    if column == "PARTNER":
        login_verified(client, world.people[column])
    else:
        client.force_login(world.people[column])


def answer(client, world, column, url, method, kind):
    """One cell: (status, changed?) for the user of ``column``, rolled back afterwards."""
    sign_in(client, world, column)
    path = _url(world, url, kind)
    with transaction.atomic():
        if method == "GET":
            status, changed = client.get(path).status_code, False
        else:
            payload = PAYLOADS.get(url.partition("?")[0], lambda w, o: {})
            payload = payload(world, world.objects.get(kind))
            before = snapshot()
            status = client.post(path, payload).status_code
            changed = snapshot() != before
        transaction.set_rollback(True)
    return status, changed


# --- the tests ----------------------------------------------------------------------------------


def test_the_matrix_file_is_well_formed():
    assert len(ROWS) >= 100
    seen = set()
    for url, method, kind, expected in ROWS:
        assert re.fullmatch(r"[a-z]+:[a-z_]+(\?[a-z_=&]+)?", url), url
        assert method in ("GET", "POST"), url
        assert set(expected.values()) <= {200, 302, 400, 403, 404, 405}, url
        assert (url, method, kind) not in seen, f"{method} {url} ({kind}) is listed twice"
        seen.add((url, method, kind))


def test_the_matrix_lists_every_url_name():
    listed = {url.partition("?")[0] for url, _m, _k, _e in ROWS}
    missing = _url_names() - listed
    assert not missing, f"add these URL names to docs/permissions.md: {sorted(missing)}"
    assert not listed - _url_names(), "the matrix names URLs that do not exist"


def test_the_matrix_names_every_role():
    assert {Role.CASE_MANAGER, Role.SUPERVISOR, Role.GU_STAFF, Role.SYSADMIN, Role.PARTNER} <= set(
        Role.ALL
    )


def test_the_partner_is_fenced_out_of_every_officer_row():
    """PARTNER gets 404 on every officer address (GET and POST): the fence, before any view."""
    wrong = [
        (url, method, kind, expected["PARTNER"])
        for url, method, kind, expected in ROWS
        if not url.startswith("partner:") and expected["PARTNER"] != 404
    ]
    assert not wrong, wrong


def test_the_officers_get_404_on_every_partner_row():
    """An officer's account reaches nothing of a partner's pages, whatever the record."""
    wrong = [
        (url, method, kind, column, status)
        for url, method, kind, expected in ROWS
        if url.startswith("partner:")
        for column, status in expected.items()
        if column != "PARTNER" and status != 404
    ]
    assert not wrong, wrong


# (Not "page": that name is Playwright's browser-page fixture.)
@pytest.mark.parametrize(
    ("url", "method", "kind", "expected"),
    ROWS,
    ids=[f"{method} {url} {kind}" for url, method, kind, _e in ROWS],
)
def test_each_role_gets_exactly_the_matrix_answer(client, world, url, method, kind, expected):
    answers, changed = {}, []
    for column in COLUMNS:
        answers[column], did_change = answer(client, world, column, url, method, kind)
        if did_change and answers[column] in REFUSED:
            changed.append(column)
    assert answers == expected
    assert not changed, f"a refused POST changed records for {changed}"


#: The partner door's POST rows: each permitted answer must be seen to change records (a payload
#: that changed nothing would make every refusal of the row prove nothing).
PARTNER_DOOR_POSTS = [
    row
    for row in ROWS
    if row[1] == "POST"
    and (
        row[0].startswith("partner:")
        or row[0].startswith("resources:partner_account")
        or row[0] == "cases:monitoring_confirm"
    )
]


@pytest.mark.parametrize(
    ("url", "method", "kind", "expected"),
    PARTNER_DOOR_POSTS,
    ids=[f"{method} {url} {kind}" for url, method, kind, _e in PARTNER_DOOR_POSTS],
)
def test_a_permitted_post_of_the_partner_door_changes_records(
    client, world, url, method, kind, expected
):
    permitted = [column for column, status in expected.items() if status not in REFUSED]
    unchanged = [
        column for column in permitted if not answer(client, world, column, url, method, kind)[1]
    ]
    assert not unchanged, f"the payload changed nothing for {unchanged}"


POST_ONLY = sorted(
    {u for u, m, _k, _e in ROWS if m == "POST"} - {u for u, m, _k, _e in ROWS if m == "GET"}
)


def _fenced(column, url):
    """The partner's account on an officer's address: the fence answers 404 to any method."""
    return column == "PARTNER" and not url.startswith("partner:")


def test_a_post_only_address_refuses_a_get_for_everyone(client, world):
    """405 before anything is loaded, the same for every record; but PARTNER gets 404 on the
    officers' addresses (the fence answers first)."""
    kinds = {u: k for u, m, k, _e in ROWS if m == "POST"}
    assert any(u.startswith("partner:") for u in POST_ONLY)
    for column in COLUMNS:
        sign_in(client, world, column)
        for url in POST_ONLY:
            expected = 404 if _fenced(column, url) else 405
            assert client.get(_url(world, url, kinds[url])).status_code == expected, (column, url)


def test_a_new_officer_without_a_role_sees_nothing(client, world):
    nobody = UserFactory(username="no.role", dong=dong("능동"))
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(reverse("cases:client_detail", args=world.args["client"])).status_code == 404


_POSTED = {u.partition("?")[0] for u, m, _k, _e in ROWS if m == "POST"}
GET_ONLY = sorted(u for u, m, _k, _e in ROWS if m == "GET" and u.partition("?")[0] not in _POSTED)


def test_a_page_that_only_shows_refuses_a_post_for_everyone(client, world):
    kinds = {u: k for u, m, k, _e in ROWS if m == "GET"}
    assert len(GET_ONLY) > 30
    for column in ("CM", "GU", "PARTNER"):
        sign_in(client, world, column)
        for url in GET_ONLY:
            with transaction.atomic():
                response = client.post(_url(world, url, kinds[url]), {})
                transaction.set_rollback(True)
            if _fenced(column, url):
                assert response.status_code == 404, (column, url)
                continue
            assert response.status_code == 405, (column, url)
            assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}, url


@pytest.mark.parametrize("column", ["CM", "PARTNER"])
@pytest.mark.parametrize("method", ["delete", "put", "patch", "options"])
def test_no_address_answers_a_method_it_does_not_serve(client, world, method, column):
    """DELETE /clients/3/ used to answer 200 with the page: every view names its methods (and
    the fence answers PARTNER 404 on the officers' addresses first)."""
    sign_in(client, world, column)
    for url, _m, kind, _e in ROWS:
        with transaction.atomic():
            response = getattr(client, method)(_url(world, url, kind))
            transaction.set_rollback(True)
        expected = 404 if _fenced(column, url) else 405
        assert response.status_code == expected, (method, url)
