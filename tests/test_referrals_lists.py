"""SECURITY and lists: another dong's referrals are not found anywhere; the referral list filters,
sorts and pages in the same few queries; the provider page lists only what the reader may see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt.core.models import AccessRecord
from cases.models import PlanItem
from resources import services
from resources.models import Referral

from .factories import dong
from .referral_helpers import case_in_planning, consent_for, plan_with_item, refer
from .resource_factories import ProviderFactory

pytestmark = pytest.mark.django_db


def today():
    """Seoul's date now: a test that runs across midnight must not compare with a stale one."""
    return timezone.localdate()


@pytest.fixture
def centre(db):
    return ProviderFactory(name="아차산복지관", registering_dong=None)


@pytest.fixture
def own_referral(user_in_dong, supervisor, centre):
    case = case_in_planning(user_in_dong, supervisor, name="한순자")
    consent_for(case, user_in_dong, centre)
    return refer(plan_with_item(case, user_in_dong, provider=centre), user_in_dong)


@pytest.fixture
def other_referral(user_other_dong, supervisor_other_dong, centre):
    """구의제1동's referral to the same gu-wide provider."""
    case = case_in_planning(user_other_dong, supervisor_other_dong, name="장비밀")
    consent_for(case, user_other_dong, centre)
    return refer(plan_with_item(case, user_other_dong, provider=centre), user_other_dong)


# --- SECURITY -----------------------------------------------------------------------------------


def test_another_dongs_referral_is_not_found_on_any_referral_address(
    client, user_in_dong, other_referral
):
    client.force_login(user_in_dong)
    item = other_referral.plan_item_id
    for method, url in [
        ("get", reverse("resources:referral_detail", args=[other_referral.pk])),
        ("post", reverse("resources:referral_change", args=[other_referral.pk])),
        ("get", reverse("resources:referral_create", args=[item])),
        ("post", reverse("resources:referral_create", args=[item])),
    ]:
        response = getattr(client, method)(url, {"status": "accepted", "on": today().isoformat()})
        assert response.status_code == 404, (method, url)
    assert Referral.objects.get(pk=other_referral.pk).status == "requested"
    assert Referral.objects.count() == 1
    assert not AccessRecord.objects.filter(
        client_id=other_referral.plan_item.plan.case.client_id
    ).exists()


def test_a_missing_referral_is_not_found_the_same_way(client, user_in_dong):
    client.force_login(user_in_dong)
    assert client.get(reverse("resources:referral_detail", args=[999999])).status_code == 404
    assert client.get(reverse("resources:referral_create", args=[999999])).status_code == 404


def test_the_system_administrator_sees_no_referral(client, sysadmin, own_referral):
    assert not Referral.objects.for_user(sysadmin).exists()
    client.force_login(sysadmin)
    assert client.get(reverse("resources:referral_detail", args=[own_referral.pk])).status_code in (
        403,
        404,
    )


def test_a_dong_officer_lists_their_dongs_referrals_only_and_the_gu_staff_every_dong(
    client, user_in_dong, gu_staff, own_referral, other_referral
):
    url = reverse("resources:referral_list")
    client.force_login(user_in_dong)
    response = client.get(url)
    assert list(response.context["page"].object_list) == [own_referral]
    assert "장비밀" not in response.content.decode()
    assert "dong" not in response.context["filter_form"].fields

    client.force_login(gu_staff)
    response = client.get(url)
    assert set(response.context["page"].object_list) == {own_referral, other_referral}
    response = client.get(url, {"dong": dong("구의제1동").pk})
    assert list(response.context["page"].object_list) == [other_referral]


def test_the_referral_filters_offer_only_what_the_officer_may_see(
    client, user_in_dong, provider_of_other_gu
):
    client.force_login(user_in_dong)
    form = client.get(reverse("resources:referral_list")).context["filter_form"]
    assert provider_of_other_gu not in form.fields["provider"].queryset
    response = client.get(reverse("resources:referral_list"), {"provider": provider_of_other_gu.pk})
    assert "provider" in response.context["filter_form"].errors  # not a choice: filter dropped


def test_the_provider_page_lists_only_the_referrals_the_reader_may_see(
    client, user_in_dong, gu_staff, own_referral, other_referral, centre
):
    url = reverse("resources:provider_detail", args=[centre.pk])
    client.force_login(user_in_dong)
    response = client.get(url)
    assert list(response.context["page"].object_list) == [own_referral]
    page = response.content.decode()
    assert "한순자" in page and "장비밀" not in page
    client.force_login(gu_staff)
    assert set(client.get(url).context["page"].object_list) == {own_referral, other_referral}


# --- the list: filters, sorting, paging, queries ------------------------------------------------


@pytest.fixture
def many_referrals(user_in_dong, supervisor, centre):
    """30 referrals of one 능동 case to two providers, in several statuses."""
    second = ProviderFactory(name="나루터복지관", registering_dong=None)
    case = case_in_planning(user_in_dong, supervisor, name="다수연계")
    consent_for(case, user_in_dong, centre, second)
    items = plan_with_item(case, user_in_dong, provider=centre, items=30)
    PlanItem.objects.filter(pk__in=[i.pk for i in items[20:]]).update(
        provider=second, provider_name=second.name
    )
    items = list(PlanItem.objects.filter(pk__in=[i.pk for i in items]).order_by("priority"))
    referrals = [refer(item, user_in_dong) for item in items]
    for referral in referrals[:5]:
        services.change_referral_status(
            referral=referral, by=user_in_dong, status="declined", decline_reason="정원 초과"
        )
    for referral in referrals[25:]:
        services.change_referral_status(referral=referral, by=user_in_dong, status="in_service")
    return {"referrals": referrals, "second": second}


def test_the_referral_list_filters_by_status_and_provider(client, user_in_dong, many_referrals):
    client.force_login(user_in_dong)
    url = reverse("resources:referral_list")
    assert client.get(url).context["page"].paginator.count == 30
    assert client.get(url, {"status": "declined"}).context["page"].paginator.count == 5
    assert client.get(url, {"status": "in_service"}).context["page"].paginator.count == 5
    second = many_referrals["second"]
    by_provider = client.get(url, {"provider": second.pk}).context["page"]
    assert by_provider.paginator.count == 10
    assert {r.provider for r in by_provider.object_list} == {second}


def test_the_referral_list_sorts_and_pages_by_twenty_five(client, user_in_dong, many_referrals):
    client.force_login(user_in_dong)
    url = reverse("resources:referral_list")
    page = client.get(url).context["page"]
    assert len(page.object_list) == 25 and page.paginator.num_pages == 2
    newest = [r.pk for r in page.object_list]
    assert newest == sorted(newest, reverse=True)  # same day: the newest first
    by_status = client.get(url, {"sort": "status"}).context["page"].object_list
    statuses = [r.status for r in by_status]
    assert statuses[0] == "requested" and "declined" not in statuses[:20]
    by_provider = client.get(url, {"sort": "provider", "page": 1}).context["page"].object_list
    assert by_provider[0].provider == many_referrals["second"]  # 나루터 before 아차산
    second_page = client.get(url, {"page": 2}).context["page"].object_list
    assert {r.pk for r in second_page} == {r.pk for r in many_referrals["referrals"][:5]}


def test_the_referral_list_makes_the_same_few_queries_however_many_rows(
    client, user_in_dong, many_referrals, django_assert_max_num_queries
):
    client.force_login(user_in_dong)
    url = reverse("resources:referral_list")
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(14):  # with the top bar's unread-alert count
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    with django_assert_max_num_queries(14):  # with the top bar's unread-alert count
        client.get(url, {"page": 2, "sort": "status"})


def test_the_referral_list_marks_declined_referrals_that_wait_for_advocacy(
    client, user_in_dong, many_referrals
):
    client.force_login(user_in_dong)
    page = client.get(reverse("resources:referral_list"), {"status": "declined"}).context["page"]
    assert all(r.needs_advocacy for r in page.object_list)
