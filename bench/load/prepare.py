"""Add what the load needs to a freshly seeded demo database: unsigned (draft) service plans.

Every demo plan is signed, and a signed plan re-prints its stored PDF; a draft plan is rendered
by WeasyPrint on every print, which is the expensive print. This adds, in each demo dong, a few
clients at the planning stage with an unsigned 8-item plan (as bench/bench_pdf.py does).

Run with the same environment as the servers (DATABASE_URL, SECRET_KEY, FIELD_ENCRYPTION_SALT):
    .venv/bin/python bench/load/prepare.py [--drafts 2]
Prints a JSON object: {"drafts": [{"dong": ..., "case": id, "plan": number}, ...]}.
"""

import argparse
import datetime
import json
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE)]

# One officer and supervisor per demo dong; names of the draft clients (two syllables findable).
DONGS = {"능동": ("neung.cm", "neung.sv"), "구의제1동": ("guui1.cm", "guui1.sv")}
DRAFT_NAMES = ["부하늘", "부가람", "부나래", "부다솜", "부라온", "부마루"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=2, help="draft plans per dong")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casemgmt.settings.prod")
    import django

    django.setup()
    from django.db import transaction

    from casemgmt.core.models import User
    from cases import services
    from cases.demo import EXAMPLES, long_plan_goals, run_to
    from cases.models import Client, Stage

    example = EXAMPLES["violence_and_drinking"]
    made = []
    with transaction.atomic():
        for n_dong, (dong, (officer_name, supervisor_name)) in enumerate(DONGS.items()):
            officer = User.objects.get(username=officer_name)
            supervisor = User.objects.get(username=supervisor_name)
            for n in range(args.drafts):
                name = DRAFT_NAMES[(n_dong * args.drafts + n) % len(DRAFT_NAMES)] + str(n or "")
                client = Client.objects.create(
                    dong_id=officer.dong_id,
                    name=name,
                    birth_date=datetime.date(1960 + n, 3, 4),
                    sex="F",
                    address=f"서울 광진구 {dong} 부하 시험 {n + 1}",
                    created_by=officer,
                    updated_by=officer,
                )
                case = run_to(
                    Stage.PLANNING,
                    officer=officer,
                    supervisor=supervisor,
                    client=client,
                    example=example,
                )
                plan = services.create_plan(
                    case=case,
                    by=officer,
                    short_term_goal="자녀가 안전하게 지내고 위기 요인을 줄인다",
                    long_term_goal="가족이 폭력 없이 스스로 생활을 꾸린다",
                    goals=long_plan_goals(example, 8),
                )
                made.append(
                    {"dong": dong, "case": case.pk, "plan": plan.number, "client": client.pk}
                )
    print(json.dumps({"drafts": made}, ensure_ascii=False))


if __name__ == "__main__":
    main()
