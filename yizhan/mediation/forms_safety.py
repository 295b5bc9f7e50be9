"""Forms of the safety and sessions pages of a case, and of appointments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.stations.models import Room

from .models import Appointment, CaseParty, CaseSession, ProtectionOrder, Recusal, StudioMember
from .services.safety import NAME_MAX_LENGTH, NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from .services.sessions import PLACE_MAX_LENGTH, RECORD_MAX_LENGTH

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime(label):
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    )


def _date(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _text(label, max_length, rows=2, required=False):
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _party_label(party: CaseParty) -> str:
    return f"{party.get_role_display()} {party.name}"


def _member_label(member: StudioMember) -> str:
    return f"{member.user.name or member.user.username} · {member.get_kind_display()}"


class ScreeningForm(Form):
    answers = forms.MultipleChoiceField(
        label=_("What applies (tick every item that does)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(_("Note (kept encrypted)"), NOTE_MAX_LENGTH, rows=3)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = [(item.code, item.name) for item in items]


class OverrideForm(Form):
    reason = _text(_("Reason joint sessions may go ahead"), REASON_MAX_LENGTH, required=False)


class PoliceReferralForm(Form):
    referred_at = _datetime(_("Referred on"))
    station = forms.CharField(label=_("Police station"), max_length=NAME_MAX_LENGTH, required=False)
    note = forms.CharField(label=_("Note"), max_length=REASON_MAX_LENGTH, required=False)


class ProtectionOrderForm(Form):
    protected_party = forms.ModelChoiceField(label=_("For"), queryset=CaseParty.objects.none(), required=False)
    applied_at = _datetime(_("Applied on"))
    court = forms.CharField(label=_("Court"), max_length=NAME_MAX_LENGTH, required=False)
    urgent = forms.BooleanField(label=_("Urgent (ruling within 24 hours)"), required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protected_party"].queryset = CaseParty.objects.filter(pk__in=[p.pk for p in parties])
        self.fields["protected_party"].label_from_instance = _party_label


class RulingForm(Form):
    ruling = forms.ChoiceField(
        label=_("Ruling"),
        choices=[(ProtectionOrder.Ruling.GRANTED, _("Granted")), (ProtectionOrder.Ruling.REFUSED, _("Refused"))],
    )
    ruling_on = _date(_("Ruling date"))
    expires_on = _date(_("Expires on (at most 6 months after the ruling)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportOpenForm(Form):
    grounds = forms.CharField(label=_("Who is at risk and why"), max_length=REASON_MAX_LENGTH, required=False)


class ReportRecordForm(Form):
    reported_to = forms.CharField(label=_("Reported to"), max_length=NAME_MAX_LENGTH, required=False)
    reported_at = _datetime(_("Reported on"))


class SessionForm(Form):
    kind = forms.ChoiceField(label=_("Kind of session"), choices=CaseSession.Kind.choices)
    starts_at = _datetime(_("Date and time"))
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(label=_("Or another place"), max_length=PLACE_MAX_LENGTH, required=False)
    heard_party = forms.ModelChoiceField(
        label=_("Party heard (separate session)"), queryset=CaseParty.objects.none(), required=False
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties present (joint session)"),
        queryset=CaseParty.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Team members present"),
        queryset=StudioMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    record = _text(_("Record (kept encrypted)"), RECORD_MAX_LENGTH, rows=5)

    def __init__(self, *args, parties=(), team=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        party_qs = CaseParty.objects.filter(pk__in=[p.pk for p in parties])
        for name in ("heard_party", "parties"):
            self.fields[name].queryset = party_qs
            self.fields[name].label_from_instance = _party_label
        self.fields["team"].queryset = StudioMember.objects.filter(pk__in=[row.member_id for row in team])
        self.fields["team"].label_from_instance = _member_label
        # unscoped: the rooms of the studio's own premises (selectors_safety.rooms_for), place information
        self.fields["room"].queryset = Room.all_objects.filter(pk__in=[room.pk for room in rooms])
        self.fields["room"].label_from_instance = lambda room: room.name


class SessionRecordForm(Form):
    record = _text(_("Record (kept encrypted)"), RECORD_MAX_LENGTH, rows=5)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConsentForm(Form):
    confirm = forms.BooleanField(
        label=_("The party heard agrees that what they said may be shared with the other parties"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecusalForm(Form):
    member = forms.ModelChoiceField(label=_("Team member"), queryset=StudioMember.objects.none(), required=False)
    requested_by = forms.ModelChoiceField(label=_("Asked by"), queryset=CaseParty.objects.none(), required=False)
    reason = _text(_("Reason"), REASON_MAX_LENGTH)

    def __init__(self, *args, parties=(), team=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = StudioMember.objects.filter(pk__in=[row.member_id for row in team])
        self.fields["member"].label_from_instance = _member_label
        self.fields["requested_by"].queryset = CaseParty.objects.filter(pk__in=[p.pk for p in parties])
        self.fields["requested_by"].label_from_instance = _party_label


class RecusalDecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Recusal.Decision.GRANTED, _("Grant")), (Recusal.Decision.REFUSED, _("Refuse"))],
    )
    note = forms.CharField(label=_("Grounds"), max_length=REASON_MAX_LENGTH, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AppointmentForm(Form):
    member = forms.ModelChoiceField(label=_("With"), queryset=StudioMember.objects.none(), required=False)
    starts_at = _datetime(_("Date and time"))
    person_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=Appointment.Topic.choices)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = StudioMember.objects.filter(pk__in=[m.pk for m in members])
        self.fields["member"].label_from_instance = _member_label


class AppointmentStatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=Appointment.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
