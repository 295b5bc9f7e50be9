"""Forms of the public activity pages: the filter bar, the sign-up form, finding one's registration by code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.stations.forms import DateInput

from . import selectors
from .services.signup import CHILD_AGE_MAX, GUARDIAN_AGE, MAX_CHILDREN, NAME_MAX


class PublicFilterForm(Form):
    """Filters of a station's or town's public activity list (GET)."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    service_line = forms.ModelChoiceField(
        label=_("Service line"), queryset=None, required=False, to_field_name="code", empty_label=_("All")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_line"].queryset = selectors.service_lines()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range must not be before its start."))
        return data

    def filters(self) -> dict:
        if not (self.is_bound and self.is_valid()):
            return {}
        data = self.cleaned_data
        return {
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "service_line": data["service_line"].code if data["service_line"] else "",
        }


class SignupForm(Form):
    """A resident signs up, or a guardian signs up a child (then the child's age and the guardian's name)."""

    name = forms.CharField(
        label=_("Participant's name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    participant_age = forms.IntegerField(
        label=_("Participant's age, if a child"),
        required=False,
        min_value=0,
        max_value=CHILD_AGE_MAX,
        help_text=_(
            "Leave empty if you take part yourself (14 or older). A child under %(age)s is signed up by a guardian."
        )
        % {"age": GUARDIAN_AGE},
    )
    guardian_name = forms.CharField(
        label=_("Guardian's name (when signing up a child)"), max_length=NAME_MAX, required=False
    )
    mobile = forms.CharField(
        label=_("Mobile number (the guardian's for a child)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    children = forms.IntegerField(
        label=_("Accompanying children (number)"), required=False, min_value=0, max_value=MAX_CHILDREN, initial=0
    )
    children_ages = forms.CharField(
        label=_("Their ages"),
        required=False,
        max_length=40,
        help_text=_("Separated by commas, e.g. 5, 8."),
    )
    consent = forms.BooleanField(
        label=_("I agree to the use of this data as described above."),
        required=True,
        error_messages={"required": _("Tick the consent to sign up: the station needs it to keep your data.")},
    )

    def clean_children_ages(self) -> list[int]:
        text = (self.cleaned_data.get("children_ages") or "").replace("，", ",").replace("、", ",")
        ages = []
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) > CHILD_AGE_MAX:
                raise forms.ValidationError(
                    _("A child's age is a whole number from 0 to %(max)s.") % {"max": CHILD_AGE_MAX}
                )
            ages.append(int(part))
        return ages

    def clean(self):
        data = super().clean()
        count, ages = data.get("children") or 0, data.get("children_ages")
        if ages is not None and "children" not in self.errors and len(ages) != count:
            self.add_error("children_ages", _("Give one age for each accompanying child."))
        age = data.get("participant_age")
        if age is not None and not (data.get("guardian_name") or "").strip():
            self.add_error("guardian_name", _("A child is signed up by a guardian: enter the guardian's name."))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "mobile": data["mobile"],
            "consent": data["consent"],
            "participant_age": data["participant_age"],
            "guardian_name": data["guardian_name"],
            "children_ages": data["children_ages"],
        }


class FindForm(Form):
    """Find one's registration with the mobile number and the code given at sign-up."""

    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    code = forms.CharField(
        label=_("Your code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
