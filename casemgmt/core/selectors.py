import datetime

from django.utils import timezone

from .access import SCOPE_OWN_DONG, SCOPE_WHOLE_GU
from .models import AccessRecord, AccessRecordClient, User


def recent_activity(*, user, limit=8):
    """The user's own latest access records, for the dashboard."""
    return AccessRecord.objects.filter(user=user).order_by("-occurred_at", "-id")[:limit]


def month_start():
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def last_month():
    """The first day of the last full month: the one the monthly review is due for."""
    return (month_start().date() - datetime.timedelta(days=1)).replace(day=1)


def is_reviewer(user):
    """Gu staff and the system administrator: they review the access records of their gu."""
    return bool(user.is_authenticated and user.has_perm("core.view_accessrecord") and user.gu_id)


def seoul_midnight(day):
    """The first moment of ``day`` in the project's time zone (Asia/Seoul); days before 1900
    as 1900 (no record is older, and 0001-01-01 in Seoul is not a moment UTC can hold)."""
    day = max(day, datetime.date(1900, 1, 1))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_records(*, user, filters=None):
    """접속기록 for the monthly review: those of the reviewer's gu (accounts of its dongs and of the gu).

    Failed logins of unknown accounts belong to no gu; the system administrator sees them too.
    """
    from django.db.models import Q

    filters = filters or {}
    if not is_reviewer(user):
        return AccessRecord.objects.none()
    scope = Q(user__gu_id=user.gu_id)
    if user.has_perm("core.change_user"):  # the system administrator: unknown accounts too
        scope |= Q(user__isnull=True)
    qs = AccessRecord.objects.filter(scope).select_related("user").prefetch_related("shown")
    if filters.get("username"):
        # Through the accounts (a small table) and the (account, time) index; failed logins of
        # unknown account names have no account and are matched by name.
        name = filters["username"].strip()
        accounts = Q(user__in=User.objects.filter(username__icontains=name).values("pk"))
        if user.has_perm("core.change_user"):
            accounts |= Q(user__isnull=True, username__icontains=name)
        qs = qs.filter(accounts)
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("client"):
        # The client as the subject of the record or among those it showed: one UNION over the
        # two client_id indexes. (An OR across the join scanned both million-row tables, with a
        # DISTINCT: 3.9 s at a million records against about 1 ms for this.)
        client_id = filters["client"]
        records = (
            AccessRecord.objects.filter(client_id=client_id)
            .order_by()
            .values("pk")
            .union(
                AccessRecordClient.objects.filter(client_id=client_id)
                .order_by()
                .values("record_id")
            )
        )
        qs = qs.filter(pk__in=records)
    # Days in Seoul as a range of times, which the time index answers (a cast of every row's
    # time to a date cannot use it).
    if filters.get("date_from"):
        qs = qs.filter(occurred_at__gte=seoul_midnight(filters["date_from"]))
    if filters.get("date_to") and filters["date_to"] < datetime.date.max:
        qs = qs.filter(
            occurred_at__lt=seoul_midnight(filters["date_to"] + datetime.timedelta(days=1))
        )
    return qs.order_by("-occurred_at", "-id")


def access_reviews(*, user):
    """The gu's monthly reviews of its access records, newest month first."""
    from .models import AccessReview

    if not is_reviewer(user):
        return AccessReview.objects.none()
    return AccessReview.objects.filter(gu_id=user.gu_id).select_related("reviewed_by")


def review_due(*, user):
    """The last full month, if the reviewer's gu has not recorded its review yet; else None."""
    from .models import AccessReview

    if not is_reviewer(user):
        return None
    due = last_month()
    if AccessReview.objects.filter(gu_id=user.gu_id, period=due).exists():
        return None
    return due


def is_grant_approver(user) -> bool:
    """Gu-level staff who review the gu's records: the second person of a role grant."""
    return bool(
        user.is_authenticated
        and user.gu_id
        and user.has_perm("core.scope_whole_gu")
        and user.has_perm("core.view_accessrecord")
    )


def grants_waiting_for(*, user) -> int:
    """How many role grants of the user's gu this reviewer could decide now (the dashboard)."""
    from .models import RoleGrant, RoleGrantStatus

    if not is_grant_approver(user):
        return 0
    return (
        RoleGrant.objects.filter(gu_id=user.gu_id, status=RoleGrantStatus.PENDING)
        .exclude(user=user)
        .exclude(proposed_by=user)
        .count()
    )


def _named_objects(model):
    """The model's rows with what their names read (a case's or a record's client) joined in:
    one query per kind of record, not one per row."""
    fields = {f.name for f in model._meta.concrete_fields if f.many_to_one}
    related = [name for name in ("client", "case") if name in fields]
    if "case" in related:
        related.append("case__client")
    return model._base_manager.select_related(*related)


def describe_targets(records, *, user):
    """Give each access record a ``target_label`` a person recognises ("사례 능동-2026-0003 …"),
    not "cases.case:7": one query per kind of record on the page. Who may read the gu's client
    data sees the record's name; anyone else (the administrator) its kind and number only."""
    from django.apps import apps

    def parts(target):  # "cases.case:7" or "resources.provider:6:referrals"
        label, _sep, rest = target.partition(":")
        pk, _sep, detail = rest.partition(":")
        ok = "." in label and pk.isdigit() and len(pk) <= 12
        return (label, int(pk) if ok else None, detail)

    wanted = {}
    for record in records:
        label, pk, _detail = parts(record.target)
        if pk is not None:
            wanted.setdefault(label, set()).add(pk)
    named = user.has_perm(SCOPE_WHOLE_GU) or user.has_perm(SCOPE_OWN_DONG)
    found = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        objects = _named_objects(model).in_bulk(pks) if named else {}
        for pk in pks:
            obj = objects.get(pk)
            kind = model._meta.verbose_name
            found[(label, pk)] = f"{kind} {obj}" if obj is not None else f"{kind} #{pk}"
    for record in records:
        label, pk, detail = parts(record.target)
        name = found.get((label, pk))
        if name is None:
            record.target_label = record.path if pk is not None else record.target or record.path
        else:
            record.target_label = f"{name} · {record.path}" if detail else name
    return records
