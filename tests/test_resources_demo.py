"""The demo registry: enough realistic rows across the three kinds, kept idempotent."""

import pytest

from resources.demo import seed_demo_resources
from resources.models import Provider, Resource, ResourceDevelopment

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_the_demo_registry_has_forty_rows_across_the_three_kinds_and_can_run_twice(demo):
    first = seed_demo_resources()
    counts = (
        Provider.objects.count(),
        Resource.objects.count(),
        ResourceDevelopment.objects.count(),
    )
    assert seed_demo_resources() == first
    assert (
        Provider.objects.count(),
        Resource.objects.count(),
        ResourceDevelopment.objects.count(),
    ) == counts
    assert counts[0] + counts[1] >= 40
    assert set(Resource.objects.values_list("kind", flat=True)) == {
        "human",
        "material",
        "relational",
    }
    dong_only = set(
        Resource.objects.filter(shared_gu_wide=False).values_list(
            "registering_dong__name", flat=True
        )
    )
    assert dong_only == {"능동", "구의제1동"}
    assert Resource.objects.filter(registering_dong__isnull=True).exists()
    assert counts[2] > 0


@pytest.mark.django_db(transaction=True)
def test_every_demo_row_passes_the_rules_of_the_pages(demo):
    seed_demo_resources()
    for row in [
        *Provider.objects.all(),
        *Resource.objects.all(),
        *ResourceDevelopment.objects.all(),
    ]:
        row.full_clean()


def test_the_demo_registry_also_loads_on_a_database_without_demo_users():
    seed_demo_resources()
    assert Resource.objects.count() >= 25
    assert not ResourceDevelopment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_demo_log_has_an_entry_corrected_by_the_team_leader_once(client, demo):
    from django.urls import reverse

    seed_demo_resources()  # a second run corrects nothing more
    corrected = ResourceDevelopment.objects.get(version__gt=1)
    assert (corrected.resource.name, corrected.version) == ("이웃 안부 살피미", 2)
    assert corrected.updated_by.username == "neung.sv"
    assert [row.history_type for row in corrected.history.order_by("history_id")] == ["+", "~"]
    client.force_login(corrected.updated_by)
    log = client.get(reverse("resources:development_list")).content.decode()
    assert f"{corrected.updated_by.name} 고침" in log
