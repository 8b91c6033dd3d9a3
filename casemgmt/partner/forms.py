from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.core.uploads import DocumentFileField
from resources.models import ServiceReport

DECLINE_NEEDS_REASON = _("Write why your agency declines, so the case manager can look elsewhere.")


class AnswerForm(forms.Form):
    ACCEPT = "accept"
    DECLINE = "decline"
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("We accept")), (DECLINE, _("We decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", DECLINE_NEEDS_REASON)
        return data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ServiceReportForm(forms.ModelForm):
    class Meta:
        model = ServiceReport
        fields = [
            "reported_on",
            "started_on",
            "sessions",
            "items_delivered",
            "attendance",
            "client_change",
            "ended_on",
            "end_reason",
        ]
        widgets = {
            "reported_on": DateInput(),
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "client_change": forms.Textarea(attrs={"rows": 3}),
            "end_reason": forms.Textarea(attrs={"rows": 2}),
            "sessions": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    file = DocumentFileField(
        label=_("File"), help_text=_("A PDF, or a photo or scan (JPEG, PNG), up to 5 MB.")
    )
