"""Compute every stored due date and deadline clock again from the records, and report drift.

    manage.py recompute_schedule            # report differences; exit 1 if there are any
    manage.py recompute_schedule --fix      # and store the computed values (once after upgrading)

The services keep these dates in the transaction of each record (cases.schedule); a difference
means a record changed without them, e.g. a fix made directly in the database.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases import schedule
from cases.models import Case, policy_for_gu


class Command(BaseCommand):
    help = "Recompute the stored due dates and deadline clocks of every case and report drift."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Store the computed values.")
        parser.add_argument("--chunk", type=int, default=500, help="Cases read per batch.")

    def handle(self, *args, fix=False, chunk=500, **options):
        policies = {}
        checked = drifted = 0
        cases = schedule.with_records(Case.objects.order_by("pk"))
        with transaction.atomic():
            for case in cases.iterator(chunk_size=chunk):
                gu_id = case.dong.gu_id
                if gu_id not in policies:
                    policies[gu_id] = policy_for_gu(gu_id)
                computed = schedule.compute(case, policies[gu_id])
                found = schedule.differences(case, computed)
                checked += 1
                if found:
                    drifted += 1
                    for line in found:
                        self.stdout.write(f"{case.number}: {line}")
                    if fix:
                        schedule.store(case, computed)
        self.stdout.write(
            f"{checked} cases checked, {drifted} with drift"
            + (" (fixed)" if fix and drifted else "")
        )
        if drifted and not fix:
            raise CommandError(f"{drifted} cases differ from their records")
