"""SECURITY: who reads and changes which part of the shared registry.

Every officer of the gu reads the providers and the gu-shared resources; a dong-only resource
is read by its dong and the gu staff only; changes are for the registering dong's team and the
gu staff; the system administrator sees none of it.
"""

import pytest
from django.urls import reverse

from casemgmt.core.access import can_edit
from resources.models import Provider, Resource, ResourceDevelopment

from .clock import iso
from .factories import dong
from .pdf_helpers import REASON
from .resource_factories import DevelopmentFactory, ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_of_other_dong(db):
    return ResourceFactory(registering_dong=dong("구의제1동"), name="구의 공유 자원")


@pytest.fixture
def own_dong_only(db):
    return ResourceFactory(registering_dong=dong("능동"), shared_gu_wide=False, name="능동 전용")


# --- the rule -----------------------------------------------------------------------------------


def test_a_case_manager_reads_shared_resources_and_their_own_dongs_but_not_another_dongs(
    user_in_dong, resource_of_other_dong, shared_of_other_dong, own_dong_only
):
    assert set(Resource.objects.for_user(user_in_dong)) == {shared_of_other_dong, own_dong_only}


def test_gu_staff_read_every_resource_of_their_gu(
    gu_staff, resource_of_other_dong, shared_of_other_dong, own_dong_only
):
    assert set(Resource.objects.for_user(gu_staff)) == {
        resource_of_other_dong,
        shared_of_other_dong,
        own_dong_only,
    }


def test_changes_are_for_the_registering_dongs_team_and_the_gu_staff(
    user_in_dong, supervisor, user_other_dong, gu_staff, shared_of_other_dong, own_dong_only
):
    assert can_edit(user_in_dong, own_dong_only)
    assert can_edit(supervisor, own_dong_only)
    assert can_edit(gu_staff, own_dong_only)
    assert can_edit(gu_staff, shared_of_other_dong)
    assert not can_edit(user_in_dong, shared_of_other_dong)
    assert not can_edit(user_other_dong, own_dong_only)


def test_a_resource_registered_by_the_gu_office_is_changed_by_the_gu_staff_only(
    user_in_dong, supervisor, gu_staff
):
    resource = ResourceFactory(registering_dong=None)
    assert resource in Resource.objects.for_user(user_in_dong)
    assert not can_edit(supervisor, resource)
    assert can_edit(gu_staff, resource)


def test_every_officer_of_the_gu_reads_every_provider_and_changes_their_dongs(
    user_in_dong, user_other_dong, gu_staff, provider_of_other_dong, provider_of_other_gu
):
    mine = ProviderFactory(registering_dong=dong("능동"))
    for user in (user_in_dong, user_other_dong, gu_staff):
        assert set(Provider.objects.for_user(user)) == {mine, provider_of_other_dong}
    assert can_edit(user_in_dong, mine)
    assert not can_edit(user_in_dong, provider_of_other_dong)
    assert can_edit(gu_staff, provider_of_other_dong)
    assert not can_edit(gu_staff, provider_of_other_gu)


def test_the_system_administrator_sees_nothing_of_the_registry(
    sysadmin, own_dong_only, provider_of_other_dong
):
    assert not Resource.objects.for_user(sysadmin).exists()
    assert not Provider.objects.for_user(sysadmin).exists()
    assert not Resource.objects.editable_by(sysadmin).exists()


def test_an_inactive_account_sees_nothing_of_the_registry(user_in_dong, own_dong_only):
    user_in_dong.is_active = False
    assert not Resource.objects.for_user(user_in_dong).exists()
    assert not Provider.objects.for_user(user_in_dong).exists()


def test_a_development_entry_follows_its_resource(
    user_in_dong, user_other_dong, resource_of_other_dong, own_dong_only
):
    hidden = DevelopmentFactory(resource=resource_of_other_dong, developed_by=user_other_dong)
    visible = DevelopmentFactory(resource=own_dong_only, developed_by=user_in_dong)
    assert list(ResourceDevelopment.objects.for_user(user_in_dong)) == [visible]
    assert list(ResourceDevelopment.objects.for_user(user_other_dong)) == [hidden]


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "resources:resource_detail",
        "resources:resource_update",
        "resources:resource_archive",
        "resources:resource_restore",
    ],
)
def test_another_dongs_dong_only_resource_is_not_found(
    client, user_in_dong, resource_of_other_dong, name
):
    client.force_login(user_in_dong)
    url = reverse(name, args=[resource_of_other_dong.pk])
    assert client.get(url).status_code in (404, 405)
    # A detail page only shows: a POST is refused (405) before anything is loaded.
    assert client.post(url, {"name": "x"}).status_code == (
        405 if name == "resources:resource_detail" else 404
    )


def test_a_missing_resource_and_another_dongs_look_the_same(
    client, user_in_dong, resource_of_other_dong
):
    client.force_login(user_in_dong)
    missing = client.get(reverse("resources:resource_detail", args=[999999]))
    foreign = client.get(reverse("resources:resource_detail", args=[resource_of_other_dong.pk]))
    assert missing.status_code == foreign.status_code == 404
    assert resource_of_other_dong.name not in foreign.content.decode()


def test_a_shared_resource_of_another_dong_is_read_only(client, user_in_dong, shared_of_other_dong):
    client.force_login(user_in_dong)
    detail = client.get(reverse("resources:resource_detail", args=[shared_of_other_dong.pk]))
    assert detail.status_code == 200
    assert reverse("resources:resource_update", args=[shared_of_other_dong.pk]) not in (
        detail.content.decode()
    )
    for name in ("resources:resource_update", "resources:resource_archive"):
        assert client.post(reverse(name, args=[shared_of_other_dong.pk])).status_code == 403
    assert (
        client.get(reverse("resources:resource_update", args=[shared_of_other_dong.pk])).status_code
        == 403
    )


def test_another_dongs_provider_is_read_but_not_changed(
    client, user_in_dong, provider_of_other_dong
):
    client.force_login(user_in_dong)
    pk = provider_of_other_dong.pk
    assert client.get(reverse("resources:provider_detail", args=[pk])).status_code == 200
    assert client.get(reverse("resources:provider_update", args=[pk])).status_code == 403
    assert client.post(reverse("resources:provider_archive", args=[pk])).status_code == 403


def test_another_gus_provider_is_not_found(client, gu_staff, provider_of_other_gu):
    client.force_login(gu_staff)
    url = reverse("resources:provider_detail", args=[provider_of_other_gu.pk])
    assert client.get(url).status_code == 404


def test_gu_staff_edit_a_dong_resource_from_the_page(client, gu_staff, resource_of_other_dong):
    client.force_login(gu_staff)
    url = reverse("resources:resource_update", args=[resource_of_other_dong.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": resource_of_other_dong.name,
            "kind": "material",
            "subtype": "goods",
            "need_domain": "daily_living",
            "cost": "무료",
            "loaded_version": 1,
        },
    )
    assert response.status_code == 302
    resource_of_other_dong.refresh_from_db()
    assert (resource_of_other_dong.cost, resource_of_other_dong.updated_by) == ("무료", gu_staff)
    assert resource_of_other_dong.shared_gu_wide is False  # unticked box kept it dong-only


def test_the_system_administrator_gets_no_registry_page(client, sysadmin, own_dong_only):
    client.force_login(sysadmin)
    assert client.get(reverse("resources:resource_create")).status_code == 403
    assert client.get(reverse("resources:registry_import")).status_code == 403
    assert client.get(reverse("resources:development_create")).status_code == 403
    assert (
        client.get(reverse("resources:resource_detail", args=[own_dong_only.pk])).status_code == 404
    )
    assert not client.get(reverse("resources:resource_list")).context["page"].object_list


def test_lists_searches_and_exports_never_show_another_dongs_dong_only_resource(
    client, user_in_dong, resource_of_other_dong, own_dong_only
):
    client.force_login(user_in_dong)
    for url in [
        reverse("resources:resource_list"),
        reverse("resources:resource_list") + "?q=비밀",
        reverse("resources:resource_list") + f"?dong={dong('구의제1동').pk}&archived=on",
        reverse("resources:provider_list"),
        reverse("resources:development_list"),
        reverse("resources:development_create"),
        reverse("resources:resource_create"),
    ]:
        body = client.get(url).content.decode()
        assert resource_of_other_dong.name not in body, url
    export = client.get(reverse("resources:resource_list"), {"export": "xlsx", **REASON})
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [own_dong_only.name]


def test_choice_lists_offer_only_what_the_officer_may_use(
    client, user_in_dong, user_other_dong, provider_of_other_dong, provider_of_other_gu,
    resource_of_other_dong, own_dong_only,
):  # fmt: skip
    shared_other = ResourceFactory(registering_dong=dong("구의제1동"), name="구의 공유")
    client.force_login(user_in_dong)
    resource_form = client.get(reverse("resources:resource_create")).context["form"]
    assert list(resource_form.fields["provider"].queryset) == [provider_of_other_dong]
    development_form = client.get(reverse("resources:development_create")).context["form"]
    # Development is recorded on resources the officer may change: their dong's only.
    assert list(development_form.fields["resource"].queryset) == [own_dong_only]
    assert shared_other not in development_form.fields["resource"].queryset
    assert set(development_form.fields["developed_by"].queryset) == {user_in_dong}
    filter_form = client.get(reverse("resources:resource_list")).context["filter_form"]
    assert provider_of_other_gu not in filter_form.fields["provider"].queryset
    assert filter_form.fields["dong"].queryset.count() == 15


def test_a_forged_provider_of_another_gu_is_refused_on_the_form(
    client, user_in_dong, provider_of_other_gu
):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("resources:resource_create"),
        {
            "name": "위조",
            "kind": "material",
            "subtype": "goods",
            "need_domain": "economy",
            "provider": provider_of_other_gu.pk,
        },
    )
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert not Resource.objects.filter(name="위조").exists()


def test_a_development_entry_cannot_be_forged_onto_another_dongs_resource(
    client, user_in_dong, resource_of_other_dong
):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("resources:development_create"),
        {
            "resource": resource_of_other_dong.pk,
            "developed_on": iso(-30),
            "method": "other",
            "developed_by": user_in_dong.pk,
        },
    )
    assert response.status_code == 200
    assert "resource" in response.context["form"].errors
    assert not ResourceDevelopment.objects.exists()
