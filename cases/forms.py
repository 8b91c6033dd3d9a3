import re

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.core.forms import VersionedFormMixin

from .models import Client, LivelihoodStatus

PHONE_RE = re.compile(r"^0\d{1,2}-?\d{3,4}-?\d{4}$")

PHONE_INVALID = _("Enter a phone number like 010-1234-5678 or 02-123-4567.")


class ClientForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "name",
            "birth_date",
            "sex",
            "phone",
            "address",
            "livelihood_status",
            "health_notes",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "health_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(PHONE_INVALID)
        return value


class ClientFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    livelihood_status = forms.ChoiceField(
        label=_("Livelihood status"),
        required=False,
        choices=[("", _("All"))] + list(LivelihoodStatus.choices),
    )
    dong = forms.ChoiceField(label=_("Dong"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("-name", _("Name, reversed")),
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("birth_date", _("Oldest client first")),
            ("-birth_date", _("Youngest client first")),
            ("dong", _("Dong")),
        ],
    )
    archived = forms.BooleanField(label=_("Include archived"), required=False)

    def __init__(self, *args, dongs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].choices = [("", _("All"))] + [(str(d.pk), d.name) for d in dongs]
        if len(self.fields["dong"].choices) <= 2:
            del self.fields["dong"]
