from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form

from .models import AuditLog


class AuditFilterForm(Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All"))] + AuditLog.Action.choices)
    target_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    actor = forms.CharField(label=_("By"), required=False, max_length=150)
    region = forms.RegexField(
        label=_("Region code"),
        required=False,
        max_length=12,
        regex=r"^[0-9]{2,12}$",
        error_messages={"invalid": _("A region code is 2 to 12 digits, e.g. 330109113.")},
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class RevealForm(Form):
    """The reason for revealing a value; the service says when it is missing or too short."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
