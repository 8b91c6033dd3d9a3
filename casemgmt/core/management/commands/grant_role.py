"""Give an account its role on the server, where no web user can: the first gu-level reviewer of
a new installation, or a correction the two-person grant cannot make. Recorded in the account's
change history with the reason given."""

from django.core.management.base import BaseCommand, CommandError

from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.models import Dong, Gu, User
from casemgmt.core.roles import Role
from casemgmt.core.services import apply_role


class Command(BaseCommand):
    help = "Give an account a role and its gu or dong (recorded in the change history)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.STAFF)
        parser.add_argument("--gu", required=True, help="the gu's name, e.g. 광진구")
        parser.add_argument("--dong", help="the dong's name, for case managers and team leaders")
        parser.add_argument("--reason", required=True, help="why, e.g. the personnel order")

    def handle(self, *args, username, role, gu, dong=None, reason, **options):
        try:
            user = User.objects.get(username=username)
            gu_row = Gu.objects.get(name=gu)
            dong_row = Dong.objects.get(gu=gu_row, name=dong) if dong else None
        except (User.DoesNotExist, Gu.DoesNotExist, Dong.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        try:
            apply_role(
                user=user,
                role=role,
                gu=gu_row,
                dong=dong_row,
                by=None,
                reason=f"manage.py grant_role: {reason}",
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"{username}: {Role.LABELS[role]} · {dong_row or gu_row}")
