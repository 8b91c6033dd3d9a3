"""Two app servers that share only the PostgreSQL database: does anything live in one process?

    .venv/bin/python bench/load/two_servers.py [--keep]

Starts two gunicorn instances (docs/deploy/gunicorn-pages.conf.py, 2 workers each) on
127.0.0.1:8612 (A) and 127.0.0.1:8613 (B), each in its own temporary folder (its own working
directory, static files and MEDIA_ROOT), both on the database ``casemgmt_load`` (dropped and
created here) with the production settings and the same SECRET_KEY / FIELD_ENCRYPTION_SALT.
The client talks to each straight over HTTP and says ``X-Forwarded-Proto: https`` as nginx does.

Checks, each printed PASS or FAIL (exit status 1 if any fails):
  settings      no process-local state: sessions, lockouts, messages, rate limits, files
  session       a session made through A works through B, and a logout through B ends it on A
  lockout       5 failed logins through A lock the account through B (django-axes, database)
  rate limit    the duplicate-check limit (DUPLICATE_CHECKS_PER_HOUR=3 here) counts both servers
  upload        signatures uploaded through A (sign a plan on screen) come back through B
  signed PDF    the signed plan PDF made through A is downloaded byte for byte through B
  xlsx import   a registry workbook imported through A is in the Excel export of B
  stale edit    a form loaded on A, the record saved through B, A's old form is refused
  no files      nothing was written under either server's MEDIA_ROOT

Usable from pytest as well: ``pytest bench/load/two_servers.py`` runs the same (about 2 min).
"""

import argparse
import base64
import hashlib
import io
import pathlib
import re
import shutil
import struct
import sys
import tempfile
import zlib

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness as h  # noqa: E402
import htmlforms  # noqa: E402

A, B = h.PAGES_PORT, h.PRINTS_PORT
RESULTS = []

SETTINGS_PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "CACHES": settings.CACHES,
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "AXES_HANDLER": settings.AXES_HANDLER,
    "MESSAGE_STORAGE": settings.MESSAGE_STORAGE,
    "STORAGES": settings.STORAGES,
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
}))
"""


def check(name, passed, detail=""):
    RESULTS.append((name, bool(passed), detail))
    print(f"{'PASS' if passed else 'FAIL'}  {name:<12} {detail}", flush=True)
    return passed


def note(text):
    print(f"      {'':<12} {text}", flush=True)


# --- client helpers ------------------------------------------------------------------------------
def login(session, username, password=h.PASSWORD):
    url = session.base + "/accounts/login/"
    form = htmlforms.form_with(session.get(url).text, "password")
    return session.post(
        url, data=form.data(username=username, password=password), allow_redirects=False
    )


def share_session(source, port):
    """A second client (another browser tab landing on the other server) with source's cookies."""
    other = h.direct_session(port)
    for cookie in source.cookies:
        other.cookies.set(cookie.name, cookie.value, domain="127.0.0.1", path="/")
    return other


def signature_png(width=300, height=100, seed=0):
    """A small black-on-white PNG, like the signature pad's (a stroke across the box)."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            on = abs(y - (height // 2 + int(20 * ((x + seed) % 60 - 30) / 30))) < 2
            row += b"\x00\x00\x00\xff" if on else b"\xff\xff\xff\x00"
        rows.append(bytes(row))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def data_url(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()


# --- the checks -------------------------------------------------------------------------------
def check_settings(env):
    import json

    probe = json.loads(h.manage(env, "shell", "-c", SETTINGS_PROBE).strip().splitlines()[-1])
    backends = {alias: c["BACKEND"] for alias, c in probe["CACHES"].items()}
    local_cache = any("locmem" in b.lower() for b in backends.values())
    session_in_cache = "cache" in probe["SESSION_ENGINE"]
    axes_in_cache = "cache" in probe["AXES_HANDLER"].lower()
    uses_cache = sorted(
        str(p.relative_to(h.ROOT))
        for folder in ("casemgmt", "cases", "resources", "meetings")
        for p in (h.ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts
        and re.search(r"django\.core\.cache|\bcaches\[|cache_page|\bcache\.(get|set|incr)\(",
                      p.read_text(encoding="utf-8"))
    )  # fmt: skip
    state_in_local_cache = local_cache and (session_in_cache or axes_in_cache or uses_cache)
    check(
        "settings",
        not state_in_local_cache,
        f"sessions {probe['SESSION_ENGINE']}, axes {probe['AXES_HANDLER'].rsplit('.', 1)[-1]}, "
        f"messages {probe['MESSAGE_STORAGE'].rsplit('.', 1)[-1]}",
    )
    note(f"CACHES {backends}" + ("  <- process-local" if local_cache else ""))
    note(f"code using Django's cache: {uses_cache or 'none'}")
    note(f"default file storage {probe['STORAGES']['default']['BACKEND']} (nothing stored in it)")
    return probe


def check_session():
    on_a = h.direct_session(A)
    response = login(on_a, "neung.cm")
    if not check("login on A", response.status_code == 302, f"HTTP {response.status_code}"):
        return
    on_b = share_session(on_a, B)
    page = on_b.get(on_b.base + "/", allow_redirects=False)
    check(
        "session",
        page.status_code == 200 and "김하늘" in page.text,
        f"A's session on B: HTTP {page.status_code}, dashboard of 김하늘: {'김하늘' in page.text}",
    )
    logout = next(f for f in htmlforms.forms(page.text) if f.action == "/accounts/logout/")
    on_b.post(on_b.base + "/accounts/logout/", data=logout.data(), allow_redirects=False)
    after = on_a.get(on_a.base + "/", allow_redirects=False)
    check(
        "logout",
        after.status_code == 302 and "/accounts/login/" in after.headers.get("Location", ""),
        f"after logging out through B, A answers HTTP {after.status_code} (to the login page)",
    )


def check_lockout():
    username = "guui1.sv"
    on_a = h.direct_session(A)
    statuses = [login(on_a, username, "wrong-password-1").status_code for _ in range(5)]
    on_b = h.direct_session(B)
    response = login(on_b, username)
    home = on_b.get(on_b.base + "/", allow_redirects=False)
    check(
        "lockout",
        response.status_code == 429 and home.status_code == 302,
        f"5 failures on A (HTTP {statuses}); the right password on B: HTTP "
        f"{response.status_code}, {'Account locked' in response.text and 'locked page' or ''}",
    )


def check_rate_limit(limit):
    on_a = h.direct_session(A)
    login(on_a, "neung.cm2")
    on_b = share_session(on_a, B)
    query = "/clients/duplicates/?name=한순자&birth_date=1948-03-12"
    refused = []
    for session in [on_a, on_a, on_b, on_b, on_a]:
        text = session.get(session.base + query).text
        refused.append("checks in the past hour" in text)
    expected = [n > limit for n in range(1, 6)]
    check(
        "rate limit",
        refused == expected,
        f"limit {limit}/hour; checks A,A,B,B,A refused: {refused} (expected {expected})",
    )


def check_upload_and_signed_pdf(draft):
    case, number = draft["case"], draft["plan"]
    on_a = h.direct_session(A)
    login(on_a, "neung.cm")
    on_b = share_session(on_a, B)
    url = f"/cases/{case}/plans/{number}/sign-on-screen/"
    form = htmlforms.form_with(on_a.get(on_a.base + url).text, "signature")
    client_png, manager_png = signature_png(seed=7), signature_png(seed=31)
    response = on_a.post(
        on_a.base + url,
        data=form.data(
            signature=data_url(client_png),
            manager_signature=data_url(manager_png),
            confirmed="on",
        ),
        allow_redirects=False,
    )
    if not check(
        "sign on A",
        response.status_code == 302,
        f"plan {case}/{number} signed on screen through A: HTTP {response.status_code}",
    ):
        return
    (stored_sha,) = h.query(
        h.DB_NAME,
        "SELECT d.sha256 FROM cases_signeddocument d JOIN cases_serviceplan p ON p.id = d.plan_id "
        "WHERE p.case_id = %s AND p.number = %s",
        (case, number),
    )[0]
    print_url = f"/cases/{case}/plans/{number}/print/?purpose=signature"
    from_b = on_b.get(on_b.base + print_url)
    from_a = on_a.get(on_a.base + print_url)
    sha_b = hashlib.sha256(from_b.content).hexdigest()
    check(
        "signed PDF",
        from_b.headers.get("Content-Type") == "application/pdf"
        and sha_b == stored_sha
        and from_a.content == from_b.content,
        f"made on A, from B: {len(from_b.content)} bytes, SHA-256 {sha_b[:12]}… = stored "
        f"{stored_sha[:12]}…: {sha_b == stored_sha}; same bytes as A: "
        f"{from_a.content == from_b.content}",
    )
    # The uploads themselves: stored once (the database), shown by B.
    (client_stored, manager_stored), = h.query(
        h.DB_NAME,
        "SELECT d.signature_image, d.manager_signature_image FROM cases_signeddocument d "
        "JOIN cases_serviceplan p ON p.id = d.plan_id WHERE p.case_id = %s AND p.number = %s",
        (case, number),
    )  # fmt: skip
    preview_path = f"/cases/{case}/plans/{number}/print/?format=html"
    preview_b = on_b.get(on_b.base + preview_path).text
    client_shown = base64.b64encode(client_png).decode() in preview_b
    check(
        "upload",
        bytes(client_stored) == client_png and bytes(manager_stored) == manager_png
        and client_shown,
        f"both signature PNGs uploaded through A are stored as sent: "
        f"{bytes(client_stored) == client_png and bytes(manager_stored) == manager_png}; "
        f"the client's is in B's preview of the plan: {client_shown}",
    )  # fmt: skip
    manager_b = base64.b64encode(manager_png).decode() in preview_b
    manager_a = base64.b64encode(manager_png).decode() in on_a.get(on_a.base + preview_path).text
    if not (manager_a or manager_b):
        note(
            "app finding: the case manager's drawn signature (⑮) is stored but neither A's nor "
            "B's ?format=html preview shows it (cases/views/prints.py plan_print passes only "
            "the client's to plan_context); the stored PDF is unaffected"
        )


def check_xlsx_import():
    import openpyxl

    on_a = h.direct_session(A)
    login(on_a, "neung.cm")
    on_b = share_session(on_a, B)
    template = on_a.get(on_a.base + "/resources/import/?download=template")
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = next(ws for ws in book.worksheets if "자원명" in [c.value for c in ws[1]])
    headers = [c.value for c in sheet[1]]
    name = f"두서버 시험 자원 {hashlib.sha256(template.content).hexdigest()[:6]}"
    values = {"자원명": name, "자원 종류": "material", "세부 유형": "goods",
              "욕구 영역": "economy", "설명": "two_servers.py"}  # fmt: skip
    row = sheet.max_row + 1
    for column, header in enumerate(headers, start=1):
        if header in values:
            sheet.cell(row=row, column=column, value=values[header])
    buffer = io.BytesIO()
    book.save(buffer)
    page = on_a.get(on_a.base + "/resources/import/")
    form = htmlforms.form_with(page.text, "csrfmiddlewaretoken")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = on_a.post(
        on_a.base + "/resources/import/",
        data=form.data(),
        files={"file": ("resources.xlsx", buffer.getvalue(), xlsx)},
        allow_redirects=False,
    )
    if response.status_code != 302:
        problems = re.findall(r"<td[^>]*>([^<]{3,200})</td>", response.text)[:6]
        check("xlsx import", False, f"import through A: HTTP {response.status_code} {problems}")
        return
    export = on_b.get(on_b.base + "/resources/?export=xlsx")
    exported = openpyxl.load_workbook(io.BytesIO(export.content))
    found = any(
        cell == name for ws in exported.worksheets for r in ws.iter_rows(values_only=True)
        for cell in r
    )  # fmt: skip
    check("xlsx import", found, f"{name!r} imported through A, in B's export: {found}")


def check_stale_edit():
    client_pk = h.query(h.DB_NAME, "SELECT id FROM cases_client WHERE name = '한순자'")[0][0]
    url = f"/clients/{client_pk}/edit/"
    on_a = h.direct_session(A)
    login(on_a, "neung.cm")
    old_form = htmlforms.form_with(on_a.get(on_a.base + url).text, "loaded_version")
    on_b = h.direct_session(B)
    login(on_b, "neung.cm2")
    b_form = htmlforms.form_with(on_b.get(on_b.base + url).text, "loaded_version")
    saved_b = on_b.post(
        on_b.base + url,
        data=b_form.data(address="서울 광진구 능동로 120, 3층 (B에서 저장)"),
        allow_redirects=False,
    )
    stale = on_a.post(
        on_a.base + url,
        data=old_form.data(address="서울 광진구 능동로 120, 1층 (A의 오래된 양식)"),
        allow_redirects=False,
    )
    (address, version), = h.query(
        h.DB_NAME, "SELECT address, version FROM cases_client WHERE id = %s", (client_pk,)
    )  # fmt: skip
    check(
        "stale edit",
        saved_b.status_code == 302
        and stale.status_code == 200
        and "Someone else saved this record" in stale.text
        and "B에서 저장" in address,
        f"loaded on A (version {old_form.value('loaded_version')}), saved through B: HTTP "
        f"{saved_b.status_code}; A's old form: HTTP {stale.status_code} "
        f"({'refused: someone else saved' if 'Someone else saved' in stale.text else 'NOT refused'}); "
        f"stored: B's address, version {version}",
    )


# --- main ---------------------------------------------------------------------------------------
def run(keep=False):
    RESULTS.clear()
    for port in (A, B):
        if not h.port_free(port):
            sys.exit(f"port {port} is in use")
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="casemgmt-two-servers-"))
    keys = h.new_secrets()
    limit = 3

    def env_for(name):
        home = workdir / name
        (home / "media").mkdir(parents=True)
        return home, h.server_env(
            static_root=home / "static", media_root=home / "media", secrets_=keys,
            DUPLICATE_CHECKS_PER_HOUR=limit,
        )  # fmt: skip

    home_a, env_a = env_for("A")
    home_b, env_b = env_for("B")
    servers = []
    try:
        h.ensure_postgres()
        h.log(f"database {h.DB_NAME}: migrate, seed_demo, a draft plan per dong")
        drafts = h.setup_database(env_a, drafts=1)
        h.log("collectstatic for A; B gets a copy of the same build")
        h.manage(env_a, "collectstatic", "--noinput", "-v0")
        shutil.copytree(home_a / "static", home_b / "static")
        for name, port, home, env in (("A", A, home_a, env_a), ("B", B, home_b, env_b)):
            servers.append(
                h.start_gunicorn(
                    f"server-{name}",
                    config="gunicorn-pages.conf.py",
                    port=port,
                    workers=2,
                    env=env,
                    cwd=home,
                    log_dir=workdir,
                )  # fmt: skip
            )
        h.log(f"A on 127.0.0.1:{A} (cwd {home_a}), B on 127.0.0.1:{B} (cwd {home_b})")
        check_settings(env_a)
        check_session()
        check_lockout()
        check_rate_limit(limit)
        neung = next(d for d in drafts if d["dong"] == "능동")
        check_upload_and_signed_pdf(neung)
        check_xlsx_import()
        check_stale_edit()
        files = [p for home in (home_a, home_b) for p in (home / "media").rglob("*") if p.is_file()]
        check("no files", not files, f"files under the two MEDIA_ROOTs: {len(files)}")
    finally:
        for server in servers:
            server.stop()
        errors = [
            line
            for server in servers
            for line in server.log_path.read_text(errors="replace").splitlines()
            if "Traceback" in line or "WORKER TIMEOUT" in line
        ]
        check("server logs", not errors, f"tracebacks or timeouts: {len(errors)}")
        if not keep:
            h.drop_database()
            shutil.rmtree(workdir, ignore_errors=True)
    failed = [name for name, passed, _ in RESULTS if not passed]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed" + (
        f": {', '.join(failed)}" if failed else ""))  # fmt: skip
    return not failed


def test_two_app_servers_share_only_the_database():
    assert run(), [r for r in RESULTS if not r[1]]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Two app servers sharing one database.")
    parser.add_argument("--keep", action="store_true", help="keep the database and temp folder")
    sys.exit(0 if run(keep=parser.parse_args().keep) else 1)
