"""System checks for the personal-data rules the settings must keep."""

from django.conf import settings
from django.core import checks

MINIMUM_RETENTION_YEARS = 2  # 개인정보의 안전성 확보조치 기준 §8: access records ≥ 2 years


@checks.register(checks.Tags.security, deploy=False)
def access_record_retention(app_configs, **kwargs):
    years = getattr(settings, "ACCESS_RECORD_RETENTION_YEARS", 0)
    if years < MINIMUM_RETENTION_YEARS:
        return [
            checks.Error(
                f"ACCESS_RECORD_RETENTION_YEARS is {years}; access records must be kept at least "
                f"{MINIMUM_RETENTION_YEARS} years.",
                id="core.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def field_encryption_salt(app_configs, **kwargs):
    salts = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    if not salts or any(len(s) < 16 or s.startswith("dev-only") for s in salts):
        return [
            checks.Error(
                "FIELD_ENCRYPTION_SALT must be set to random values of at least 16 characters "
                "(the resident registration numbers are encrypted with it).",
                id="core.E002",
            )
        ]
    return []
