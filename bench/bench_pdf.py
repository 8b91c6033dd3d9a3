"""Benchmark: printed forms render fast enough to print at the counter.

Run on demand (never in the test suite):  .venv/bin/python bench/bench_pdf.py [--repeat 5]
Builds a throw-away SQLite database with the demo users, writes an 8-item and a 40-item service
plan (a worked example of the textbook), and times, warm: rendering each plan to PDF, and
re-printing a signed plan through its print address (the stored bytes). Prints a table and writes
bench/results/pdf-*.json. Targets (issue 7): 8 items < 0.25 s, 40 items < 1 s, re-print < 20 ms.
"""

import argparse
import datetime
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"plan_8_items": 0.25, "plan_40_items": 1.0, "signed_plan_reprint": 0.020}


def setup():
    workdir = tempfile.mkdtemp(prefix="casemgmt-bench-pdf-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casemgmt.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from casemgmt.work.management.commands import seed_demo

    # Only the demo users: the demo cases are not needed here.
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from casemgmt import gc_tuning

    gc_tuning.tune()  # as the served app does after start-up (casemgmt/wsgi.py)
    return seed_demo


def plan_case(n_items, name):
    """A case of 능동 at the planning stage with an unsigned plan of ``n_items`` items."""
    from casemgmt.core.models import User
    from cases import services
    from cases.demo import EXAMPLES, long_plan_goals, run_to
    from cases.models import Client, Stage

    officer = User.objects.get(username="neung.cm")
    supervisor = User.objects.get(username="neung.sv")
    example = EXAMPLES["violence_and_drinking"]
    client = Client.objects.create(
        dong_id=officer.dong_id,
        name=name,
        birth_date=datetime.date(1988, 7, 8),
        sex="F",
        address="서울 광진구 능동로 1",
        created_by=officer,
        updated_by=officer,
    )
    case = run_to(
        Stage.PLANNING, officer=officer, supervisor=supervisor, client=client, example=example
    )
    plan = services.create_plan(
        case=case,
        by=officer,
        short_term_goal="자녀가 안전하게 지내고 위기 요인을 줄인다",
        long_term_goal="가족이 폭력 없이 스스로 생활을 꾸린다",
        goals=long_plan_goals(example, n_items),
    )
    return officer, case, plan


def time_it(fn, repeat):
    fn()  # warm: fonts, templates, CSS
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup()
    from django.test import Client as Browser
    from django.urls import reverse

    from cases import pdf, services

    results, pages = {}, {}
    for label, n_items, name in (
        ("plan_8_items", 8, "벤치팔"),
        ("plan_40_items", 40, "벤치사십"),
    ):
        _officer, _case, plan = plan_case(n_items, name)
        context = pdf.plan_context(plan=plan)
        data = pdf.render(pdf.PLAN_TEMPLATE, context)
        pages[label] = data.count(b"/Type /Page\n") or data.count(b"/Type/Page")
        results[label], _runs = time_it(
            lambda c=context: pdf.render(pdf.PLAN_TEMPLATE, c), args.repeat
        )

    officer, case, plan = plan_case(8, "벤치서명")
    services.sign_plan(plan=plan, by=officer, method="paper", manager_signed=True)
    browser = Browser()
    browser.force_login(officer)
    # A download of personal data carries its reason (casemgmt/core/downloads.py).
    url = reverse("cases:plan_print", args=[case.pk, plan.number]) + "?purpose=audit"
    stored = bytes(plan.signed_document.pdf)

    def reprint():
        response = browser.get(url)
        if response.content != stored:
            raise RuntimeError("the re-printed plan is not the stored PDF")

    results["signed_plan_reprint"], _runs = time_it(reprint, args.repeat)

    print(f"{'document':<22} {'median s':>10} {'target s':>10}  ok")
    for label, seconds in results.items():
        target = TARGETS[label]
        print(
            f"{label:<22} {seconds:>10.4f} {target:>10.3f}  {'yes' if seconds < target else 'NO'}"
        )
    out = ROOT / "bench" / "results" / f"pdf-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"  # noqa: DTZ005
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps({"median_seconds": results, "targets": TARGETS, "repeat": args.repeat}, indent=2)
    )
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
