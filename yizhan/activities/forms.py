from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.core.pickers import RemoteModelChoiceField, name_search
from yizhan.core.text import SEARCH_MAX_LENGTH
from yizhan.core.widgets import SearchableSelect
from yizhan.stations.forms import MAX_ID, DateInput, IdMultipleChoiceField, StationChoiceField

from . import selectors
from .models import DESCRIPTION_MAX, MAX_SEATS, REASON_MAX, TITLE_MAX, ActivityStatus, Audience


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def room_label(room) -> str:
    capacity = _("%(count)s people") % {"count": room.capacity} if room.capacity else _("capacity not recorded")
    return f"{room.station.display_name} · {room.name} ({capacity})"


def brand_item_label(item) -> str:
    return f"{item.station.display_name} · {item.name}"


search_rooms = name_search("name", "station__name", "station__brand_name")
search_brand_items = name_search("name", "station__name", "station__brand_name")


class RoomChoiceField(forms.ModelChoiceField):
    """A room of the activity's own station (a short list)."""

    widget = SearchableSelect

    def label_from_instance(self, obj):
        return room_label(obj)


class BrandItemChoiceField(forms.ModelChoiceField):
    widget = SearchableSelect

    def label_from_instance(self, obj):
        return brand_item_label(obj)


class RemoteRoomChoiceField(RemoteModelChoiceField):
    """A room among every station's in scope (a new activity's station is not chosen yet), searched by its or its
    station's name through ``activities:pick_rooms``; the activity's ``clean`` refuses another station's room."""

    def __init__(self, **kwargs):
        super().__init__(source="activities:pick_rooms", search=search_rooms, **kwargs)

    def label_from_instance(self, obj):
        return room_label(obj)


class RemoteBrandItemChoiceField(RemoteModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(source="activities:pick_brand_items", search=search_brand_items, **kwargs)

    def label_from_instance(self, obj):
        return brand_item_label(obj)


class ActivityFilterForm(Form):
    """The filter bar of the activity list (GET)."""

    q = forms.CharField(label=_("Search (title)"), required=False, max_length=SEARCH_MAX_LENGTH)
    station = StationChoiceField(label=_("Station"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ActivityStatus.choices])
    service_line = forms.ModelChoiceField(
        label=_("Service line"), queryset=None, required=False, to_field_name="code", empty_label=_("All")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = selectors.stations_for_planning()
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
            "search": data["q"],
            "station": data["station"].pk if data["station"] else None,
            "status": data["status"],
            "service_line": data["service_line"].code if data["service_line"] else "",
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }


class ActivityForm(Form):
    """Plan or change an activity. The station is chosen when planning and fixed afterwards."""

    station = StationChoiceField(label=_("Station"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    service_lines = IdMultipleChoiceField(
        label=_("Service lines (5+X)"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    brand_item = BrandItemChoiceField(label=_("Brand item (X)"), queryset=None, required=False)
    target_groups = IdMultipleChoiceField(
        label=_("Target groups"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.PUBLIC)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    room = RoomChoiceField(label=_("Room"), queryset=None, required=False)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=MAX_SEATS)
    signup_opens_at = forms.DateTimeField(label=_("Sign-up opens"), required=False, widget=DateTimeInput())
    signup_closes_at = forms.DateTimeField(
        label=_("Sign-up closes"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: sign-up closes when the activity starts."),
    )
    children_need_guardian = forms.BooleanField(label=_("Children must come with a guardian"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity is not None:
            del self.fields["station"]
            station_ids = [activity.station_id]
        else:
            self.fields["station"].queryset = selectors.stations_for_planning()
            station_ids = None
            # every station's rooms and X items in scope: searched, never listed (core/pickers.py)
            for name, field_class in (("room", RemoteRoomChoiceField), ("brand_item", RemoteBrandItemChoiceField)):
                old = self.fields[name]
                self.fields[name] = field_class(label=old.label, queryset=None, required=False)
        self.fields["room"].queryset = selectors.rooms_of(station_ids)
        self.fields["brand_item"].queryset = selectors.brand_items_of(station_ids)
        self.fields["service_lines"].queryset = selectors.service_lines()
        self.fields["target_groups"].queryset = selectors.target_groups()

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The activity must end after it starts."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class PersonSearchForm(Form):
    q = forms.CharField(
        label=_("Search the registry (name, mobile number or its last four digits)"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
    )


class RegisterForm(Form):
    person = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
