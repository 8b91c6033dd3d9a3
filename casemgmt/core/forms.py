from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import AccessAction


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Account"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The account or password is not correct. After 5 failed attempts in a row the "
            "account is locked until an administrator unlocks it."
        ),
        "inactive": _("This account is disabled. Ask your system administrator."),
    }


class LoadedVersionField(forms.IntegerField):
    """A hidden field's error is shown nowhere: a value that is not a version counts as no
    version, so the save is refused as stale, with the message the form shows."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id no row can have before it reaches the database: Django guards ``pk=`` but
    not ``pk__in=`` against integer overflow, and SQLite then fails on 10**30."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                out_of_range = abs(int(pk)) > 2**63 - 1
            except (TypeError, ValueError):
                continue  # not a number: the parent refuses it
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class VersionedFormMixin(forms.Form):
    """Carries the version the officer loaded, so a concurrent save is detected."""

    loaded_version = LoadedVersionField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["loaded_version"] = instance.version

    def expected_version(self):
        return self.cleaned_data.get("loaded_version") or 0

    def refuse_stale(self, error, current):
        """A concurrent save won: keep what was typed, say so on the form, and carry the version now
        stored, so that saving again is a conscious overwrite of the version the officer has seen."""
        self.data = self.data.copy()
        self.data["loaded_version"] = current.version
        self.add_error(None, error.message)
        return current


class AccessRecordFilterForm(forms.Form):
    username = forms.CharField(label=_("Account"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *AccessAction.choices]
    )
    client = forms.IntegerField(label=_("Client number"), required=False, min_value=1)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class Purpose(models.TextChoices):
    """The usual reasons an officer downloads or unmasks personal data; "other" asks for words.
    Which of them a download offers depends on its kind of document (``REASONS_FOR``)."""

    SIGNATURE = "signature", _("Printing for the client's signature")
    MEETING = "meeting", _("Material for a case conference")
    REFERRAL = "referral", _("Referral or linkage with an agency")
    VISIT = "visit", _("Home visit or counselling")
    LINKAGE = "linkage", _("Linking clients with resources")
    RESOURCE_REPORT = "resource_report", _("Report on the community resources")
    CONSULTATION = "consultation", _("Consultation with partner agencies")
    AUDIT = "audit", _("Inspection, audit or monthly review")
    LEGAL = "legal", _("Required by law (benefit application, report)")
    OTHER = "other", _("Other (write it below)")


class Document(models.TextChoices):
    """What kind of document holds the personal data that leaves the screen. The apps say which
    kind each download is; the ground floor knows only the kinds and the reasons that fit them."""

    CLIENT_RECORD = "client_record", _("A client's record or printed form")
    CONTACT_LIST = "contact_list", _("A list of partners and their contact persons")
    ACCESS_RECORDS = "access_records", _("Access records")


#: The reasons each kind of document offers. A client's form is printed to be signed, for a
#: conference, a referral or a visit; a list of partners' contact persons is for linking clients
#: with resources, reporting on them and consulting the agencies; access records for a review.
REASONS_FOR = {
    Document.CLIENT_RECORD: [
        Purpose.SIGNATURE,
        Purpose.MEETING,
        Purpose.REFERRAL,
        Purpose.VISIT,
        Purpose.AUDIT,
        Purpose.LEGAL,
        Purpose.OTHER,
    ],
    Document.CONTACT_LIST: [
        Purpose.LINKAGE,
        Purpose.RESOURCE_REPORT,
        Purpose.CONSULTATION,
        Purpose.AUDIT,
        Purpose.OTHER,
    ],
    Document.ACCESS_RECORDS: [Purpose.AUDIT, Purpose.LEGAL, Purpose.OTHER],
}

#: What the reason page says the file holds, for each kind of document.
DOCUMENT_HOLDS = {
    Document.CLIENT_RECORD: _("It holds a resident's personal data."),
    Document.CONTACT_LIST: _("It holds the names and phone numbers of contact persons."),
    Document.ACCESS_RECORDS: _("It holds who read which client's record."),
}

REASON_REQUIRED_FOR_OTHER = _("Write the reason in at least five characters.")
REASON_NOT_FOR_DOCUMENT = _("This reason does not fit this file. Choose one from the list.")


class DownloadReasonForm(forms.Form):
    """Why personal data leaves the screen (a download, a print, an unmasked number).

    A purpose from the list of the document's kind (``document``), or "other" with words; the
    words alone (min. 5 characters) also do. A purpose of another kind of document is refused.
    ``cleaned_data["reason"]`` is the text kept on the access record.
    """

    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        choices=[("", "---------")] + Purpose.choices,
        error_messages={"invalid_choice": REASON_NOT_FOR_DOCUMENT},
    )
    reason = forms.CharField(
        label=_("Reason for the download"),
        required=False,
        max_length=300,
        help_text=_("Recorded with the access record, as the rules for personal data ask."),
    )

    def __init__(self, *args, document=Document.CLIENT_RECORD, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = Document(document)
        self.fields["purpose"].choices = [("", "---------")] + [
            (purpose.value, purpose.label) for purpose in REASONS_FOR[self.document]
        ]

    @property
    def holds(self):
        """What the file holds, in a sentence for the reason page."""
        return DOCUMENT_HOLDS[self.document]

    def clean(self):
        cleaned = super().clean()
        purpose, words = cleaned.get("purpose"), (cleaned.get("reason") or "").strip()
        if "reason" in self.errors or "purpose" in self.errors:
            return cleaned
        if purpose and purpose != Purpose.OTHER:
            label = str(Purpose(purpose).label)
            cleaned["reason"] = f"{label}: {words}" if words else label
        elif not words:
            self.add_error("reason", forms.Field.default_error_messages["required"] if not purpose
                           else REASON_REQUIRED_FOR_OTHER)  # fmt: skip
        elif len(words) < 5:
            self.add_error("reason", REASON_REQUIRED_FOR_OTHER)
        else:
            cleaned["reason"] = words
        return cleaned


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m")
        return value


class AccessReviewForm(forms.Form):
    """월간 점검: which month was reviewed and what was found (or "이상 없음")."""

    period = forms.DateField(
        label=_("Month reviewed"), input_formats=["%Y-%m", "%Y-%m-%d"], widget=MonthInput()
    )
    findings = forms.CharField(
        label=_("Findings and actions"),
        min_length=2,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "E.g. no irregular access; or which accounts were asked about which records, and why."
        ),
    )
