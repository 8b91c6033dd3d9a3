from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.core.forms import ModelMultipleChoiceField, VersionedFormMixin
from casemgmt.core.korean import korean_date
from casemgmt.core.widgets import DateInput

from .models import (
    ACTION_DUE_BEFORE_MEETING,
    ACTION_ONE_OWNER,
    ACTION_OWNER_REQUIRED,
    CASE_OR_CLIENT,
    CASE_QUESTION_NEEDS_CASE,
    CLIENT_QUESTION_NEEDS_CLIENT,
    CLIENT_QUESTIONS,
    OUTCOMES_FOR,
    ActionItem,
    Meeting,
    MeetingKind,
    Question,
)


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


QUESTION_CHOICES = [
    (_("About a case"), [(q.value, q.label) for q in Question if q not in CLIENT_QUESTIONS]),
    (_("About a client (no case needed)"), [(q.value, q.label) for q in Question if q in CLIENT_QUESTIONS]),
]  # fmt: skip


class AgendaForm(forms.Form):
    """A case with a question about it, or a client with a question about them (emergency
    support, public assistance): one of the two."""

    case = forms.ModelChoiceField(label=_("Case"), queryset=None, required=False)
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None, required=False,
        help_text=_("For emergency support or public assistance: a client of this dong, with or without a case."),
    )  # fmt: skip
    question = forms.ChoiceField(label=_("Question to decide"), choices=QUESTION_CHOICES)
    partners = ModelMultipleChoiceField(
        label=_("External attendees for this item"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see this item only, and only what the client's consent allows their agency."),
    )  # fmt: skip

    def __init__(self, *args, cases, clients, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["client"].queryset = clients
        self.fields["client"].label_from_instance = lambda c: f"{c.name} ({c.birth_date:%Y}년생)"
        self.fields["partners"].queryset = partners

    def clean(self):
        cleaned = super().clean()
        case, client, question = cleaned.get("case"), cleaned.get("client"), cleaned.get("question")
        if "case" in self.errors or "client" in self.errors or not question:
            return cleaned
        if question in CLIENT_QUESTIONS:
            if client is None:
                self.add_error("client", CLIENT_QUESTION_NEEDS_CLIENT)
            elif case is not None:
                self.add_error("case", CLIENT_QUESTION_NEEDS_CLIENT)
            elif cleaned.get("partners"):
                from .services import NO_PARTNERS_FOR_CLIENT

                self.add_error("partners", NO_PARTNERS_FOR_CLIENT)
        elif case is None:
            self.add_error("case", CASE_QUESTION_NEEDS_CASE if client else CASE_OR_CLIENT)
        elif client is not None:
            self.add_error("client", CASE_QUESTION_NEEDS_CASE)
        return cleaned


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


class ActionItemForm(VersionedFormMixin, forms.ModelForm):
    """조치 사항: what, who (an officer from the list, or an external partner by name), by when."""

    class Meta:
        model = ActionItem
        fields = ["text", "case", "owner", "owner_name", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due_on": DateInput()}

    def __init__(self, *args, meeting, cases, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.client.name}"
        self.fields["owner"].queryset = owners
        self.fields["owner"].help_text = _("An officer of the dong or of the gu; or leave empty and write an external partner's name.")  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        owner, name = cleaned.get("owner"), (cleaned.get("owner_name") or "").strip()
        if "owner" in self.errors or "owner_name" in self.errors:
            return cleaned
        if owner is not None and name:
            self.add_error("owner_name", ACTION_ONE_OWNER)
        elif owner is None and not name:
            self.add_error("owner", ACTION_OWNER_REQUIRED)
        due_on = cleaned.get("due_on")
        if due_on and due_on < self.meeting.held_on:
            day = korean_date(self.meeting.held_on)
            self.add_error("due_on", ACTION_DUE_BEFORE_MEETING % {"day": day})
        return cleaned

    def _post_clean(self):
        """The checks are the form's own (above) and the service's (full_clean there): no model
        validation here, so that no message is shown twice."""


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of meeting"), required=False, choices=[("", _("All")), *MeetingKind.choices]
    )
    when = forms.ChoiceField(
        label=_("When"), required=False,
        choices=[("", _("All")), ("upcoming", _("Upcoming or open")), ("past", _("Minutes final"))],
    )  # fmt: skip
