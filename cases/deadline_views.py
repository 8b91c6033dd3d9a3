"""The gu's deadlines (처리 기한 설정): limits between the steps of a case, set by the gu's staff."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casemgmt.core.exceptions import ConcurrentEditError
from casemgmt.core.history import history_entries

from . import services
from .forms import DeadlinePolicyForm
from .models import DeadlinePolicy, policy_for_gu


@require_http_methods(["GET", "HEAD", "POST"])
def deadline_settings(request):
    user = request.user
    if not services.may_set_deadlines(user):
        raise PermissionDenied(services.ONLY_GU_STAFF)
    policy = policy_for_gu(user.gu_id)
    form = DeadlinePolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.POLICY_FIELDS}
        try:
            services.update_deadline_policy(
                gu=user.gu, by=user, expected_version=form.expected_version(), **data
            )
        except ConcurrentEditError as error:
            form.refuse_stale(error, DeadlinePolicy.objects.get(gu_id=user.gu_id))
        else:
            messages.success(
                request, _("The gu's deadlines were saved. Running clocks follow them.")
            )
            return redirect("cases:deadline_settings")
    rows = policy.history.select_related("history_user") if policy.pk else []
    return render(
        request,
        "cases/deadline_settings.html",
        {"form": form, "policy": policy, "entries": history_entries(DeadlinePolicy, list(rows))},
    )
