"""Many app servers share one PostgreSQL and nothing else (issue 15): the production settings keep
no state in a server's memory or on its disk. (bench/load/two_servers.py shows it with two running
gunicorn instances.)"""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "sessions": settings.SESSION_ENGINE,
    "axes": getattr(settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler"),
    "media": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "bucket": getattr(default_storage, "bucket_name", None),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
}))
"""


def _production(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casemgmt.settings.prod",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_SALT": "salt-for-the-test",
        "ALLOWED_HOSTS": "casemgmt.example.kr",
        "DATABASE_URL": "postgres://app:app@127.0.0.1:5432/app",
        **extra,
    }
    out = subprocess.run(  # noqa: S603 -- this interpreter, a fixed probe
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_sessions_and_lockouts_live_in_the_database_and_jit_is_off():
    found = _production()
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    assert found["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert "-c jit=off" in found["db_options"]["options"]


def test_media_go_to_an_s3_compatible_bucket_when_asked():
    assert _production()["media"].endswith("FileSystemStorage")
    found = _production(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="casemgmt-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.kr",
    )
    assert found["media"] == "storages.backends.s3.S3Storage"
    assert found["bucket"] == "casemgmt-media"
