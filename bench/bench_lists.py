"""Benchmark: list pages stay fast and bounded after years of history.

Run on demand (never in the test suite):  .venv/bin/python bench/bench_lists.py [--clients 3000]
Builds a throw-away SQLite database, fills one dong with many clients and cases, then times the
pages officers open most and counts their queries. Prints a table and writes bench/results/*.json.
"""

import argparse
import datetime
import json
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=3000)
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="casemgmt-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casemgmt.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from casemgmt.core.models import User
    from cases.models import Client as Person
    from cases.models import Disposition, Intake
    from cases.services import open_case

    officer = User.objects.get(username="neung.cm")
    started = time.perf_counter()
    people = Person.objects.bulk_create(
        Person(dong_id=officer.dong_id, name=f"대상자{n:05d}", birth_date=datetime.date(1940 + n % 60, 1, 1), sex="F",
               address=f"능동로 {n}", created_by=officer, updated_by=officer)
        for n in range(args.clients)
    )  # fmt: skip
    for person in people[: args.cases]:
        intake = Intake.objects.create(client=person, intake_date=datetime.date(2026, 1, 5), route="walk_in", presenting_problem="위기",
                                       disposition=Disposition.CASE_MANAGEMENT, counselled_by=officer)  # fmt: skip
        open_case(intake=intake, by=officer, primary_manager=officer)
    fill_seconds = time.perf_counter() - started

    browsers = {}
    for username in ("neung.cm", "neung.sv", "gu.staff"):
        browsers[username] = Client(HTTP_HOST="127.0.0.1")
        browsers[username].force_login(User.objects.get(username=username))
    rows = []
    pages = [
        ("neung.cm", "dashboard", "/"), ("neung.cm", "client list", "/clients/"),
        ("neung.cm", "client search", "/clients/?q=대상자01"), ("neung.cm", "case list", "/cases/"),
        ("neung.cm", "case list, overdue", "/cases/?overdue=monitoring"),
        ("neung.cm", "case list, by due", "/cases/?sort=due"),
        ("neung.cm", "discovery queue", "/discovery/"), ("neung.cm", "resource list", "/resources/"),
        ("neung.cm", "alerts", "/alerts/"),
        ("neung.cm", "calendar, month", "/calendar/"),
        ("neung.cm", "calendar, week", "/calendar/?view=week"),
        ("neung.cm", "statistics, dong", "/statistics/"),
        ("neung.sv", "team view", "/team/"),
        ("neung.sv", "calendar, team", "/calendar/?who=team"),
        ("gu.staff", "statistics, gu", "/statistics/"),
        ("gu.staff", "statistics, xlsx", "/statistics/export.xlsx"),
    ]  # fmt: skip
    for username, label, url in pages:
        browser = browsers[username]
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                response = browser.get(url)
                timings.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        rows.append({"page": label, "user": username, "url": url,
                     "median_ms": round(sorted(timings)[len(timings) // 2], 1),
                     "queries": len(queries)})  # fmt: skip

    print(
        f"{args.clients} clients, {args.cases} cases in one dong (filled in {fill_seconds:.1f} s)"
    )
    print(f"{'page':<22}{'as':<10}{'median ms':>10}{'queries':>9}")
    for row in rows:
        print(f"{row['page']:<22}{row['user']:<10}{row['median_ms']:>10}{row['queries']:>9}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"lists-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {"clients": args.clients, "cases": args.cases, "rows": rows},
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
