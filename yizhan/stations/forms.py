from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.forms import Form
from yizhan.core.images import MAX_BYTES
from yizhan.core.pickers import RemoteModelChoiceField, name_search, region_search
from yizhan.core.text import SEARCH_MAX_LENGTH
from yizhan.regions.models import Region

from . import selectors
from .models import MAX_ROOM_CAPACITY, OpeningInterval, Status, validate_phone

HOUR_SLOTS = 3  # intervals a weekday can have in the form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def village_label(region) -> str:
    """A village with its town, as place forms name it (two towns may each have a 新村)."""
    return f"{region.parent.name if region.parent_id else ''} {region.name}".strip()


def station_label(station) -> str:
    return f"{station.region.name} · {station.display_name}"


search_stations = name_search("name", "brand_name", "region__name")


def villages_in_scope():
    return selectors.villages_for_places()


class VillageChoiceField(RemoteModelChoiceField):
    """A village in scope for a station or studio, searched by name or code through ``stations:pick_villages``."""

    def __init__(self, **kwargs):
        super().__init__(source="stations:pick_villages", search=region_search, **kwargs)

    def label_from_instance(self, obj):
        return village_label(obj)


MAX_ID = 2**31 - 1


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids no row can have (``abc``, ``-1``, 10²³) with the
    field's own message, before they reach the database (SQLite overflows on a huge integer)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isdigit() and 0 < int(text) <= MAX_ID):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return super()._check_values(value)


class StationChoiceField(RemoteModelChoiceField):
    """A station in scope (a province holds 20,000), searched by its, its brand's or its village's name through
    ``stations:pick_stations``."""

    def __init__(self, **kwargs):
        super().__init__(source="stations:pick_stations", search=search_stations, **kwargs)

    def label_from_instance(self, obj):
        return station_label(obj)


class PlaceFilterForm(Form):
    """The filter bar of the station and studio lists (GET)."""

    q = forms.CharField(label=_("Search (name, brand or village)"), required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])

    def filters(self) -> dict[str, str]:
        """The valid filters (none for an unbound form)."""
        if self.is_bound and self.is_valid():
            return {"search": self.cleaned_data["q"], "status": self.cleaned_data["status"]}
        return {"search": "", "status": ""}


class PlaceProfileForm(Form):
    name = forms.CharField(label=pgettext_lazy("place", "Name"), max_length=100)
    brand_name = forms.CharField(label=_("Brand name"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    introduction = forms.CharField(
        label=_("Introduction"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(label=_("Show on the public pages"), required=False, initial=True)


class PlaceAdminFields(Form):
    region = VillageChoiceField(label=_("Village or community"), queryset=Region.objects.none(), to_field_name="code")
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    status_since = forms.DateField(label=_("Status since"), required=False, widget=DateInput())
    opened_on = forms.DateField(label=_("Opened on"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = villages_in_scope()


class StationProfileForm(PlaceProfileForm):
    """What a station manager edits. ``version`` carries the version the editor saw."""

    floor_area = forms.DecimalField(
        label=_("Floor area (m²)"), required=False, min_value=0, max_digits=8, decimal_places=1
    )
    positions = IdMultipleChoiceField(
        label=_("Integrated positions"),
        queryset=selectors.position_types(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StationAdminForm(StationProfileForm, PlaceAdminFields):
    """What a federation admin edits: the profile plus the village and the status."""


class RoomForm(Form):
    room_type = forms.ModelChoiceField(label=_("Type"), queryset=selectors.room_types())
    name = forms.CharField(label=pgettext_lazy("place", "Name"), max_length=100)
    area = forms.DecimalField(label=_("Area (m²)"), required=False, min_value=0, max_digits=7, decimal_places=1)
    capacity = forms.IntegerField(
        label=_("Capacity (people)"), required=False, min_value=0, max_value=MAX_ROOM_CAPACITY
    )
    equipment = forms.CharField(
        label=_("Equipment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sort_order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HoursForm(Form):
    """Up to three intervals per weekday; empty pairs are ignored."""

    def __init__(self, *args, intervals=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_day = {}
        for interval in intervals:
            by_day.setdefault(interval.weekday, []).append(interval)
        self.days = []
        for day, label in OpeningInterval.Weekday.choices:
            slots = []
            for slot in range(HOUR_SLOTS):
                existing = by_day.get(day, [])
                current = existing[slot] if slot < len(existing) else None
                opens, closes = f"d{day}_{slot}_opens", f"d{day}_{slot}_closes"
                # The table shows no label per box: each says what it is to screen readers (周一 时段 1 开门).
                where = {"day": label, "slot": slot + 1}
                self.fields[opens] = forms.TimeField(
                    label=_("opens"),
                    required=False,
                    widget=TimeInput(attrs={"aria-label": _("%(day)s, interval %(slot)s, opens") % where}),
                    initial=current.opens if current else None,
                )
                self.fields[closes] = forms.TimeField(
                    label=_("closes"),
                    required=False,
                    widget=TimeInput(attrs={"aria-label": _("%(day)s, interval %(slot)s, closes") % where}),
                    initial=current.closes if current else None,
                )
                slots.append((self[opens], self[closes]))
            self.days.append({"weekday": day, "label": label, "slots": slots})

    def intervals(self) -> list[tuple]:
        result = []
        for day in OpeningInterval.Weekday.values:
            for slot in range(HOUR_SLOTS):
                opens = self.cleaned_data.get(f"d{day}_{slot}_opens")
                closes = self.cleaned_data.get(f"d{day}_{slot}_closes")
                if opens is None and closes is None:
                    continue
                result.append((day, opens, closes))
        return result


class HoursExceptionForm(Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    is_closed = forms.BooleanField(label=_("Closed all day"), required=False, initial=True)
    opens = forms.TimeField(label=_("Opens"), required=False, widget=TimeInput())
    closes = forms.TimeField(label=_("Closes"), required=False, widget=TimeInput())
    note = forms.CharField(label=_("Note (e.g. National Day)"), max_length=100, required=False)


class ContactForm(Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    role = forms.CharField(label=pgettext_lazy("contact", "Role"), max_length=50)
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False, validators=[validate_phone])
    is_public = forms.BooleanField(
        label=_("Show on the public page, with the full number"), required=False, initial=True
    )


class PhotoForm(Form):
    image = forms.FileField(
        label=_("Photo (JPEG, PNG or WebP, at most %(mb)d MB)") % {"mb": MAX_BYTES // (1024 * 1024)}
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)
    is_public = forms.BooleanField(label=_("Show on the public page"), required=False, initial=True)


class BrandItemForm(Form):
    name = forms.CharField(label=pgettext_lazy("place", "Name"), max_length=50)
    description = forms.CharField(
        label=_("Description"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    service_lines = IdMultipleChoiceField(
        label=_("Service lines"), queryset=selectors.service_lines(), widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StationCreateForm(PlaceProfileForm, PlaceAdminFields):
    floor_area = forms.DecimalField(
        label=_("Floor area (m²)"), required=False, min_value=0, max_digits=8, decimal_places=1
    )
    positions = IdMultipleChoiceField(
        label=_("Integrated positions"),
        queryset=selectors.position_types(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ManagerAssignForm(Form):
    username = forms.CharField(label=_("Username of the manager's account"), max_length=150)


class LookupTypeForm(Form):
    code = forms.SlugField(label=_("Code (letters, digits, _)"), max_length=40)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=80)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
