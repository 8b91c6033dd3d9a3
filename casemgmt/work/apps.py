from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    """The officer's working day, above the apps: the dashboard (and, as they come, the team view,
    statistics and calendar). It reads the apps through their selectors; no app imports it."""

    name = "casemgmt.work"
    label = "work"
    verbose_name = _("My work")
