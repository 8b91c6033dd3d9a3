"""접속기록: every read or change of a client's data writes one append-only record."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from casemgmt.core.models import AccessAction, AccessRecord, AppendOnlyError

from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


def test_viewing_a_client_records_who_when_where_whom_and_what(
    client, user_in_dong, client_in_dong
):
    client.force_login(user_in_dong)
    client.get(reverse("cases:client_detail", args=[client_in_dong.pk]), REMOTE_ADDR="10.1.2.3")
    record = AccessRecord.objects.exclude(action=AccessAction.LOGIN).get()
    assert record.user == user_in_dong
    assert record.ip_address == "10.1.2.3"
    assert record.client_id == client_in_dong.pk
    assert record.action == AccessAction.VIEW
    assert record.target == f"cases.client:{client_in_dong.pk}"
    assert record.occurred_at is not None


def test_a_list_records_every_client_it_showed(client, user_in_dong):
    shown = ClientFactory.create_batch(3, dong=dong("능동"))
    client.force_login(user_in_dong)
    client.get(reverse("cases:client_list"))
    record = AccessRecord.objects.get(action=AccessAction.VIEW)
    assert record.client_ids == sorted(c.pk for c in shown)


def test_registering_and_changing_a_client_are_recorded(client, user_in_dong):
    client.force_login(user_in_dong)
    data = {
        "name": "신규자",
        "birth_date": "1960-05-05",
        "sex": "M",
        "address": "능동로 3",
        "livelihood_status": "general",
    }
    client.post(reverse("cases:client_create"), data)
    new = AccessRecord.objects.get(action=AccessAction.CREATE)
    client.post(
        reverse("cases:client_update", args=[new.client_id]),
        {**data, "loaded_version": 1, "phone": "010-1234-5678"},
    )
    assert (
        AccessRecord.objects.filter(action=AccessAction.UPDATE, client_id=new.client_id).count()
        == 1
    )


def test_a_refused_request_for_another_dongs_client_records_nothing_about_it(
    client, user_in_dong, client_other_dong
):
    client.force_login(user_in_dong)
    client.get(reverse("cases:client_detail", args=[client_other_dong.pk]))
    assert not AccessRecord.objects.filter(client_id=client_other_dong.pk).exists()


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(settings, user_in_dong):
    from casemgmt.core.access import client_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1"
    )
    settings.USE_X_FORWARDED_FOR = False
    assert client_ip(request) == "10.0.0.1"
    settings.USE_X_FORWARDED_FOR = True
    assert client_ip(request) == "203.0.113.5"


def test_access_records_cannot_be_changed_or_deleted(user_in_dong, client_in_dong):
    record = AccessRecord.objects.create(
        user=user_in_dong, action=AccessAction.VIEW, client_id=client_in_dong.pk
    )
    record.action = AccessAction.DELETE
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.filter(pk=record.pk).update(action=AccessAction.EXPORT)
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.all().delete()
    assert AccessRecord.objects.get().action == AccessAction.VIEW


def test_nobody_can_add_change_or_delete_access_records_in_the_admin(
    client, sysadmin, user_in_dong
):
    record = AccessRecord.objects.create(user=user_in_dong, action=AccessAction.VIEW)
    model_admin = site._registry[AccessRecord]
    request = RequestFactory().get("/")
    request.user = sysadmin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    client.force_login(sysadmin)
    assert client.get(reverse("admin:core_accessrecord_changelist")).status_code == 200
    assert (
        client.post(
            reverse("admin:core_accessrecord_delete", args=[record.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_on_postgresql_the_database_itself_refuses_to_rewrite_access_records(user_in_dong):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the database-level guard exists on PostgreSQL, the production database")
    record = AccessRecord.objects.create(user=user_in_dong, action=AccessAction.VIEW)
    for statement in ("UPDATE core_accessrecord SET action = 'delete' WHERE id = %s",
                      "DELETE FROM core_accessrecord WHERE id = %s"):  # fmt: skip
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert AccessRecord.objects.get(pk=record.pk).action == AccessAction.VIEW
