"""Hardening: the Content-Security-Policy and the other security headers on every page, CSRF on
every form that posts, no inline script or style in the templates, no public media."""

import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casemgmt.core import pdf

pytestmark = pytest.mark.django_db

EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}

TEMPLATES_DIR = settings.BASE_DIR / "templates"


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def test_pages_carry_the_content_security_policy_for_anyone(client, user_in_dong):
    assert policy(client.get(reverse("login"))) == EXPECTED_POLICY
    client.force_login(user_in_dong)
    assert policy(client.get(reverse("work:dashboard"))) == EXPECTED_POLICY
    assert policy(client.get(reverse("cases:client_list"))) == EXPECTED_POLICY


def test_the_policy_allows_no_inline_script_or_style(client):
    header = client.get(reverse("login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert "nonce-" not in header


def test_the_secure_headers_are_sent_in_every_environment(client, user_in_dong):
    client.force_login(user_in_dong)
    for url in (reverse("login"), reverse("work:dashboard")):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        features = dict(
            part.strip().split("=", 1) for part in response["Permissions-Policy"].split(",")
        )
        assert features["camera"] == features["microphone"] == features["geolocation"] == "()"


def test_a_pdf_keeps_frame_ancestors_but_not_the_page_policy_that_would_block_the_viewer():
    from csp.middleware import CSPMiddleware

    request = RequestFactory().get("/cases/1/consent/print/")
    middleware = CSPMiddleware(lambda request: pdf.pdf_response(b"%PDF-1.7", "form.pdf"))
    response = middleware(request)
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"
    html = CSPMiddleware(lambda request: HttpResponse("<p>page</p>"))(request)
    assert policy(html) == EXPECTED_POLICY


def test_media_files_are_not_served_to_anyone(client, user_in_dong, sysadmin):
    assert not any(
        str(getattr(p, "pattern", "")).startswith(settings.MEDIA_URL.strip("/"))
        for p in get_resolver().url_patterns
    )
    for user in (user_in_dong, sysadmin):
        client.force_login(user)
        assert client.get(settings.MEDIA_URL + "signed/plan.pdf").status_code == 404


# --- CSRF ----------------------------------------------------------------------------------------
def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_view_is_csrf_exempt():
    patterns = list(_patterns(get_resolver()))
    assert len(patterns) > 50
    exempt = [route for route, view in patterns if getattr(view, "csrf_exempt", False)]
    assert exempt == []


def _web_templates():
    return sorted(TEMPLATES_DIR.rglob("*.html"))


FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)


def test_every_form_that_posts_has_a_csrf_token():
    posting = 0
    missing = []
    for path in _web_templates():
        for form in FORM.finditer(path.read_text(encoding="utf-8")):
            if not re.search(r"""method\s*=\s*["']?post""", form["attrs"], re.I):
                continue
            posting += 1
            if "{% csrf_token %}" not in form["body"]:
                missing.append(f"{path.relative_to(TEMPLATES_DIR)}: <form{form['attrs']}>")
    assert posting > 20  # the test reads the real templates
    assert missing == []


# --- nothing inline --------------------------------------------------------------------------------
INLINE = {
    "inline <script> (move it to static/js)": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element (move it to static/css)": re.compile(r"<style\b", re.I),
    "style= attribute (use a class)": re.compile(r"\sstyle\s*=", re.I),
    "on*= event handler (addEventListener in static/js)": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on (needs eval)": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_has_inline_script_style_or_handlers():
    """The policy forbids them, so the browser would ignore them. templates/pdf/ is included: the
    printed forms are also shown as a page (?format=html)."""
    found = []
    for path in _web_templates():
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES_DIR)}:{line}: {what}")
    assert found == []


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    page = client.get(reverse("login")).content.decode()
    assert '<meta name="htmx-config"' in page
    assert '"includeIndicatorStyles":false' in page
