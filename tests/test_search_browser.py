"""On a tablet, the top bar's search finds a demo client by the initial consonants of her name."""

import pytest
from playwright.sync_api import expect

from casemgmt.core.korean import initial_consonants
from cases.models import Client

from .test_accessibility_browser import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_top_bar_finds_a_demo_client_by_initial_consonants(page, live_server, demo):  # noqa: F811
    page.set_default_timeout(10000)
    page.set_viewport_size({"width": 768, "height": 1024})
    _log_in(page, live_server.url, "neung.cm")
    client = Client.objects.filter(dong__name="능동").order_by("id").first()
    page.get_by_role("searchbox", name="당사자·사례 찾기").fill(initial_consonants(client.name))
    page.get_by_role("search").get_by_role("button", name="검색").click()
    expect(page.get_by_role("heading", name="검색", level=1)).to_be_visible()
    page.get_by_role("link", name=client.name, exact=True).click()
    expect(page.get_by_role("heading", name=client.name)).to_be_visible()
