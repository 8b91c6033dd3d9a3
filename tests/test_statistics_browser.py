"""On a 768 px tablet, the statistics page draws its charts with Chart.js (no Content-Security-Policy
violation), each beside a table with the same numbers, without a serious accessibility problem;
the gu staff see the chart of every dong."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .test_accessibility_browser import _log_in, _violations
from .test_csp_browser import Watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = "statistics-intake-routes-chart"
ALL_DRAWN = """() => [...document.querySelectorAll('canvas[data-statistics-chart]')]
    .map((canvas) => Chart.getChart(canvas) !== undefined)"""
CHART_NUMBERS = "(id) => Chart.getChart(document.getElementById(id)).data.datasets[0].data"


def _numbers(table):
    return [int(cell) for cell in table.locator("tbody td").all_inner_texts()]


def test_at_768_px_the_charts_are_drawn_beside_their_tables(page, live_server, demo):  # noqa: F811
    page.set_default_timeout(10000)
    page.set_viewport_size({"width": 768, "height": 1024})
    watch = Watch(page)
    _log_in(page, live_server.url, "neung.cm")
    watch.visit(live_server.url + "/statistics/")

    canvas = page.locator(f"#{CHART}")
    expect(canvas).to_be_visible()
    assert canvas.get_attribute("role") == "img" and canvas.get_attribute("aria-label")
    assert page.evaluate("(id) => Chart.getChart(document.getElementById(id)) !== undefined", CHART)
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    drawn = page.evaluate(ALL_DRAWN)
    assert len(drawn) >= 8 and all(drawn)

    table = page.locator('table[data-statistics-table="intake_routes"]')
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_be_attached()
    assert page.evaluate(CHART_NUMBERS, CHART) == _numbers(table)
    # nothing runs off the side of the tablet
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 768
    assert watch.problems == []
    assert _violations(Axe(), page) == []


def test_the_gu_staff_see_every_dong_in_a_chart(page, live_server, demo):  # noqa: F811
    page.set_default_timeout(10000)
    page.set_viewport_size({"width": 768, "height": 1024})
    watch = Watch(page)
    _log_in(page, live_server.url, "gu.staff")
    watch.visit(live_server.url + "/statistics/")
    chart = "statistics-cases-by-dong-chart"
    expect(page.locator(f"#{chart}")).to_be_visible()
    labels = page.evaluate("(id) => Chart.getChart(document.getElementById(id)).data.labels", chart)
    assert {"능동", "구의제1동"} <= set(labels)
    rows = page.locator('table[data-statistics-table="cases_by_dong"] tbody th')
    assert rows.all_inner_texts() == labels
    page.get_by_label("동", exact=True).select_option(label="능동")
    page.locator("form[method=get] button[type=submit]").last.click()
    expect(page.locator(f"#{chart}")).to_have_count(0)  # one dong: no breakdown
    assert "능동" in page.locator("#statistics-scope").inner_text()
    assert watch.problems == []
    assert _violations(Axe(), page) == []
