"""Forms of the volunteer, series and calendar pages."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.forms import Form
from yizhan.stations.forms import DateInput

from . import selectors
from .forms import ActivityForm, DateTimeInput, StationChoiceField
from .models import (
    MAX_OCCURRENCES,
    MAX_SHIFT_HOURS,
    MAX_SLOTS,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    Availability,
    HoursStatus,
    Repeat,
    ShiftRole,
    Skill,
)

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # dates a calendar or report may ask for


class DayField(forms.DateField):
    """A date between 2000 and 2100 (far-off dates are typing mistakes, and would overflow the calendar's
    arithmetic)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ProfileForm(Form):
    skills = forms.MultipleChoiceField(
        label=_("Skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.MultipleChoiceField(
        label=_("When I can help"), choices=Availability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    phone = forms.CharField(label=_("Mobile number"), max_length=11, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ShiftForm(Form):
    role = forms.ChoiceField(label=pgettext_lazy("shift", "Role"), choices=ShiftRole.choices)
    slots = forms.IntegerField(label=_("Slots"), min_value=1, max_value=MAX_SLOTS)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), required=False, widget=DateTimeInput(), help_text=_("Empty: when the activity starts.")
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), required=False, widget=DateTimeInput(), help_text=_("Empty: when the activity ends.")
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class ShiftEditForm(ShiftForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CorrectHoursForm(Form):
    hours = forms.DecimalField(
        label=_("Hours served"), min_value=Decimal(0), max_value=Decimal(MAX_SHIFT_HOURS), decimal_places=2
    )
    reason = forms.CharField(label=_("Reason for the correction"), max_length=REASON_MAX)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def minutes(self) -> int:
        return round(self.cleaned_data["hours"] * 60)


class PeriodForm(Form):
    """A period of dates (GET): the certificate's and the Excel report's."""

    date_from = DayField(label=_("From"))
    date_to = DayField(label=_("To"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range must not be before its start."))
        return data

    def period(self) -> tuple[date, date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("date_from") or date(today.year, 1, 1), data.get("date_to") or today


class HoursFilterForm(PeriodForm):
    station = StationChoiceField(label=_("Station"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Hours"), required=False, choices=[("", _("All")), *HoursStatus.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = selectors.stations_for_planning()

    def filters(self) -> dict:
        if not (self.is_bound and self.is_valid()):
            return {}
        data = self.cleaned_data
        return {
            "station": data["station"].pk if data["station"] else None,
            "status": data["status"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }


class StationFilterForm(Form):
    station = StationChoiceField(label=_("Station"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = selectors.stations_for_planning()


class SeriesForm(ActivityForm):
    """Plan a repeating activity: the activity's fields (the first occurrence's times) and the rule."""

    repeat = forms.ChoiceField(label=_("Repeats"), choices=Repeat.choices, initial=Repeat.WEEKLY)
    until = DayField(label=_("Until"))
    count = forms.IntegerField(label=_("Number of occurrences"), required=False, min_value=1, max_value=MAX_OCCURRENCES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("signup_opens_at", "signup_closes_at", "version"):
            del self.fields[name]

    def clean(self):
        data = super().clean()
        if not data.get("until") and not data.get("count"):
            self.add_error("until", _("Give an end date or a number of occurrences."))
        return data


class FutureForm(Form):
    """Change this and all future occurrences of a series."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    start_time = forms.TimeField(label=_("Starts at (time of day)"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at (time of day)"), widget=TimeInput())
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=1000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The activity must end after it starts."))
        return data


class SeriesCancelForm(Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class CalendarForm(Form):
    """The calendar's filters (GET): a day in the month or week shown, station, town, service line."""

    day = DayField(label=_("Date"))
    station = StationChoiceField(label=_("Station"), queryset=None, required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)
    service_line = forms.ModelChoiceField(
        label=_("Service line"), queryset=None, required=False, to_field_name="code", empty_label=_("All")
    )

    def __init__(self, *args, towns=(), public=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_line"].queryset = selectors.service_lines()
        self.fields["town"].choices = [("", _("All")), *((t.code, t.name) for t in towns)]
        if public:
            del self.fields["station"]
            del self.fields["town"]
        else:
            self.fields["station"].queryset = selectors.stations_for_planning()

    def values(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "day": data.get("day") or timezone.localdate(),
            "station": data["station"].pk if data.get("station") else None,
            "town": data.get("town") or "",
            "service_line": data["service_line"].code if data.get("service_line") else "",
        }
