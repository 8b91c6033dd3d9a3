import re

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casemgmt.core.forms import ModelMultipleChoiceField, VersionedFormMixin
from casemgmt.core.uploads import XlsxFileField
from cases.choices import NeedDomain

from .models import (
    DECLINED_NEEDS_REASON,
    MOVE_LABELS,
    DevelopmentMethod,
    Provider,
    ProviderKind,
    ReferralStatus,
    Resource,
    ResourceDevelopment,
    ResourceKind,
    Sector,
    grouped_subtype_choices,
)
from .selectors import (
    developer_choices,
    editable_resource_choices,
    gu_dongs,
    provider_choices,
    team_members,
)

# Organisations also have representative numbers (1588-1234) and extensions are written apart.
PHONE_RE = re.compile(r"^(0\d{1,2}-?\d{3,4}-?\d{4}|1[5-9]\d{2}-?\d{4})$")
PHONE_INVALID = _("Enter a phone number like 02-450-1234, 010-1234-5678 or 1588-1234.")
DATE_RANGE_REVERSED = _("The end date is before the start date.")

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
# Every word searched for is one more condition: thousands of words make a query SQLite refuses.
SEARCH_MAX_LENGTH = 100


def _all(choices):
    return [("", _("All")), *choices]


def _grid(form, rows):
    """A crispy layout of rows of (field, column classes), leaving out fields the form dropped;
    the page supplies the <form> tag and the buttons."""
    helper = FormHelper()
    helper.form_tag = False
    items = []
    for row in rows:
        columns = [
            Column(item, css_class=css)
            for item, css in row
            if (item if isinstance(item, str) else item.fields[0]) in form.fields
        ]
        if columns:
            items.append(Row(*columns))
    items.extend(name for name in ("loaded_version",) if name in form.fields)
    helper.layout = Layout(*items)
    return helper


class ProviderForm(VersionedFormMixin, forms.ModelForm):
    service_dongs = ModelMultipleChoiceField(
        label=_("Service area"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The dongs it serves. Tick none if it serves the whole gu."),
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "sector",
            "kind",
            "contact_person",
            "phone",
            "address",
            "service_dongs",
            "joins_case_conferences",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["service_dongs"].queryset = gu_dongs(user=user)
        if self.instance.pk is None:
            # The gu is the officer's: lets the model say "already registered" on the name.
            self.instance.gu_id = user.gu_id
        self.helper = _grid(
            self,
            [
                [("name", "col-12")],
                [("sector", "col-sm-6"), ("kind", "col-sm-6")],
                [("contact_person", "col-sm-6"), ("phone", "col-sm-6")],
                [("address", "col-12")],
                [(InlineCheckboxes("service_dongs"), "col-12")],
                [("joins_case_conferences", "col-12")],
            ],
        )

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(PHONE_INVALID)
        return value

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "loaded_version"}


class ResourceForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "name",
            "kind",
            "subtype",
            "need_domain",
            "description",
            "eligibility",
            "provider",
            "capacity",
            "capacity_unit",
            "available_from",
            "available_until",
            "cost",
            "shared_gu_wide",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "available_from": forms.DateInput(**DATE_WIDGET),
            "available_until": forms.DateInput(**DATE_WIDGET),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        instance = self.instance
        self.fields["subtype"].choices = [("", "---------"), *grouped_subtype_choices()]
        self.fields["provider"].queryset = provider_choices(
            user=user, current=instance.provider if instance.provider_id else None
        )
        capacity = self.fields["capacity"]  # blank is unlimited; zero places is no resource
        capacity.validators = [
            v for v in capacity.validators if not isinstance(v, MinValueValidator)
        ] + [MinValueValidator(1)]
        capacity.widget.attrs["min"] = 1
        if instance.pk is None:
            # Registered by the officer's dong (or the gu office) in the officer's gu.
            instance.gu_id = user.gu_id
            instance.registering_dong_id = user.dong_id
        if instance.registering_dong_id is None:
            del self.fields["shared_gu_wide"]  # the gu office's resources are always shared
        self.helper = _grid(
            self,
            [
                [("name", "col-12")],
                [("kind", "col-sm-6"), ("subtype", "col-sm-6")],
                [("need_domain", "col-sm-6"), ("provider", "col-sm-6")],
                [("description", "col-12")],
                [("eligibility", "col-12")],
                [
                    ("capacity", "col-6 col-md-3"),
                    ("capacity_unit", "col-6 col-md-3"),
                    ("available_from", "col-6 col-md-3"),
                    ("available_until", "col-6 col-md-3"),
                ],
                [("cost", "col-12 col-md-6")],
                [("shared_gu_wide", "col-12")],
            ],
        )

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "loaded_version"}


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_all(ResourceKind.choices))
    need_domain = forms.ChoiceField(
        label=_("Need domain"), required=False, choices=_all(NeedDomain.choices)
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), required=False, queryset=None, empty_label=_("All")
    )
    dong = forms.ModelChoiceField(
        label=_("Usable in dong"), required=False, queryset=None, empty_label=_("All")
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("-updated", _("Recently changed")),
            ("capacity_left", _("Most capacity left")),
            ("provider", _("Provider")),
            ("need_domain", _("Need domain")),
        ],
    )
    has_room = forms.BooleanField(label=_("Only with capacity left"), required=False)
    archived = forms.BooleanField(label=_("Include archived resources"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_choices(user=user)
        self.fields["dong"].queryset = gu_dongs(user=user)


class ProviderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=_all(Sector.choices))
    kind = forms.ChoiceField(
        label=_("Kind of provider"), required=False, choices=_all(ProviderKind.choices)
    )
    dong = forms.ModelChoiceField(
        label=_("Serves dong"), required=False, queryset=None, empty_label=_("All")
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("kind", _("Sector and kind")),
            ("-updated", _("Recently changed")),
        ],
    )
    conferences = forms.BooleanField(label=_("Takes part in case conferences"), required=False)
    archived = forms.BooleanField(label=_("Include archived providers"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = gu_dongs(user=user)


class DevelopmentForm(VersionedFormMixin, forms.ModelForm):
    """A new development entry, or the correction of one (``instance``): an entry keeps its
    resource and officer on the form even if they are no longer offered for new entries."""

    class Meta:
        model = ResourceDevelopment
        fields = ["resource", "developed_on", "method", "developed_by", "note"]
        widgets = {
            "developed_on": forms.DateInput(**DATE_WIDGET),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance if self.instance.pk else None
        self.fields["resource"].queryset = editable_resource_choices(
            user=user, current=entry.resource_id if entry else None
        )
        self.fields["developed_by"].queryset = developer_choices(
            user=user, current=entry.developed_by_id if entry else None
        )
        if entry is None:
            del self.fields["loaded_version"]  # a new entry has no version to compare
            if not self.is_bound:
                self.initial.setdefault("developed_on", timezone.localdate())
                self.initial.setdefault("developed_by", user.pk)

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "loaded_version"}


class DevelopmentFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(**DATE_WIDGET)
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(**DATE_WIDGET))
    person = forms.ModelChoiceField(
        label=_("Officer"), required=False, queryset=None, empty_label=_("All")
    )
    method = forms.ChoiceField(
        label=pgettext_lazy("resource development", "How"),
        required=False,
        choices=_all(DevelopmentMethod.choices),
    )
    dong = forms.ModelChoiceField(
        label=_("Dong"), required=False, queryset=None, empty_label=_("All")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team_members(user=user)
        if user.dong_id:
            del self.fields["dong"]  # a dong officer sees their own team's work
        else:
            self.fields["dong"].queryset = gu_dongs(user=user)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATE_RANGE_REVERSED)
        return data


class ImportForm(forms.Form):
    file = XlsxFileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template: one sheet of providers, one of resources."),
    )


# --- referrals ----------------------------------------------------------------------------------

OVERRIDE_REASON_HELP = _(
    "Only when the client's consent does not cover this provider and the referral cannot wait: "
    "why it is needed now, and how consent will follow. It is recorded with your name."
)


class ReferralForm(forms.Form):
    """Refer one plan item. ``override`` adds the supervisor's reason to refer without consent."""

    shares_information = forms.BooleanField(
        label=_("Share the client's information with the provider"),
        required=False,
        help_text=_(
            "Untick only if nothing about the client is passed on (the client contacts the "
            "provider themselves)."
        ),
    )
    quantity = forms.IntegerField(
        label=_("Capacity used"),
        min_value=1,
        initial=1,
        help_text=_("How much of the resource's capacity it takes, in the resource's unit."),
    )
    requested_on = forms.DateField(
        label=_("Requested on"), widget=forms.DateInput(**DATE_WIDGET), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note to the referral"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was asked, of whom, how (phone, official letter, visit)."),
    )
    override_reason = forms.CharField(
        label=_("Reason for approving without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=OVERRIDE_REASON_HELP,
    )

    def __init__(self, *args, with_quantity=True, override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_quantity:
            del self.fields["quantity"]
        if not override:
            del self.fields["override_reason"]

    def service_data(self):
        return {"quantity": 1, **self.cleaned_data}


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("What happened"), choices=())
    on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(**DATE_WIDGET), initial=timezone.localdate
    )
    decline_reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the provider declined: the officer will act on it."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status.value, MOVE_LABELS[status]) for status in referral.next_statuses()
        ]

    def clean(self):
        data = super().clean()
        if data.get("status") == ReferralStatus.DECLINED and not data.get("decline_reason", ""):
            self.add_error("decline_reason", DECLINED_NEEDS_REASON)
        return data


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("referral", "Status"),
        required=False,
        choices=_all(ReferralStatus.choices),
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), required=False, queryset=None, empty_label=_("All")
    )
    dong = forms.ModelChoiceField(
        label=_("Dong"), required=False, queryset=None, empty_label=_("All")
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-requested", _("Newest request first")),
            ("requested", _("Oldest request first")),
            ("status", pgettext_lazy("referral", "Status")),
            ("provider", _("Provider")),
            ("-updated", _("Recently changed")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_choices(user=user)
        if user.dong_id:
            del self.fields["dong"]  # a dong officer sees their own dong's referrals only
        else:
            self.fields["dong"].queryset = gu_dongs(user=user)
