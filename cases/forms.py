import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casemgmt.core.forms import ModelMultipleChoiceField, VersionedFormMixin
from casemgmt.core.korean import korean_date
from casemgmt.core.uploads import XlsxFileField
from casemgmt.core.widgets import DatalistInput, DateInput

from . import goal_checks
from .models import (
    Assessment,
    AssessmentNeed,
    Case,
    CaseType,
    Client,
    Closure,
    Consent,
    ConsentMethod,
    DeadlinePolicy,
    DiscoveryEntry,
    DiscoveryResult,
    DiscoverySource,
    Evaluation,
    FollowUpCheck,
    GoalResult,
    GuInvolvement,
    HouseholdMember,
    Intake,
    Intervention,
    LivelihoodStatus,
    Monitoring,
    PlanGoal,
    PlanItem,
    ServicePlan,
    SharedItem,
    Stage,
    Supervision,
)
from .models.intake import InvestigationMethod
from .models.records import COMMON_SCALES
from .services import DIRECT_PROVIDER_NAME, DIRECT_WITH_PROVIDER, SELECTED_NEEDS_TYPE
from .special_consent import HEALTH_NEEDS_CONSENT, RESIDENT_NUMBER_NEEDS_CONSENT, SpecialConsent

PHONE_RE = re.compile(r"^0\d{1,2}-?\d{3,4}-?\d{4}$")

PHONE_INVALID = _("Enter a phone number like 010-1234-5678 or 02-123-4567.")
WITNESS_REQUIRED = _("A verbal consent needs the name of its witness.")
AGENCIES_REQUIRED = _(
    "Choose the providers (or write the other agencies) the information may be shared with."
)
END_BEFORE_START = _("The end date cannot be before the start date.")
FOLLOW_UP_BEFORE_CLOSURE = _("The follow-up cannot end before the closure date.")
DUPLICATE_NEEDS_MORE = _("Give the date of birth with the name.")
DUPLICATE_CHECK_LIMIT = _(
    "You have run %(limit)s checks in the past hour, the most allowed. Try again later; if your "
    "work needs more, ask your team leader."
)
PROVIDER_REQUIRED = _("Choose a resource or a provider, or write the providing agency.")
DUE_BEFORE_RECEIVED = _("The deadline cannot be before the day the report was received.")


RESIDENT_NUMBER_KEEP_HELP = _(
    "Stored encrypted. Now: %(masked)s. Leave empty to keep it; type a new number to replace it."
)
RESIDENT_NUMBER_HELP = _(
    "Optional. Stored encrypted and shown masked (900101-2******); only when the law requires it."
)


class ClientForm(VersionedFormMixin, forms.ModelForm):
    """The resident registration number is write-only here: an edit form never shows it back
    (unmasking needs a recorded reason), so an empty field keeps the stored number."""

    remove_resident_number = forms.BooleanField(
        label=_("Remove the stored resident registration number"), required=False
    )

    class Meta:
        model = Client
        fields = [
            "name",
            "birth_date",
            "sex",
            "resident_number",
            "phone",
            "address",
            "livelihood_status",
            "health_notes",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "resident_number": forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "inputmode": "numeric",
                    "placeholder": "000000-0000000",
                }
            ),
            "health_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, consent=None, **kwargs):
        super().__init__(*args, **kwargs)
        consent = consent or SpecialConsent()
        self.stored_resident_number = self.instance.resident_number if self.instance.pk else ""
        self.initial["resident_number"] = ""
        field = self.fields["resident_number"]
        if not consent.identifier:
            # Not recorded, and not shown back, without the separate consent (PIPA Art. 24).
            field.disabled = True
            field.help_text = RESIDENT_NUMBER_NEEDS_CONSENT
            if not self.stored_resident_number:
                del self.fields["remove_resident_number"]
        elif self.stored_resident_number:
            field.help_text = RESIDENT_NUMBER_KEEP_HELP % {
                "masked": self.instance.resident_number_masked
            }
        else:
            field.help_text = RESIDENT_NUMBER_HELP
            del self.fields["remove_resident_number"]
        _guard_health_notes(self, consent)

    def clean_resident_number(self):
        return (
            self.cleaned_data.get("resident_number") or ""
        ).strip() or self.stored_resident_number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_resident_number"):
            cleaned["resident_number"] = ""
        return _keep_hidden_health_notes(self, cleaned)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(PHONE_INVALID)
        return value


def _guard_health_notes(form, consent):
    """Without the separate consent to sensitive data (PIPA Art. 23) the health notes can be
    neither written nor read here: the field is shown empty and disabled, with the reason, and
    what is stored stays as it is."""
    if consent.sensitive:
        return
    field = form.fields["health_notes"]
    field.disabled = True
    field.help_text = HEALTH_NEEDS_CONSENT
    form.initial["health_notes"] = ""


def _keep_hidden_health_notes(form, cleaned):
    if form.fields["health_notes"].disabled:
        cleaned["health_notes"] = form.instance.health_notes if form.instance.pk else ""
    return cleaned


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


# --- the lifecycle -------------------------------------------------------------------------------
class IntakeForm(forms.ModelForm):
    class Meta:
        model = Intake
        fields = [
            "intake_date", "route", "route_detail", "presenting_problem", "potential_problems",
            "strengths", "weaknesses", "urgency", "disposition", "disposition_note",
        ]  # fmt: skip
        widgets = {
            "intake_date": DateInput(),
            "presenting_problem": forms.Textarea(attrs={"rows": 3}),
            "potential_problems": forms.Textarea(attrs={"rows": 2}),
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "weaknesses": forms.Textarea(attrs={"rows": 2}),
            "disposition_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, open_discovery=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disposition"].required = True
        if open_discovery:
            # The discovery entries this intake closes: how was the person actually met?
            self.fields["investigation_method"] = forms.ChoiceField(
                label=_("How the reported household was met"),
                choices=[("", "---------"), *InvestigationMethod.choices],
                help_text=_(
                    "This intake closes the discovery report of %(reports)s as taken to intake."
                )
                % {"reports": ", ".join(korean_date(e.received_on) for e in open_discovery)},
            )


class AssessmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "assessed_on",
            "reason",
            "functional_assessment",
            "strengths",
            "client_view",
            "risk_level",
        ]
        widgets = {
            "assessed_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 2}),
            "functional_assessment": forms.Textarea(attrs={"rows": 4}),
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "client_view": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_reassessment:
            del self.fields["reason"]


class NeedForm(forms.ModelForm):
    class Meta:
        model = AssessmentNeed
        fields = [
            "domain",
            "priority",
            "client_view",
            "current_state",
            "desired_state",
            "change_strategy",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in ["client_view", "current_state", "desired_state", "change_strategy"]
        }


# A ceiling (three needs a domain): a posted count of thousands would build and render thousands.
NeedFormSet = forms.formset_factory(NeedForm, extra=1, can_delete=True, max_num=30, absolute_max=30)


class SelectionForm(forms.Form):
    selected = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Select as a case")), ("0", _("Do not select"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    case_type = forms.ChoiceField(
        label=_("Case type"), choices=[("", "---------"), *CaseType.choices], required=False
    )
    decided_on = forms.DateField(
        label=_("Decided on"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Reasons and conditions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("selected") and not data.get("case_type"):
            self.add_error("case_type", SELECTED_NEEDS_TYPE)
        return data


CONSENT_ENDS_BEFORE_START = _("The consent cannot end before it starts: check the two dates.")


class ConsentForm(forms.ModelForm):
    shared_items = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Consent
        fields = [
            "services_consent", "sharing_consent", "shared_items", "providers", "agencies",
            "sensitive_consent", "identifier_consent", "valid_from", "valid_until", "method",
            "witness_name",
        ]  # fmt: skip
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "agencies": forms.Textarea(attrs={"rows": 2}),
            "providers": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"providers": ModelMultipleChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from resources.models import Provider

        self.fields["providers"].queryset = Provider.objects.for_user(user).filter(
            archived_at__isnull=True
        )

    def clean(self):
        data = super().clean()
        if data.get("method") == ConsentMethod.VERBAL and not data.get("witness_name"):
            self.add_error("witness_name", WITNESS_REQUIRED)
        if (
            data.get("sharing_consent")
            and not data.get("providers")
            and not data.get("agencies", "").strip()
        ):
            self.add_error("providers", AGENCIES_REQUIRED)
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", CONSENT_ENDS_BEFORE_START)
        return data


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(label=_("Withdrawal note"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ServicePlan
        fields = ["short_term_goal", "long_term_goal"]
        widgets = {
            "short_term_goal": forms.Textarea(attrs={"rows": 2}),
            "long_term_goal": forms.Textarea(attrs={"rows": 2}),
        }


class PlanGoalForm(forms.ModelForm):
    """A goal row of the plan. The goal checks of seed 002 (cases.goal_checks) give hints, not
    refusals: a goal with hints is shown again with them beside the field and saved only when
    the officer ticks "save as it is" (``needs_confirmation``); the kept hints are recorded."""

    keep_as_is = forms.BooleanField(
        label=_("Save as it is"),
        required=False,
        help_text=_("Keep the goal despite the hints above: your choice is recorded on the goal."),
    )
    seen_hints = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = PlanGoal
        fields = ["domain", "goal_type", "term", "problem", "demand", "need", "purpose", "goal"]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in ["problem", "demand", "need", "purpose", "goal"]
        }

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.hints = []
        self.needs_confirmation = False
        self.acknowledged_hints = []

    def clean(self):
        data = super().clean()
        self.hints = goal_checks.check_goal(
            goal=data.get("goal") or "",
            purpose=data.get("purpose") or "",
            need=data.get("need") or "",
            problem=data.get("problem") or "",
            other_needs=self._other_needs(),
            people=self._people(),
        )
        codes = [hint.code for hint in self.hints]
        seen = set(filter(None, (data.get("seen_hints") or "").split(",")))
        kept = bool(data.get("keep_as_is")) and set(codes) <= seen
        self.acknowledged_hints = codes if kept else []
        self.needs_confirmation = bool(codes) and not kept
        if codes and not kept:
            # Shown again: the hints now on the page are the ones the tick will keep.
            shown = self.data.copy()
            shown[self.add_prefix("seen_hints")] = ",".join(codes)
            shown.pop(self.add_prefix("keep_as_is"), None)
            self.data = shown
        return data

    def _post_clean(self):
        super()._post_clean()
        # A hidden field shows no error of its own: say it above the form.
        if "seen_hints" in self.errors:
            self.add_error(None, self.errors.pop("seen_hints"))

    def _other_needs(self):
        if self.plan is None:
            return []
        return list(self.plan.goals.values_list("need", flat=True))

    def _people(self):
        if self.plan is None:
            return []
        client = self.plan.case.client
        return [client.name, *client.household.values_list("name", flat=True)]

    def goal_data(self):
        """The PlanGoal fields, for the service."""
        return {f: v for f, v in self.cleaned_data.items() if f in self._meta.fields}


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = [
            "goal", "service_content", "priority", "period", "start_date", "end_date", "times_per_week",
            "by_case_manager", "resource", "provider", "provider_name", "person_in_charge",
            "monitoring_method",
        ]  # fmt: skip
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "service_content": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan, user, manager_name="", **kwargs):
        super().__init__(*args, **kwargs)
        from resources.models import Provider, Resource

        # 사례관리자 직접 제공: the person in charge is the case manager (static/js/plan_item.js
        # fills it in as the box is ticked; clean() does it without script).
        self.manager_name = manager_name
        self.fields["by_case_manager"].widget.attrs["data-manager-name"] = manager_name
        self.fields["goal"].queryset = plan.goals.all()
        # Choice lists are scoped exactly like the registry's own pages.
        self.fields["resource"].queryset = (
            Resource.objects.for_user(user)
            .filter(archived_at__isnull=True)
            .select_related("provider")
        )
        self.fields["provider"].queryset = Provider.objects.for_user(user).filter(
            archived_at__isnull=True
        )
        self.fields["provider_name"].required = False

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", END_BEFORE_START)
        resource, provider = data.get("resource"), data.get("provider")
        if data.get("by_case_manager"):
            if resource is not None or provider is not None:
                self.add_error("by_case_manager", DIRECT_WITH_PROVIDER)
            data["provider_name"] = str(DIRECT_PROVIDER_NAME)
            if not data.get("person_in_charge"):
                data["person_in_charge"] = self.manager_name
            return data
        if resource is not None and provider is None:
            data["provider"] = provider = resource.provider
        if not data.get("provider_name"):
            if provider is not None:
                data["provider_name"] = provider.name
            elif resource is not None:
                data["provider_name"] = resource.name
            else:
                self.add_error("provider_name", PROVIDER_REQUIRED)
        return data


class SignPlanForm(forms.Form):
    """A signature given outside the app (paper, or verbal before a witness): the on-screen
    signature has its own page with both pads."""

    method = forms.ChoiceField(
        label=_("How the client signed"),
        choices=[(v, label) for v, label in ConsentMethod.choices if v != ConsentMethod.ON_SCREEN],
    )
    signed_on = forms.DateField(
        label=_("Signed on"), widget=DateInput(), initial=timezone.localdate
    )
    client_signer = forms.CharField(
        label=_("Signed for the client by (guardian)"),
        required=False,
        max_length=60,
        help_text=_("Only when a guardian signed: name and relation, e.g. 김영희 (딸)."),
    )
    manager_signed = forms.BooleanField(
        label=_("I signed the copy too, as case manager (⑮)."),
        error_messages={"required": _("The plan needs the case manager's signature (⑮) too.")},
    )


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["kind", "date", "plan_item", "duration_minutes", "place", "participants", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = PlanItem.objects.filter(plan__case=case).select_related(
            "plan"
        )


class MonitoringForm(forms.ModelForm):
    """A monitoring record; formal monitoring adds a scale and the client's score (both or
    neither: the errors come from ``Monitoring.clean``, on the field)."""

    class Meta:
        model = Monitoring
        fields = [
            "plan_item", "date", "method", "findings", "client_change", "item_status",
            "scale_name", "scale_score", "scale_max",
        ]  # fmt: skip
        widgets = {
            "date": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "client_change": forms.Textarea(attrs={"rows": 2}),
            "scale_name": DatalistInput(options=COMMON_SCALES),
            "scale_score": forms.NumberInput(
                attrs={"step": "any", "min": "0", "inputmode": "decimal"}
            ),
            "scale_max": forms.NumberInput(
                attrs={"step": "any", "min": "0", "inputmode": "decimal"}
            ),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        plan = case.plans.order_by("-number").first()
        self.fields["plan_item"].queryset = plan.items.all() if plan else PlanItem.objects.none()


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["evaluated_on", "process_evaluation", "outcome_evaluation", "client_view"]
        widgets = {
            "evaluated_on": DateInput(),
            "process_evaluation": forms.Textarea(attrs={"rows": 3}),
            "outcome_evaluation": forms.Textarea(attrs={"rows": 3}),
            "client_view": forms.Textarea(attrs={"rows": 2}),
        }


class GoalResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=GoalResult.choices)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["reason", "closed_on", "summary", "follow_up_until", "follow_up_agreed"]
        widgets = {
            "closed_on": DateInput(),
            "follow_up_until": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("follow_up_until")
            and data.get("closed_on")
            and data["follow_up_until"] < data["closed_on"]
        ):
            self.add_error("follow_up_until", FOLLOW_UP_BEFORE_CLOSURE)
        return data


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUpCheck
        fields = ["date", "method", "findings", "needs_reintervention"]
        widgets = {"date": DateInput(), "findings": forms.Textarea(attrs={"rows": 3})}


class MoveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All open")), *Stage.choices]
    )
    manager = forms.ChoiceField(label=_("Case manager"), required=False)
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[
            ("", _("All")),
            ("any", _("Anything overdue")),
            ("monitoring", _("Monitoring overdue")),
            ("reassessment", _("Reassessment overdue")),
            ("follow_up", _("Follow-up check overdue")),
            ("deadline", _("Past a deadline")),
            ("consent", _("Consent expired")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-opened", _("Newest first")),
            ("opened", _("Oldest first")),
            ("number", _("Management number")),
            ("stage", _("Stage")),
            ("due", _("Next due first")),
        ],
    )

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", _("Everyone")), ("me", _("My cases"))] + [
            (str(u.pk), str(u)) for u in managers
        ]


# --- household and discovery ----------------------------------------------------------------------
class HouseholdMemberForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = [
            "name",
            "relation",
            "birth_date",
            "sex",
            "phone",
            "lives_together",
            "health_notes",
        ]
        widgets = {"birth_date": DateInput(), "health_notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, consent=None, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_health_notes(self, consent or SpecialConsent())

    def clean(self):
        return _keep_hidden_health_notes(self, super().clean())

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(PHONE_INVALID)
        return value


class DiscoveryEntryForm(forms.ModelForm):
    class Meta:
        model = DiscoveryEntry
        fields = [
            "source",
            "source_detail",
            "name",
            "birth_date",
            "phone",
            "address",
            "risk_summary",
            "received_on",
            "due_on",
            "assigned_to",
        ]
        widgets = {
            "birth_date": DateInput(),
            "received_on": DateInput(),
            "due_on": DateInput(),
            "risk_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = officers

    def clean(self):
        data = super().clean()
        if data.get("received_on") and data.get("due_on") and data["due_on"] < data["received_on"]:
            self.add_error("due_on", DUE_BEFORE_RECEIVED)
        return data


class InvestigationForm(VersionedFormMixin, forms.ModelForm):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (v, label) for v, label in DiscoveryResult.choices if v not in ("pending", "to_intake")
        ],
    )

    class Meta:
        model = DiscoveryEntry
        fields = ["investigated_on", "investigation_method", "result", "result_note"]
        widgets = {"investigated_on": DateInput(), "result_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigated_on"].required = True
        self.fields["investigation_method"].required = True
        if not self.is_bound:
            self.initial.setdefault("investigated_on", timezone.localdate())


class DiscoveryImportForm(forms.Form):
    file = XlsxFileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("One row per household: 성명, 생년월일, 연락처, 주소, 위기 내용."),
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=DiscoverySource.choices, initial=DiscoverySource.BLIND_SPOT_LIST
    )
    source_detail = forms.CharField(
        label=_("Round or reporter"),
        required=False,
        max_length=DiscoveryEntry._meta.get_field("source_detail").max_length,
        help_text=_("e.g. 2026년 6차"),
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput(), initial=timezone.localdate
    )
    due_on = forms.DateField(label=_("Investigate by"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("received_on") and data.get("due_on") and data["due_on"] < data["received_on"]:
            self.add_error("due_on", DUE_BEFORE_RECEIVED)
        return data


class DiscoveryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All")), *DiscoveryResult.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All")), *DiscoverySource.choices]
    )
    overdue = forms.BooleanField(label=_("Only past the deadline"), required=False)


# --- the case's team and the gu team -------------------------------------------------------------------
class CaseTeamForm(VersionedFormMixin, forms.ModelForm):
    note = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Case
        fields = ["primary_manager", "assistant", "partner_worker"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from casemgmt.core.models import User

        officers = User.objects.filter(dong_id=self.instance.dong_id, is_active=True).order_by(
            "name"
        )
        self.fields["primary_manager"].queryset = officers
        self.fields["assistant"].queryset = officers


class HandoverForm(forms.Form):
    mode = forms.ChoiceField(
        label=pgettext_lazy("hand-over to the gu team", "How"),
        choices=[
            (GuInvolvement.SHARED, GuInvolvement.SHARED.label),
            (GuInvolvement.TRANSFERRED, GuInvolvement.TRANSFERRED.label),
        ],
        widget=forms.RadioSelect,
    )
    gu_manager = forms.ModelChoiceField(label=_("Gu case manager"), queryset=None)
    note = forms.CharField(
        label=_("Why, and what the gu team should know"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        from casemgmt.core.models import User

        self.fields["gu_manager"].queryset = User.objects.filter(
            gu_id=case.dong.gu_id, dong__isnull=True, is_active=True, groups__name="gu_staff"
        ).order_by("name")


# --- printed forms: signing on screen ---------------------------------------------------------------
SIGNATURE_DATA_PREFIX = "data:image/png;base64,"
SIGNATURE_MISSING = _("Ask the client to sign in the box before saving.")


class SignOnScreenForm(forms.Form):
    """The client's signature drawn on the tablet (a PNG data URL from static/js/signature.js)."""

    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    signed_on = forms.DateField(
        label=_("Signed on"), widget=DateInput(), initial=timezone.localdate
    )
    confirmed = forms.BooleanField(
        label=_("The client has read the plan (or had it read out) and agrees to it."),
    )

    def clean_signature(self):
        return _signature_png(self.cleaned_data.get("signature", ""))


def _signature_png(value):
    """The PNG bytes of a signature drawn by static/js/signature.js (a data URL)."""
    import base64
    import binascii

    if not value.startswith(SIGNATURE_DATA_PREFIX):
        raise forms.ValidationError(SIGNATURE_MISSING)
    try:
        data = base64.b64decode(value[len(SIGNATURE_DATA_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise forms.ValidationError(SIGNATURE_MISSING) from exc
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise forms.ValidationError(SIGNATURE_MISSING)
    return data


class PlanSignOnScreenForm(SignOnScreenForm):
    """Both signatures of the plan on the tablet: ⑭ the client (or a guardian), ⑮ the officer."""

    manager_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    client_signer = forms.CharField(
        label=_("Signed for the client by (guardian)"),
        required=False,
        max_length=60,
        help_text=_("Only when a guardian signs: name and relation, e.g. 김영희 (딸)."),
    )

    def clean_manager_signature(self):
        value = self.cleaned_data.get("manager_signature", "")
        try:
            return _signature_png(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(MANAGER_SIGNATURE_MISSING) from exc


MANAGER_SIGNATURE_MISSING = _("Sign as case manager (⑮) inside the second box.")


class PrintPeriodForm(forms.Form):
    """?from=&to= of the monitoring sheet."""

    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)


class DuplicateCheckForm(forms.Form):
    """Name and date of birth, both: a phone number with part of a name finds too many people."""

    name = forms.CharField(label=_("Name"), max_length=50)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        error_messages={"required": DUPLICATE_NEEDS_MORE},
    )


class SignConsentOnScreenForm(SignOnScreenForm):
    """The consent form signed on the tablet: the consent's own date stays the date. The
    separate consents (PIPA Art. 23 and 24) the client gave are each signed in their own box."""

    confirmed = forms.BooleanField(
        label=_("The client has read the consent form (or had it read out) and signs it."),
    )
    sensitive_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    identifier_signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, consent=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["signed_on"]
        self.separate_pads = []
        for name, given, label in (
            ("sensitive_signature", consent is not None and consent.sensitive_consent,
             _("Signature for health and disability information (sensitive data)")),
            ("identifier_signature", consent is not None and consent.identifier_consent,
             _("Signature for the resident registration number (unique identifier)")),
        ):  # fmt: skip
            if given:
                self.separate_pads.append((self[name], label))
            else:
                del self.fields[name]

    def _separate(self, name):
        try:
            return _signature_png(self.cleaned_data.get(name, ""))
        except forms.ValidationError as exc:
            raise forms.ValidationError(SEPARATE_SIGNATURE_MISSING) from exc

    def clean_sensitive_signature(self):
        return self._separate("sensitive_signature")

    def clean_identifier_signature(self):
        return self._separate("identifier_signature")


SEPARATE_SIGNATURE_MISSING = _("This separate consent needs its own signature in its box.")


class DeadlinePolicyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = [
            "assessment_days", "selection_days", "plan_days", "intake_to_plan_days",
            "follow_up_interval_days", "referral_answer_days", "discovery_investigation_days",
            "follow_up_period_days", "plan_approval_required",
        ]  # fmt: skip


# --- supervision ------------------------------------------------------------------------------------
class SupervisionForm(VersionedFormMixin, forms.ModelForm):
    """슈퍼비전: what was discussed, the advice, what the case manager will do (and by when)."""

    class Meta:
        model = Supervision
        fields = ["date", "kind", "discussed", "advice", "action", "action_due"]
        widgets = {
            "date": DateInput(),
            "discussed": forms.Textarea(attrs={"rows": 3}),
            "advice": forms.Textarea(attrs={"rows": 3}),
            "action": forms.Textarea(attrs={"rows": 2}),
            "action_due": DateInput(),
        }
