import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.models import Dong

from .statistics import Period, sees_whole_gu

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
# The same words as the other date ranges of the app (resources.forms).
PERIOD_REVERSED = _("The end date is before the start date.")
PERIOD_TOO_LONG = _("The period can be at most %(years)s years.")
DATE_OUT_OF_RANGE = _("Only dates from %(first)s to %(last)s can be used.")

MAX_YEARS = 5
FIRST_DAY = datetime.date(2000, 1, 1)


def _years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class StatisticsForm(forms.Form):
    """The period of the statistics (``from``, ``to``: the current month when not given) and, for
    the gu staff, one dong of their gu or all of them."""

    def __init__(self, data=None, *, user, **kwargs):
        default = Period.current_month()
        data = data.copy() if data is not None else {}
        data.setdefault("from", default.start.isoformat())
        data.setdefault("to", default.end.isoformat())
        super().__init__(data, **kwargs)
        # "from" is a Python keyword: the fields are named as the address names them.
        self.fields["from"] = forms.DateField(
            label=_("From"), widget=forms.DateInput(**DATE_WIDGET)
        )
        self.fields["to"] = forms.DateField(label=_("To"), widget=forms.DateInput(**DATE_WIDGET))
        if sees_whole_gu(user):
            self.fields["dong"] = forms.ModelChoiceField(
                label=_("Dong"),
                required=False,
                queryset=Dong.objects.filter(gu_id=user.gu_id).order_by("order", "name"),
                empty_label=_("All"),
            )

    @staticmethod
    def _in_range(day):
        last = datetime.date(timezone.localdate().year + 1, 12, 31)
        if day is not None and not FIRST_DAY <= day <= last:
            raise forms.ValidationError(
                DATE_OUT_OF_RANGE,
                params={
                    "first": formats.date_format(FIRST_DAY, "SHORT_DATE_FORMAT"),
                    "last": formats.date_format(last, "SHORT_DATE_FORMAT"),
                },
            )
        return day

    def clean_from(self):
        return self._in_range(self.cleaned_data.get("from"))

    def clean_to(self):
        return self._in_range(self.cleaned_data.get("to"))

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end:
            if end < start:
                self.add_error("to", PERIOD_REVERSED)
            elif end >= _years_later(start, MAX_YEARS):
                self.add_error(
                    "to", forms.ValidationError(PERIOD_TOO_LONG, params={"years": MAX_YEARS})
                )
        return data

    @property
    def period(self):
        return Period(self.cleaned_data["from"], self.cleaned_data["to"])

    @property
    def dong(self):
        return self.cleaned_data.get("dong")
