"""SECURITY: every cell of docs/permissions.md, checked as the user it names."""

import datetime
import pathlib
import re
import zoneinfo

import pytest
from django.urls import reverse

from casemgmt.core.roles import Role

from .factories import ClientFactory, UserFactory, dong

pytestmark = pytest.mark.django_db

MATRIX = pathlib.Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
COLUMNS = ["CM", "SV", "CM other", "GU", "ADMIN"]


def matrix_rows():
    text = MATRIX.read_text(encoding="utf-8")
    body = text.split("<!-- matrix -->")[1].split("<!-- /matrix -->")[0]
    rows = []
    for line in body.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(
            (cells[0], cells[1], dict(zip(COLUMNS, (int(c) for c in cells[2:]), strict=True)))
        )
    return rows


ROWS = matrix_rows()


@pytest.fixture
def people(user_in_dong, supervisor, user_other_dong, gu_staff, sysadmin):
    return {
        "CM": user_in_dong,
        "SV": supervisor,
        "CM other": user_other_dong,
        "GU": gu_staff,
        "ADMIN": sysadmin,
    }


@pytest.fixture
def objects(user_in_dong, supervisor):
    """One record of 능동 of each kind the matrix names, and the URL arguments that reach it."""
    from cases import services as case_services
    from meetings import services as meeting_services

    from .referral_helpers import case_in_planning, plan_with_item, refer
    from .resource_factories import ProviderFactory, ResourceFactory

    client_record = ClientFactory(dong=dong("능동"), name="표본당사자")
    provider = ProviderFactory(registering_dong=dong("능동"), name="능동나눔터")
    case = case_in_planning(user_in_dong, supervisor, name="표본사례")
    item = plan_with_item(case, user_in_dong, provider=provider)
    referral = refer(item, user_in_dong, shares_information=False)
    entry = case_services.add_discovery_entry(
        by=user_in_dong, source="tongjang", name="표본발굴", address="능동로 1",
        received_on=datetime.date(2026, 11, 1), due_on=datetime.date(2026, 11, 10),
    )  # fmt: skip
    meeting = meeting_services.create_meeting(
        by=user_in_dong, kind="team_conference", place="회의실", chair=supervisor,
        held_at=datetime.datetime(2026, 12, 1, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul")),
    )  # fmt: skip
    partner = meeting_services.add_attendee(
        meeting=meeting, by=user_in_dong, provider=provider, name="협력자"
    )
    return {
        "client": [client_record.pk],
        "case": [case.pk],
        "plan": [case.pk, item.plan.number],
        "discovery": [entry.pk],
        "dong resource": [ResourceFactory(registering_dong=dong("능동"), shared_gu_wide=False).pk],
        "referral": [referral.pk],
        "meeting": [meeting.pk],
        "partner copy": [meeting.pk, partner.pk],
        "-": [],
    }


def test_the_matrix_names_every_role():
    assert {Role.CASE_MANAGER, Role.SUPERVISOR, Role.GU_STAFF, Role.SYSADMIN} <= set(Role.ALL)
    assert len(ROWS) >= 20


# (Not "page": that name is Playwright's browser-page fixture.)
@pytest.mark.parametrize(
    ("url_name", "kind", "expected"), ROWS, ids=[name for name, _k, _e in ROWS]
)
def test_each_role_gets_exactly_the_matrix_answer(
    client, people, objects, url_name, kind, expected
):
    url = reverse(url_name, args=objects[kind])
    answers = {}
    for column, user in people.items():
        client.force_login(user)
        answers[column] = client.get(url).status_code
    assert answers == expected


def test_a_new_officer_without_a_role_sees_nothing(client, objects):
    nobody = UserFactory(username="no.role", dong=dong("능동"))
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(reverse("cases:client_detail", args=objects["client"])).status_code == 404


def test_the_matrix_file_is_well_formed():
    for url_name, _kind, expected in ROWS:
        assert re.fullmatch(r"[a-z]+:[a-z_]+", url_name)
        assert set(expected.values()) <= {200, 403, 404}
