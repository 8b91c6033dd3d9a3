"""인사이동 page: the team leader picks an officer, ticks their open cases and hands them over."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casemgmt.core.access import record_access
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.korean import with_particle
from casemgmt.core.models import AccessAction

from .forms import DateInput
from .rotation import dong_officers, handed_over_by, rotate_cases, rotation_candidates
from .services import is_team_leader


class RotationForm(forms.Form):
    """Whose cases, from when and why; the ticked cases and their new officers come beside it."""

    from_officer = forms.ModelChoiceField(
        label=gettext_lazy("Officer leaving the cases"), queryset=None
    )
    to_officer = forms.ModelChoiceField(
        label=gettext_lazy("Hand the ticked cases to"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("A case can also go to another officer: choose it on its row."),
    )
    effective_on = forms.DateField(label=gettext_lazy("Effective from"), widget=DateInput())
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        help_text=gettext_lazy("e.g. 2027 January personnel order"),
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_officer"].queryset = officers
        self.fields["to_officer"].queryset = officers


def _assignments(request, cases, officers, default_to):
    """{case id: officer} for every ticked case: the row's own choice, else the common one.

    A ticked case that is no longer among the officer's open cases stays in, so that the service
    refuses the whole hand-over rather than moving the others without it."""
    by_pk = {str(o.pk): o for o in officers}
    numbers = {str(c.pk): c.number for c in cases}
    assignments, missing = {}, []
    for ticked in dict.fromkeys(request.POST.getlist("case")):
        if not (ticked.isascii() and ticked.isdigit()):
            missing.append(ticked.replace("\x00", "")[:20] or "?")  # not a case: refuse it all
            continue
        officer = by_pk.get(request.POST.get(f"to_{ticked}", "")) or default_to
        if officer is None:
            missing.append(numbers.get(ticked, f"#{ticked}"))
        else:
            assignments[int(ticked)] = officer
    return assignments, missing


def _report_range(request):
    first, _, last = (request.GET.get("report") or "").partition("-")
    if first.isascii() and first.isdigit() and last.isascii() and last.isdigit():
        return int(first), int(last)
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def case_rotation(request):
    if not is_team_leader(request.user):
        raise PermissionDenied
    choices = dong_officers(user=request.user)
    officers = list(choices)
    if request.method == "POST":
        form = RotationForm(request.POST, officers=choices)
        form.is_valid()
        from_officer = getattr(form, "cleaned_data", {}).get("from_officer")
    else:
        # The officer is picked with a GET; the hand-over form starts from today.
        from_officer = None
        if request.GET.get("from_officer"):
            try:
                from_officer = forms.ModelChoiceField(queryset=choices).clean(
                    request.GET["from_officer"]
                )
            except ValidationError:
                from_officer = None
        form = RotationForm(
            officers=choices,
            initial={"from_officer": from_officer, "effective_on": timezone.localdate()},
        )
    cases = list(rotation_candidates(user=request.user, officer=from_officer))
    moved = None
    if request.method == "POST" and form.is_valid():
        assignments, missing = _assignments(
            request, cases, officers, form.cleaned_data.get("to_officer")
        )
        if missing:
            form.add_error(
                "to_officer",
                _("Choose who takes %(cases)s.")
                % {"cases": with_particle(", ".join(missing), "을/를")},
            )
        else:
            try:
                moved = rotate_cases(
                    by=request.user,
                    from_officer=from_officer,
                    assignments=assignments,
                    effective_on=form.cleaned_data["effective_on"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                record_access(
                    request,
                    action=AccessAction.UPDATE,
                    clients=[m.case.client_id for m in moved],
                    target="cases:case_rotation",
                )
                messages.success(
                    request, _("%(count)s cases were handed over.") % {"count": len(moved)}
                )
                changes = f"{moved[0].change.pk}-{moved[-1].change.pk}"
                return redirect(
                    reverse("cases:case_rotation")
                    + "?"
                    + urlencode({"from_officer": from_officer.pk, "report": changes})
                )
    report = _report_range(request) if request.method != "POST" else None
    if report:
        moved = handed_over_by(user=request.user, first_change=report[0], last_change=report[1])
    # One record for everything the page shows: the officer's cases and a report's cases.
    shown = {c.client_id for c in cases} | {m.case.client_id for m in moved or ()}
    if shown:
        record_access(
            request, action=AccessAction.VIEW, clients=sorted(shown), target="cases:case_rotation"
        )
    ticked = set(request.POST.getlist("case"))
    rows = [
        {
            "case": case,
            "ticked": str(case.pk) in ticked,
            "to": request.POST.get(f"to_{case.pk}", ""),
        }
        for case in cases
    ]
    return render(
        request,
        "cases/case_rotation.html",
        {"form": form, "rows": rows, "officers": officers, "from_officer": from_officer,
         "moved": moved},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip
