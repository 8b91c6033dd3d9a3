"""The Content-Security-Policy in a real browser: the main pages load in Debian's Chromium without
a single violation (an inline script, style or handler the policy blocks), and the scripts that
remain (Bootstrap, htmx, the signature pad) still work."""

import pytest
from playwright.sync_api import expect

from casemgmt.work.management.commands.seed_demo import DEMO_PASSWORD
from cases.models import Case, Client, Stage
from meetings.models import Meeting

from .pdf_helpers import with_reason

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page (Playwright injects it outside the page's policy) and keeps
# every violation the browser reports, with the directive and what was blocked.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


class Watch:
    """Console messages and page errors about the policy, over every page visited."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message):
        text = message.text
        if any(header in text for header in POLICY_WORDS):
            self.problems.append(f"{self.page.url}: console {message.type}: {text}")

    def visit(self, url):
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        self.check()

    def check(self):
        self.page.wait_for_load_state("networkidle")
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{self.page.url}: {violation}")


def test_the_main_pages_load_in_chromium_without_a_csp_violation(page, live_server, demo):
    page.set_default_timeout(10000)
    watch = Watch(page)
    base = live_server.url

    # login (anonymous), then the dashboard
    watch.visit(base + "/accounts/login/")
    page.get_by_label("계정").fill("neung.cm")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("heading", name="대시보드", level=1)).to_be_visible()
    watch.check()

    client = Client.objects.filter(dong__name="능동").order_by("id").first()
    case = Case.objects.filter(dong__name="능동", plans__isnull=False).order_by("id").first()
    plan = case.plans.order_by("-number").first()
    signing = (
        Case.objects.filter(dong__name="능동", consents__isnull=False)
        .filter(stage__in=[Stage.INTERVENTION, Stage.MONITORING, Stage.PLANNING])
        .order_by("id")
        .first()
    )
    consent = signing.consents.order_by("-valid_from", "-id").first()
    meeting = Meeting.objects.filter(dong__name="능동").order_by("id").first()

    pages = [
        "/",
        "/clients/",
        f"/clients/{client.pk}/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/plans/{plan.number}/",
        with_reason(f"/cases/{case.pk}/plans/{plan.number}/print/?format=html"),  # the preview
        "/resources/",
        f"/meetings/{meeting.pk}/",
    ]
    for path in pages:
        watch.visit(base + path)

    # the signing page: the pad (static/js/signature.js) draws and fills the hidden input
    watch.visit(base + f"/cases/{signing.pk}/consents/{consent.pk}/sign-on-screen/")
    pad = page.get_by_role("img", name="당사자 서명")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 160, box["y"] + 90, steps=8)
    page.mouse.move(box["x"] + 260, box["y"] + 50, steps=8)
    page.mouse.up()
    expect(page.get_by_text("서명했습니다.")).to_be_visible()
    assert page.locator("#id_signature").input_value().startswith("data:image/png;base64,")
    assert pad.evaluate("canvas => getComputedStyle(canvas).touchAction") == "none"
    watch.check()

    # Bootstrap's collapsing menu still opens on a phone (its script sets styles through the DOM)
    page.set_viewport_size({"width": 390, "height": 844})
    watch.visit(base + "/clients/")
    page.get_by_role("button", name="메뉴 열기").click()
    expect(page.get_by_role("link", name="당사자", exact=True)).to_be_visible()
    watch.check()

    assert watch.problems == []


def test_a_blocked_inline_script_would_be_caught(page, live_server, demo):
    """The watch itself works: an inline script is refused and reported."""
    watch = Watch(page)
    watch.visit(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.ran = true"; document.body.append(s); }"""
    )
    watch.check()
    assert page.evaluate("window.ran") is None
    assert any("script-src" in problem for problem in watch.problems)
