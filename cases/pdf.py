"""The printed forms of a case: each function builds one form's context from the case's own
records (nothing re-typed), and ``render`` turns it into PDF bytes (casemgmt.core.pdf)."""

import base64

from django.utils.translation import gettext as _

from casemgmt.core import pdf
from casemgmt.core.korean import korean_datetime

from .models import (
    ClosureReason,
    ConsentMethod,
    Disposition,
    GoalResult,
    ItemStatus,
    SharedItem,
)

PLAN_TEMPLATE = "pdf/service_plan.html"
CONSENT_TEMPLATE = "pdf/consent.html"
MONITORING_TEMPLATE = "pdf/monitoring.html"
INTAKE_TEMPLATE = "pdf/intake.html"
CLOSURE_TEMPLATE = "pdf/closure.html"
BLANK_ROWS = 4


def _people(case):
    client = case.client
    return {
        "case": case,
        "client": client,
        "client_name": client.name,
        "birth_date": client.birth_date,
        "manager_name": case.primary_manager.name or case.primary_manager.get_username(),
    }


def png_data_url(png: bytes | None) -> str:
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def plan_context(*, plan, signature_png=None, signature_note="", manager_signature_png=None):
    case = plan.case
    people = _people(case)
    if plan.manager_signed_by_id:
        signer = plan.manager_signed_by
        people["manager_name"] = signer.name or signer.get_username()
    items = list(
        plan.items.select_related("goal").order_by("goal__order", "goal_id", "priority", "id")
    )
    starts = [item.start_date for item in items]
    return {
        **people,
        "plan": plan,
        "items": items,
        "client_signer": plan.client_signer,
        "manager_signature_image": png_data_url(manager_signature_png),
        "statuses": ItemStatus.choices,
        "start_date": plan.signed_on or (min(starts) if starts else None),
        "signed_on": plan.signed_on,
        "signature_image": png_data_url(signature_png),
        "signature_note": signature_note,
    }


def signature_note(*, method, by, signed_at):
    """The line under the signatures saying how the client signed and who witnessed it."""
    values = {"who": by.name or by.get_username(), "when": korean_datetime(signed_at)}
    if method == ConsentMethod.ON_SCREEN:
        return _("Signed on screen; witnessed by %(who)s at %(when)s.") % values
    if method == ConsentMethod.VERBAL:
        return _("Agreed verbally before a witness; recorded by %(who)s at %(when)s.") % values
    return _("Wet signature on the paper copy; recorded by %(who)s at %(when)s.") % values


def blank_plan_context():
    return {
        "case": None,
        "plan": None,
        "items": [],
        "blank_rows": range(BLANK_ROWS),
        "statuses": ItemStatus.choices,
    }


def _labels(values):
    labels = dict(SharedItem.choices)
    return [labels[v] for v in values if v in labels]


def consent_context(
    *, consent, signature_png=None, signature_note="", sensitive_signature_png=None,
    identifier_signature_png=None,
):  # fmt: skip
    case = consent.case
    return {
        "signature_image": png_data_url(signature_png),
        "sensitive_signature_image": png_data_url(sensitive_signature_png),
        "identifier_signature_image": png_data_url(identifier_signature_png),
        "signature_note": signature_note,
        **_people(case),
        "consent": consent,
        "collected_items": [label for _value, label in SharedItem.choices],
        "recipients": [p.name for p in consent.providers.all()] + consent.agency_list,
        "shared_items": _labels(consent.shared_items),
        "signed_on": consent.valid_from,
        "not_services": not consent.services_consent,
        "not_sharing": not consent.sharing_consent,
        "not_sensitive": not consent.sensitive_consent,
        "not_identifier": not consent.identifier_consent,
    }


def blank_consent_context():
    return {
        "case": None,
        "consent": None,
        "collected_items": [label for _value, label in SharedItem.choices],
        "recipients": [],
        "shared_items": [],
    }


def monitoring_context(*, case, plan, date_from=None, date_to=None):
    """Each item of the plan with its monitoring records of the period; then the records tied
    to no item (e.g. a scale measuring the client's change as a whole)."""

    def in_period(records):
        records = records.order_by("date", "id")
        if date_from:
            records = records.filter(date__gte=date_from)
        if date_to:
            records = records.filter(date__lte=date_to)
        return list(records)

    rows = []
    for item in plan.items.select_related("goal").order_by("goal__order", "priority", "id"):
        rows.append((item, in_period(item.monitorings.all())))
    return {
        **_people(case),
        "plan": plan,
        "rows": rows,
        "general_records": in_period(case.monitorings.filter(plan_item__isnull=True)),
        "date_from": date_from,
        "date_to": date_to,
        "statuses": ItemStatus.choices,
    }


def intake_context(*, case, intake):
    return {
        **_people(case),
        "intake": intake,
        "dispositions": Disposition.choices,
        "counsellor": intake.counselled_by.name or intake.counselled_by.get_username(),
    }


def closure_context(*, case, closure, evaluation):
    return {
        **_people(case),
        "closure": closure,
        "not_agreed": not closure.follow_up_agreed,
        "reasons": ClosureReason.choices,
        "evaluation": evaluation,
        "goal_results": (
            list(evaluation.goal_results.select_related("goal")) if evaluation else []
        ),
        "results": GoalResult.choices,
    }


def render(template_name, context) -> bytes:
    return pdf.render_pdf(template_name, context)
