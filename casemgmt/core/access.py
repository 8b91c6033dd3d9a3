"""The one door: what a user may see and change, and the access record of every use.

Every scoped model's QuerySet derives from ``ScopedQuerySet`` and names the path to its dong.
``for_user`` decides visibility (lists, choice lists, exports, PDFs); ``editable_by`` decides
writes. Detail and edit views load through ``get_for_user`` / ``get_rw_for_user``, which answer
404 for anything missing *or* out of scope and write the access record, so no view can forget.
A partner agency's account (SCOPE_PARTNER) reads through the same door, narrower: ``for_partner``
opens nothing unless the model says which of its rows an agency may read.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.encoding import escape_uri_path

from .downloads import download_reason, is_download
from .models import AccessAction, AccessRecord, AccessRecordClient

SCOPE_OWN_DONG = "core.scope_own_dong"
SCOPE_WHOLE_GU = "core.scope_whole_gu"
SCOPE_PARTNER = "core.scope_partner"


def is_partner(user):
    """Is this the account of a partner agency's staff (외부 협력기관), not of the office?"""
    return bool(
        user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.has_perm(SCOPE_PARTNER)
    )


class ScopedQuerySet(models.QuerySet):
    #: lookup from this model to its Dong, e.g. "dong" or "client__dong"
    dong_lookup = "dong"
    #: Django permission suffix for this model's change right, e.g. "cases.change_client"
    change_permission = None

    def for_user(self, user):
        """Rows the user may read: their dong, or their whole gu for gu-level staff."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if is_partner(user):
            return self.for_partner(user)
        if user.has_perm(SCOPE_WHOLE_GU) and user.gu_id:
            return self.filter(**{f"{self.dong_lookup}__gu_id": user.gu_id})
        if user.has_perm(SCOPE_OWN_DONG) and user.dong_id:
            return self.filter(**{self.dong_lookup: user.dong_id})
        return self.none()

    def for_partner(self, user):
        """Rows a partner agency's staff may read: none, unless the model opens a narrow door
        (a referral to their own agency while the client's consent covers it)."""
        return self.none()

    def editable_by(self, user):
        """Rows the user may change: only their own dong's, and only with the change right."""
        if not (user.is_authenticated and user.is_active and user.dong_id):
            return self.none()
        if not (user.has_perm(SCOPE_OWN_DONG) and user.has_perm(self._change_permission())):
            return self.none()
        return self.filter(**{self.dong_lookup: user.dong_id})

    def _change_permission(self):
        if self.change_permission:
            return self.change_permission
        meta = self.model._meta
        return f"{meta.app_label}.change_{meta.model_name}"


def can_edit(user, obj):
    return type(obj)._default_manager.editable_by(user).filter(pk=obj.pk).exists()


def ensure_can_edit(user, obj):
    """Object-level write check for services: PermissionDenied if the user may not change it."""
    if not can_edit(user, obj):
        raise PermissionDenied


def can_create_in_dong(user, model):
    """May the user add a row of ``model`` to their own dong?"""
    meta = model._meta
    return bool(
        user.is_authenticated
        and user.is_active
        and user.dong_id
        and user.has_perm(SCOPE_OWN_DONG)
        and user.has_perm(f"{meta.app_label}.add_{meta.model_name}")
    )


def get_for_user(
    request, queryset, *, action=AccessAction.VIEW, clients_of=None, check=None, **lookup
):
    """Load one object the user may read, recording the access; 404 otherwise.

    A print or export (``action``) of personal data also needs the download reason, which is
    kept on the same access record.

    ``clients_of(obj)``: for a record about several clients (a meeting), the ids its page shows.
    ``check(obj)``: raises Http404 when the part of ``obj`` the page needs is missing.
    """
    try:
        obj = queryset.for_user(request.user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if check is not None:
        check(obj)  # e.g. the part of it to print must exist: 404 before any reason is asked
    reason = ""
    if action in (AccessAction.PRINT, AccessAction.EXPORT):
        if is_download(request):
            reason = download_reason(request)  # else the reason page (DownloadReasonRequired)
        else:
            action = AccessAction.VIEW  # the HTML preview of a printed form is a page view
    record_access(
        request,
        action=action,
        obj=obj,
        clients=clients_of(obj) if clients_of else (),
        reason=reason,
    )
    return obj


def get_rw_for_user(
    request, queryset, *, action=AccessAction.UPDATE, reason="", clients_of=None, **lookup
):
    """Load one object the user may change: 404 if out of scope, 403 if read-only for them.

    ``reason``: why the user asked (e.g. to see a resident number in full), kept on the record.
    ``clients_of(obj)``: as for get_for_user, the clients the page shows (a meeting's form).
    """
    try:
        obj = queryset.for_user(request.user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can_edit(request.user, obj):
        raise PermissionDenied
    clients = clients_of(obj) if clients_of is not None else ()
    record_access(request, action=action, obj=obj, reason=reason, clients=clients)
    return obj


def client_ip(request):
    from django.conf import settings

    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


#: Query parameters whose values an access record keeps: they choose a page, an order, a format,
#: a filter code or a record by its number. Any other value is replaced by "*": what an officer
#: typed to find someone (a name, a phone number, a date of birth) is personal data, and the
#: reviewers — the system administrator among them, who reads no client data — must not read it
#: in the address. The clients a search showed are recorded by their ids.
RECORDED_PARAMETERS = frozenset(
    {
        "page", "sort", "format", "export", "download", "purpose",
        "stage", "result", "source", "kind", "status", "overdue", "when", "archived", "has_room",
        "conferences", "need_domain", "sector", "livelihood_status", "method", "action",
        "dong", "provider", "manager", "person", "goal", "resource", "discovery", "plan_item",
        "client", "date_from", "date_to", "from", "to",
    }
)  # fmt: skip


def recorded_path(request):
    """The address of the request as an access record keeps it (see RECORDED_PARAMETERS)."""
    query = [
        (name, value if name in RECORDED_PARAMETERS else "*")
        for name, values in request.GET.lists()
        for value in values
    ]
    path = escape_uri_path(request.path)
    return f"{path}?{urlencode(query, safe='*')}" if query else path


def _subject_client_id(obj):
    """The data subject of an object: a Client is its own; other records name theirs."""
    if obj is None:
        return None
    return getattr(obj, "access_subject_id", None)


def record_access(
    request, *, action, obj=None, clients=(), reason="", user=None, username="", target=""
):
    """Write one access record for this request. ``clients``: ids shown by a list or export;
    ``target``: what was read when it is not one object (a list, an import batch)."""
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if obj is not None:
        target = f"{obj._meta.label_lower}:{obj.pk}"
    record = AccessRecord.objects.create(
        user=user,
        username=username or (user.get_username() if user else ""),
        ip_address=client_ip(request) if request is not None else None,
        action=action,
        client_id=_subject_client_id(obj),
        target=target,
        path=(recorded_path(request)[:300] if request is not None else ""),
        reason=reason[:300],
    )
    shown = sorted({int(c) for c in clients})
    if shown:
        AccessRecordClient.objects.bulk_create(
            AccessRecordClient(record=record, client_id=c) for c in shown
        )
    return record
