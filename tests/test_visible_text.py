"""What a person reads on every page a demo user can reach: Korean particles chosen from the word,
one Korean date style, and no internal identifiers (issue 14, points 11, 12 and 14).

Each demo role walks the site from its dashboard (links only, GET, within the site) on the demo
data, and the visible text of every page — not attributes, not form values — is checked.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from casemgmt.core.models import User

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")
BRACKETED_PARTICLE = re.compile(r"\((은|는|이|가|을|를|과|와|으로|로)\)")
INTERNAL_ID = re.compile(r"\b[a-z_]+\.[a-z_]+:\d+")
# The official style writes 2026. 12. 2.: a zero-padded month or day is the other style.
PADDED_DATE = re.compile(r"\b\d{4}\. (0\d\. \d{1,2}|\d{1,2}\. 0\d)\.")
SKIP = ("/accounts/logout", "/admin", "/static", "/i18n")
DOWNLOADS = ("export", "print", ".xlsx", ".csv", "/signed/", "format=")
PAGE_LIMIT = 150
PER_SHAPE = 2


class VisibleText(HTMLParser):
    """The text a person sees, and the site's own links."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "option"):
            self._hidden += 1
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "option") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def walk(username):
    """Breadth first from the dashboard; at most two pages of each shape (/cases/N/, …)."""
    browser = Client()
    browser.force_login(User.objects.get(username=username))
    seen, shapes, queue, problems = set(), {}, ["/"], []
    while queue and len(seen) < PAGE_LIMIT:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP) or any(d in path for d in DOWNLOADS):
            continue
        shape = re.sub(r"\d+", "N", path)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.add(path)
        response = browser.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = VisibleText()
        parser.feed(response.content.decode())
        text = " ".join(parser.text)
        for name, pattern in (
            ("ISO date", ISO_DATE),
            ("bracketed particle", BRACKETED_PARTICLE),
            ("internal identifier", INTERNAL_ID),
            ("zero-padded date", PADDED_DATE),
        ):
            for found in pattern.finditer(text):
                context = text[max(0, found.start() - 30) : found.end() + 30]
                problems.append(f"{username} {path}: {name} {found.group()!r} in …{context}…")
        queue.extend(link for link in parser.links if link not in seen)
    return seen, problems


def test_every_reachable_page_reads_as_a_korean_officer_writes():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems = []
    for username in ("neung.cm", "neung.sv", "gu.staff"):
        seen, found = walk(username)
        assert len(seen) > 30, f"{username}: the walk reached too few pages to mean anything"
        problems += found
    assert not problems, "\n".join(problems[:40])
