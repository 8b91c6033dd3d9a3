"""Printed minutes of a case conference: the full internal version, and an external partner's
copy built by selectors.external_copy (only their items, only what consent allows)."""

from .selectors import external_copy, meeting_action_items

MINUTES_TEMPLATE = "pdf/minutes.html"
EXTERNAL_TEMPLATE = "pdf/minutes_external.html"


def minutes_context(*, meeting):
    items = list(
        meeting.items.select_related(
            "case__client", "case__primary_manager", "client", "decision__decided_by"
        )
        .prefetch_related("partners")
        .order_by("order", "id")
    )
    return {
        "meeting": meeting,
        "attendees": list(meeting.attendees.select_related("user", "provider")),
        "items": items,
        "action_items": meeting_action_items(meeting=meeting),
    }


def external_context(*, meeting, attendee):
    return {
        "meeting": meeting,
        "attendee": attendee,
        "copy": external_copy(meeting=meeting, attendee=attendee),
    }
