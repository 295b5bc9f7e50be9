from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.core.widgets import SearchableSelect

from . import display
from .models import AuditLog

# Above this many people in the reader's scope, "by" is typed (part of a username) instead of picked from a list.
ACTOR_CHOICES_MAX = 300


class AuditFilterForm(Form):
    """The audit log's filters as choices: who, what kind of record, what was done, when."""

    actor = forms.CharField(label=_("By"), required=False, max_length=150)
    target_type = forms.ChoiceField(label=_("Kind of record"), required=False, widget=SearchableSelect)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All"))] + AuditLog.Action.choices)
    target_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    region = forms.RegexField(
        label=_("Region code"),
        required=False,
        max_length=12,
        regex=r"^[0-9]{2,12}$",
        error_messages={"invalid": _("A region code is 2 to 12 digits, e.g. 330109113.")},
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any) -> None:
        """``people``: the accounts in the reader's scope (``selectors.audit_people``); "by" is a choice among them
        unless there are more than ``ACTOR_CHOICES_MAX`` (or none were given), else a text box."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target_type"]).choices = [("", _("All")), *display.object_kinds()]
        if people is not None and len(people) <= ACTOR_CHOICES_MAX:
            choices = [(user.get_username(), getattr(user, "name", "") or user.get_username()) for user in people]
            anyone = [("", _("Anyone")), *choices]
            self.fields["actor"] = forms.ChoiceField(
                label=_("By"), required=False, choices=anyone, widget=SearchableSelect
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if isinstance(self.fields["actor"], forms.ChoiceField):  # picked from the list: that account exactly
            data["actor_username"], data["actor"] = data.get("actor", ""), ""
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class RevealForm(Form):
    """The reason for revealing a value; the service says when it is missing or too short."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
