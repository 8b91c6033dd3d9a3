"""Load test on PostgreSQL behind the documented nginx + two gunicorn pools, and the print
isolation comparison. Run on demand (never in the test suite):

    .venv/bin/pip install 'locust>=2.32,<3'
    .venv/bin/python bench/load/run.py              # everything, about 7 minutes
    .venv/bin/python bench/load/run.py --skip-compare --users 20 --time 30s   # a quick look

1. A new database ``casemgmt_load`` (dropped and created here; no other database is touched):
   migrate, seed_demo, draft plans (prepare.py), collectstatic into a temporary folder.
2. The production settings (casemgmt.settings.prod; STATIC_ROOT and MEDIA_ROOT in temporary
   folders), gunicorn with docs/deploy/gunicorn-pages.conf.py (3 workers, port 8612) and
   gunicorn-prints.conf.py (1 niced worker, port 8613), nginx with docs/deploy/nginx.conf on
   https://127.0.0.1:8611 (a throw-away certificate); a few probes check which pool answers
   what. Without nginx the locust client sends the prints to 8613 itself (--no-nginx).
3. locust headless (locustfile.py): 20 users, then 100 users, 60 s each, spawn rate 5/s; after
   each, every monitoring POST the server accepted must be in the database exactly once.
4. Print isolation, 60 s each, 20 officers (+3 users printing back to back): (a) pages only, one
   pool of 3 workers; (b) pages and prints in that same pool (today's single gunicorn); (c) pages
   and prints with the print pool. Reported: the page requests' p95 once everyone is logged in.

Writes bench/results/load-<timestamp>.json (and locust's --csv files in load-<timestamp>-csv/);
exits 1 on any failed request, server error, misrouted request or write not stored exactly once.
"""

import argparse
import datetime
import json
import math
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness as h  # noqa: E402
import htmlforms  # noqa: E402
import urllib3  # noqa: E402

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the run's own certificate

PAGE_NAMES = {"dashboard", "search", "case list", "case list (by stage)", "case detail",
              "monitoring form", "monitoring POST"}  # fmt: skip
PRINT_NAMES = {"plan print (draft, rendered)", "plan print (signed, stored PDF)"}
SERVER_ERRORS = ("Traceback", "WORKER TIMEOUT", "Internal Server Error", "[CRITICAL]")


# --- statistics -----------------------------------------------------------------------------------
def percentile(values, p):
    """Nearest-rank percentile (ms)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(rows, *, since=None):
    """rows: (start, name, ms, ok). Per name and for pages, prints, all."""
    if since is not None:
        rows = [r for r in rows if r[0] >= since]
    groups = {}
    for start, name, ms, ok in rows:
        groups.setdefault(name, []).append((start, ms, ok))
    for label, names in (("ALL PAGES", PAGE_NAMES), ("ALL PRINTS", PRINT_NAMES)):
        merged = [x for name in names for x in groups.get(name, [])]
        if merged:
            groups[label] = merged
    groups["ALL"] = [(s, ms, ok) for s, _n, ms, ok in rows]
    # one window for every request type: from the first request sent to the last answer
    window = max(s + ms / 1000 for s, _n, ms, _ok in rows) - min(r[0] for r in rows)
    out = {"window_s": round(window, 1)}
    for name, items in groups.items():
        times = [ms for _s, ms, _ok in items]
        out[name] = {
            "requests": len(items),
            "failures": sum(1 for *_x, ok in items if not ok),
            "rps": round(len(items) / max(window, 1e-9), 2),
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99),
            "max_ms": max(times),
        }
    return out


def table(stats, title):
    lines = [title, f"  {'request':<34} {'n':>6} {'fail':>5} {'req/s':>7} {'p50':>7} "
                    f"{'p95':>7} {'p99':>7}  (ms)"]  # fmt: skip
    for name in sorted(stats, key=lambda n: (n.startswith("ALL"), n)):
        if name == "window_s":
            continue
        s = stats[name]
        lines.append(
            f"  {name:<34} {s['requests']:>6} {s['failures']:>5} {s['rps']:>7} "
            f"{s['p50_ms']:>7.0f} {s['p95_ms']:>7.0f} {s['p99_ms']:>7.0f}"
        )
    return "\n".join(lines)


# --- servers ---------------------------------------------------------------------------------------
class Topology:
    """The gunicorn pool(s) and, if available, nginx in front."""

    def __init__(self, kind, *, env, workdir, static_root, use_nginx):
        self.kind, self.env, self.workdir = kind, env, pathlib.Path(workdir)
        self.static_root, self.use_nginx = static_root, use_nginx
        self.processes = []

    def __enter__(self):
        logs = self.workdir / f"logs-{self.kind}-{int(time.time())}"
        logs.mkdir()
        self.logs = logs
        pages = h.start_gunicorn(
            "pages", config="gunicorn-pages.conf.py", port=h.PAGES_PORT, workers=3,
            env=self.env, cwd=self.workdir, log_dir=logs,
        )  # fmt: skip
        self.processes.append(pages)
        prints_port = h.PAGES_PORT
        if self.kind == "split":
            prints = h.start_gunicorn(
                "prints", config="gunicorn-prints.conf.py", port=h.PRINTS_PORT, workers=1,
                env=self.env, cwd=self.workdir, log_dir=logs,
            )  # fmt: skip
            self.processes.append(prints)
            prints_port = h.PRINTS_PORT
        self.prints_port = prints_port
        if self.use_nginx:
            conf = h.render_nginx(
                self.workdir, pages_port=h.PAGES_PORT, prints_port=prints_port,
                static_root=self.static_root,
            )  # fmt: skip
            self.processes.append(h.start_nginx(conf, self.workdir))
            self.host, self.print_host = f"https://127.0.0.1:{h.PROXY_PORT}", ""
        else:
            self.host = f"http://127.0.0.1:{h.PAGES_PORT}"
            self.print_host = f"http://127.0.0.1:{prints_port}"
        return self

    def warm_up(self, draft_case):
        """Each print worker renders once (fonts, CSS) as a long-running server would have."""
        session = h.direct_session(self.prints_port, language="ko")
        url = session.base + "/accounts/login/"
        form = htmlforms.form_with(session.get(url).text, "password")
        session.post(url, data=form.data(username="neung.cm", password=h.PASSWORD))
        for _ in range(3 if self.kind == "shared" else 1):
            session.get(f"{session.base}/cases/{draft_case}/plans/1/print/?purpose=meeting")

    def check_routing(self, draft_case, signed_case):
        """Through nginx: which pool answers what, and the static files (bench-only header)."""
        import requests

        base = self.host
        session = requests.Session()
        session.trust_env = False  # loopback: no proxy, no CA bundle from the environment
        session.verify = False  # the run's own certificate
        login_page = session.get(base + "/accounts/login/")
        form = htmlforms.form_with(login_page.text, "password")
        session.post(
            base + "/accounts/login/",
            data=form.data(username="neung.cm", password=h.PASSWORD),
            headers={"Origin": base, "Referer": base + "/accounts/login/"},
        )
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', login_page.text).group(1)
        probes = {
            "dashboard": ("GET", "/", h.PAGES_PORT),
            "plan print": ("GET", f"/cases/{draft_case}/plans/1/print/?purpose=meeting",
                           h.PRINTS_PORT),
            "print preview": ("GET", f"/cases/{signed_case}/monitoring/print/?format=html",
                              h.PRINTS_PORT),
            "signing page (GET)": ("GET", f"/cases/{draft_case}/plans/1/sign-on-screen/",
                                   h.PAGES_PORT),
            "plan signing (POST)": ("POST", f"/cases/{draft_case}/plans/1/sign/", h.PRINTS_PORT),
            "monitoring (POST)": ("POST", f"/cases/{signed_case}/monitoring/new/",
                                  h.PAGES_PORT),
        }  # fmt: skip
        result = {}
        for label, (method, path, port) in probes.items():
            # the POSTs carry no CSRF token: refused (403) by Django, but by the right pool
            response = session.request(method, base + path, allow_redirects=False)
            upstream = response.headers.get("X-Bench-Upstream", "")
            result[label] = {
                "status": response.status_code,
                "pool": upstream,
                "ok": upstream == f"127.0.0.1:{port}",
            }
        static = session.get(base + css)
        result["static (nginx)"] = {
            "status": static.status_code,
            "cache": static.headers.get("Cache-Control"),
            "ok": static.status_code == 200
            and "immutable" in static.headers.get("Cache-Control", "")
            and "X-Bench-Upstream" not in static.headers,
        }
        return result

    def server_errors(self):
        found = []
        for process in self.processes:
            if process.name == "nginx":
                continue
            text = process.log_path.read_text(errors="replace")
            found += [line for line in text.splitlines() if any(e in line for e in SERVER_ERRORS)]
        return found

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            process.stop()


def run_locust(topology, *, users, rate, duration, classes, workdir, label, env_extra, csv_dir):
    run_id = uuid.uuid4().hex[:8]
    prefix = pathlib.Path(workdir) / label
    env = os.environ.copy()
    env.update(
        LOAD_RUN_ID=run_id,
        LOAD_JOURNAL=f"{prefix}-journal.jsonl",
        LOAD_RAW=f"{prefix}-raw.json",
        LOAD_PRINT_HOST=topology.print_host,
        **env_extra,
    )
    args = [
        str(h.BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(rate), "-t", duration, "--stop-timeout", "30",
        "--host", topology.host, "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", *classes,
    ]  # fmt: skip
    h.log(f"locust {label}: {users} users, spawn {rate}/s, {duration}, {' '.join(classes)}")
    started = time.time()
    result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=workdir)
    (pathlib.Path(f"{prefix}-locust.out")).write_text(result.stdout + result.stderr)
    raw = json.loads(pathlib.Path(env["LOAD_RAW"]).read_text())
    rows = raw["requests"]
    # "at work": every simulated officer has logged in and found its cases (on_start done)
    ready = raw["meta"]["ready"]
    at_work = max(ready) if len(ready) >= users else None
    for suffix in ("stats.csv", "failures.csv", "exceptions.csv"):
        source = pathlib.Path(f"{prefix}_{suffix}")
        if source.exists():
            shutil.copy(source, csv_dir / f"{label}_{suffix}")
    return {
        "run_id": run_id,
        "users": users,
        "spawn_rate": rate,
        "duration": duration,
        "classes": classes,
        "wall_seconds": round(time.time() - started, 1),
        "locust_exit_code": result.returncode,
        "all_at_work_after_s": round(at_work - rows[0][0], 1) if at_work and rows else None,
        "stats": summarise(rows),
        "stats_at_work": summarise(rows, since=at_work) if at_work else None,
        "journal": env["LOAD_JOURNAL"],
        "locust_errors": [
            line
            for line in (result.stdout + result.stderr).splitlines()
            if "Traceback" in line or "Error" in line
        ][:20],  # fmt: skip
    }


def verify_writes(run):
    """Every accepted monitoring POST stored exactly once; nothing stored that was not accepted."""
    journal = pathlib.Path(run["journal"])
    entries = [json.loads(line) for line in journal.read_text().splitlines()] if (
        journal.exists()
    ) else []  # fmt: skip
    accepted = [e["marker"] for e in entries if e["accepted"]]
    refused = [e["marker"] for e in entries if not e["accepted"]]
    rows = h.query(
        h.DB_NAME,
        "SELECT substring(findings from '^\\[LOAD:[^]]+\\]'), count(*) FROM cases_monitoring "
        "WHERE findings LIKE %s GROUP BY 1",
        (f"[LOAD:{run['run_id']}:%",),
    )
    stored = dict(rows)
    result = {
        "posts_accepted": len(accepted),
        "posts_refused": len(refused),
        "distinct_markers_sent": len(set(accepted) | set(refused)),
        "rows_with_marker": sum(stored.values()),
        "duplicates": sorted(m for m, n in stored.items() if n != 1),
        "missing": sorted(set(accepted) - set(stored)),
        "stored_but_not_accepted": sorted(set(stored) - set(accepted)),
    }
    result["exactly_once"] = (
        len(set(accepted)) == len(accepted)
        and not result["duplicates"]
        and not result["missing"]
        and not result["stored_but_not_accepted"]
    )
    return result


# --- main ------------------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="20,100", help="user counts of the load runs")
    parser.add_argument("--rate", type=int, default=5, help="users started per second")
    parser.add_argument("--time", default="60s", help="length of each load run")
    parser.add_argument("--compare-time", default="60s", help="length of each print setup run")
    parser.add_argument("--compare-users", type=int, default=20)
    parser.add_argument("--print-users", type=int, default=3)
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--no-nginx", action="store_true", help="route prints in the client")
    parser.add_argument("--keep", action="store_true", help="keep the database and temp folder")
    args = parser.parse_args()

    for port in (h.PROXY_PORT, h.PAGES_PORT, h.PRINTS_PORT):
        if not h.port_free(port):
            sys.exit(f"port {port} is in use")
    use_nginx = h.nginx_available() and not args.no_nginx
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="casemgmt-load-"))
    static_root, media_root = workdir / "static", workdir / "media"
    env = h.server_env(static_root=static_root, media_root=media_root)
    h.ensure_postgres()
    h.log(f"database {h.DB_NAME}: migrate, seed_demo, draft plans (work folder {workdir})")
    drafts = h.setup_database(env)
    h.log("collectstatic (production storage: hashed and compressed)")
    h.manage(env, "collectstatic", "--noinput", "-v0")
    h.readable_tree(static_root)
    (signed_case,) = h.query(
        h.DB_NAME,
        "SELECT c.id FROM cases_case c JOIN cases_case d ON d.dong_id = c.dong_id "
        "WHERE d.id = %s AND c.stage = 'monitoring' ORDER BY c.id LIMIT 1",
        (drafts[0]["case"],),
    )[0]
    draft_cases = ",".join(str(d["case"]) for d in drafts)
    officer_env = {"LOAD_DRAFT_CASES": draft_cases, "LOAD_PRINT_USERS": str(args.print_users)}
    report = {
        "when": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()},
        "proxy": "nginx (docs/deploy/nginx.conf, TLS on 127.0.0.1)"
        if use_nginx
        else "none: the locust client sends prints to the print pool",
        "settings": "casemgmt.settings.prod",
        "think_time_s": "3-8 between actions, 2-5 typing a monitoring contact",
        "load": {},
        "print_isolation": {},
    }
    stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"  # noqa: DTZ005
    csv_dir = h.ROOT / "bench" / "results" / f"load-{stamp}-csv"
    csv_dir.mkdir(parents=True, exist_ok=True)
    ok = True
    try:
        with Topology("split", env=env, workdir=workdir, static_root=static_root,
                      use_nginx=use_nginx) as topology:  # fmt: skip
            topology.warm_up(drafts[0]["case"])
            if use_nginx:
                routing = topology.check_routing(drafts[0]["case"], signed_case=signed_case)
                report["routing"] = routing
                print("routing through nginx:")
                for label, probe in routing.items():
                    print(f"  {'ok ' if probe['ok'] else 'BAD'} {label:<22} {probe}")
                ok &= all(probe["ok"] for probe in routing.values())
            for users in [int(u) for u in args.users.split(",")]:
                run = run_locust(
                    topology, users=users, rate=args.rate, duration=args.time,
                    classes=["OfficerUser"], workdir=workdir, label=f"load-{users}",
                    env_extra=officer_env, csv_dir=csv_dir,
                )  # fmt: skip
                run["writes"] = verify_writes(run)
                run["server_errors"] = topology.server_errors()
                report["load"][f"{users}_users"] = run
                print(table(run["stats"], f"\n{users} users, {args.time} (whole run)"))
                if run["stats_at_work"]:
                    print(table(run["stats_at_work"], f"once every user is logged in "
                                f"(after {run['all_at_work_after_s']} s)"))  # fmt: skip
                print(f"  writes: {json.dumps(run['writes'])}")
                ok &= _run_ok(run)
        if not args.skip_compare:
            setups = [
                ("a_pages_only_one_pool", "shared", ["OfficerUser"], "0"),
                ("b_pages_and_prints_one_pool", "shared", ["OfficerUser", "PrintUser"], "0"),
                ("c_pages_and_prints_print_pool", "split", ["OfficerUser", "PrintUser"], "0"),
            ]
            for label, kind, classes, officer_prints in setups:
                with Topology(kind, env=env, workdir=workdir, static_root=static_root,
                              use_nginx=use_nginx) as topology:  # fmt: skip
                    topology.warm_up(drafts[0]["case"])
                    users = args.compare_users + (args.print_users if "PrintUser" in classes else 0)
                    run = run_locust(
                        topology, users=users, rate=10, duration=args.compare_time,
                        classes=classes, workdir=workdir, label=label,
                        env_extra={**officer_env, "LOAD_OFFICER_PRINTS": officer_prints},
                        csv_dir=csv_dir,
                    )  # fmt: skip
                    run["writes"] = verify_writes(run)
                    run["server_errors"] = topology.server_errors()
                steady = run["stats_at_work"] or run["stats"]
                run["page_p95_ms"] = steady["ALL PAGES"]["p95_ms"]
                run["page_p50_ms"] = steady["ALL PAGES"]["p50_ms"]
                run["prints_per_s"] = steady.get("ALL PRINTS", {}).get("rps", 0)
                run["print_p95_ms"] = steady.get("ALL PRINTS", {}).get("p95_ms")
                report["print_isolation"][label] = run
                print(table(steady, f"\n{label}: once every user is logged in"))
                ok &= _run_ok(run)
            print("\npage requests once every user is logged in:")
            for label, run in report["print_isolation"].items():
                print(
                    f"  {label:<32} page p50 {run['page_p50_ms']:>6.0f} ms  "
                    f"p95 {run['page_p95_ms']:>6.0f} ms   prints {run['prints_per_s']}/s"
                    f" (p95 {run['print_p95_ms']} ms)"
                )
    finally:
        report["machine"]["loadavg_after"] = os.getloadavg()
        out = h.ROOT / "bench" / "results" / f"load-{stamp}.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"\nwritten: {out.relative_to(h.ROOT)}")
        if not args.keep:
            h.drop_database()
            shutil.rmtree(workdir, ignore_errors=True)
    print("OK" if ok else "FAILED: see failures, server errors or writes above")
    sys.exit(0 if ok else 1)


def _run_ok(run):
    failures = run["stats"]["ALL"]["failures"]
    if failures or run["server_errors"] or not run["writes"]["exactly_once"]:
        print(f"  !! failures {failures}, server errors {len(run['server_errors'])}, "
              f"writes exactly once: {run['writes']['exactly_once']}")  # fmt: skip
        for line in run["server_errors"][:10]:
            print("     " + line)
        return False
    return True


if __name__ == "__main__":
    main()
