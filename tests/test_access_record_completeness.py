"""접속기록 completeness: every page, change, print and export of client data writes exactly one
access record, naming whose data it was.

The walk opens every address of the app as the case manager of 구의제1동 on that dong's own
objects (the same objects the permission walk tries from outside), so a new page is checked
the day it is added.
"""

import pytest
from django.urls import get_resolver, reverse

from casemgmt.core.models import AccessAction, AccessRecord, AccessRecordClient

from .test_permission_walk import (  # noqa: F401  (fixtures used by name)
    EXEMPT_PREFIXES,
    fill,
    objects_of_other_dong,
    walk,
)

pytestmark = [pytest.mark.django_db, pytest.mark.walk]

# Arguments that name a client's data: a page with one of them is about somebody.
CLIENT_ARGUMENTS = (
    "<int:pk>",
    "<int:case_pk>",
    "<int:consent_pk>",
    "<int:member_pk>",
    "<int:entry_pk>",
    "<int:referral_pk>",
    "<int:plan_item_pk>",
)
# Pages with such an argument that hold no client's data.
NOT_ABOUT_A_CLIENT = (
    "resources/<int:pk>",
    "resources/providers/<int:pk>",
    "resources/development/<int:pk>",
)


def _about_a_client(route):
    return any(arg in route for arg in CLIENT_ARGUMENTS) and not route.startswith(
        NOT_ABOUT_A_CLIENT
    )


def test_every_page_of_client_data_writes_exactly_one_record(
    client,
    user_other_dong,
    objects_of_other_dong,  # noqa: F811
):
    """구의제1동's own officer on 구의제1동's own objects: each page that answers writes one
    record (a page about a client names them), never two."""
    client.force_login(user_other_dong)
    checked = 0
    for route, _pattern in walk(get_resolver().url_patterns):
        if route.startswith(EXEMPT_PREFIXES):
            continue
        path = fill(route, objects_of_other_dong)
        before = AccessRecord.objects.count()
        response = client.get(path, {"purpose": "audit"})
        if response.status_code != 200:
            continue  # a POST-only action, a redirect, or a page this role may not open
        new = list(AccessRecord.objects.order_by("id")[before:])
        if _about_a_client(route):
            assert len(new) == 1, (path, [(r.action, r.target) for r in new])
            record = new[0]
            assert record.user == user_other_dong
            names_someone = record.client_id is not None or record.shown.exists()
            assert names_someone or record.target.startswith("cases.discoveryentry:"), (
                path,
                record.target,
            )
            checked += 1
        else:
            assert len(new) <= 1, (path, [(r.action, r.target) for r in new])
    assert checked >= 25


def _one_new(before, **expected):
    new = list(AccessRecord.objects.order_by("id")[before:])
    assert len(new) == 1, [(r.action, r.target, r.path) for r in new]
    for name, value in expected.items():
        assert getattr(new[0], name) == value, (name, getattr(new[0], name), value)
    return new[0]


def test_each_change_writes_exactly_one_record_with_its_action(client, user_in_dong, supervisor):
    """Create, update, archive ("delete": nothing is ever removed), restore: one record each."""
    client.force_login(user_in_dong)
    data = {
        "name": "기록확인",
        "birth_date": "1961-06-07",
        "sex": "M",
        "address": "능동로 7",
        "livelihood_status": "general",
    }
    before = AccessRecord.objects.count()
    client.post(reverse("cases:client_create"), data)
    created = _one_new(before, action=AccessAction.CREATE)
    pk = created.client_id

    before = AccessRecord.objects.count()
    client.post(reverse("cases:client_update", args=[pk]), {**data, "loaded_version": 1})
    _one_new(before, action=AccessAction.UPDATE, client_id=pk)

    before = AccessRecord.objects.count()
    client.post(reverse("cases:client_archive", args=[pk]))
    _one_new(before, action=AccessAction.UPDATE, client_id=pk)

    before = AccessRecord.objects.count()
    client.post(reverse("cases:client_archive", args=[pk]), {"restore": "1"})
    _one_new(before, action=AccessAction.UPDATE, client_id=pk)

    before = AccessRecord.objects.count()
    client.post(
        reverse("cases:household_member_create", args=[pk]),
        {"name": "기록아들", "relation": "child", "lives_together": "on"},
    )
    _one_new(before, client_id=pk)


def test_a_refused_form_still_writes_one_record_of_the_attempt(client, user_in_dong):
    from .factories import ClientFactory, dong

    person = ClientFactory(dong=dong("능동"))
    client.force_login(user_in_dong)
    before = AccessRecord.objects.count()
    response = client.post(reverse("cases:client_update", args=[person.pk]), {"name": ""})
    assert response.status_code == 200
    _one_new(before, client_id=person.pk)


def test_a_list_and_an_export_write_one_record_naming_everyone_shown(client, user_in_dong):
    from .factories import ClientFactory, dong

    people = ClientFactory.create_batch(4, dong=dong("능동"))
    client.force_login(user_in_dong)
    before = AccessRecord.objects.count()
    client.get(reverse("cases:client_list"))
    record = _one_new(before, action=AccessAction.VIEW)
    assert set(
        AccessRecordClient.objects.filter(record=record).values_list("client_id", flat=True)
    ) == {p.pk for p in people}
