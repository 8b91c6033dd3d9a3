"""Reads of the working day, composed from the apps' own querysets (one door for scope).

Everything here reads the dates the services store on each case (cases.schedule): one bounded
query per list, whatever the number of cases or records behind them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Stage, policy_for_gu

MY_CASES_LIMIT = 30
DUE_LIMIT = 60
LIST_LIMIT = 20
CONSENT_NOTICE_DAYS = 14  # a consent ending within two weeks shows, so it can be renewed in time
CLOCK_NOTICE_DAYS = 3  # a deadline clock shows from three days before its limit


@dataclass
class Due:
    """One thing due on one case: what, when, and the one link that does it."""

    kind: str
    label: str
    on: datetime.date
    url: str
    case: Case


def _what_is_due(case, *, horizon):
    """The due items of one case (its stored columns), each with the form that does it."""
    detail = reverse("cases:case_detail", args=[case.pk])
    parts = []
    if case.next_contact_due and case.next_contact_due <= horizon["contact"]:
        url = reverse("cases:monitoring_create", args=[case.pk])
        if case.next_contact_item_id:
            url += f"?item={case.next_contact_item_id}"
        parts.append(("contact", _("Monitoring contact"), case.next_contact_due, url))
    if case.reassessment_due and case.reassessment_due <= horizon["reassessment"]:
        parts.append(("reassessment", _("Reassessment"), case.reassessment_due, detail))
    if case.follow_up_due and case.follow_up_due <= horizon["follow_up"]:
        url = reverse("cases:follow_up_create", args=[case.pk])
        parts.append(("follow_up", _("Follow-up check"), case.follow_up_due, url))
    if case.consent_ends_on and case.consent_ends_on <= horizon["consent"]:
        url = reverse("cases:consent_create", args=[case.pk])
        parts.append(("consent", _("Consent ends"), case.consent_ends_on, url))
    if case.clock_due and case.clock_due <= horizon["clock"]:
        parts.append(("clock", _("Deadline"), case.clock_due, detail))
    return [Due(kind, label, on, url, case) for kind, label, on, url in parts]


def _horizon(today):
    return {
        "contact": today,
        "reassessment": today,
        "follow_up": today,
        "consent": today + datetime.timedelta(days=CONSENT_NOTICE_DAYS),
        "clock": today + datetime.timedelta(days=CLOCK_NOTICE_DAYS),
    }


def _mine(user):
    return Case.objects.for_user(user).filter(primary_manager=user, stage__in=Stage.open_stages())


def my_open_cases(*, user, limit=MY_CASES_LIMIT):
    """The user's open cases as case manager, what is due next first (then the oldest): one
    query, bounded. Each carries ``next``: its most pressing due item, if any."""
    qs = (
        _mine(user)
        .select_related("client")
        .order_by(F("next_due_on").asc(nulls_last=True), "opened_on", "id")
    )
    cases = list(qs[:limit])
    far = datetime.date.max
    everything = {key: far for key in _horizon(timezone.localdate())}
    for case in cases:
        dues = sorted(_what_is_due(case, horizon=everything), key=lambda d: d.on)
        case.next = dues[0] if dues else None
    return cases


def my_due(*, user, today=None):
    """What is due now for the user's cases: overdue and today's monitoring contacts,
    reassessments and follow-up checks, consents ending within two weeks, deadlines within three
    days — most overdue first. One query over an indexed column, bounded."""
    today = today or timezone.localdate()
    horizon = _horizon(today)
    latest = max(horizon.values())
    cases = (
        _mine(user)
        .filter(next_due_on__lte=latest)
        .select_related("client")
        .order_by("next_due_on", "id")[:DUE_LIMIT]
    )
    dues = [due for case in cases for due in _what_is_due(case, horizon=horizon)]
    return sorted(dues, key=lambda d: (d.on, d.case.pk))


def waiting_referrals(*, user, today=None):
    """Referrals of the user's cases that a provider has not answered within the gu's days."""
    from resources.models import Referral, ReferralStatus

    today = today or timezone.localdate()
    if not user.gu_id:
        return []
    days = policy_for_gu(user.gu_id).referral_answer_days
    return list(
        Referral.objects.for_user(user)
        .filter(
            status=ReferralStatus.REQUESTED,
            requested_on__lt=today - datetime.timedelta(days=days),
            plan_item__plan__case__primary_manager=user,
        )
        .select_related("plan_item__plan__case__client", "provider", "resource")
        .order_by("requested_on", "id")[:LIST_LIMIT]
    )


def my_agenda(*, user):
    """The user's cases on the agenda of meetings still to come (not yet decided)."""
    from meetings.models import AgendaItem

    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        AgendaItem.objects.for_user(user)
        .filter(
            Q(case__primary_manager=user) | Q(case__assistant=user),
            meeting__held_at__gte=start_of_today,
            decision__isnull=True,
        )
        .select_related("meeting", "case__client")
        .order_by("meeting__held_at", "order", "id")[:LIST_LIMIT]
    )


def my_action_items(*, user):
    """The open action items of meetings that name the user in charge, soonest due first (the
    dashboard shows them until done): one query, bounded."""
    from meetings.models import ActionItem

    return list(
        ActionItem.objects.for_user(user)
        .open()
        .filter(owner=user)
        .select_related("meeting", "case__client")
        .order_by("due_on", "id")[:LIST_LIMIT]
    )


def unread_alerts(*, user, limit=10):
    """The user's unread alerts, newest first (bounded; the alerts page has them all)."""
    from cases.models import Alert

    return list(
        Alert.objects.for_user(user)
        .unread()
        .select_related("case__client", "created_by")
        .order_by("-created_at", "-id")[:limit]
    )


def recent_work(*, user, limit=8):
    """The user's own latest access records, each named as a person recognises it: the case
    number and client, or the client, that the user may still see (never "cases.case:6"), and a
    link back to the page. Three queries, bounded."""
    from casemgmt.core.models import AccessAction
    from casemgmt.core.selectors import recent_activity
    from cases.models import Client

    records = list(recent_activity(user=user, limit=limit))
    case_ids = set()
    for record in records:
        model, _sep, pk = record.target.partition(":")
        if model == "cases.case" and pk.isdigit() and len(pk) <= 12:
            case_ids.add(int(pk))
    cases = {
        case.pk: case
        for case in Case.objects.for_user(user).filter(pk__in=case_ids).select_related("client")
    }
    client_ids = {r.client_id for r in records if r.client_id}
    names = dict(Client.objects.for_user(user).filter(pk__in=client_ids).values_list("pk", "name"))
    for record in records:
        model, _sep, pk = record.target.partition(":")
        case = cases.get(int(pk)) if model == "cases.case" and pk.isdigit() else None
        if case is not None:
            record.label = f"{case.number} {case.client.name}"
        elif record.client_id in names:
            record.label = names[record.client_id]
        else:
            record.label = ""
        record.link = record.path if record.label and record.action == AccessAction.VIEW else ""
    return records
