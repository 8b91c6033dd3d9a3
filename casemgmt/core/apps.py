from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "casemgmt.core"
    label = "core"
    verbose_name = _("Organisation and accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, signals  # noqa: F401  -- system checks; login/logout records
        from .roles import sync_role_groups

        # Every app's post_migrate: the permissions of later apps exist only after theirs ran.
        post_migrate.connect(sync_role_groups, dispatch_uid="core.sync_role_groups")
