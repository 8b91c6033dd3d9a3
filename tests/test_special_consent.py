"""Separate consent for sensitive data (PIPA Art. 23) and the resident registration number
(Art. 24), issue 14 point 5: without it neither is recorded; after a withdrawal what was recorded
stays but is no longer shown or shared."""

import base64

import pytest
from django.urls import reverse

from casemgmt.core.exceptions import ApplicationError
from cases import services
from cases.models import Client, ConsentMethod, HouseholdMember, Stage
from cases.special_consent import (
    HEALTH_NEEDS_CONSENT,
    RESIDENT_NUMBER_NEEDS_CONSENT,
    special_consent,
)
from meetings.selectors import summary_sections

from . import lifecycle
from .clock import today
from .factories import ClientFactory, dong
from .pdf_helpers import flat_text
from .test_pdf_signing import tiny_png

pytestmark = pytest.mark.django_db

RRN = "500301-2345671"


def consent(case, by, **ticks):
    return services.record_consent(
        case=case, by=by, services_consent=True, method=ConsentMethod.SIGNED_PAPER, **ticks
    )


@pytest.fixture
def case(user_in_dong, supervisor):
    return lifecycle.run_to(
        Stage.SELECTION, officer=user_in_dong, supervisor=supervisor,
        client=ClientFactory(dong=dong("능동"), name="윤미경", birth_date="1950-03-01"),
        example=lifecycle.EXAMPLES["frequent_illness"],
    )  # fmt: skip


def test_a_new_client_is_registered_without_a_resident_number_or_health_notes(client, user_in_dong):
    with pytest.raises(ApplicationError) as refused:
        services.create_client(
            by=user_in_dong, name="김순자", birth_date="1950-03-01", sex="F", address="능동로 1",
            livelihood_status="general", resident_number=RRN,
        )  # fmt: skip
    assert refused.value.message == RESIDENT_NUMBER_NEEDS_CONSENT
    with pytest.raises(ApplicationError) as refused:
        services.create_client(
            by=user_in_dong, name="김순자", birth_date="1950-03-01", sex="F", address="능동로 1",
            livelihood_status="general", health_notes="당뇨",
        )  # fmt: skip
    assert refused.value.message == HEALTH_NEEDS_CONSENT
    client.force_login(user_in_dong)
    form = client.get(reverse("cases:client_create")).context["form"]
    assert form.fields["resident_number"].disabled and form.fields["health_notes"].disabled
    assert form.fields["resident_number"].help_text == RESIDENT_NUMBER_NEEDS_CONSENT
    # A posted value is ignored, not stored (the field is disabled).
    client.post(reverse("cases:client_create"), {
        "name": "김순자", "birth_date": "1950-03-01", "sex": "F", "address": "능동로 1",
        "livelihood_status": "general", "resident_number": RRN, "health_notes": "당뇨",
    })  # fmt: skip
    created = Client.objects.get(name="김순자")
    assert (created.resident_number, created.health_notes) == ("", "")


def test_each_value_is_recorded_only_with_its_own_consent(case, user_in_dong):
    person = case.client
    consent(case, user_in_dong, sensitive_consent=True)  # health yes, resident number no
    assert special_consent(person).sensitive and not special_consent(person).identifier
    services.update_client(
        client=person, by=user_in_dong, expected_version=person.version, health_notes="고혈압"
    )
    with pytest.raises(ApplicationError) as refused:
        services.update_client(
            client=person, by=user_in_dong, expected_version=person.version, resident_number=RRN
        )
    assert refused.value.message == RESIDENT_NUMBER_NEEDS_CONSENT
    consent(case, user_in_dong, identifier_consent=True)
    person.refresh_from_db()
    services.update_client(
        client=person, by=user_in_dong, expected_version=person.version, resident_number=RRN
    )
    person.refresh_from_db()
    assert (person.resident_number, person.health_notes) == (RRN, "고혈압")


def test_household_health_notes_need_the_clients_sensitive_data_consent(case, user_in_dong):
    with pytest.raises(ApplicationError):
        services.add_household_member(
            client=case.client, by=user_in_dong, name="이영수", relation="spouse",
            health_notes="치매",
        )  # fmt: skip
    consent(case, user_in_dong, sensitive_consent=True)
    member = services.add_household_member(
        client=case.client, by=user_in_dong, name="이영수", relation="spouse", health_notes="치매"
    )
    assert HouseholdMember.objects.get(pk=member.pk).health_notes == "치매"


def test_after_a_withdrawal_what_was_recorded_is_kept_but_not_shown_or_shared(
    client, case, user_in_dong
):
    given = consent(case, user_in_dong, sensitive_consent=True, identifier_consent=True)
    person = case.client
    services.update_client(client=person, by=user_in_dong, expected_version=person.version,
                           resident_number=RRN, health_notes="고혈압")  # fmt: skip
    client.force_login(user_in_dong)
    page = client.get(reverse("cases:client_detail", args=[person.pk])).content.decode()
    assert "고혈압" in page and "500301-2******" in page
    assert any("고혈압" in str(text) for _k, _t, text in summary_sections(case=case))

    services.withdraw_consent(consent=given, by=user_in_dong, note="더는 원하지 않음")
    person.refresh_from_db()
    assert (person.resident_number, person.health_notes) == (RRN, "고혈압")  # kept
    page = client.get(reverse("cases:client_detail", args=[person.pk])).content.decode()
    assert "고혈압" not in page and "500301" not in page
    assert "보관 중이지만 표시하지 않습니다" in page
    reveal = reverse("cases:client_resident_number", args=[person.pk])
    assert client.get(reveal).status_code == 403
    assert client.post(reveal, {"reason": "급여 신청"}).status_code == 403
    assert not any("고혈압" in str(text) for _k, _t, text in summary_sections(case=case))
    form = client.get(reverse("cases:client_update", args=[person.pk])).context["form"]
    assert form.fields["health_notes"].disabled and form["health_notes"].value() == ""
    history = client.get(reverse("cases:client_history", args=[person.pk])).content.decode()
    assert "고혈압" not in history and "500301" not in history  # no side door


def test_the_consent_form_has_the_two_separate_parts_each_signed_on_its_own(
    client, case, user_in_dong
):
    given = consent(case, user_in_dong, sensitive_consent=True, identifier_consent=False)
    client.force_login(user_in_dong)
    url = reverse("cases:consent_sign_screen", args=[case.pk, given.pk])
    page = client.get(url).content.decode()
    assert page.count('class="signature-pad') == 2  # the form, and the sensitive-data part
    drawn = "data:image/png;base64," + base64.b64encode(tiny_png()).decode()
    refused = client.post(url, {"signature": drawn, "confirmed": "on"})
    assert refused.status_code == 400  # the separate part is not signed
    client.post(url, {"signature": drawn, "sensitive_signature": drawn, "confirmed": "on"})
    document = given.signed_document
    assert document.sensitive_signature_image and not document.identifier_signature_image
    text = flat_text(bytes(document.pdf))
    assert "3.민감정보" in text and "4.고유식별정보" in text
    assert "개인정보보호법제23조" in text and "개인정보보호법제24조" in text


def test_a_consent_that_has_run_out_no_longer_shows_the_values(case, user_in_dong):
    import datetime

    given = consent(case, user_in_dong, sensitive_consent=True,
                    valid_from=today() - datetime.timedelta(days=30),
                    valid_until=today() - datetime.timedelta(days=1))  # fmt: skip
    assert given.pk and not special_consent(case.client).sensitive
