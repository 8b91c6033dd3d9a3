"""Production: gunicorn behind a TLS-terminating proxy, PostgreSQL, whitenoise.

Every app server reads the same environment and shares nothing but the database.
"""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # noqa: F405  -- required: no default in production
SALT_KEY = env.list("FIELD_ENCRYPTION_SALT")  # noqa: F405  -- required: encrypts resident numbers
DATABASES = {"default": with_postgres_options(env.db("DATABASE_URL"))}  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=True)  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads and signed PDFs go through Django's storage API only (never a path on this server), so
# more than one app server can share them: MEDIA_STORAGE=s3 keeps them in an S3-compatible bucket
# (django-storages, `pip install -e '.[s3]'`; credentials in AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY). The default, one server's MEDIA_ROOT, suits a single server or a shared
# volume. docs/scaling.md.
if env("MEDIA_STORAGE", default="filesystem") == "s3":  # noqa: F405
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),  # noqa: F405
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),  # noqa: F405
            "region_name": env("AWS_S3_REGION_NAME", default=None),  # noqa: F405
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # noqa: F405
