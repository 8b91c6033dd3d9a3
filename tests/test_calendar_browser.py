"""The calendar in Chromium: at tablet width the week of the demo case manager, one contact
followed by keyboard to its pre-filled form; on a phone the month is a list of days."""

import datetime
import os
import pathlib
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cases.models import PlanItem

from .clock import today
from .test_browser import log_in

pytestmark = [
    pytest.mark.browser,
    # Not serialized_rollback: after a transactional test without it, the flush has already put
    # back the role groups and restoring the serialized ones would collide (reference_data in
    # tests/conftest.py puts back what the flush removes).
    pytest.mark.django_db(transaction=True),
]

# CALENDAR_SCREENSHOTS=/some/dir: keep a picture of each width there (to look at, not compared).
SHOTS = os.environ.get("CALENDAR_SCREENSHOTS")


def serious_violations(page):
    results = Axe().run(page).response
    return [
        f"{v['id']} ({v['impact']}): " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def shoot(page, name):
    if SHOTS:
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(pathlib.Path(SHOTS) / name), full_page=True)


def test_the_demo_case_manager_follows_a_contact_of_her_week_by_keyboard(
    page,
    live_server,
    demo,  # noqa: F811
):
    page.set_viewport_size({"width": 768, "height": 1024})
    log_in(page, live_server, "neung.cm")
    page.locator('#mainnav a[href="/calendar/"]').click()  # the menu item
    page.locator('a[data-view="week"]').click()
    grid = page.locator("table.cal-week")
    expect(grid).to_be_visible()
    monday = today() - datetime.timedelta(days=today().weekday())
    assert grid.get_attribute("data-start") == monday.isoformat()
    expect(grid.locator(f'td[data-date="{today().isoformat()}"]')).to_have_attribute(
        "aria-current", "date"
    )
    # Her weekly items come round once in any week: this week has her contacts.
    contacts = grid.locator('[data-entry="contact"] a')
    expect(contacts.first).to_be_visible()
    assert contacts.count() >= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert serious_violations(page) == []
    shoot(page, "calendar-768.png")

    # From the "next week" link, Tab reaches the first entry of the week: follow it with Enter.
    page.locator('a[data-move="next"]').focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('[data-entry]')?.dataset.entry")
        if focused:
            break
    first = grid.locator("[data-entry] a").first
    assert page.evaluate("document.activeElement.getAttribute('href')") == first.get_attribute(
        "href"
    )
    # walk on to the first contact, if the week starts with another kind of entry
    while focused != "contact":
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('[data-entry]')?.dataset.entry")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    item = PlanItem.objects.get(pk=int(href.split("?item=")[1]))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="점검 기록", level=1)).to_be_visible()
    assert page.locator("#id_plan_item").input_value() == str(item.pk)
    assert page.locator("#id_method").input_value() == item.monitoring_method
    assert page.locator("#id_date").input_value() == today().isoformat()


def test_on_a_phone_the_month_is_a_list_of_days_without_sideways_scrolling(
    page,
    live_server,
    demo,  # noqa: F811
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "neung.cm")
    page.goto(f"{live_server.url}/calendar/")
    grid = page.locator("table.cal-month")
    expect(grid).to_be_visible()
    expect(grid.locator("thead")).to_be_hidden()  # the weekday is written beside each date
    expect(grid.locator('td[aria-current="date"] .cal-full')).to_be_visible()
    expect(grid.locator("[data-entry] a").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    shoot(page, "calendar-390.png")


def test_the_team_leader_switches_to_the_team_and_to_one_officer(
    page,
    live_server,
    demo,  # noqa: F811
):
    from casemgmt.core.models import User

    page.set_viewport_size({"width": 768, "height": 1024})
    log_in(page, live_server, "neung.sv")
    page.goto(f"{live_server.url}/calendar/")
    grid = page.locator("table.cal-month")
    expect(grid.locator("[data-case]")).to_have_count(0)  # she manages no case herself
    page.locator("#id_who").select_option("team")
    page.locator("#id_who").press("Tab")  # the form is sent from the keyboard
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]who=team(&|$)"))
    expect(grid.locator("[data-entry] a").first).to_be_visible()
    expect(grid.locator(".cal-manager").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert serious_violations(page) == []

    officer = User.objects.get(username="neung.cm")
    page.locator("#id_who").select_option(str(officer.pk))
    page.locator("form.cal-form button[type=submit]").click()
    expect(grid.locator("[data-entry] a").first).to_be_visible()
    expect(grid.locator(".cal-manager")).to_have_count(0)
    page.locator('a[data-move="next"]').click()
    assert f"who={officer.pk}" in page.url  # moving keeps whose calendar it is
