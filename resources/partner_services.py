"""The partner agencies' writes: their accounts (opened by the office), their answer to a referral,
their report of the service delivered, and the documents they send. Each of a partner's writes
alerts the case manager. Keyword-only, atomic, checked through the one door."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import SCOPE_OWN_DONG, SCOPE_WHOLE_GU, is_partner, record_access
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.korean import korean_date
from casemgmt.core.models import AccessAction, User
from casemgmt.core.roles import Role
from casemgmt.core.services import assign_role

from .models import (
    Attendance,
    PartnerAccount,
    Referral,
    ReferralDocument,
    ReferralStatus,
    ServiceReport,
)
from .services import move_referral

# --- accounts ------------------------------------------------------------------------------------
NOT_PARTNER_MANAGER = _(
    "Only the gu's integrated case-management staff or the team leader of a dong this agency "
    "serves open and close its accounts."
)
PROVIDER_ARCHIVED = _("This provider is archived: restore it before opening an account.")
USERNAME_TAKEN = _("This account name is taken: choose another.")


def may_manage_partners(user, provider) -> bool:
    """The gu's integrated case-management staff of the provider's gu, or the team leader of a
    dong the provider serves (or that registered it)."""
    if not (user.is_authenticated and user.is_active) or is_partner(user):
        return False
    if user.gu_id != provider.gu_id:
        return False
    if user.has_perm(SCOPE_WHOLE_GU) and user.dong_id is None and user.has_perm("cases.view_case"):
        return True
    if user.has_perm("core.supervise_dong") and user.has_perm(SCOPE_OWN_DONG) and user.dong_id:
        return (
            provider.registering_dong_id == user.dong_id
            or provider.service_dongs.filter(pk=user.dong_id).exists()
        )
    return False


def _ensure_manager(by, provider):
    if not may_manage_partners(by, provider):
        raise PermissionDenied(NOT_PARTNER_MANAGER)


def temporary_password():
    """Readable, long enough for the validators; the partner must replace it at first sign-in."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


@transaction.atomic
def open_partner_account(
    *, provider, by, username, name, phone="", email="", position=""
) -> tuple[PartnerAccount, str]:
    """A new partner account tied to ``provider``: two-factor sign-in required, a temporary
    password to give the person (shown once), replaced at the first sign-in."""
    _ensure_manager(by, provider)
    if provider.archived_at is not None:
        raise ApplicationError(PROVIDER_ARCHIVED)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": USERNAME_TAKEN})
    password = temporary_password()
    user = User(
        username=username,
        name=name,
        phone=phone,
        email=email,
        gu_id=provider.gu_id,
        dong=None,
        must_change_password=True,
        two_factor=True,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    assign_role(user=user, role=Role.PARTNER)
    account = PartnerAccount(user=user, provider=provider, position=position, created_by=by)
    account.full_clean()
    account.save()
    return account, password


@transaction.atomic
def set_partner_account_active(*, account, by, active: bool) -> PartnerAccount:
    """Close an account (the person left the agency) or open it again; never deleted."""
    _ensure_manager(by, account.provider)
    user = account.user
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return account


@transaction.atomic
def reset_partner_password(*, account, by) -> str:
    """A forgotten password: a new temporary one, replaced at the next sign-in."""
    _ensure_manager(by, account.provider)
    password = temporary_password()
    user = account.user
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def reset_partner_two_factor(*, request, account, by):
    """A lost phone: the account sets up a new authenticator at its next sign-in."""
    from casemgmt.core.two_factor import reset_authenticator

    _ensure_manager(by, account.provider)
    reset_authenticator(request=request, user=account.user)


# --- what a partner does on a referral -------------------------------------------------------------
NOT_YOURS = _("This referral is not open to your agency.")
ANSWER_NOT_OPEN = _("This referral has already been answered (%(status)s).")
REPORT_NOT_OPEN = _("The service of this referral has ended or was declined: it takes no report.")
ALERT_ACCEPTED = _("%(agency)s (%(by)s) accepted the referral of %(item)s.")
ALERT_DECLINED = _(
    "%(agency)s (%(by)s) declined the referral of %(item)s: %(reason)s. Find another resource "
    "or advocate for the client."
)
ALERT_REPORT = _(
    "%(agency)s (%(by)s) reported the service of %(item)s: it waits for your confirmation."
)
ALERT_DOCUMENT = _("%(agency)s (%(by)s) sent a document on the referral of %(item)s: %(title)s.")


def _ensure_partner_referral(by, referral):
    """The partner's door: a referral its agency may read now (consent included), else 404-like
    refusal (the view has already answered 404 for anything it could not load)."""
    if not (is_partner(by) and Referral.objects.for_user(by).filter(pk=referral.pk).exists()):
        raise PermissionDenied(NOT_YOURS)


def _notify(referral, by, message, kind=None):
    from cases import alerts
    from cases.models import AlertKind

    case = referral.plan_item.plan.case
    alerts.notify(
        case=case,
        by=by,
        kind=kind or AlertKind.PARTNER,
        message=message,
        url=reverse("resources:referral_detail", args=[referral.pk]),
    )


def _words(referral, by):
    return {
        "agency": referral.provider.name,
        "by": by,
        "item": referral.plan_item.service_content,
    }


@transaction.atomic
def answer_referral(*, referral, by, accept: bool, reason="", on=None) -> Referral:
    """The agency accepts a requested referral, or declines it with its reason (the case manager
    is prompted to find another resource or advocate)."""
    _ensure_partner_referral(by, referral)
    if referral.status != ReferralStatus.REQUESTED:
        raise ApplicationError(ANSWER_NOT_OPEN % {"status": referral.get_status_display()})
    target = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral = move_referral(
        referral=referral, by=by, status=target, on=on, decline_reason="" if accept else reason
    )
    if accept:
        message = ALERT_ACCEPTED % _words(referral, by)
    else:
        message = ALERT_DECLINED % {**_words(referral, by), "reason": reason.strip()}
    _notify(referral, by, message)
    return referral


def _findings(report):
    """The monitoring entry's findings, from the report's own fields (nothing re-typed)."""
    lines = []
    if report.sessions is not None:
        lines.append(str(_("Sessions held: %(n)s") % {"n": report.sessions}))
    if report.items_delivered.strip():
        lines.append(str(_("Delivered: %(items)s") % {"items": report.items_delivered.strip()}))
    lines.append(
        str(_("Attendance: %(attendance)s") % {"attendance": Attendance(report.attendance).label})
    )
    if report.ended_on:
        lines.append(
            str(
                _("Service ended on %(date)s: %(reason)s")
                % {"date": korean_date(report.ended_on), "reason": report.end_reason.strip()}
            )
        )
    return "\n".join(lines)


@transaction.atomic
def report_service(
    *,
    referral,
    by,
    reported_on,
    started_on,
    attendance,
    client_change,
    sessions=None,
    items_delivered="",
    ended_on=None,
    end_reason="",
) -> ServiceReport:
    """서비스 제공 보고: the agency reports what it delivered. The referral moves to "in service"
    from the start date (if it was not yet) and to "ended" with an end date; the report becomes a
    monitoring entry "through the provider" on the referral's plan item, waiting for the case
    manager's confirmation."""
    from cases.services import record_provider_monitoring

    _ensure_partner_referral(by, referral)
    if referral.status not in (
        ReferralStatus.REQUESTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_SERVICE,
    ):
        raise ApplicationError(REPORT_NOT_OPEN)
    report = ServiceReport(
        referral=referral,
        reported_on=reported_on,
        started_on=started_on,
        sessions=sessions,
        items_delivered=items_delivered.strip(),
        attendance=attendance,
        client_change=client_change.strip(),
        ended_on=ended_on,
        end_reason=end_reason.strip(),
        reported_by=by,
    )
    report.full_clean(exclude=["monitoring"])
    if referral.status != ReferralStatus.IN_SERVICE:
        referral = move_referral(
            referral=referral, by=by, status=ReferralStatus.IN_SERVICE, on=started_on
        )
    plan_item = referral.plan_item
    report.monitoring = record_provider_monitoring(
        case=plan_item.plan.case,
        plan_item=plan_item,
        provider=referral.provider,
        by=by,
        date=reported_on,
        findings=_findings(report),
        client_change=report.client_change,
    )
    report.save()
    if ended_on:
        move_referral(
            referral=referral,
            by=by,
            status=ReferralStatus.ENDED,
            on=ended_on,
            note=report.end_reason,
        )
    _notify(referral, by, ALERT_REPORT % _words(referral, by))
    return report


@transaction.atomic
def send_document(*, request, referral, by, title, file) -> ReferralDocument:
    """A PDF or image the agency sends on the referral (checked by the form's DocumentFileField),
    stored through the storage API under a random name."""
    _ensure_partner_referral(by, referral)
    content_type = getattr(file, "checked_content_type", None)
    if content_type is None:
        from casemgmt.core.uploads import check_document_content

        content_type = check_document_content(file)
    file.seek(0)
    data = file.read()
    file.seek(0)
    document = ReferralDocument(
        referral=referral,
        title=title.strip(),
        original_name=(getattr(file, "name", "") or "")[-200:],
        content_type=content_type,
        size=len(data),
        sha256=ReferralDocument.digest(data),
        token=secrets.token_hex(16),
        uploaded_by=by,
    )
    document.file.save(document.token, file, save=False)
    document.full_clean()
    document.save()
    record_access(request, action=AccessAction.CREATE, obj=document)
    _notify(
        referral,
        by,
        ALERT_DOCUMENT % {**_words(referral, by), "title": document.title},
    )
    return document
