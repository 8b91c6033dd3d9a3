"""The monthly review of 접속기록: gu staff and the administrator list, filter and export them."""

import pytest
from django.urls import reverse

from casemgmt.core.models import AccessAction, AccessRecord

from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


def test_gu_staff_find_everyone_who_saw_a_client_even_in_a_list(
    client, user_in_dong, gu_staff, client_in_dong
):
    ClientFactory.create_batch(2, dong=dong("능동"))
    client.force_login(user_in_dong)
    client.get(reverse("cases:client_list"))  # a list that shows the client among others
    client.get(reverse("cases:client_detail", args=[client_in_dong.pk]))
    client.force_login(gu_staff)
    page = client.get(reverse("core:access_records"), {"client": client_in_dong.pk}).context["page"]
    assert [(r.username, r.action) for r in page] == [
        (user_in_dong.username, AccessAction.VIEW),
        (user_in_dong.username, AccessAction.VIEW),
    ]


def test_the_review_filters_by_account_action_and_date(client, user_in_dong, gu_staff):
    client.force_login(user_in_dong)  # writes a login record
    client.force_login(gu_staff)
    url = reverse("core:access_records")
    logins = client.get(url, {"action": "login", "username": user_in_dong.username}).context["page"]
    assert [r.username for r in logins] == [user_in_dong.username]
    assert (
        client.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_case_managers_cannot_review_access_records(client, user_in_dong):
    client.force_login(user_in_dong)
    assert client.get(reverse("core:access_records")).status_code == 403
    assert (
        client.post(reverse("core:access_record_export"), {"reason": "감사 자료 제출"}).status_code
        == 403
    )


def test_an_export_asks_for_a_reason_and_records_it(client, gu_staff, user_in_dong, client_in_dong):
    client.force_login(user_in_dong)
    client.get(reverse("cases:client_detail", args=[client_in_dong.pk]))
    client.force_login(gu_staff)
    refused = client.post(reverse("core:access_record_export"), {"reason": ""})
    assert refused.status_code == 400
    assert refused.context["reason_form"].errors["reason"] == ["필수 항목입니다."]
    response = client.post(
        reverse("core:access_record_export") + f"?client={client_in_dong.pk}",
        {"reason": "11월 월간 점검"},
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert user_in_dong.username in body and "조회" in body
    export = AccessRecord.objects.get(action=AccessAction.EXPORT)
    assert (export.user, export.reason) == (gu_staff, "11월 월간 점검")


def test_the_review_shows_only_the_reviewers_gu(client, gu_staff, user_in_dong):
    from casemgmt.core.models import Gu

    from .factories import UserFactory

    other_gu = Gu.objects.create(name="성동구")
    outsider = UserFactory(username="seongdong.officer", dong=None, gu=other_gu)
    AccessRecord.objects.create(
        user=outsider, username=outsider.username, action=AccessAction.LOGIN
    )
    client.force_login(gu_staff)
    names = {r.username for r in client.get(reverse("core:access_records")).context["page"]}
    assert outsider.username not in names


def test_records_of_lists_cannot_be_changed_or_deleted(user_in_dong):
    from casemgmt.core.models import AccessRecordClient, AppendOnlyError

    record = AccessRecord.objects.create(user=user_in_dong, action=AccessAction.VIEW)
    row = AccessRecordClient.objects.create(record=record, client_id=7)
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessRecordClient.objects.all().update(client_id=8)


def test_the_export_takes_a_purpose_from_the_list_and_shows_its_errors(client, gu_staff):
    client.force_login(gu_staff)
    page = client.get(reverse("core:access_records")).content.decode()
    assert 'name="purpose"' in page
    refused = client.post(reverse("core:access_record_export"), {"purpose": "other"})
    assert refused.status_code == 400
    assert "사유를 다섯 글자 이상 적어 주세요." in refused.content.decode()
    export = client.post(reverse("core:access_record_export"), {"purpose": "audit"})
    assert export.status_code == 200
    record = AccessRecord.objects.filter(action=AccessAction.EXPORT).latest("id")
    assert record.reason == "점검·감사·월간 검토"


def test_a_monthly_review_is_recorded_once_with_the_months_figures(client, gu_staff, user_in_dong):
    from django.utils import timezone

    from casemgmt.core.models import AccessReview, AppendOnlyError

    client.force_login(user_in_dong)
    client.get(reverse("cases:client_list"))  # a record of this month
    client.force_login(gu_staff)
    dashboard = client.get(reverse("work:dashboard")).content.decode()
    assert "아직 점검하지 않았습니다" in dashboard  # last month is due
    this_month = timezone.localdate().strftime("%Y-%m")
    response = client.post(
        reverse("core:access_review_create"), {"period": this_month, "findings": "이상 없음"}
    )
    assert response.status_code == 302
    review = AccessReview.objects.get()
    assert (review.reviewed_by, review.findings, review.period.day) == (gu_staff, "이상 없음", 1)
    assert review.records >= 1
    again = client.post(
        reverse("core:access_review_create"), {"period": this_month, "findings": "다시"}
    )
    assert again.status_code == 400
    assert "이미 점검" in again.content.decode()
    assert 'value="다시"' in again.content.decode() or "다시</textarea>" in again.content.decode()
    with pytest.raises(AppendOnlyError):
        review.findings = "고침"
        review.save()
    with pytest.raises(AppendOnlyError):
        review.delete()


def test_a_future_month_or_an_empty_finding_is_refused_in_korean(client, gu_staff):
    from casemgmt.core.models import AccessReview

    client.force_login(gu_staff)
    future = client.post(
        reverse("core:access_review_create"), {"period": "2099-01", "findings": "이상 없음"}
    )
    assert future.status_code == 400 and "시작된 달만" in future.content.decode()
    empty = client.post(reverse("core:access_review_create"), {"period": "2026-10", "findings": ""})
    assert empty.status_code == 400 and "필수 항목입니다." in empty.content.decode()
    assert not AccessReview.objects.exists()


def test_officers_cannot_record_a_review(client, user_in_dong, supervisor):
    for user in (user_in_dong, supervisor):
        client.force_login(user)
        response = client.post(
            reverse("core:access_review_create"), {"period": "2026-10", "findings": "이상 없음"}
        )
        assert response.status_code == 403


def test_the_review_names_what_was_read_and_the_administrator_sees_no_name(
    client, gu_staff, sysadmin, user_in_dong, client_in_dong
):
    """Not "cases.client:7" (issue 14, point 14); the administrator reads no client data."""
    client.force_login(user_in_dong)
    client.get(reverse("cases:client_detail", args=[client_in_dong.pk]))
    client.force_login(gu_staff)
    text = client.get(reverse("core:access_records")).content.decode()
    assert f"cases.client:{client_in_dong.pk}" not in text
    assert f"당사자 {client_in_dong.name}" in text
    client.force_login(sysadmin)
    text = client.get(reverse("core:access_records")).content.decode()
    assert f"cases.client:{client_in_dong.pk}" not in text
    assert client_in_dong.name not in text and f"당사자 #{client_in_dong.pk}" in text


def test_a_record_naming_the_client_twice_is_listed_once(client, user_in_dong, gu_staff):
    from casemgmt.core.models import AccessRecordClient

    record = AccessRecord.objects.create(
        user=user_in_dong, username=user_in_dong.username, action=AccessAction.VIEW, client_id=77
    )
    AccessRecordClient.objects.create(record=record, client_id=77)
    client.force_login(gu_staff)
    page = client.get(reverse("core:access_records"), {"client": 77}).context["page"]
    assert [r.pk for r in page] == [record.pk] and page.paginator.count == 1


def test_a_list_longer_than_the_bound_says_more_than_and_pages_up_to_it(
    client, user_in_dong, gu_staff, monkeypatch
):
    from casemgmt.core import paging

    monkeypatch.setattr(paging, "COUNT_LIMIT", 60)
    AccessRecord.objects.bulk_create(
        AccessRecord(user=user_in_dong, username=user_in_dong.username, action=AccessAction.VIEW)
        for _ in range(80)
    )
    client.force_login(gu_staff)
    response = client.get(reverse("core:access_records"))
    page = response.context["page"]
    assert page.paginator.count_is_bounded and page.paginator.count == 60
    assert page.paginator.num_pages == 2 and len(page) == 50
    text = response.content.decode()
    assert "60건 이상" in text and "2쪽 이상 중 1쪽" in text
    monkeypatch.setattr(paging, "COUNT_LIMIT", 10_000)
    page = client.get(reverse("core:access_records")).context["page"]
    assert not page.paginator.count_is_bounded and page.paginator.count >= 80


def test_the_days_filtered_are_seoul_days(client, user_in_dong, gu_staff):
    import time_machine

    from .clock import at, days

    with time_machine.travel(at(-3, 23, 30), tick=False):  # 14:30 UTC: still that day in Seoul
        late = AccessRecord.objects.create(
            user=user_in_dong, username=user_in_dong.username, action=AccessAction.VIEW
        )
    client.force_login(gu_staff)
    url = reverse("core:access_records")

    def listed(**dates):
        return late.pk in [
            r.pk
            for r in client.get(url, {k: v.isoformat() for k, v in dates.items()}).context["page"]
        ]

    assert listed(date_from=days(-3), date_to=days(-3))
    assert not listed(date_from=days(-2)) and not listed(date_to=days(-4))


def test_the_review_names_prints_of_many_cases_in_the_same_few_queries(
    client, user_in_dong, gu_staff, django_assert_max_num_queries
):
    from .test_dashboard import open_case

    url = reverse("core:access_records")

    def print_intakes(n, start):
        for i in range(n):
            case = open_case(user_in_dong, name=f"출력{start + i}")
            AccessRecord.objects.create(
                user=user_in_dong, username=user_in_dong.username, action=AccessAction.PRINT,
                client_id=case.client_id, target=f"cases.case:{case.pk}", path="/print/",
            )  # fmt: skip

    client.force_login(gu_staff)

    print_intakes(2, 0)
    client.get(url, {"action": "print"})
    with django_assert_max_num_queries(40) as few:
        page = client.get(url, {"action": "print"}).context["page"]
    assert any("출력0" in r.target_label for r in page)
    print_intakes(8, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, {"action": "print"}).context["page"]
    assert sum("출력" in r.target_label for r in page) == 10
