"""Vocabulary shared by the lifecycle and the resource registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedDomain(models.TextChoices):
    """The need domains of Korean integrated case management (욕구 영역)."""

    SAFETY = "safety", _("Safety")
    HEALTH = "health", _("Health")
    DAILY_LIVING = "daily_living", _("Daily living")
    FAMILY = "family", _("Family relations")
    SOCIAL = "social", _("Social relations")
    ECONOMY = "economy", _("Economy")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    HOUSING = "housing", _("Housing and living environment")
    RIGHTS = "rights", _("Rights and advocacy")
