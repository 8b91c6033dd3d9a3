"""On PostgreSQL the database itself refuses to change or delete access records (접속기록):
not even a raw SQL statement of the application can rewrite the trail. SQLite (development) relies
on the model and queryset guards."""

from django.db import migrations

TABLES = ["core_accessrecord", "core_accessrecordclient"]

FUNCTION = """
CREATE OR REPLACE FUNCTION core_access_records_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access records are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION core_access_records_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS core_access_records_append_only();")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_access_record_clients")]
    operations = [migrations.RunPython(forwards, backwards)]
