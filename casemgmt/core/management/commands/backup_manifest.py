"""What a backup must bring back, written before the dump and checked after the restore.

    manage.py backup_manifest > manifest.json           # on the database that is dumped
    manage.py backup_manifest --check manifest.json     # on the restored copy: exit 1 if not equal

The manifest holds, for every table of the project's models, its row count; for every encrypted
field, a digest of the decrypted values (so a restore under the wrong keys or salt fails); and for
every signed document, whether its stored PDF still matches its SHA-256. ``--check`` also proves,
on PostgreSQL, that the access-record tables still refuse an UPDATE and a DELETE. The procedure
around it is docs/operations.md; CI runs it (.ci/backup-roundtrip).
"""

import hashlib
import json

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, models, transaction

from casemgmt.core.fields import SensitiveCharField, SensitiveTextField
from casemgmt.core.models import AccessAction, AccessRecord

OWN_APPS = ("core", "cases", "resources", "meetings")
APPEND_ONLY_TABLES = ("core_accessrecord", "core_accessrecordclient")


def _own_models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in OWN_APPS and model._meta.managed:
            yield model


def manifest():
    counts, decrypted, signed = {}, {}, {}
    for model in _own_models():
        table = model._meta.db_table
        counts[table] = model._base_manager.count()
        sensitive = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, SensitiveCharField | SensitiveTextField)
        ]
        for name in sensitive:
            digest = hashlib.sha256()
            for value in model._base_manager.order_by("pk").values_list(name, flat=True).iterator():
                digest.update((value or "").encode() + b"\x00")
            decrypted[f"{table}.{name}"] = digest.hexdigest()
        names = {f.name for f in model._meta.concrete_fields}
        binary = [f.name for f in model._meta.concrete_fields if isinstance(f, models.BinaryField)]
        if "sha256" in names and binary:
            rows = model._base_manager.order_by("pk").values_list("pk", binary[0], "sha256")
            matching = sum(
                1
                for _pk, data, stored in rows.iterator()
                if hashlib.sha256(bytes(data)).hexdigest() == stored
            )
            signed[table] = {"rows": counts[table], "matching_hash": matching}
    return {"row_counts": counts, "decrypted_digests": decrypted, "signed_documents": signed}


def append_only_problems():
    """On PostgreSQL: an UPDATE and a DELETE of an access record must be refused by the database."""
    if connection.vendor != "postgresql":
        return []
    problems = []
    with transaction.atomic():
        probe = AccessRecord.objects.create(action=AccessAction.VIEW, target="backup:probe")
        for statement in (
            f"UPDATE core_accessrecord SET reason = 'changed' WHERE id = {probe.pk}",  # noqa: S608
            f"DELETE FROM core_accessrecord WHERE id = {probe.pk}",  # noqa: S608
        ):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(statement)
            except DatabaseError:
                continue
            problems.append(f"the database allowed: {statement}")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s",
                ["%_append_only"],
            )
            guarded = {row[0] for row in cursor.fetchall()}
        problems += [
            f"no append-only trigger on {t}" for t in APPEND_ONLY_TABLES if t not in guarded
        ]
        transaction.set_rollback(True)  # the probe leaves nothing behind
    return problems


class Command(BaseCommand):
    help = (
        "Print what a backup must restore (row counts, decrypted digests, PDF hashes), or check it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", metavar="MANIFEST", help="compare this database with it")

    def handle(self, *args, check=None, **options):
        now = manifest()
        if not check:
            self.stdout.write(json.dumps(now, indent=2, sort_keys=True))
            return
        with open(check, encoding="utf-8") as file:
            expected = json.load(file)
        problems = []
        for section in ("row_counts", "decrypted_digests", "signed_documents"):
            for key in sorted(set(expected[section]) | set(now[section])):
                if expected[section].get(key) != now[section].get(key):
                    problems.append(
                        f"{section} {key}: {expected[section].get(key)} → {now[section].get(key)}"
                    )
        for table, figures in now["signed_documents"].items():
            if figures["matching_hash"] != figures["rows"]:
                problems.append(
                    f"{table}: {figures['rows'] - figures['matching_hash']} PDF(s) no longer match"
                )
        problems += append_only_problems()
        if problems:
            raise CommandError("the restored database differs:\n  " + "\n  ".join(problems))
        rows = sum(now["row_counts"].values())
        self.stdout.write(
            f"restore checked: {len(now['row_counts'])} tables, {rows} rows, "
            f"{len(now['decrypted_digests'])} encrypted columns decrypted, "
            f"{sum(f['rows'] for f in now['signed_documents'].values())} signed PDFs match their hashes, "
            "access records append-only"
        )
