"""Accessibility: axe-core (axe-playwright-python, offline) finds no serious or critical violation
on the main pages, on a 768 px tablet, logged in as the demo case manager and the gu staff."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD
from cases.models import Case, Client
from meetings.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def _violations(axe, page):
    results = axe.run(page).response
    return [
        f"{page.url}: {v['id']} ({v['impact']}): "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]


def _log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("계정").fill(username)
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("heading", name="대시보드", level=1)).to_be_visible()


def test_the_main_pages_have_no_serious_accessibility_violation(page, live_server, demo):  # noqa: F811
    page.set_default_timeout(10000)
    page.set_viewport_size({"width": 768, "height": 1024})
    axe, base, problems = Axe(), live_server.url, []

    page.goto(base + "/accounts/login/")
    problems += _violations(axe, page)
    _log_in(page, base, "neung.cm")
    client = Client.objects.filter(dong__name="능동").order_by("id").first()
    case = Case.objects.filter(dong__name="능동", plans__isnull=False).order_by("id").first()
    plan = case.plans.order_by("-number").first()
    meeting = Meeting.objects.filter(dong__name="능동").order_by("id").first()
    for path in [
        "/",
        "/clients/",
        f"/clients/{client.pk}/",
        "/clients/new/",
        "/cases/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/plans/{plan.number}/",
        "/discovery/",
        "/resources/",
        "/resources/referrals/",
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        "/accounts/password/",
    ]:
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        problems += _violations(axe, page)

    page.context.clear_cookies()
    _log_in(page, base, "gu.staff")
    for path in ["/", "/access-records/", "/access-records/role-grants/"]:
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        problems += _violations(axe, page)

    assert problems == []
