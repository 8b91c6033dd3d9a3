"""Benchmark: every list, dashboard, statistics, calendar and search page at the size of a gu.

Run on demand (never in the test suite), with PostgreSQL running and the role app/app (CREATEDB):

    .venv/bin/python bench/scale.py                       # 3,000 and 100,000 clients
    .venv/bin/python bench/scale.py --quick               # 300 and 3,000: to try it
    .venv/bin/python bench/scale.py --sizes 3000 --repeat 5
    .venv/bin/python bench/scale.py --reuse               # keep already seeded databases
    .venv/bin/python bench/scale.py --open-per-dong 1000  # a heavier current workload

For each size it (re)creates the database casemgmt_bench_<size> (no other), migrates it, runs
seed_demo and loads a whole gu through COPY (bench/scale_seed.py): N clients, about one case
each over every stage with all their records and change history, meetings, referrals, the
discovery queue, alerts and 10 access records per client. Then, in a fresh process, it times
each page as a case manager (neung.cm), a team leader (neung.sv) and gu staff (gu.staff) with
django.test.Client: one warm-up, --repeat timed requests (median, p95), and one more request
whose queries are counted and EXPLAINed; a plan that scans a table growing with history
(Seq Scan) is flagged. A floor view (bench/scale_urls.py: one case by primary key through the
same middleware) gives the least a page can cost. The name search's own SQL is also timed alone.

Targets (reported, not asserted): the same number of queries at every size; the median at the
largest size at most 1.5 times the smallest size's; at most 3 times the floor's; no Seq Scan of
a growing table; the name-search query at most 1 ms and its page at most 20 ms at 100,000.
Prints a table and writes bench/results/scale-<timestamp>.json (and scale-latest.json).
"""

import argparse
import datetime
import json
import math
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://app:app@127.0.0.1:5432")
MIGRATE_FAILED = 3
TARGETS = {"growth": 1.5, "floor": 3.0, "search_query_ms": 1.0, "search_page_ms": 20.0}
SEARCH_TARGET_SIZE = 100_000


def db_name(size):
    return f"casemgmt_bench_{int(size)}"


# --- the orchestrating process ----------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 100_000])
    parser.add_argument("--quick", action="store_true", help="sizes 300 and 3000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded")
    parser.add_argument("--drop-after", action="store_true", help="drop the bench databases")
    parser.add_argument(
        "--open-per-dong",
        type=int,
        default=150,
        help="open cases a dong team carries (the rest is history; at most 30%% of the cases)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=int,
        default=300,
        metavar="SECONDS",
        help="before measuring, wait up to this long for the 1-minute load average to fall "
        "below 1.5 (0: do not wait)",
    )
    parser.add_argument("--worker", choices=["seed", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    sizes = sorted(set([300, 3000] if args.quick else args.sizes))
    results = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "repeat": args.repeat,
               "sizes": sizes, "seed": {}, "measure": {}}  # fmt: skip
    for size in sizes:
        info = seeded_info(size) if args.reuse else None
        if info is not None and info.get("open_per_dong") != args.open_per_dong:
            info = None  # seeded with another workload: seed again
        if info is None:
            print(f"== seeding {size:,} clients into {db_name(size)}", flush=True)
            info = seed_size(size, args.open_per_dong)
        else:
            print(f"== reusing {db_name(size)} (seeded {info.get('today')})", flush=True)
        results["seed"][size] = info
        if args.wait_quiet:
            wait_for_quiet(args.wait_quiet)
        print(f"== measuring {size:,} (load average {os.getloadavg()[0]:.1f})", flush=True)
        results["measure"][size] = run_worker("measure", size, repeat=args.repeat)
    report = compare(results)
    print_report(report, results)
    out = BENCH / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    text = json.dumps({**results, "report": report}, ensure_ascii=False, indent=1, default=str)
    path.write_text(text)
    (out / "scale-latest.json").write_text(text)
    print(f"written {path.relative_to(ROOT)} (and bench/results/scale-latest.json)")
    if args.drop_after:
        for size in sizes:
            recreate_database(size, create=False)


def wait_for_quiet(limit):
    """Other work on the machine (a test run, a load test) shows in every timing."""
    started = time.monotonic()
    while os.getloadavg()[0] > 1.5 and time.monotonic() - started < limit:
        print(
            f"   load average {os.getloadavg()[0]:.1f}: waiting for a quieter machine", flush=True
        )
        time.sleep(20)


def _admin_connection():
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    return connection


def recreate_database(size, *, create=True):
    name = db_name(size)
    if not re.fullmatch(r"casemgmt_bench_\d+", name):  # never any other database
        raise ValueError(name)
    connection = _admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def seeded_info(size):
    """What the seeding of an existing bench database recorded, or None."""
    import psycopg2

    try:
        connection = psycopg2.connect(f"{SERVER}/{db_name(size)}")
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT info FROM bench_seed_info")
            row = cursor.fetchone()
            return row[0] if row else None
    except psycopg2.Error:
        return None
    finally:
        connection.close()


def seed_size(size, open_per_dong):
    for attempt in range(6):
        recreate_database(size)
        try:
            return run_worker("seed", size, open_per_dong=open_per_dong)
        except MigrateFailed:
            if attempt == 5:
                raise
            print("   migrate failed (models being edited?): again in 60 s", flush=True)
            time.sleep(60)


class MigrateFailed(Exception):
    pass


def run_worker(kind, size, **options):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    command = [sys.executable, str(pathlib.Path(__file__).resolve()), "--worker", kind,
               "--clients", str(size), "--out", out]  # fmt: skip
    if "repeat" in options:
        command += ["--repeat", str(options["repeat"])]
    if "open_per_dong" in options:
        command += ["--open-per-dong", str(options["open_per_dong"])]
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{db_name(size)}",
           "DJANGO_SETTINGS_MODULE": "casemgmt.settings.test"}  # fmt: skip
    done = subprocess.run(command, env=env, cwd=ROOT)  # noqa: S603 - our own script
    if done.returncode == MIGRATE_FAILED:
        raise MigrateFailed()
    if done.returncode:
        raise SystemExit(f"the {kind} worker for {size} failed ({done.returncode})")
    data = json.loads(pathlib.Path(out).read_text())
    os.unlink(out)
    return data


# --- worker: seeding ----------------------------------------------------------------------------------
def worker(args):
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))
    import django

    django.setup()
    if args.worker == "seed":
        data = seed_worker(args.clients, args.open_per_dong)
    else:
        data = measure_worker(args)
    pathlib.Path(args.out).write_text(json.dumps(data, ensure_ascii=False, default=str))
    return 0


def seed_worker(clients, open_per_dong):
    import scale_seed
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    try:
        call_command("migrate", verbosity=0)
    except Exception as exc:  # noqa: BLE001 - someone may be editing models right now
        print(f"   migrate failed: {exc!r}", flush=True)
        sys.exit(MIGRATE_FAILED)
    migrate_s = time.perf_counter() - started
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    demo_s = time.perf_counter() - started
    print(f"   migrate {migrate_s:.0f} s, seed_demo {demo_s:.0f} s", flush=True)
    info = scale_seed.seed(
        clients, log=lambda line: print(line, flush=True), open_per_dong=open_per_dong
    )
    info["timings"] = {"migrate_s": round(migrate_s, 1), "seed_demo_s": round(demo_s, 1),
                       **info["timings"]}  # fmt: skip
    info["timings"]["total_s"] = round(sum(v for k, v in info["timings"].items()
                                           if k != "copy_s_within_above"), 1)  # fmt: skip
    info["clients"] = clients
    info["open_per_dong"] = open_per_dong
    info["database"] = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        info["database_size"] = cursor.fetchone()[0]
        cursor.execute("CREATE TABLE bench_seed_info (info jsonb)")
        cursor.execute("INSERT INTO bench_seed_info VALUES (%s)", [json.dumps(info, default=str)])
    total = sum(info["rows"].values())
    print(f"   seeded {total:,} rows in {info['timings']['total_s']:.0f} s "
          f"({info['database_size']})", flush=True)  # fmt: skip
    return info


# --- worker: measuring -----------------------------------------------------------------------------
def pages(ctx):
    """(role, label, address) of every page measured. ``ctx``: ids found in the database."""
    today = datetime.date.fromisoformat(ctx["today"])
    year = f"from={(today - datetime.timedelta(days=364)).isoformat()}&to={today.isoformat()}"
    month = (
        f"date_from={(today - datetime.timedelta(days=30)).isoformat()}&date_to={today.isoformat()}"
    )
    number = f"{ctx['dong_name']}-{today.year - 1}"
    cm = [
        ("home (working day)", "/"),
        ("client list", "/clients/"),
        ("client list, newest", "/clients/?sort=-created"),
        ("client list, by birth date", "/clients/?sort=birth_date"),
        ("client list, last page", "/clients/?page=last"),
        ("client list, search 길동", "/clients/?q=길동"),
        ("client list, search ㅎㄱㄷ", "/clients/?q=ㅎㄱㄷ"),
        ("client list, search phone", f"/clients/?q={ctx['phone_part']}"),
        ("client list, search road", f"/clients/?q={ctx['road']}"),
        ("search 길동", "/search/?q=길동"),
        ("search ㅎㄱㄷ", "/search/?q=ㅎㄱㄷ"),
        ("search 홍길동", "/search/?q=홍길동"),
        ("search case number", f"/search/?q={number}"),
        ("case list", "/cases/"),
        *[(f"case list, overdue {o}", f"/cases/?overdue={o}")
          for o in ("any", "monitoring", "reassessment", "follow_up", "deadline", "consent")],
        *[(f"case list, sort {s}", f"/cases/?sort={s}")
          for s in ("due", "number", "stage", "opened")],
        ("case list, mine", "/cases/?manager=me"),
        ("case list, mine overdue", "/cases/?manager=me&overdue=any"),
        ("case list, monitoring", "/cases/?stage=monitoring"),
        ("case list, ended", "/cases/?stage=ended"),
        ("case list, search 길동", "/cases/?q=길동"),
        ("case list, last page", "/cases/?page=last"),
        ("discovery queue", "/discovery/"),
        ("discovery, overdue", "/discovery/?overdue=on"),
        ("discovery, all results", "/discovery/?result="),
        ("alerts", "/alerts/"),
        ("alerts, unread", "/alerts/?unread=1"),
        ("calendar, month", "/calendar/"),
        ("calendar, week", "/calendar/?view=week"),
        ("statistics, month", "/statistics/"),
        ("statistics, year", f"/statistics/?{year}"),
        ("meetings", "/meetings/"),
        ("resources", "/resources/"),
        ("providers", "/resources/providers/"),
        ("resource development", "/resources/development/"),
        ("referrals", "/resources/referrals/"),
        ("referrals, requested", "/resources/referrals/?status=requested"),
        ("client page (long case)", f"/clients/{ctx['long_client']}/"),
        ("client history", f"/clients/{ctx['long_client']}/history/"),
        ("case page (long case)", f"/cases/{ctx['long_case']}/"),
        ("case history", f"/cases/{ctx['long_case']}/history/"),
    ]  # fmt: skip
    sv = [
        ("home (working day)", "/"),
        ("team", "/team/"),
        ("calendar, team month", "/calendar/?who=team"),
        ("calendar, team week", "/calendar/?who=team&view=week"),
        ("review queue", "/meetings/queue/"),
        ("case rotation", "/cases/rotation/"),
        ("case list", "/cases/"),
        ("case list, overdue any", "/cases/?overdue=any"),
        ("client list", "/clients/"),
        ("search 길동", "/search/?q=길동"),
        ("statistics, month", "/statistics/"),
        ("meetings", "/meetings/"),
        ("alerts", "/alerts/"),
    ]  # fmt: skip
    gu = [
        ("home (working day)", "/"),
        ("client list", "/clients/"),
        ("client list, one dong", f"/clients/?dong={ctx['dong']}"),
        ("client list, sort dong", "/clients/?sort=dong"),
        ("client list, search 길동", "/clients/?q=길동"),
        ("search 길동", "/search/?q=길동"),
        ("search ㅎㄱㄷ", "/search/?q=ㅎㄱㄷ"),
        ("search 홍길동", "/search/?q=홍길동"),
        ("case list", "/cases/"),
        ("case list, overdue any", "/cases/?overdue=any"),
        ("case list, overdue monitoring", "/cases/?overdue=monitoring"),
        ("case list, sort due", "/cases/?sort=due"),
        ("discovery queue", "/discovery/"),
        ("alerts", "/alerts/"),
        ("calendar, month", "/calendar/"),
        ("statistics, gu month", "/statistics/"),
        ("statistics, one dong", f"/statistics/?dong={ctx['dong']}"),
        ("statistics, gu year", f"/statistics/?{year}"),
        ("statistics, xlsx", "/statistics/export.xlsx"),
        ("access records", "/access-records/"),
        ("access records, one client", f"/access-records/?client={ctx['client']}"),
        ("access records, one account", "/access-records/?username=neung.cm"),
        ("access records, prints", "/access-records/?action=print"),
        ("access records, last 30 days", f"/access-records/?{month}"),
        ("access records, last page", "/access-records/?page=last"),
        ("permission history", "/access-records/permissions/"),
        ("role grants", "/access-records/role-grants/"),
        ("deadline settings", "/deadlines/"),
        ("meetings", "/meetings/"),
        ("resources", "/resources/"),
        ("referrals", "/resources/referrals/"),
    ]  # fmt: skip
    return (
        [("case manager", label, url) for label, url in cm]
        + [("team leader", label, url) for label, url in sv]
        + [("gu staff", label, url) for label, url in gu]
    )


ROLES = {"case manager": "neung.cm", "team leader": "neung.sv", "gu staff": "gu.staff"}
SKIP_EXPLAIN = ("INSERT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ", "SHOW ")


def context():
    """Ids the pages need, from the bench database."""
    from django.db.models import Count
    from django.utils import timezone

    from casemgmt.core.models import User
    from cases.models import Case, Client

    officer = User.objects.get(username="neung.cm")
    dong = officer.dong
    long_case = (
        Case.objects.filter(primary_manager=officer, stage="monitoring")
        .annotate(n=Count("monitorings"))
        .order_by("-n", "pk")
        .first()
    ) or Case.objects.filter(dong=dong).order_by("pk").first()
    client = (
        Client.objects.filter(dong=dong, name="홍길동").order_by("pk").first() or long_case.client
    )
    phone = Client.objects.filter(dong=dong).exclude(phone="").order_by("pk").first()
    from scale_seed import ROADS

    return {
        "today": timezone.localdate().isoformat(),
        "dong": dong.pk,
        "dong_name": dong.name,
        "road": ROADS[dong.name],
        "phone_part": phone.phone[-4:] if phone else "1234",
        "client": client.pk,
        "long_case": long_case.pk,
        "long_client": long_case.client_id,
        "floor_case": long_case.pk,
    }


def growing_tables():
    """Tables the seeder filled in proportion to the clients: they grow with the history."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT info FROM bench_seed_info")
        info = cursor.fetchone()[0]
    info = json.loads(info) if isinstance(info, str) else info
    return sorted(info["rows"])


def seq_scans(plan, growing):
    found = []

    def walk(node):
        if node.get("Node Type") == "Seq Scan":
            relation = node.get("Relation Name")
            found.append({"table": relation, "growing": relation in growing,
                          "rows": node.get("Plan Rows")})  # fmt: skip
        for child in node.get("Plans", ()):
            walk(child)

    for entry in plan:
        walk(entry["Plan"])
    return found


def sql_summary(sql, limit=230):
    """A statement without a long column list: what a reader needs to recognise it."""
    text = sql.strip()
    match = re.match(r"SELECT (DISTINCT )?", text)
    if match:
        depth = 0
        for index in range(match.end(), len(text)):
            char = text[index]
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and text.startswith(" FROM ", index):
                if index - match.end() > 60:  # the outer FROM, after a long column list
                    text = f"{match.group(0)}… {text[index + 1 :]}"
                break
    return text if len(text) <= limit else text[: limit - 1] + "…"


def explain(statements, growing):
    """EXPLAIN each distinct statement of the page (with ANALYZE for plain reads, which only
    read): the Seq Scans found, the growing tables among them with their statement, and the
    slowest statements by execution time."""
    from django.db import connection

    seen, flagged, scans, slowest = set(), [], [], []
    for sql, params, many in statements:
        head = sql.lstrip().upper()
        if many or head.startswith(SKIP_EXPLAIN) or (sql, repr(params)) in seen:
            continue
        seen.add((sql, repr(params)))
        analyze = head.startswith("SELECT") and "FOR UPDATE" not in head
        options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        if analyze:
            slowest.append({"ms": round(plan[0]["Execution Time"], 2), "sql": sql_summary(sql)})
        for scan in seq_scans(plan, growing):
            scans.append(scan["table"])
            if scan["growing"]:
                flagged.append({**scan, "sql": sql_summary(sql, 600)})
    slowest.sort(key=lambda entry: -entry["ms"])
    return sorted(set(scans)), flagged, slowest[:3]


def search_statements(statements):
    """The statements of a search page that look for a name (the search itself)."""
    picked = []
    for sql, params, many in statements:
        if many or not sql.lstrip().upper().startswith("SELECT"):
            continue
        if '"cases_client"' not in sql:
            continue
        if any(mark in sql for mark in ("LIKE", "@>", "search_grams", "name_initials")):
            picked.append((sql, params))
    return picked


def time_statement(sql, params, repeat=25):
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat + 2):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[2:])


def timed_get(browser, url, repeat, warm=True):
    if warm:
        browser.get(url)  # warm-up: templates, caches, the plan cache of the connection
    times = []
    status = 200
    for _ in range(repeat):
        started = time.perf_counter()
        response = browser.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            status = response.status_code
    return times, status


def captured_get(browser, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params, many))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(keep):
        response = browser.get(url)
    db_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    return response.status_code, len(queries), db_ms, statements


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure_worker(args):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from casemgmt import gc_tuning
    from casemgmt.core.models import User

    settings.ROOT_URLCONF = "scale_urls"
    gc_tuning.tune()  # as the served app does (casemgmt/wsgi.py)
    ctx = context()
    growing = set(growing_tables())
    browsers = {}
    for role, username in ROLES.items():
        browsers[role] = Client(HTTP_HOST="127.0.0.1")
        browsers[role].force_login(User.objects.get(username=username))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0]

    floor_url = f"/bench-floor/?pk={ctx['floor_case']}"
    floor_times, status = timed_get(browsers["case manager"], floor_url, args.repeat * 3)
    _s, floor_queries, _db, _st = captured_get(browsers["case manager"], floor_url)
    print(f"   floor {statistics.median(floor_times):.1f} ms, {floor_queries} queries", flush=True)

    def floor_again():
        """Two more floor requests before each page: the floor sees the same machine load."""
        more, _status = timed_get(browsers["case manager"], floor_url, 2, warm=False)
        floor_times.extend(more)

    rows = []
    for role, label, url in pages(ctx):
        browser = browsers[role]
        floor_again()
        times, status = timed_get(browser, url, args.repeat)
        status2, count, db_ms, statements = captured_get(browser, url)
        scans, flagged, slowest = explain(statements, growing)
        row = {"role": role, "label": label, "url": url, "status": status if status != 200 else status2,
               "median_ms": round(statistics.median(times), 2),
               "p95_ms": round(percentile(times, 0.95), 2), "queries": count,
               "db_ms": round(db_ms, 2), "seq_scans": scans, "growing_seq_scans": flagged,
               "slowest_statements": slowest}  # fmt: skip
        if label.startswith(("search", "client list, search")):
            row["search_queries_ms"] = [
                round(time_statement(sql, params), 3)
                for sql, params in search_statements(statements)
            ]
        rows.append(row)
        marks = f" SEQ {sorted({f['table'] for f in flagged})}" if flagged else ""
        print(f"   {role:<13}{label:<34}{row['status']:>4}{row['median_ms']:>9.1f} ms"
              f"{count:>4} q{marks}", flush=True)  # fmt: skip
    floor = {"median_ms": statistics.median(floor_times), "p95_ms": percentile(floor_times, 0.95),
             "samples": len(floor_times), "queries": floor_queries, "status": status}  # fmt: skip
    return {"context": ctx, "server": server, "floor": floor, "pages": rows,
            "load_average": os.getloadavg(),
            "growing_tables": sorted(growing)}  # fmt: skip


# --- the report ----------------------------------------------------------------------------------------
def compare(results):
    sizes = results["sizes"]
    small, big = sizes[0], sizes[-1]
    measured = results["measure"]
    report = []
    keys = [(r["role"], r["label"]) for r in measured[big]["pages"]]
    for role, label in keys:
        per_size = {}
        for size in sizes:
            row = next((r for r in measured[size]["pages"]
                        if (r["role"], r["label"]) == (role, label)), None)  # fmt: skip
            if row is None:
                continue
            floor = measured[size]["floor"]["median_ms"]
            base = next((r for r in measured[small]["pages"]
                         if (r["role"], r["label"]) == (role, label)), None)  # fmt: skip
            per_size[size] = {
                **row,
                "to_small": round(row["median_ms"] / base["median_ms"], 2) if base else None,
                "to_floor": round(row["median_ms"] / floor, 1),
            }
        top = per_size[big]
        base = per_size.get(small)
        misses = []
        if top["status"] != 200:
            misses.append(f"status {top['status']}")
        if base is not None and big != small:
            if top["queries"] != base["queries"]:
                misses.append(f"queries {base['queries']}→{top['queries']}")
            if top["to_small"] is not None and top["to_small"] > TARGETS["growth"]:
                misses.append(f"growth ×{top['to_small']}")
        if top["to_floor"] > TARGETS["floor"]:
            misses.append(f"floor ×{top['to_floor']}")
        if top["growing_seq_scans"]:
            tables = sorted({f["table"] for f in top["growing_seq_scans"]})
            misses.append("seq scan " + ",".join(tables))
        if "search_queries_ms" in top and big >= SEARCH_TARGET_SIZE:
            slowest = max(top["search_queries_ms"], default=0)
            if slowest > TARGETS["search_query_ms"]:
                misses.append(f"search query {slowest} ms")
            if top["median_ms"] > TARGETS["search_page_ms"]:
                misses.append(f"search page {top['median_ms']} ms")
        report.append({"role": role, "label": label, "url": top["url"], "sizes": per_size,
                       "verdict": "ok" if not misses else "; ".join(misses)})  # fmt: skip
    return report


def print_report(report, results):
    sizes = results["sizes"]
    print()
    for size in sizes:
        seed = results["seed"][size]
        floor = results["measure"][size]["floor"]
        print(f"{size:>7,} clients: seeded in {seed['timings'].get('total_s')} s "
              f"({sum(seed['rows'].values()):,} rows, {seed.get('database_size', '?')}); "
              f"floor {floor['median_ms']:.1f} ms, {floor['queries']} queries")  # fmt: skip
    header = (f"{'page':<34}{'role':<13}{'size':>8}{'median':>9}{'p95':>8}{'q':>4}"
              f"{'×small':>8}{'×floor':>8}  {'seq scans (growing)':<28} verdict")  # fmt: skip
    print(header)
    print("-" * len(header))
    for entry in report:
        for size in sizes:
            row = entry["sizes"].get(size)
            if row is None:
                continue
            growing = ",".join(sorted({f["table"] for f in row["growing_seq_scans"]})) or "-"
            verdict = entry["verdict"] if size == sizes[-1] else ""
            search = ""
            if row.get("search_queries_ms"):
                search = f" [search sql {max(row['search_queries_ms'])} ms]"
            print(f"{entry['label'][:33]:<34}{entry['role']:<13}{size:>8,}{row['median_ms']:>9.1f}"
                  f"{row['p95_ms']:>8.1f}{row['queries']:>4}{row['to_small'] or 0:>8.2f}"
                  f"{row['to_floor']:>8.1f}  {growing[:28]:<28} {verdict}{search}")  # fmt: skip
    missed = [e for e in report if e["verdict"] != "ok"]
    print(f"\n{len(report) - len(missed)} of {len(report)} pages meet every target at "
          f"{sizes[-1]:,} clients")  # fmt: skip
    print(f"\nWhy, at {sizes[-1]:,} (EXPLAIN of the page's statements; ms: EXPLAIN ANALYZE):")
    for entry in missed:
        row = entry["sizes"][sizes[-1]]
        print(f"* {entry['role']} / {entry['label']} ({entry['url']}): {entry['verdict']}")
        tables = {}
        for scan in row["growing_seq_scans"]:
            tables.setdefault(scan["table"], scan["sql"])
        for table, sql in tables.items():
            print(f"    seq scan {table}: {sql[:200]}")
        for statement in row.get("slowest_statements", [])[:2]:
            print(f"    {statement['ms']:>8.1f} ms  {statement['sql'][:200]}")


if __name__ == "__main__":
    sys.exit(main())
