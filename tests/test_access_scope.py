"""The one door: which clients each role reads and changes, for every page that shows them."""

import re

import pytest
from django.urls import reverse

from casemgmt.core.access import can_edit
from cases.models import Client

from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


def test_a_case_manager_reads_only_their_own_dongs_clients(
    user_in_dong, client_in_dong, client_other_dong
):
    assert list(Client.objects.for_user(user_in_dong)) == [client_in_dong]


def test_a_supervisor_reads_and_changes_their_own_dong_only(
    supervisor, client_in_dong, client_other_dong
):
    assert list(Client.objects.for_user(supervisor)) == [client_in_dong]
    assert can_edit(supervisor, client_in_dong)
    assert not can_edit(supervisor, client_other_dong)


def test_gu_staff_read_every_dong_of_their_gu_but_change_none(
    gu_staff, client_in_dong, client_other_dong
):
    assert set(Client.objects.for_user(gu_staff)) == {client_in_dong, client_other_dong}
    assert not can_edit(gu_staff, client_in_dong)


def test_the_system_administrator_sees_no_client_data(sysadmin, client_in_dong):
    assert not Client.objects.for_user(sysadmin).exists()


def test_an_inactive_account_sees_nothing(user_in_dong, client_in_dong):
    user_in_dong.is_active = False
    assert not Client.objects.for_user(user_in_dong).exists()


def test_a_superuser_without_an_organisation_sees_no_client_data(client_in_dong):
    from casemgmt.core.models import User

    root = User.objects.create_superuser("root", "root@example.kr", "a-long-root-password")
    assert not Client.objects.for_user(root).exists()


# SECURITY: another dong's record answers 404 on every page, as if it did not exist.
@pytest.mark.parametrize("name", ["cases:client_detail", "cases:client_update"])
def test_another_dongs_client_is_not_found(client, user_in_dong, client_other_dong, name):
    client.force_login(user_in_dong)
    assert client.get(reverse(name, args=[client_other_dong.pk])).status_code == 404
    # The detail page only shows: a POST is refused (405) before anything is loaded.
    posted = client.post(reverse(name, args=[client_other_dong.pk]), {"name": "x"}).status_code
    assert posted == (405 if name == "cases:client_detail" else 404)


def test_a_missing_client_and_another_dongs_client_look_the_same(
    client, user_in_dong, client_other_dong
):
    client.force_login(user_in_dong)
    missing = client.get(reverse("cases:client_detail", args=[999999]))
    foreign = client.get(reverse("cases:client_detail", args=[client_other_dong.pk]))
    assert missing.status_code == foreign.status_code == 404
    # Identical but for the page's own address (the language switch returns to it).

    def page_without_own_address_and_csrf(response, path):
        return re.sub(
            r'name="csrfmiddlewaretoken" value="\w+"',
            "",
            response.content.decode().replace(path, ""),
        )

    assert page_without_own_address_and_csrf(
        missing, reverse("cases:client_detail", args=[999999])
    ) == page_without_own_address_and_csrf(
        foreign, reverse("cases:client_detail", args=[client_other_dong.pk])
    )


def test_gu_staff_may_read_a_client_but_editing_is_forbidden(client, gu_staff, client_in_dong):
    client.force_login(gu_staff)
    assert client.get(reverse("cases:client_detail", args=[client_in_dong.pk])).status_code == 200
    assert client.get(reverse("cases:client_update", args=[client_in_dong.pk])).status_code == 403


def test_lists_and_searches_never_show_another_dongs_client(
    client, user_in_dong, client_in_dong, client_other_dong
):
    client.force_login(user_in_dong)
    for url in [
        reverse("cases:client_list"),
        reverse("cases:client_list") + "?q=장영길",
        reverse("cases:client_list") + f"?dong={dong('구의제1동').pk}",
        reverse("work:dashboard"),
    ]:
        response = client.get(url)
        assert client_other_dong not in list(response.context.get("page") or []), url
        assert (
            reverse("cases:client_detail", args=[client_other_dong.pk])
            not in response.content.decode()
        ), url
    assert client_in_dong.name in client.get(reverse("cases:client_list")).content.decode()


def test_a_case_manager_registers_clients_only_in_their_own_dong(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:client_create"),
        {
            "name": "신규자",
            "birth_date": "1960-05-05",
            "sex": "M",
            "address": "능동로 3",
            "livelihood_status": "general",
            "dong": dong("구의제1동").pk,
        },
    )
    assert response.status_code == 302
    assert Client.objects.get(name="신규자").dong.name == "능동"


def test_gu_staff_and_administrators_cannot_register_clients(client, gu_staff, sysadmin):
    for user in (gu_staff, sysadmin):
        client.force_login(user)
        assert client.get(reverse("cases:client_create")).status_code == 403


def test_the_client_list_costs_the_same_few_queries_for_many_rows(
    client, user_in_dong, django_assert_max_num_queries
):
    ClientFactory.create_batch(30, dong=dong("능동"))
    client.force_login(user_in_dong)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cases:client_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
