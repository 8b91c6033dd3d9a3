"""Settings shared by every environment. Values that differ come from the environment."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- applications ----------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# Two-factor sign-in (casemgmt/core/two_factor.py): the name an authenticator app shows.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="동 사례관리")
LOCAL_APPS = [
    "casemgmt.core",
    "cases",
    "resources",
    "meetings",
    "casemgmt.work",  # above the apps: the working day reads them all
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "casemgmt.core.middleware.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casemgmt.core.middleware.SecondFactorMiddleware",
    "casemgmt.core.middleware.PartnerFenceMiddleware",
    "casemgmt.core.middleware.NewPasswordRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "casemgmt.core.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "casemgmt.core.downloads.DownloadReasonMiddleware",
]

ROOT_URLCONF = "casemgmt.urls"
WSGI_APPLICATION = "casemgmt.wsgi.application"
ASGI_APPLICATION = "casemgmt.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casemgmt.core.context_processors.navigation",
                "casemgmt.work.context_processors.alerts",
            ],
        },
    },
]

# --- database ----------------------------------------------------------------------------------
# An SQLite file by default, so the app runs with no server; PostgreSQL in CI and production:
# DATABASE_URL=postgres://user:password@host:5432/name


def with_postgres_options(database):
    """What every PostgreSQL connection of the app sets.

    JIT off: the planner's cost estimate of the longer list queries crosses ``jit_above_cost``
    at gu scale, and compiling the query then took about 60% of the time of the gu staff's
    overdue list (5.8 s at 100,000 clients, measured for issue 15 on PostgreSQL 15); the app's
    queries are short index lookups that JIT never pays back.
    """
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    return database


DATABASES = {
    "default": with_postgres_options(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "work:dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 9},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "casemgmt.core.password_validation.CharacterKindsValidator"},
]

# Idle sessions end: the cookie's age is renewed on every request, so it runs out only when
# the officer has done nothing for SESSION_IDLE_MINUTES.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Lockout: five failed logins in a row lock the account (not the office's shared IP address)
# until an administrator unlocks it.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # our AccessRecord keeps logins, logouts and failures
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = [
    # axes.W006 wants the IP address among the lockout parameters. A dong centre's officers share
    # one public address: locking by address would lock out the whole office, and the rule we
    # follow (안전성 확보조치 기준) locks the account after repeated failures, which we do.
    "axes.W006",
]

# Behind a reverse proxy, the client address is the first X-Forwarded-For entry.
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=False)

# --- security headers and uploads ----------------------------------------------------------------
# Content-Security-Policy (django-csp 4): nothing inline, nothing from another origin. Our pages
# carry no <script> body, no on*= handler and no style= attribute; htmx's own indicator <style> is
# turned off in base.html (htmx-config) and its rules live in static/css/app.css. data: images are
# Bootstrap's icons (in its CSS) and the client's signature in the print preview.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy (casemgmt.core.middleware): no page uses these browser features.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "display-capture": [],
}
# Uploads: an Excel import or a partner agency's document is refused above this size
# (casemgmt/core/uploads.py). Imports keep rows and signatures live in the database; the one file
# kept is a partner's document on a referral (STORAGES["default"]). MEDIA_URL is never served.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# The gu-wide duplicate check (중복 확인) tells another dong that a person is a client: an officer
# may run it this many times an hour (registrations included); every check is recorded.
DUPLICATE_CHECKS_PER_HOUR = env.int("DUPLICATE_CHECKS_PER_HOUR", default=30)
# The body of a request without its files: the largest is an on-screen signature (a PNG data URL of
# at most 512 KB, cases.services.SIGNATURE_MAX_BYTES) or a long note.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- personal data ------------------------------------------------------------------------------
# Resident registration numbers and other sensitive fields are encrypted at rest (Fernet, key
# derived from SECRET_KEY and FIELD_ENCRYPTION_SALT). To rotate: put the new salt first, keep the
# old ones after it (comma-separated), run `manage.py reencrypt_fields`, then drop the old ones.
# See docs/security.md.
SALT_KEY = env.list("FIELD_ENCRYPTION_SALT", default=["dev-only-field-salt-change-me"])
# Access records (접속기록) are kept at least two years (개인정보의 안전성 확보조치 기준 §8).
# Nothing in the application deletes them; this is the floor any archiving job must respect.
ACCESS_RECORD_RETENTION_YEARS = env.int("ACCESS_RECORD_RETENTION_YEARS", default=2)
# Change history (who, when, old and new values) is kept as long as the record itself.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# --- language and time -----------------------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["casemgmt.formats"]

# --- static files ---------------------------------------------------------------------------------
# Our own CSS/JS in static/; Bootstrap, htmx and Chart.js from the npm registry (node_modules,
# installed at set-up time), served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Process-local and used by nothing that must be shared: sessions, login lockouts, rate limits
# and messages all live in the database, so any number of app servers see the same state
# (bench/load/two_servers.py). Point CACHE_URL at a shared cache before keeping state in it.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
