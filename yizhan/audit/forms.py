from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.core.pickers import RemoteModelChoiceField, name_search
from yizhan.core.widgets import SearchableSelect

from . import display
from .models import AuditLog


def account_label(user: Any) -> str:
    """An account as the audit log names its actors: the person's name, else the username."""
    return getattr(user, "name", "") or user.get_username()


search_accounts = name_search("name", "username")


class AccountChoiceField(RemoteModelChoiceField):
    """An account in the reader's scope, searched by name or username through ``audit:pick_accounts``."""

    def label_from_instance(self, obj: Any) -> str:
        return account_label(obj)


class AuditFilterForm(Form):
    """The audit log's filters as choices: who, what kind of record, what was done, when."""

    actor = AccountChoiceField(
        label=_("By"),
        required=False,
        queryset=None,
        to_field_name="username",
        empty_label=_("Anyone"),
        source="audit:pick_accounts",
        search=search_accounts,
    )
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

    def __init__(self, *args: Any, people: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        """``people``: the accounts in the reader's scope (``selectors.audit_accounts``), "by" is one of them."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target_type"]).choices = [("", _("All")), *display.object_kinds()]
        cast(AccountChoiceField, self.fields["actor"]).queryset = people

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        actor = data.get("actor")  # that account exactly
        data["actor_username"], data["actor"] = (actor.get_username() if actor else ""), ""
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class RevealForm(Form):
    """The reason for revealing a value; the service says when it is missing or too short."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
