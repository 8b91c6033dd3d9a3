"""Every list, dashboard, calendar, statistics and search page costs the same number of queries
with one dong's worth of records as with three times as many, for a case manager, a team leader
and the gu staff (issue 15: no query per row, whatever the history; the times are in bench/)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .scope_world import build_dong_world, for_the_module, people

pytestmark = [pytest.mark.django_db, pytest.mark.walk]

PAGES = [
    ("work:dashboard", {}),
    ("work:calendar", {}),
    ("work:alerts", {}),
    ("work:team", {}),
    ("work:statistics", {}),
    ("cases:client_list", {}),
    ("cases:client_list", {"q": "표본", "sort": "-created"}),
    ("cases:case_list", {}),
    ("cases:case_list", {"overdue": "monitoring"}),
    ("cases:case_list", {"overdue": "any", "sort": "due"}),
    ("cases:case_list", {"q": "ㄱㅎ"}),
    ("cases:case_rotation", {}),
    ("cases:discovery_list", {}),
    ("cases:search", {"q": "계획"}),
    ("cases:search", {"q": "ㅍㅂ"}),
    ("meetings:meeting_list", {}),
    ("meetings:review_queue", {}),
    ("resources:resource_list", {}),
    ("resources:provider_list", {}),
    ("resources:development_list", {}),
    ("resources:referral_list", {}),
    ("core:access_records", {}),
    ("core:access_records", {"client": "first"}),
    ("core:permission_history", {}),
    ("core:role_grants", {}),
]
ROLES = ["CM", "SV", "GU"]


def _measure(users, first_client):
    """{(role, page, query): (status, number of queries)} for every page as every role."""
    found = {}
    for role in ROLES:
        browser = Client()
        browser.force_login(users[role])
        for name, query in PAGES:
            asked = {k: (first_client if v == "first" else v) for k, v in query.items()}
            browser.get(reverse(name), asked)  # the session's first reads happen once
            with CaptureQueriesContext(connection) as queries:
                response = browser.get(reverse(name), asked)
            found[(role, name, str(sorted(query.items())))] = (
                response.status_code,
                len(queries.captured_queries),
            )
    return found


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    with for_the_module(django_db_blocker):
        users = people("qc")
        roles = {"officer": users["CM"], "supervisor": users["SV"], "gu_manager": users["GU"]}
        objects, _args = build_dong_world(**roles, prefix="능")
        first = objects["client"].pk
        small = _measure(users, first)
        for prefix in ("능가", "능나"):
            build_dong_world(**roles, prefix=prefix)
        yield small, _measure(users, first)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "query"), PAGES, ids=lambda v: str(v))
def test_a_page_costs_the_same_queries_with_three_times_the_records(counts, role, name, query):
    small, large = counts
    key = (role, name, str(sorted(query.items())))
    assert large[key] == small[key], f"{role} {name} {query}: {small[key]} → {large[key]}"


def test_the_pages_measured_are_the_ones_each_role_may_open(counts):
    small, _large = counts
    opened = {(role, name) for (role, name, _q), (status, _n) in small.items() if status == 200}
    assert {("CM", "cases:case_list"), ("SV", "meetings:review_queue"), ("GU", "core:access_records"),
            ("GU", "work:statistics"), ("SV", "work:team")} <= opened  # fmt: skip
    assert len(opened) >= 45  # 13 pages for the case manager, 16 for the team leader and the gu
