"""The statistics page (통계) and its Excel export. Thin: the form reads the period, the selectors
in ``statistics`` count.

The figures are aggregates without anyone's data: no download reason is asked and no access
record is written (casemgmt/core/downloads.py asks a reason for personal data only). What could
still point at a person — a count of 1 or 2 in a small dong — is written as "<3" in the file
(``statistics_export``); the page shows exact numbers to officers who read those cases
anyway.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .forms import StatisticsForm
from .statistics import may_see_statistics, sees_whole_gu, statistics
from .statistics_export import workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope_label(user, dong):
    if dong is not None:
        return dong.name
    if sees_whole_gu(user):
        return user.gu.name
    return user.dong.name


def _form(request):
    if not may_see_statistics(request.user):
        raise PermissionDenied
    return StatisticsForm(request.GET, user=request.user)


def _page(request, form, *, status=200):
    context = {"form": form, "sections": []}
    if form.is_valid():
        period, dong = form.period, form.dong
        query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
        if dong is not None:
            query["dong"] = dong.pk
        context |= {
            "sections": statistics(user=request.user, period=period, dong=dong),
            "period": period,
            "scope_label": _scope_label(request.user, dong),
            "export_query": urlencode(query),
        }
    return render(request, "work/statistics.html", context, status=status)


@require_safe
def statistics_page(request):
    return _page(request, _form(request))


@require_safe
def statistics_export(request):
    form = _form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    period, label = form.period, _scope_label(request.user, form.dong)
    sections = statistics(user=request.user, period=period, dong=form.dong)
    response = HttpResponse(workbook(sections, period=period, scope_label=label), content_type=XLSX)
    filename = f"{_('Statistics')}_{label}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response
