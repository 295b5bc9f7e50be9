from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yizhan.accounts.models import User
from yizhan.core.forms import Form
from yizhan.core.masking import mask
from yizhan.core.pickers import RemoteModelChoiceField, region_search
from yizhan.core.widgets import SearchableSelect, SearchableSelectMultiple

from .models import Consent, Household, Need, Person, Relation, TargetGroup, VisitPlan
from .models.visits import VisitKind
from .selectors import AGE_BANDS, staff_label

AGE_BAND_LABELS = {
    "under14": _("Under 14"),
    "14to17": _("14–17"),
    "18to59": _("18–59"),
    "60plus": _("60 and over"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def choose_the_only_option(field: forms.ModelChoiceField) -> None:
    """When the user has a single option (a station manager's one village), it is chosen for her and the empty
    "---------" goes: a required choice with one answer is not a question."""
    options = list(field.queryset[:2]) if field.queryset is not None else []
    if len(options) == 1:
        field.empty_label = None
        field.initial = options[0]


class VillageChoiceField(RemoteModelChoiceField):
    """A village whose residents the user works with (``selectors.villages_in_scope``), searched by name or code
    through ``people:pick_villages``: a province's 20,000 villages are never listed in the page."""

    def __init__(self, *, required=True, **kwargs):
        kwargs.setdefault("label", _("Village or community"))
        if not required:
            kwargs.setdefault("empty_label", _("All"))
        super().__init__(
            queryset=None,
            to_field_name="code",
            required=required,
            source="people:pick_villages",
            search=region_search,
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.name


def area_label(region) -> str:
    return f"{region.name} · {region.get_level_display()}"


class AreaChoiceField(RemoteModelChoiceField):
    """A county, town or village a visit plan covers (``selectors.plan_areas``)."""

    def label_from_instance(self, obj):
        return area_label(obj)


class PersonFilterForm(Form):
    q = forms.CharField(
        label=_("Search (name, full mobile or ID number, masked mobile or its last 4 digits)"),
        required=False,
        max_length=100,
    )
    key = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    village = VillageChoiceField(required=False)
    group = forms.ChoiceField(label=_("Target group"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", _("Any age"))] + [(k, AGE_BAND_LABELS[k]) for k in AGE_BANDS]
    )

    def __init__(self, *args, villages=None, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["group"].choices = [("", _("All"))] + [(g.code, g.name) for g in groups]


class VillageFilterForm(Form):
    """Narrow a list of the day's work to one village (the overdue list, opened from a village's page)."""

    village = VillageChoiceField(required=False)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class PersonForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices, initial=Person.Gender.FEMALE)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput(),
        help_text=_("Taken from the ID number when left empty."),
    )
    id_type = forms.ChoiceField(label=_("Document type"), choices=Person.IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    region = VillageChoiceField()
    residency = forms.ChoiceField(label=_("Residency"), choices=Person.Residency.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, villages=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = villages
        choose_the_only_option(self.fields["region"])
        if editing:
            # Like the numbers, the date of birth is not shown on the form (that would be a reveal without a
            # reason or an audit row): left empty it keeps its value, or is taken from a new ID number.
            for name in ("id_number", "mobile", "address", "notes"):
                self.fields[name].help_text = _("Leave empty to keep the current value.")
            self.fields["birth_date"].help_text = _(
                "Leave empty to keep the current date (or to take it from a new ID number)."
            )


class RelationForm(Form):
    direction = forms.ChoiceField(
        label=_("This person is"),
        choices=[
            ("out", _("the spouse / parent / guardian of the other person")),
            ("in", _("the spouse / child / ward of the other person")),
        ],
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=Relation.Kind.choices)
    other = forms.CharField(label=_("Other person (full ID number, or name)"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=100)


class GroupAddForm(Form):
    group = forms.ModelChoiceField(label=_("Target group"), queryset=TargetGroup.objects.none())
    start_date = forms.DateField(label=_("From"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = TargetGroup.objects.filter(is_active=True)


class TargetGroupForm(Form):
    name = forms.CharField(label=_("Group name"), max_length=50)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=100)


class PersonChoiceField(forms.ModelChoiceField):
    """People to choose from, named as the viewer may see them (``selectors.names_as_seen``: masked outside their
    scope); a person missing from ``names`` is shown masked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names: dict[int, str] = {}

    def label_from_instance(self, obj):
        return self.names.get(obj.pk) or mask("name", obj.name)


class ConsentForm(Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    data_scope = forms.CharField(label=_("Data and use covered"), max_length=300)
    separate = forms.BooleanField(label=_("Separate consent for sensitive data was given"), required=False)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    given_by = forms.ChoiceField(label=_("Given by"), choices=Consent.GivenBy.choices)
    guardian = PersonChoiceField(label=_("Guardian"), queryset=Person.all_objects.none(), required=False)

    def __init__(self, *args, guardians=None, guardian_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        if guardians is not None:
            self.fields["guardian"].queryset = guardians
        self.fields["guardian"].names = guardian_names or {}


class WithdrawForm(Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class HouseholdJoinForm(Form):
    """Join an existing household of the person's village. Nothing is chosen until the user chooses: a preselected
    household put a person into a stranger's household with one click (issue 9, finding 11)."""

    household = forms.ModelChoiceField(
        label=_("Or join a household"),
        queryset=Household.objects.none(),
        widget=SearchableSelect,
        empty_label=_("Choose a household"),
        error_messages={
            "required": _("Choose the household to join."),
            "invalid_choice": _("Choose one of the households of this village."),
        },
    )

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        if households is not None:
            self.fields["household"].queryset = households


class HouseholdForm(Form):
    name = forms.CharField(label=_("Household name"), max_length=100)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)


class EraseForm(Form):
    reason = forms.CharField(label=_("Reason (e.g. the person's request and its date)"), max_length=500, min_length=2)
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone"))


class ExportForm(Form):
    full = forms.BooleanField(label=_("Full values (logged as a reveal for every person)"), required=False)
    reason = forms.CharField(label=_("Reason for full values"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("full") and len((data.get("reason") or "").strip()) < 2:
            self.add_error("reason", _("Say why you need the full values."))
        return data


class ImportUploadForm(Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class StaffChoiceField(forms.ModelChoiceField):
    """A member of staff of the village (``selectors.staff_named_for``), named by place and role, never by username;
    picked by typing part of the name."""

    widget = SearchableSelect

    def label_from_instance(self, obj):
        return staff_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Staff of the village named as ``StaffChoiceField`` names them, picked by typing, each with a button to remove
    it (no Ctrl-click; issue 9, finding 12). Refuses ids that are not database integers before querying (SQLite
    raises OverflowError on ``pk__in`` with a 30-digit number, which would be a 500)."""

    widget = SearchableSelectMultiple

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isdigit() or int(text) > 2**63 - 1:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

    def label_from_instance(self, obj):
        return staff_label(obj)


class VisitForm(Form):
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices)
    visit_date = forms.DateField(label=_("Date"), widget=DateInput())
    visitors = StaffMultipleChoiceField(label=_("Visitors (staff)"), queryset=User.objects.none(), required=False)
    other_visitors = forms.CharField(label=_("Other visitors"), required=False, max_length=200)
    place = forms.CharField(label=_("Place"), required=False, max_length=100)
    findings = forms.CharField(
        label=_("Findings"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    need_category = forms.ChoiceField(
        label=_("Need identified"), required=False, choices=[("", "—")] + list(Need.Category.choices)
    )
    need_detail = forms.CharField(label=_("Need details"), required=False, max_length=500)
    action = forms.CharField(label=_("Follow-up action"), required=False, max_length=200)
    action_owner = StaffChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    action_due = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    photos = MultiFileField(label=_("Photos"), required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["visitors"].queryset = staff
            self.fields["action_owner"].queryset = staff

    def clean(self):
        data = super().clean()
        if data.get("action") and not (data.get("action_owner") and data.get("action_due")):
            self.add_error("action", _("Give the action an owner and a due date."))
        if data.get("need_detail") and not data.get("need_category"):
            self.add_error("need_category", _("Choose the category of the need."))
        return data


class ActionForm(Form):
    description = forms.CharField(label=_("Follow-up action"), max_length=200)
    owner = StaffChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["owner"].queryset = staff


class VisitPlanForm(Form):
    name = forms.CharField(label=_("Plan name"), max_length=100)
    group = forms.ModelChoiceField(label=_("Target group"), queryset=TargetGroup.objects.none())
    region = AreaChoiceField(
        label=_("Area"), queryset=None, to_field_name="code", source="people:pick_plan_areas", search=region_search
    )
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices)
    interval_days = forms.TypedChoiceField(label=_("How often"), choices=VisitPlan.Interval.choices, coerce=int)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = TargetGroup.objects.filter(is_active=True)
        self.fields["region"].queryset = regions
        choose_the_only_option(self.fields["region"])
