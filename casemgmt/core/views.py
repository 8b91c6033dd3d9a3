from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import services
from .access import record_access
from .exceptions import ApplicationError
from .forms import (
    AccessRecordFilterForm,
    AccessReviewForm,
    Document,
    DownloadReasonForm,
    LoginForm,
)
from .korean import korean_datetime
from .models import AccessAction
from .paging import BoundedPaginator
from .selectors import (
    access_records,
    access_reviews,
    describe_targets,
    last_month,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "idle_minutes": settings.SESSION_IDLE_MINUTES}

    def get_default_redirect_url(self):
        from .two_factor_views import home_url

        if self.next_page:
            return super().get_default_redirect_url()
        return home_url(self.request.user)


# --- 접속기록 review ---------------------------------------------------------------------------------
def _require_reviewer(user):
    if not user.has_perm("core.view_accessrecord"):
        raise PermissionDenied


@require_safe
def access_record_list(request):
    return _access_record_page(request)


def _access_record_page(request, *, review_form=None, reason_form=None, status=200):
    """The review page; also the answer of a refused review or export (POST), with its form."""
    _require_reviewer(request.user)
    form = AccessRecordFilterForm(request.GET or None)
    form.is_valid()
    filters = dict(getattr(form, "cleaned_data", {}))
    page = BoundedPaginator(access_records(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    page.object_list = describe_targets(list(page.object_list), user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/access_records.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "reason_form": reason_form or DownloadReasonForm(document=Document.ACCESS_RECORDS),
            "review_form": review_form or AccessReviewForm(initial={"period": last_month()}),
            "reviews": access_reviews(user=request.user)[:12],
        },
        status=status,
    )


@require_POST
def access_review_create(request):
    """월간 점검 완료: the reviewer records the month reviewed and the findings."""
    _require_reviewer(request.user)
    form = AccessReviewForm(request.POST)
    if form.is_valid():
        try:
            services.record_access_review(by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error("period", error.message)
        else:
            messages.success(request, _("The review of the month is recorded."))
            return redirect("core:access_records")
    return _access_record_page(request, review_form=form, status=400)


@require_POST
def access_record_export(request):
    """The filtered records as CSV, streamed; the download and its reason are recorded first."""
    _require_reviewer(request.user)
    reason_form = DownloadReasonForm(request.POST, document=Document.ACCESS_RECORDS)
    form = AccessRecordFilterForm(request.GET or None)
    form.is_valid()
    filters = dict(getattr(form, "cleaned_data", {}))
    if not reason_form.is_valid():
        return _access_record_page(request, reason_form=reason_form, status=400)
    record_access(
        request,
        action=AccessAction.EXPORT,
        target="core.accessrecord:export",
        reason=reason_form.cleaned_data["reason"],
    )
    records = access_records(user=request.user, filters=filters)

    def rows():
        yield "\ufeff"  # Excel opens UTF-8 CSV with Korean correctly only with a BOM
        buffer = _CsvLine()
        yield buffer.write([_("Time"), _("Account"), _("IP address"), _("Action"), _("Client"), _("Clients shown"),
                            _("Record"), _("Address"), _("Reason")])  # fmt: skip
        for record in records.iterator(chunk_size=500):
            yield buffer.write([
                korean_datetime(record.occurred_at, seconds=True), record.username,
                record.ip_address or "", record.get_action_display(), record.client_id or "",
                " ".join(str(c) for c in record.client_ids), record.target, record.path, record.reason,
            ])  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="access-records-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response


class _CsvLine:
    def write(self, values):
        import csv
        import io

        from .spreadsheets import csv_row

        out = io.StringIO()
        csv.writer(out).writerow(csv_row(values))
        return out.getvalue()


PERMISSION_HISTORY_LIMIT = 1000


@require_safe
def permission_history(request):
    """권한 변경 이력: every change to an account's role, dong, gu or status in the reviewer's gu —
    who changed it, when, old and new values — for the monthly review."""
    from .history import history_entries
    from .models import User

    _require_reviewer(request.user)
    rows = User.history.select_related("history_user").order_by("-history_date")
    if request.user.gu_id:
        rows = rows.filter(gu_id=request.user.gu_id)
    entries = history_entries(
        User,
        list(rows[:PERMISSION_HISTORY_LIMIT]),
        label=lambda row: f"{row.name} ({row.username})",
        limit=PERMISSION_HISTORY_LIMIT,
    )
    page = BoundedPaginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/permission_history.html", {"page": page})


# --- 권한 부여 승인: the second person of a role grant ------------------------------------------------


@require_safe
def role_grants(request):
    """The gu's role grants: those waiting for a decision first, then the latest decided."""
    from .models import RoleGrant, RoleGrantStatus
    from .services import can_decide_grant

    _require_reviewer(request.user)
    grants = RoleGrant.objects.filter(gu_id=request.user.gu_id).select_related(
        "user", "gu", "dong", "proposed_by", "decided_by"
    )
    pending = list(grants.filter(status=RoleGrantStatus.PENDING).order_by("proposed_at"))
    for grant in pending:
        grant.can_decide = can_decide_grant(request.user, grant)
    decided = BoundedPaginator(grants.exclude(status=RoleGrantStatus.PENDING), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "core/role_grants.html", {"pending": pending, "page": decided})


@require_POST
def role_grant_decide(request, pk):
    from .models import RoleGrant
    from .services import decide_role_grant

    _require_reviewer(request.user)
    grant = get_object_or_404(RoleGrant, pk=pk, gu_id=request.user.gu_id)
    approve = request.POST.get("decision") == "approve"
    try:
        decide_role_grant(grant=grant, by=request.user, approve=approve)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The role was granted.") if approve else _("The request was rejected.")
        )
    return redirect("core:role_grants")


class PasswordChangeView(auth_views.PasswordChangeView):
    """The owner's own password; a password an administrator set is replaced here."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        from .services import password_changed_by_owner

        response = super().form_valid(form)
        password_changed_by_owner(user=form.user)
        return response
