"""Printed minutes: the full internal version, and the external partner's copy limited by consent."""

import pytest
from django.urls import reverse

from casemgmt.core.models import AccessAction, AccessRecord
from cases import services as case_services
from cases.models import Stage
from meetings import services
from meetings.models import MeetingKind

from . import lifecycle
from .clock import at
from .factories import ClientFactory, dong
from .pdf_helpers import flat_text, fonts, page_size, squash, with_reason
from .resource_factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(user_in_dong, supervisor):
    """An integrated conference with two cases: one consents to sharing with the partner's
    agency (basic details and progress only), one does not."""
    meeting = services.create_meeting(
        by=user_in_dong,
        kind=MeetingKind.INTEGRATED_CONFERENCE,
        held_at=at(2, 14),
        place="능동 주민센터 2층",
        chair=supervisor,
        officers=[user_in_dong],
    )
    center = ProviderFactory(name="광진건강가정지원센터")
    partner = services.add_attendee(
        meeting=meeting, by=user_in_dong, provider=center, name="이협력", position="팀장"
    )

    def case(name):
        client = ClientFactory(dong=dong("능동"), name=name, health_notes="허리 디스크 수술 이력")
        return lifecycle.run_to(
            Stage.SELECTION,
            officer=user_in_dong,
            supervisor=supervisor,
            client=client,
            example=lifecycle.EXAMPLES["school_grades"],
        )

    consenting, silent = case("동의한당사자"), case("거부한당사자")
    case_services.record_consent(case=consenting, by=user_in_dong, services_consent=True, sharing_consent=True,
                                 shared_items=["basic", "progress"], providers=[center], method="paper")  # fmt: skip
    services.place_on_agenda(
        meeting=meeting, case=consenting, question="select", by=user_in_dong, partners=[partner]
    )
    services.place_on_agenda(
        meeting=meeting, case=silent, question="select", by=user_in_dong, partners=[partner]
    )
    meeting.minutes = "두 사례를 선정 심의함"
    meeting.save()
    return meeting, partner, consenting, silent


def _pdf(client, url):
    response = client.get(with_reason(url))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_internal_minutes_print_every_item_attendee_and_the_minutes(
    client, user_in_dong, conference
):
    meeting, partner, consenting, silent = conference
    client.force_login(user_in_dong)
    data = _pdf(client, reverse("meetings:minutes_print", args=[meeting.pk]))
    found = flat_text(data)
    assert page_size(data) == (595, 842)
    assert "Nanum" in fonts(data)
    for value in (
        meeting.place,
        consenting.number,
        consenting.client.name,
        silent.number,
        silent.client.name,
        partner.name,
        "광진건강가정지원센터",
        meeting.minutes,
    ):
        assert squash(value) in found, value
    record = AccessRecord.objects.filter(action=AccessAction.PRINT).latest("id")
    assert sorted(record.client_ids) == sorted([consenting.client_id, silent.client_id])


def test_the_external_copy_shows_nothing_beyond_what_consent_allows(
    client, user_in_dong, conference
):
    meeting, partner, consenting, silent = conference
    client.force_login(user_in_dong)
    found = flat_text(
        _pdf(client, reverse("meetings:external_copy_print", args=[meeting.pk, partner.pk]))
    )
    assert squash(consenting.client.name) in found  # basic details: consented
    assert squash(consenting.intake.presenting_problem) in found  # progress: consented
    assert "허리디스크" not in found  # health: not consented
    assert squash(silent.client.name) not in found  # no consent for this agency: nothing
    assert silent.number not in found and consenting.number in found  # number only in the summary
    assert squash(meeting.minutes) not in found  # the internal minutes stay internal
    assert "동의하지않아" in found


def test_another_dong_gets_404_for_the_printed_minutes(client, user_other_dong, conference):
    meeting, partner, _consenting, _silent = conference
    client.force_login(user_other_dong)
    assert client.get(reverse("meetings:minutes_print", args=[meeting.pk])).status_code == 404
    url = reverse("meetings:external_copy_print", args=[meeting.pk, partner.pk])
    assert client.get(url).status_code == 404
