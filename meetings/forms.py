from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.core.forms import ModelMultipleChoiceField, VersionedFormMixin

from .models import OUTCOMES_FOR, Meeting, MeetingKind, Question


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    officers = ModelMultipleChoiceField(
        label=_("Officers attending"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = ["kind", "held_at", "place", "chair"]
        widgets = {"held_at": DateTimeInput()}

    def __init__(self, *args, officers, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = supervisors
        self.fields["officers"].queryset = officers


class MinutesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_at", "place", "minutes"]
        widgets = {"held_at": DateTimeInput(), "minutes": forms.Textarea(attrs={"rows": 8})}


class PartnerForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=50)
    position = forms.CharField(label=_("Position"), max_length=50, required=False)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class AgendaForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Case"), queryset=None)
    question = forms.ChoiceField(label=_("Question to decide"), choices=Question.choices)
    partners = ModelMultipleChoiceField(
        label=_("External attendees for this item"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see this item only, and only what the client's consent allows their agency."),
    )  # fmt: skip

    def __init__(self, *args, cases, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["partners"].queryset = partners


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    comments = forms.CharField(
        label=_("Comments and conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, prefix=f"item-{item.pk}", **kwargs)
        self.fields["outcome"].choices = [
            (o.value, o.label) for o in OUTCOMES_FOR[Question(item.question)]
        ]


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of meeting"), required=False, choices=[("", _("All")), *MeetingKind.choices]
    )
    when = forms.ChoiceField(
        label=_("When"), required=False,
        choices=[("", _("All")), ("upcoming", _("Upcoming or open")), ("past", _("Minutes final"))],
    )  # fmt: skip
