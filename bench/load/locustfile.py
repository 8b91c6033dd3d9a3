"""Officers at work, for locust. Run by bench/load/run.py (which says how to run it by hand).

Each simulated officer logs in through the real login form (CSRF token from the form, the demo
password: a wrong one would lock the shared account, django-axes) as one of the five demo
officers of 능동 and 구의제1동 (several simulated users share an account: the app allows any
number of sessions per account), then works: the dashboard, the top-bar search (two syllables),
the case list, a case, a monitoring contact (a real POST of the monitoring form on a case of the
officer's dong), and now and then a printed plan. Between actions the officer reads or types
(``wait_time``): a compressed day, one simulated officer does the work of several real ones.

Every monitoring POST carries a unique marker in its findings (``[LOAD:<run>:<user>:<n>]``);
each one the server accepted (302 to the case) is written to $LOAD_JOURNAL, so run.py can count
in the database that every accepted write is stored exactly once.

``PrintUser`` (only when named on the command line) prints plans back to back with little
pause, as at a counter before a case conference: the print-isolation comparison uses it.

Environment: LOAD_RUN_ID (marker prefix), LOAD_JOURNAL and LOAD_RAW (files written),
LOAD_DRAFT_CASES (cases with an unsigned plan, e.g. "23,24,25,26"), LOAD_OFFICER_PRINTS
(0: officers never print), LOAD_PRINT_HOST (print requests go straight to this host instead of
through the proxy: when there is no nginx), LOAD_PRINT_USERS (how many PrintUsers, default 3).
"""

import itertools
import json
import os
import random
import re
import threading
import time
import uuid

import htmlforms
import urllib3
from harness import send_secure_cookies_over_loopback
from locust import HttpUser, between, events, task

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the run's own certificate

PASSWORD = os.environ.get("LOAD_PASSWORD", "welfare-demo-2026")
RUN_ID = os.environ.get("LOAD_RUN_ID") or uuid.uuid4().hex[:8]
JOURNAL = os.environ.get("LOAD_JOURNAL")
RAW = os.environ.get("LOAD_RAW")
PRINT_HOST = os.environ.get("LOAD_PRINT_HOST", "").rstrip("/")
OFFICER_PRINTS = os.environ.get("LOAD_OFFICER_PRINTS", "1") != "0"
DRAFT_CASES = {int(n) for n in os.environ.get("LOAD_DRAFT_CASES", "").split(",") if n.strip()}

# The demo officers who keep case records (seed_demo): case managers and team leaders.
OFFICERS = ["neung.cm", "guui1.cm", "neung.cm2", "neung.sv", "guui1.sv"]
# Two syllables of the demo clients' names (both dongs: a name of the other dong finds nothing).
SEARCH_WORDS = ["미경", "은숙", "영철", "정희", "순덕", "민수", "지혜", "미라", "세훈", "동욱",
                "영숙", "보람", "재석", "옥분", "민호", "성희", "순자", "하늘"]  # fmt: skip
MONITORING_STAGES = ("intervention", "monitoring")
PRINT_REASONS = ("signature", "meeting", "visit")
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')

_users = itertools.count(1)
_journal_lock = threading.Lock()
_raw = []
_meta = {"run": RUN_ID, "spawned_at": None, "started_at": time.time(), "ready": []}


def _write_journal(entry):
    if not JOURNAL:
        return
    with _journal_lock, open(JOURNAL, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs):
    start = kwargs.get("start_time") or time.time() - response_time / 1000
    _raw.append((round(start, 3), name, round(response_time, 1), exception is None))


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs):
    _meta["spawned_at"] = time.time()
    _meta["users"] = user_count


@events.quitting.add_listener
def _dump(environment, **kwargs):
    if RAW:
        with open(RAW, "w", encoding="utf-8") as handle:
            json.dump({"meta": _meta, "requests": _raw}, handle)


class Officer(HttpUser):
    abstract = True
    origin = ""

    def on_start(self):
        self.number = next(_users)
        self.username = OFFICERS[(self.number - 1) % len(OFFICERS)]
        self.writes = 0
        self.origin = self.host.rstrip("/")
        self.client.verify = False  # run.py's throw-away certificate
        self.client.trust_env = False  # loopback: no proxy or CA bundle from the environment
        self.client.headers.update({"Origin": self.origin, "Referer": self.origin + "/"})
        if self.origin.startswith("http://"):
            # Straight to gunicorn (no nginx): say what nginx says, and keep the Secure cookies.
            self.client.headers["X-Forwarded-Proto"] = "https"
            self.client.headers["Origin"] = self.origin.replace("http://", "https://")
            self.client.headers["Referer"] = self.client.headers["Origin"] + "/"
            send_secure_cookies_over_loopback(self.client)
        self.login()
        self.cases = self.case_ids("/cases/", "case list")
        self.monitored = [
            case
            for stage in MONITORING_STAGES
            for case in self.case_ids(f"/cases/?stage={stage}", "case list (by stage)")
        ]
        self.drafts = [case for case in self.cases if case in DRAFT_CASES]
        self.signed = self.monitored
        _meta["ready"].append(time.time())  # logged in and found its cases: now at work

    def login(self):
        page = self.client.get("/accounts/login/", name="login form")
        form = htmlforms.form_with(page.text, "password")
        with self.client.post(
            "/accounts/login/",
            data=form.data(username=self.username, password=PASSWORD),
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/":
                response.failure(f"login refused: {response.status_code}")
                raise RuntimeError(f"{self.username} could not log in")

    def case_ids(self, path, name):
        page = self.client.get(path, name=name)
        return list(dict.fromkeys(int(n) for n in CASE_LINK.findall(page.text)))

    def print_plan(self, case, kind):
        url = f"/cases/{case}/plans/1/print/?purpose={random.choice(PRINT_REASONS)}"
        if PRINT_HOST:
            url = PRINT_HOST + url
        with self.client.get(url, name=f"plan print ({kind})", catch_response=True) as response:
            if response.headers.get("Content-Type") != "application/pdf" or not (
                response.content.startswith(b"%PDF")
            ):
                response.failure(f"not a PDF: {response.status_code}")


class OfficerUser(Officer):
    """A case manager or team leader working through the day."""

    wait_time = between(3, 8)

    @task(4)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(3)
    def search(self):
        self.client.get(f"/search/?q={random.choice(SEARCH_WORDS)}", name="search")

    @task(2)
    def case_list(self):
        self.client.get("/cases/", name="case list")

    @task(5)
    def open_case(self):
        self.client.get(f"/cases/{random.choice(self.cases)}/", name="case detail")

    @task(2)
    def record_monitoring(self):
        case = random.choice(self.monitored)
        page = self.client.get(f"/cases/{case}/monitoring/new/", name="monitoring form")
        form = htmlforms.form_with(page.text, "findings")
        if form is None:
            return
        time.sleep(random.uniform(2, 5))  # typing the contact
        self.writes += 1
        marker = f"[LOAD:{RUN_ID}:{self.number}:{self.writes}]"
        items = [value for value in form.options.get("plan_item", []) if value]
        data = form.data(
            plan_item=random.choice(items) if items else "",
            method=random.choice(["regular_contact", "informal", "provider"]),
            findings=f"{marker} 전화로 서비스 제공 상황을 확인함. 계획대로 제공되고 있음.",
            client_change="생활이 조금 안정되었다고 함",
        )
        with self.client.post(
            f"/cases/{case}/monitoring/new/",
            data=data,
            name="monitoring POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            stored = response.status_code == 302 and response.headers.get("Location") == (
                f"/cases/{case}/"
            )
            if not stored:
                response.failure(f"monitoring not saved: {response.status_code}")
        _write_journal({"marker": marker, "case": case, "user": self.username, "accepted": stored})
        if stored:
            self.client.get(f"/cases/{case}/", name="case detail")

    @task(1)
    def print_a_plan(self):
        if not OFFICER_PRINTS:
            return
        if self.drafts and random.random() < 0.5:
            self.print_plan(random.choice(self.drafts), "draft, rendered")
        else:
            self.print_plan(random.choice(self.signed), "signed, stored PDF")


class PrintUser(Officer):
    """Prints plans back to back (mostly drafts, rendered by WeasyPrint each time)."""

    fixed_count = int(os.environ.get("LOAD_PRINT_USERS", 3))
    wait_time = between(0.5, 2)

    @task(3)
    def print_draft(self):
        if self.drafts:
            self.print_plan(random.choice(self.drafts), "draft, rendered")

    @task(1)
    def print_signed(self):
        self.print_plan(random.choice(self.signed), "signed, stored PDF")
