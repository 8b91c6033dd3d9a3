"""The check behind the backup procedure (docs/operations.md, .ci/backup-roundtrip): it passes on
the database it was written from and names what differs when a row, a decrypted value or a
signed PDF is not as it was."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Client, SignedDocument, Stage

from . import lifecycle
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_example(user_in_dong, supervisor):
    client = ClientFactory(dong=dong("능동"), name="조은숙", health_notes="고혈압")
    lifecycle.run_to(
        Stage.INTERVENTION,
        officer=user_in_dong,
        supervisor=supervisor,
        client=client,
        example=lifecycle.EXAMPLES["violence_and_drinking"],
    )
    assert SignedDocument.objects.exists()
    return client


@pytest.fixture
def manifest_file(worked_example, tmp_path):
    path = tmp_path / "manifest.json"
    with open(path, "w", encoding="utf-8") as out:
        call_command("backup_manifest", stdout=out)
    return path


def test_the_manifest_counts_rows_digests_encrypted_fields_and_checks_pdf_hashes(manifest_file):
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    assert manifest["row_counts"]["cases_client"] == 1
    assert "cases_client.health_notes" in manifest["decrypted_digests"]
    documents = manifest["signed_documents"]["cases_signeddocument"]
    assert documents["rows"] == documents["matching_hash"] >= 1


def test_the_same_database_passes_the_check(manifest_file, capsys):
    call_command("backup_manifest", check=str(manifest_file))
    assert "restore checked" in capsys.readouterr().out


def test_a_changed_value_a_missing_row_or_a_damaged_pdf_fails_the_check(
    manifest_file, worked_example
):
    Client.objects.filter(pk=worked_example.pk).update(health_notes="다른 값")
    document = SignedDocument.objects.first()
    SignedDocument.objects.filter(pk=document.pk).update(pdf=b"%PDF-1.7 damaged")
    with pytest.raises(CommandError) as refused:
        call_command("backup_manifest", check=str(manifest_file))
    message = str(refused.value)
    assert "cases_client.health_notes" in message
    assert "cases_signeddocument: 1 PDF(s) no longer match" in message
