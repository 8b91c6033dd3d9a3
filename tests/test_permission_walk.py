"""SECURITY: walk every URL pattern that exists as a user of 능동 against objects of 구의제1동.

A new URL with a new kind of argument fails this test until OBJECTS_OF_OTHER_DONG says which
object of the other dong to try; a new URL without arguments is checked for leaked names.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

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
                assert response.status_code in (200, 302, 403, 404, 405), (method, path)
                if not response.get("Content-Type", "").startswith("text/"):
                    continue  # a blank printed form or the statistics' Excel file: binary, and
                    # they hold no client data (tests/test_statistics.py reads the file)
                assert client_other_dong.name not in response.content.decode(), (method, path)
            checked += 1
    assert checked >= 60
