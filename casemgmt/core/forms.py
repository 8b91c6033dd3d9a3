from django import forms
from django.contrib.auth.forms import AuthenticationForm
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


class VersionedFormMixin(forms.Form):
    """Carries the version the officer loaded, so a concurrent save is detected."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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


class DownloadReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the download"),
        min_length=5,
        max_length=300,
        help_text=_("Recorded with the access record, as the rules for personal data ask."),
    )
