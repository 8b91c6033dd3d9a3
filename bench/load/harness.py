"""What the load run and the two-server check share: the database, the servers, nginx, a client.

Nothing here touches a database other than the one named (it must start with ``casemgmt_load``)
or a process it did not start.
"""

import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
DEPLOY = ROOT / "docs" / "deploy"
PG_URL = os.environ.get("LOAD_PG_URL", "postgres://app:app@127.0.0.1:5432")
DB_NAME = "casemgmt_load"
PROXY_PORT, PAGES_PORT, PRINTS_PORT = 8611, 8612, 8613
PASSWORD = "welfare-demo-2026"  # noqa: S105 -- seed_demo's demo password


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- PostgreSQL ---------------------------------------------------------------------------------
def ensure_postgres():
    if not shutil.which("pg_lsclusters"):
        return  # not a Debian cluster: LOAD_PG_URL points at a running server
    clusters = subprocess.run(["pg_lsclusters"], capture_output=True, text=True).stdout
    if "online" not in clusters:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"], check=True
        )


def _admin():
    import psycopg2

    url = urllib.parse.urlsplit(PG_URL)
    connection = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=urllib.parse.unquote(url.username or ""),
        password=urllib.parse.unquote(url.password or ""),
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def _check_name(name):
    if not name.startswith(DB_NAME) or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing to touch database {name!r}: ours start with {DB_NAME}")


def recreate_database(name=DB_NAME):
    _check_name(name)
    drop_database(name)
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def drop_database(name=DB_NAME):
    _check_name(name)
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def database_url(name=DB_NAME):
    return f"{PG_URL.rstrip('/')}/{name}"


def query(name, sql, params=()):
    """Rows of one read-only query on database ``name``."""
    import psycopg2

    _check_name(name)
    url = urllib.parse.urlsplit(database_url(name))
    connection = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=urllib.parse.unquote(url.username or ""),
        password=urllib.parse.unquote(url.password or ""),
        dbname=name,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


# --- the app's environment ----------------------------------------------------------------------
def server_env(*, db_name=DB_NAME, static_root, media_root, secrets_=None, **extra):
    """The production settings, configured by the environment as on a server."""
    keys = secrets_ or new_secrets()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "GUNICORN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="casemgmt.settings.prod",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]),
        DATABASE_URL=database_url(db_name),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{PROXY_PORT}",
        SECURE_HSTS_SECONDS="0",  # a loopback test: do not pin 127.0.0.1 to HTTPS in a browser
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        LOG_LEVEL="WARNING",
        **keys,
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def new_secrets():
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_SALT": secrets.token_urlsafe(32),
    }


def manage(env, *args, cwd=ROOT, capture=True):
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=cwd,
        capture_output=capture,
        text=True,
    )
    if result.returncode:
        sys.stderr.write((result.stdout or "") + (result.stderr or ""))
        raise RuntimeError(f"manage.py {' '.join(args)} failed")
    return result.stdout


def setup_database(env, *, db_name=DB_NAME, drafts=2):
    """A new database: migrate, seed_demo, draft plans (bench/load/prepare.py). Returns the
    prepared drafts."""
    import json

    recreate_database(db_name)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    out = subprocess.run(
        [PYTHON, str(HERE / "prepare.py"), "--drafts", str(drafts)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])["drafts"]


# --- processes ----------------------------------------------------------------------------------
class Process:
    """A server this run started; stopped by its own pid only."""

    def __init__(self, name, args, *, env, cwd, log_path):
        self.name = name
        self.log_path = pathlib.Path(log_path)
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115
        self.popen = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=self.log_file, stderr=subprocess.STDOUT
        )

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self.log_file.close()

    def tail(self, lines=30):
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_listening(port, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
        if not port_free(port):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{process.name} did not listen on {port} within {timeout}s")


def start_gunicorn(name, *, config, port, workers, env, cwd, log_dir):
    if not port_free(port):
        raise RuntimeError(f"port {port} is in use: stop what runs there first")
    args = [
        str(BIN / "gunicorn"),
        "-c",
        str(DEPLOY / config),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "casemgmt.wsgi:application",
    ]
    process = Process(name, args, env=env, cwd=cwd, log_path=pathlib.Path(log_dir) / f"{name}.log")
    wait_listening(port, process)
    return process


# --- nginx --------------------------------------------------------------------------------------
def render_nginx(workdir, *, pages_port, prints_port, static_root):
    """docs/deploy/nginx.conf with the loopback ports, a throw-away certificate and the run's
    static folder; a main nginx.conf around it. Every replaced line must be found, so the file
    tested is the file documented."""
    workdir = pathlib.Path(workdir)
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
    text = (DEPLOY / "nginx.conf").read_text()
    replacements = {
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{pages_port};",
        "server 127.0.0.1:8002;": f"server 127.0.0.1:{prints_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{PROXY_PORT} ssl;",
        "listen [::]:443 ssl http2;": "",
        "server_name casemgmt.example.kr;": "server_name 127.0.0.1 localhost;",
        "/etc/ssl/casemgmt/fullchain.pem": str(cert),
        "/etc/ssl/casemgmt/privkey.pem": str(key),
        "/var/log/nginx/casemgmt.access.log": "off",
        "/var/log/nginx/casemgmt.error.log": str(workdir / "nginx-error.log"),
        "/srv/casemgmt/staticfiles/": str(static_root).rstrip("/") + "/",
    }
    for old, new in replacements.items():
        if text.count(old) != 1:
            raise RuntimeError(f"docs/deploy/nginx.conf: expected {old!r} exactly once")
        text = text.replace(old, new)
    site = workdir / "casemgmt-site.conf"
    site.write_text(text)
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    main = workdir / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    # bench only: which pool answered (proxied locations inherit this; /static/ sets its own)
    add_header X-Bench-Upstream $upstream_addr always;
    include {site};
}}
"""
    )
    return main


def start_nginx(main_conf, workdir):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-t", "-q", "-c", str(main_conf)], check=True)
    process = Process(
        "nginx",
        [nginx, "-c", str(main_conf)],
        env=os.environ.copy(),
        cwd=workdir,
        log_path=pathlib.Path(workdir) / "nginx.out",
    )
    wait_listening(PROXY_PORT, process)
    return process


def nginx_available():
    return bool(shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"))


def readable_tree(path):
    """nginx's workers (www-data) read the static files out of a temporary folder."""
    path = pathlib.Path(path)
    for parent in [path, *path.parents]:
        if str(parent) in ("/", "/tmp"):
            break
        parent.chmod(parent.stat().st_mode | 0o055)


# --- a client for the servers directly (no nginx) -----------------------------------------------
def send_secure_cookies_over_loopback(session):
    """Production cookies are Secure; straight to gunicorn on loopback the client speaks plain
    HTTP (saying X-Forwarded-Proto: https, as nginx does), so it must send them back anyway.
    (requests copies the jar into a fresh one per request, so a cookie policy would not do.)"""
    prepare = session.prepare_request

    def prepare_request(request):
        for cookie in session.cookies:
            cookie.secure = False
        return prepare(request)

    session.prepare_request = prepare_request
    return session


def direct_session(port, language="en"):
    """A requests session speaking to one gunicorn as nginx would forward a browser."""
    import requests

    session = requests.Session()
    session.trust_env = False  # loopback: no proxy from the environment
    send_secure_cookies_over_loopback(session)
    session.cookies.set("django_language", language, domain="127.0.0.1", path="/")
    origin = f"https://127.0.0.1:{port}"
    session.headers.update(
        {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}
    )
    session.base = f"http://127.0.0.1:{port}"
    return session
