"""SECURITY: walk every URL pattern that exists as a user of 능동 against objects of 구의제1동,
and as a partner agency's account (the outside leak replay) against both dongs' objects.

A new URL with a new kind of argument fails this test until OBJECTS_OF_OTHER_DONG says which
object of the other dong to try; a new URL without arguments is checked for leaked names. A new
``partner:`` URL fails the partner's walk until PARTNER_PAGES or PARTNER_POSTS names it.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from .factories import dong, login_verified, partner_account
from .referral_helpers import case_in_planning, consent_for, plan_with_item, refer
from .resource_factories import ProviderFactory
from .scope_world import PARTNER_PDF, SEOUL, build_dong_world

pytestmark = [pytest.mark.django_db, pytest.mark.walk]

# Patterns open to everyone or to the admin site only (which needs is_staff and has no client data).
EXEMPT_PREFIXES = ("admin/", "accounts/login/", "accounts/logout/", "i18n/", "static/", "media/")


def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def fill(route, objects):
    """Turn 'clients/<int:pk>/edit/' into a concrete path with the other dong's object."""
    import re

    def replace(match):
        converter_and_name = match.group(1)
        name = converter_and_name.split(":")[-1]
        key = (route, name) if (route, name) in objects else name
        if key not in objects:
            raise AssertionError(f"{route}: say which object of another dong fills <{name}>")
        return str(objects[key])

    return "/" + re.sub(r"<([^>]+)>", replace, route)


def _returned_task_of(meeting_and_item):
    from meetings.models import Decision, ReturnedTask

    meeting, item, _partner = meeting_and_item
    decision = Decision.objects.create(item=item, outcome="other", decided_by=meeting.chair)
    return ReturnedTask.objects.create(
        decision=decision, case=item.case, assigned_to=item.case.primary_manager, text="보완"
    )


def _action_of(meeting_and_item):
    """An open action item of the other dong's meeting, its case manager in charge."""
    import datetime

    from meetings.models import ActionItem

    meeting, item, _partner = meeting_and_item
    return ActionItem.objects.create(
        meeting=meeting, case=item.case, owner=item.case.primary_manager, text="보완",
        due_on=meeting.held_on + datetime.timedelta(days=7),
    )  # fmt: skip


def _supervision_of(case, supervisor):
    from cases.supervision import record_supervision

    return record_supervision(
        case=case, by=supervisor, kind="advice", discussed="월세 체납", advice="긴급지원 검토",
        action="신청 안내",
    )  # fmt: skip


def _document_of(referral, by):
    """A document on ``referral`` as a partner agency would have sent it (written directly: this
    referral shares nothing, so no agency may send one through the services)."""
    from django.core.files.base import ContentFile

    from resources.models import ReferralDocument

    document = ReferralDocument(
        referral=referral, title="출석부", original_name="출석부.pdf",
        content_type="application/pdf", size=len(PARTNER_PDF),
        sha256=ReferralDocument.digest(PARTNER_PDF), token="0" * 32, uploaded_by=by,
    )  # fmt: skip
    document.file.save(document.token, ContentFile(PARTNER_PDF), save=False)
    document.save()
    return document


def _provider_report_on(referral):
    """A monitoring entry "through the provider" on ``referral``'s case, awaiting confirmation."""
    from cases.services import record_provider_monitoring

    case = referral.plan_item.plan.case
    return record_provider_monitoring(
        case=case, plan_item=referral.plan_item, provider=referral.provider,
        by=case.primary_manager, date=timezone.localdate(), findings="회기 2회",
    )  # fmt: skip


def _development_of(resource):
    """An entry of the development log of ``resource`` (자원개발), by an officer of its dong."""
    from casemgmt.core.roles import Role

    from .factories import UserFactory
    from .resource_factories import DevelopmentFactory

    officer = UserFactory(
        username="guui.developer", name="박개발", dong=resource.registering_dong,
        role=Role.CASE_MANAGER,
    )  # fmt: skip
    return DevelopmentFactory(resource=resource, developed_by=officer)


@pytest.fixture
def objects_of_other_dong(
    client_other_dong,
    meeting_of_other_dong,
    case_of_other_dong,
    resource_of_other_dong,
    provider_of_other_dong,
    provider_of_other_gu,
    referral_of_other_dong,
    supervisor_other_dong,
):
    other_account = partner_account(
        provider_of_other_dong, username="guui.partner", name="구협력"
    ).partner_account
    return {
        "pk": client_other_dong.pk,
        "case_pk": case_of_other_dong.pk,
        "number": 1,
        "consent_pk": case_of_other_dong.consents.get().pk,
        "transition": "start_assessment",
        ("meetings/<int:pk>/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/minutes/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/partners/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/agenda/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/items/<int:item_pk>/decide/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/finalise/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/copy/<int:attendee_pk>/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/print/", "pk"): meeting_of_other_dong[0].pk,
        ("meetings/<int:pk>/copy/<int:attendee_pk>/print/", "pk"): meeting_of_other_dong[0].pk,
        **{
            (f"meetings/<int:pk>/actions/{rest}", "pk"): meeting_of_other_dong[0].pk
            for rest in (
                "new/",
                "<int:action_pk>/",
                "<int:action_pk>/done/",
                "<int:action_pk>/cancel/",
            )
        },  # fmt: skip
        "action_pk": _action_of(meeting_of_other_dong).pk,
        "item_pk": meeting_of_other_dong[1].pk,
        "attendee_pk": meeting_of_other_dong[2].pk,
        "task_pk": _returned_task_of(meeting_of_other_dong).pk,
        "member_pk": case_of_other_dong.client.household.get().pk,
        "entry_pk": case_of_other_dong.client.intakes.get().discovery_id,
        # A resource 구의제1동 keeps to itself: 404 everywhere.
        ("resources/<int:pk>/", "pk"): resource_of_other_dong.pk,
        ("resources/<int:pk>/edit/", "pk"): resource_of_other_dong.pk,
        ("resources/<int:pk>/archive/", "pk"): resource_of_other_dong.pk,
        ("resources/<int:pk>/restore/", "pk"): resource_of_other_dong.pk,
        # ...and an entry of its development log.
        ("resources/development/<int:pk>/edit/", "pk"): _development_of(resource_of_other_dong).pk,
        # Providers are read gu-wide: another gu's is not found, another dong's is read-only.
        ("resources/providers/<int:pk>/", "pk"): provider_of_other_gu.pk,
        ("resources/providers/<int:pk>/edit/", "pk"): provider_of_other_dong.pk,
        ("resources/providers/<int:pk>/archive/", "pk"): provider_of_other_dong.pk,
        ("resources/providers/<int:pk>/restore/", "pk"): provider_of_other_dong.pk,
        # A referral and a plan item of a 구의제1동 case: 404 on every referral address.
        "referral_pk": referral_of_other_dong.pk,
        "plan_item_pk": referral_of_other_dong.plan_item_id,
        # The team leader's supervision on the 구의제1동 case.
        "supervision_pk": _supervision_of(case_of_other_dong, supervisor_other_dong).pk,
        # A provider's partner accounts: another gu's provider is not found; the accounts of
        # 구의제1동's provider are read gu-wide and changed only by its managers (403).
        ("resources/providers/<int:pk>/partners/", "pk"): provider_of_other_gu.pk,
        ("resources/providers/<int:pk>/partners/new/", "pk"): provider_of_other_dong.pk,
        **{
            (f"resources/partners/<int:pk>/{rest}", "pk"): other_account.pk
            for rest in ("active/", "reset/")
        },  # fmt: skip
        # A document and an agency's report on the 구의제1동 referral.
        ("resources/referrals/<int:referral_pk>/documents/<int:pk>/", "pk"): _document_of(
            referral_of_other_dong, supervisor_other_dong
        ).pk,
        ("cases/<int:case_pk>/monitoring/<int:pk>/confirm/", "case_pk"): (
            referral_of_other_dong.plan_item.plan.case_id
        ),
        ("cases/<int:case_pk>/monitoring/<int:pk>/confirm/", "pk"): _provider_report_on(
            referral_of_other_dong
        ).pk,
        # A partner's pages with 구의제1동's referral and meeting: an officer gets 404, and so
        # does a partner agency they are not addressed to.
        **{
            (f"partner/referrals/<int:pk>/{rest}", "pk"): referral_of_other_dong.pk
            for rest in ("", "answer/", "report/", "documents/")
        },  # fmt: skip
        ("partner/meetings/<int:pk>/", "pk"): meeting_of_other_dong[0].pk,
    }


def test_every_url_refuses_another_dongs_objects(
    client, user_in_dong, client_other_dong, objects_of_other_dong
):
    client.force_login(user_in_dong)
    checked = 0
    for route, _pattern in walk(get_resolver().url_patterns):
        if route.startswith(EXEMPT_PREFIXES):
            continue
        path = fill(route, objects_of_other_dong)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if "<" in route:
                # 405: a POST-only address refuses a GET before it loads anything, and a page
                # that only shows refuses a POST the same way.
                allowed = (403, 404, 405)
                assert response.status_code in allowed, (method, path, response.status_code)
            else:
                # 400: a form posted empty (the two-factor set-up page's code)
                assert response.status_code in (200, 302, 400, 403, 404, 405), (method, path)
                if not response.get("Content-Type", "").startswith("text/"):
                    continue  # a blank printed form or the statistics' Excel file: binary, and
                    # they hold no client data (tests/test_statistics.py reads the file)
                assert client_other_dong.name not in response.content.decode(), (method, path)
            checked += 1
    assert checked >= 60


# --- the outside leak replay: a partner agency's account ----------------------------------------

# Patterns the fence lets a partner's account reach besides its own pages: its account pages
# (password, two-factor). They show no client's data.
ACCOUNT_PREFIXES = ("accounts/",)
#: A partner's own pages, by URL name: those that show (GET) and those that act (POST only).
PARTNER_PAGES = {"home", "referral", "meetings", "meeting"}
PARTNER_POSTS = {"referral_answer", "referral_report", "referral_document"}


def _finalised_meeting(officer, supervisor, case, provider, *, attended):
    """A finalised conference of the case's dong with ``provider``'s person on the agenda for
    the case (present or not)."""
    from meetings import services
    from meetings.models import Outcome, Question

    today = timezone.localdate()
    meeting = services.create_meeting(
        by=officer, kind="integrated", place="회의실", chair=supervisor, minutes="논의함",
        held_at=datetime.datetime.combine(today, datetime.time(8), tzinfo=SEOUL),
    )  # fmt: skip
    attendee = services.add_attendee(
        meeting=meeting, by=officer, provider=provider, name="참석자", attended=attended
    )
    item = services.place_on_agenda(
        meeting=meeting, case=case, question=Question.CONSULTATION, by=officer,
        partners=[attendee],
    )  # fmt: skip
    services.decide(item=item, by=supervisor, outcome=Outcome.OTHER)
    return services.finalise_minutes(meeting=meeting, by=supervisor)


@pytest.fixture
def partner_world(user_in_dong, supervisor, gu_staff):
    """능동's records of every kind (tests/scope_world.py), a partner agency of 능동's provider
    with its own referral (the case, client, plan, consent, document, report and conference of
    it), and what must stay closed to it on its own pages: a referral of 능동 to another agency
    (shared with that agency under the client's consent), a referral to its own agency that
    shares nothing, and finalised conferences it did not attend (absent; another agency's)."""
    from casemgmt.core.models import User
    from cases import services as case_services
    from cases.supervision import record_supervision

    world, _args = build_dong_world(
        officer=user_in_dong, supervisor=supervisor, gu_manager=gu_staff, prefix="능"
    )
    provider, partner = world["dong provider"], world["PARTNER"]
    case = world["partner case"]
    member = case_services.add_household_member(
        client=case.client, by=user_in_dong, name="능협력가족", relation="child"
    )
    supervision = record_supervision(
        case=case, by=supervisor, kind="advice", discussed="연계 점검", advice="보고 확인",
        action="확인 전화",
    )  # fmt: skip

    another = ProviderFactory(registering_dong=dong("능동"), name="능동다른기관")
    partner_account(another, username="walk.another", name="남협력", by=gu_staff)
    elsewhere = case_in_planning(user_in_dong, supervisor, name="능타기관")
    consent_for(elsewhere, user_in_dong, another)
    to_another = refer(
        plan_with_item(elsewhere, user_in_dong, provider=another), user_in_dong,
        shares_information=True,
    )  # fmt: skip
    unshared = case_in_planning(user_in_dong, supervisor, name="능비공유")
    consent_for(unshared, user_in_dong, provider)  # consent given, but the referral shares nothing
    quiet = refer(
        plan_with_item(unshared, user_in_dong, provider=provider), user_in_dong,
        shares_information=False,
    )  # fmt: skip
    absent = _finalised_meeting(user_in_dong, supervisor, case, provider, attended=False)
    others = _finalised_meeting(user_in_dong, supervisor, elsewhere, another, attended=True)

    meeting = world["partner meeting"]
    referral = world["partner referral"]
    item = meeting.items.get()
    objects = {
        # the partner's own referral: its client, case, plan, consent and the records about it
        "pk": case.client_id,
        "case_pk": case.pk,
        "number": 1,
        "consent_pk": world["partner consent"].pk,
        "transition": "start_assessment",
        "member_pk": member.pk,
        "supervision_pk": supervision.pk,
        "referral_pk": referral.pk,
        "plan_item_pk": referral.plan_item_id,
        ("resources/referrals/<int:referral_pk>/documents/<int:pk>/", "pk"): (
            world["partner document"].pk
        ),
        ("cases/<int:case_pk>/monitoring/<int:pk>/confirm/", "pk"): world["partner report"].pk,
        # the conference it attended, its item and its own copy — through the officers' pages
        **{
            (route, "pk"): meeting.pk
            for route, _pattern in walk(get_resolver().url_patterns)
            if route.startswith("meetings/<int:pk>/")
        },
        "item_pk": item.pk,
        "attendee_pk": item.partners.get().pk,
        "action_pk": world["action item"].pk,
        "task_pk": world["task"].pk,
        "entry_pk": world["discovery"].pk,
        # the registry: 능동's resource, its development, the agency's own provider and account
        **{
            (route, "pk"): world["dong resource"].pk
            for route in (
                "resources/<int:pk>/",
                "resources/<int:pk>/edit/",
                "resources/<int:pk>/archive/",
                "resources/<int:pk>/restore/",
            )
        },  # fmt: skip
        ("resources/development/<int:pk>/edit/", "pk"): world["development"].pk,
        **{
            (route, "pk"): provider.pk
            for route, _pattern in walk(get_resolver().url_patterns)
            if route.startswith("resources/providers/<int:pk>/")
        },
        **{
            (f"resources/partners/<int:pk>/{rest}", "pk"): partner.partner_account.pk
            for rest in ("active/", "reset/")
        },  # fmt: skip
        ("alerts/<int:pk>/open/", "pk"): world["alert"].pk,
        ("access-records/role-grants/<int:pk>/", "pk"): case.client_id,
        # its own pages with what is not its own: another agency's referral, a referral that
        # shares nothing, conferences it did not attend
        **{
            (f"partner/referrals/<int:pk>/{rest}", "pk"): to_another.pk
            for rest in ("", "answer/", "report/", "documents/")
        },  # fmt: skip
        ("partner/meetings/<int:pk>/", "pk"): absent.pk,
    }
    also = {
        **{
            (f"partner/referrals/<int:pk>/{rest}", "pk"): quiet.pk
            for rest in ("", "answer/", "report/", "documents/")
        },  # fmt: skip
        ("partner/meetings/<int:pk>/", "pk"): others.pk,
    }
    assert User.objects.filter(pk=partner.pk, partner_account__provider=provider).exists()
    return partner, case.client, objects, also


def _partner_name(pattern):
    return pattern.name if pattern.lookup_str.startswith("casemgmt.partner.") else None


def test_a_partner_reaches_nothing_of_the_office_and_nothing_not_its_own(
    client, client_other_dong, objects_of_other_dong, partner_world
):
    """SECURITY, the outside leak replay: a partner agency's account (signed in with both
    factors) walks every URL pattern, once with 구의제1동's objects and twice with 능동's — the
    client, case, plan, consent, referral, document, report and conference of its own referral
    among them. Every officer address answers 404 to GET and to POST (the fence answers before
    any view: no 403 that confirms a record, no 405 that confirms an address) and shows no
    client's name. Its own pages with another dong's referral, another agency's referral, a
    referral that shares nothing, or a conference it did not attend answer 404 (405 to the
    wrong method, before anything is loaded). Its list pages and its account pages name no
    client but the one of its own referral."""
    from cases.models import Client

    partner, own_client, objects_of_own_dong, also = partner_world
    names = set(Client.objects.values_list("name", flat=True))
    assert {client_other_dong.name, own_client.name} <= names and len(names) > 10
    login_verified(client, partner)
    # The control: its own referral opens, with its client's name (so a 404 below is a refusal,
    # not a world the partner could not read anyway).
    own = client.get(reverse("partner:referral", args=[objects_of_own_dong["referral_pk"]]))
    assert own.status_code == 200 and own_client.name in own.content.decode()
    passes = [
        ("구의제1동", objects_of_other_dong),
        ("능동", objects_of_own_dong),
        ("능동 (a referral that shares nothing, another agency's conference)",
         {**objects_of_own_dong, **also}),
    ]  # fmt: skip
    checked, partner_names = 0, set()
    for label, objects in passes:
        for route, pattern in walk(get_resolver().url_patterns):
            if route.startswith(EXEMPT_PREFIXES):
                continue
            path = fill(route, objects)
            name = _partner_name(pattern)
            if name is not None:
                partner_names.add(name)
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                where = (label, method, path, response.status_code)
                if name is not None and "<" in route:
                    right = "post" if name in PARTNER_POSTS else "get"
                    assert response.status_code == (404 if method == right else 405), where
                elif name is not None or route.startswith(ACCOUNT_PREFIXES):
                    assert response.status_code in (200, 302, 400, 405), where
                else:
                    assert response.status_code == 404, where
                if response.get("Content-Type", "").startswith("text/"):
                    text = response.content.decode()
                    shown = {own_client.name} if response.status_code == 200 else set()
                    leaked = sorted(n for n in names - shown if n in text)
                    assert not leaked, (*where, leaked)
                checked += 1
    assert partner_names == PARTNER_PAGES | PARTNER_POSTS, (
        "say whether each partner page shows (PARTNER_PAGES) or acts (PARTNER_POSTS)"
    )
    assert checked >= 300
