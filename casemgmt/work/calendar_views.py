"""The calendar page (달력). Thin: the form reads the address, ``calendar`` builds the days.

``?view=month|week`` (a month by default), ``?date=YYYY-MM-DD`` (any day of the period; Seoul's
today by default), ``?who=me|team|<officer id>``: the team and its officers for the dong's team
leader only; for anyone else ``who`` is not read and the calendar is their own. A value that is
not valid is named above the calendar, which shows the default in its place. Everyone may open
it: whoever reads no case (the system administrator) finds it empty, as the dashboard. The page
writes one access record naming the clients it shows.
"""

import datetime
from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from casemgmt.core.access import record_access
from casemgmt.core.models import AccessAction

from .calendar import (
    FIRST_DAY,
    ME,
    MONTH,
    TEAM,
    WEEK,
    calendar_weeks,
    last_day,
    period,
    sees_team,
    shown_clients,
    team_officers,
    whose_for,
)

# The same words as the other date ranges of the app (casemgmt.work.forms, resources.forms).
DATE_OUT_OF_RANGE = gettext_lazy("Only dates from %(first)s to %(last)s can be used.")


class CalendarForm(forms.Form):
    view = forms.ChoiceField(
        label=gettext_lazy("Calendar view"),
        required=False,
        choices=[(MONTH, gettext_lazy("Month")), (WEEK, gettext_lazy("Week"))],
        widget=forms.HiddenInput,
    )
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data, *, user, officers=()):
        super().__init__(data)
        if sees_team(user):
            self.fields["who"] = forms.ChoiceField(
                label=gettext_lazy("Whose calendar"),
                required=False,
                choices=[
                    (ME, gettext_lazy("Mine")),
                    (TEAM, gettext_lazy("The whole team")),
                    *((str(o.pk), o.name or o.username) for o in officers if o.pk != user.pk),
                ],
            )

    def clean_date(self):
        day = self.cleaned_data.get("date")
        last = last_day()
        if day is not None and not FIRST_DAY <= day <= last:
            raise forms.ValidationError(
                DATE_OUT_OF_RANGE,
                params={
                    "first": formats.date_format(FIRST_DAY, "SHORT_DATE_FORMAT"),
                    "last": formats.date_format(last, "SHORT_DATE_FORMAT"),
                },
            )
        return day

    def choice(self):
        """(view, day, who): what is valid of the address, the defaults for the rest."""
        self.is_valid()
        data = self.cleaned_data
        return (
            data.get("view") or MONTH,
            data.get("date") or timezone.localdate(),
            data.get("who") or ME,
        )


def calendar_url(view, day, who=ME):
    query = {"view": view, "date": day.isoformat()}
    if who != ME:
        query["who"] = who
    return f"{reverse('work:calendar')}?{urlencode(query)}"


def _title(shown):
    if shown.view == MONTH:
        return formats.date_format(shown.month_start, "YEAR_MONTH_FORMAT")
    start = formats.date_format(shown.start, "SHORT_DATE_FORMAT")
    end = formats.date_format(shown.end, "SHORT_DATE_FORMAT")
    return f"{start} – {end}"


def _previous_day(shown):
    """The day the "previous" link asks for, or None before the first day the form takes."""
    day = shown.previous
    if day >= FIRST_DAY:
        return day
    if shown.view == WEEK and day + datetime.timedelta(days=6) >= FIRST_DAY:
        return FIRST_DAY
    return None


def _whose_label(user, whose):
    if whose.is_team:
        return _("Team of %(dong)s") % {"dong": user.dong.name}
    return whose.officer.name or whose.officer.username


@require_safe
def calendar_page(request):
    user = request.user
    officers = list(team_officers(user)) if sees_team(user) else []
    form = CalendarForm(request.GET, user=user, officers=officers)
    view, day, who = form.choice()
    whose = whose_for(user, who, officers)
    shown = period(view, day)
    today = timezone.localdate()
    weeks = calendar_weeks(user=user, whose=whose, period=shown, today=today)
    clients = shown_clients(weeks)
    if clients:
        record_access(request, action=AccessAction.VIEW, clients=clients)
    key = whose.key
    before, after = _previous_day(shown), shown.next
    links = {
        "previous": calendar_url(view, before, key) if before else None,
        "next": calendar_url(view, after, key) if after <= last_day(today) else None,
        "today": calendar_url(view, today, key),
        "month": calendar_url(MONTH, day, key),
        "week": calendar_url(WEEK, day, key),
    }
    return render(
        request,
        "work/calendar.html",
        {
            "form": form,
            "period": shown,
            "weeks": weeks,
            "whose": whose,
            "whose_label": _whose_label(user, whose),
            "title": _title(shown),
            "links": links,
            "today": today,
            "first_day": FIRST_DAY,
            "last_day": last_day(today),
        },
    )
