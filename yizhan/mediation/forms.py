from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.forms import Form
from yizhan.core.pickers import RemoteModelChoiceField, name_search
from yizhan.stations.forms import PlaceAdminFields, PlaceProfileForm, StationChoiceField
from yizhan.stations.models import Station
from yizhan.stations.selectors import stations_in_scope

from .models import (
    DEFAULT_CASE_NUMBER_FORMAT,
    DEFAULT_CASE_TIME_LIMIT_DAYS,
    AgreementParty,
    Case,
    CaseParty,
    DisputeType,
    FollowUp,
    JudicialConfirmation,
    Studio,
    StudioMember,
    validate_case_number_format,
)
from .services import PartyData, PartyDetails
from .services.cases import NARRATIVE_MAX_LENGTH, REASON_MAX_LENGTH, REFERRAL_MAX_LENGTH


class StudioForm(PlaceProfileForm, PlaceAdminFields):
    shared_station = StationChoiceField(
        label=_("Shares premises with station"), queryset=Station.objects.none(), required=False
    )
    case_number_format = forms.CharField(
        label=_("Case number format"),
        max_length=60,
        initial=DEFAULT_CASE_NUMBER_FORMAT,
        validators=[validate_case_number_format],
        required=False,
        help_text=_("For example （{year}）瓜东调字第 {seq:03d} 号: the year and a number counted per year."),
    )
    case_time_limit_days = forms.IntegerField(
        label=_("Time limit of a case (days)"),
        min_value=1,
        max_value=365,
        initial=DEFAULT_CASE_TIME_LIMIT_DAYS,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    repeat_window_days = forms.IntegerField(
        label=_("Repeat-dispute window (days)"),
        min_value=1,
        max_value=3650,
        initial=365,
        required=False,
        help_text=_("A new case is flagged as a repeat dispute when a party had another case within this period."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_station"].queryset = stations_in_scope()

    def clean(self):
        data = super().clean()
        for name in (
            "case_number_format",
            "case_time_limit_days",
            "repeat_window_days",
        ):  # left empty: the studio keeps its setting
            if data.get(name) in (None, ""):
                data.pop(name, None)
        return data


class StudioMemberForm(Form):
    username = forms.CharField(label=_("Username of the person's account"), max_length=150)
    kind = forms.ChoiceField(label=_("Capacity"), choices=StudioMember.Kind.choices)
    can_lead = forms.BooleanField(label=_("Can lead a mediation"), required=False)
    organisation = forms.CharField(
        label=_("Organisation (law firm, social-work studio, counselling corner, shared court)"),
        max_length=100,
        required=False,
    )


# --- cases ------------------------------------------------------------------------------------------------------

NARRATIVE_ROWS = 6


ALL = _("All")


def _choices(choices, blank=ALL):
    return [("", blank), *choices]


class CaseFilterForm(Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_choices(Case.Status.choices))
    dispute_type = forms.ModelChoiceField(
        label=_("Dispute type"),
        required=False,
        queryset=DisputeType.objects.all(),
        to_field_name="code",
        empty_label=ALL,
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_choices(Case.Source.choices))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["dispute_type"] = data["dispute_type"].code if data["dispute_type"] else ""
        return {key: value for key, value in data.items() if value not in (None, "")}


class CaseIntakeForm(Form):
    source = forms.ChoiceField(label=_("Source"), choices=Case.Source.choices)
    dispute_type = forms.ModelChoiceField(label=_("Dispute type"), queryset=DisputeType.objects.none())
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    narrative = forms.CharField(
        label=_("What the dispute is about"),
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": NARRATIVE_ROWS}),
        help_text=_("Kept encrypted; the studio's mediators and the case team see it."),
    )
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=100)
    applicant_mobile = forms.CharField(label=_("Applicant's mobile number"), max_length=11, required=False)
    respondent_name = forms.CharField(label=_("Respondent's name"), max_length=100, required=False)
    respondent_mobile = forms.CharField(label=_("Respondent's mobile number"), max_length=11, required=False)
    respondent_relation = forms.CharField(
        label=_("Respondent's relation to the applicant"), max_length=50, required=False
    )
    other_name = forms.CharField(label=_("Another party's name"), max_length=100, required=False)
    other_mobile = forms.CharField(label=_("Another party's mobile number"), max_length=11, required=False)
    other_relation = forms.CharField(
        label=_("Another party's relation to the applicant"), max_length=50, required=False
    )
    # Registry links from a lookup (views/insight.py): a signed token per party, resolved into ``linked``.
    applicant_person = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    respondent_person = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    other_person = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    linked: dict = {}  # noqa: RUF012 - set per form by the view: {"applicant": Person, …}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute_type"].queryset = DisputeType.objects.filter(is_active=True)

    def parties(self) -> list[PartyData]:
        data = self.cleaned_data
        applicant = PartyData(
            role=CaseParty.Role.APPLICANT,
            name=data["applicant_name"],
            mobile=data["applicant_mobile"],
            person=self.linked.get("applicant"),
        )
        parties = [applicant]
        for prefix, role in (("respondent", CaseParty.Role.RESPONDENT), ("other", CaseParty.Role.OTHER)):
            if data.get(f"{prefix}_name") or data.get(f"{prefix}_mobile") or self.linked.get(prefix):
                parties.append(
                    PartyData(
                        role=role,
                        name=data.get(f"{prefix}_name", ""),
                        mobile=data.get(f"{prefix}_mobile", ""),
                        relation=data.get(f"{prefix}_relation", ""),
                        person=self.linked.get(prefix),
                    )
                )
        return parties


class CaseEditForm(Form):
    source = forms.ChoiceField(label=_("Source"), choices=Case.Source.choices)
    dispute_type = forms.ModelChoiceField(label=_("Dispute type"), queryset=DisputeType.objects.none())
    narrative = forms.CharField(
        label=_("What the dispute is about"),
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": NARRATIVE_ROWS}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute_type"].queryset = DisputeType.objects.filter(is_active=True)


class CaseAcceptForm(Form):
    willingness_recorded = forms.BooleanField(label=_("Both parties agree to mediation"), required=False)
    notice_given = forms.BooleanField(
        label=_("The notice of rights and duties (权利义务告知书) was given to the parties"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseNotAcceptForm(Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    referral = forms.CharField(label=_("Referred to"), max_length=REFERRAL_MAX_LENGTH, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseTeamForm(Form):
    lead = forms.ModelChoiceField(label=_("Lead mediator"), queryset=StudioMember.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Team members"),
        queryset=StudioMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, studio=None, **kwargs):
        super().__init__(*args, **kwargs)
        roster = StudioMember.objects.filter(studio=studio, is_active=True).select_related("user")
        if studio is None:
            roster = roster.none()
        self.fields["lead"].queryset = roster
        self.fields["members"].queryset = roster
        label = lambda m: f"{m.user.name or m.user.username} · {m.get_kind_display()}"  # noqa: E731
        self.fields["lead"].label_from_instance = label
        self.fields["members"].label_from_instance = label


class CaseCloseForm(Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s.value, s.label) for s in (Case.Status.AGREEMENT, Case.Status.NO_AGREEMENT, Case.Status.WITHDRAWN)],
    )
    agreement_form = forms.ChoiceField(
        label=_("Form of the agreement"), choices=_choices(Case.AgreementForm.choices, "—"), required=False
    )
    reason = forms.CharField(
        label=_("Reason (no agreement, withdrawn)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    advice = forms.CharField(
        label=_("Advice given on arbitration or litigation (no agreement)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- outcomes: agreement, judicial confirmation, extension, follow-up visits --------------------------------------

OUTCOME_TEXT_ROWS = 4
DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AgreementForm(Form):
    """The agreement's content (art. 29) and each party's basic details (``party_<id>_gender|age|address``)."""

    facts = forms.CharField(
        label=_("Main facts of the dispute"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": OUTCOME_TEXT_ROWS}),
    )
    matters = forms.CharField(
        label=_("Disputed matters"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": OUTCOME_TEXT_ROWS}),
    )
    responsibilities = forms.CharField(
        label=_("Each party's responsibility"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": OUTCOME_TEXT_ROWS}),
    )
    terms = forms.CharField(
        label=_("Agreed terms"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    performance = forms.CharField(
        label=_("How the terms are performed"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": OUTCOME_TEXT_ROWS}),
    )
    perform_by = forms.DateField(label=_("Performed by (date)"), required=False, **DATE_WIDGET)
    copies = forms.IntegerField(
        label=_("Number of copies"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("One for each party and one for the archive."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        for party in self.parties:
            name = party.name
            self.fields[f"party_{party.pk}_gender"] = forms.ChoiceField(
                label=_("Gender of %(name)s") % {"name": name},
                choices=[("", "—"), *AgreementParty.Gender.choices],
                required=False,
            )
            self.fields[f"party_{party.pk}_age"] = forms.IntegerField(
                label=_("Age of %(name)s") % {"name": name}, min_value=0, max_value=130, required=False
            )
            self.fields[f"party_{party.pk}_address"] = forms.CharField(
                label=_("Address of %(name)s") % {"name": name},
                max_length=200,
                required=False,
                help_text=_("Printed on the agreement; the village or community is enough."),
            )

    def party_rows(self):
        """The bound fields of each party, for the template: (party, gender, age, address)."""
        return [
            (p, self[f"party_{p.pk}_gender"], self[f"party_{p.pk}_age"], self[f"party_{p.pk}_address"])
            for p in self.parties
        ]

    def party_details(self) -> list[PartyDetails]:
        data = self.cleaned_data
        return [
            PartyDetails(
                party=p,
                gender=data.get(f"party_{p.pk}_gender") or "",
                age=data.get(f"party_{p.pk}_age"),
                address=data.get(f"party_{p.pk}_address") or "",
            )
            for p in self.parties
        ]


class AgreementScanForm(Form):
    scan = forms.FileField(
        label=_("Scan of the signed agreement (PDF or image, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )
    signed_on = forms.DateField(label=_("Signed (takes effect) on"), required=False, **DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmationApplyForm(Form):
    applied_on = forms.DateField(label=_("The parties applied on"), required=False, **DATE_WIDGET)
    court = forms.CharField(label=_("Court (through the shared court)"), max_length=100, required=False)
    joint = forms.BooleanField(label=_("The parties applied jointly"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmationDecideForm(Form):
    decision = forms.ChoiceField(
        label=_("The court's decision"),
        choices=[
            ("", "—"),
            (JudicialConfirmation.Decision.CONFIRMED, JudicialConfirmation.Decision.CONFIRMED.label),
            (JudicialConfirmation.Decision.NOT_CONFIRMED, JudicialConfirmation.Decision.NOT_CONFIRMED.label),
        ],
        required=False,
    )
    decided_on = forms.DateField(label=_("Decided on"), required=False, **DATE_WIDGET)
    ruling_number = forms.CharField(label=_("Ruling number (调确字)"), max_length=80, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseExtensionForm(Form):
    new_deadline = forms.DateField(label=_("New deadline"), required=False, **DATE_WIDGET)
    consenting_parties = forms.ModelMultipleChoiceField(
        label=_("Parties who consented"),
        queryset=CaseParty.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consented_on = forms.DateField(label=_("Consented on"), required=False, **DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reason for the extension"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        parties = CaseParty.objects.filter(case=case).order_by("role", "pk") if case else CaseParty.objects.none()
        self.fields["consenting_parties"].queryset = parties
        self.fields["consenting_parties"].label_from_instance = lambda p: f"{p.get_role_display()} {p.name}"


class FollowUpForm(Form):
    performed_on = forms.DateField(label=_("Visited on"), required=False, **DATE_WIDGET)
    performance = forms.ChoiceField(
        label=_("Is the agreement performed?"), choices=_choices(FollowUp.Performance.choices, "—"), required=False
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=_choices(FollowUp.Satisfaction.choices, "—"), required=False
    )
    escalation = forms.BooleanField(label=_("Signs of escalation"), required=False)
    notes = forms.CharField(
        label=_("Notes (kept encrypted)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpActionForm(Form):
    action = forms.ChoiceField(
        label=_("Further step"),
        choices=[
            ("", "—"),
            (FollowUp.Action.REOPENED, _("Reopen the case")),
            (FollowUp.Action.COURT, _("Refer to court")),
        ],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    referral = forms.CharField(label=_("Court referred to"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- overview and the registry picker (selectors_insight, services/lookup) ---------------------------------------

INTAKE_LOOKUP_PARTIES = ("applicant", "respondent", "other")


def studios_to_pick():
    """Studios in scope, by village code (the statistics' studio picker)."""
    return Studio.objects.select_related("region").order_by("region__code", "name", "pk")


def studio_label(studio) -> str:
    return studio.display_name


search_studios = name_search("name", "brand_name", "region__name")


class StudioChoiceField(RemoteModelChoiceField):
    """A studio in scope (a province holds a thousand), searched through ``mediation:pick_studios``."""

    def __init__(self, **kwargs):
        super().__init__(source="mediation:pick_studios", search=search_studios, **kwargs)

    def label_from_instance(self, obj):
        return studio_label(obj)


class CaseStatisticsForm(Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    studio = StudioChoiceField(label=_("Studio"), required=False, queryset=Studio.objects.none(), empty_label=ALL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios_to_pick()


class RegistryLookupForm(Form):
    """One number looked up at intake (the intake page posts it with the rest of the form)."""

    lookup = forms.ChoiceField(choices=[(p, p) for p in INTAKE_LOOKUP_PARTIES])
    number = forms.CharField(label=_("Mobile or ID number"), max_length=30, required=False)


# --- the case file (卷宗) -----------------------------------------------------------------------------------------

CASE_FILE_FORMATS = (("pdf", _("Case file (PDF)")), ("zip", _("Attachments (ZIP)")))


class CaseFileForm(Form):
    """Who the case file is for (the archive or one party) and which file; a reason when an admin opens it."""

    recipient = forms.ChoiceField(
        label=pgettext_lazy("case file", "For"),
        error_messages={
            "invalid_choice": _("Choose who the case file is for: the studio's archive or one of the case's parties."),
            "required": _("Choose who the case file is for: the studio's archive or one of the case's parties."),
        },
    )
    format = forms.ChoiceField(label=_("File"), choices=CASE_FILE_FORMATS, initial="pdf")
    reason = forms.CharField(label=_("Reason for opening the case file"), max_length=REASON_MAX_LENGTH, required=False)

    def __init__(self, *args, parties=(), needs_reason: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        archive = [("archive", _("The studio's archive"))]
        self.fields["recipient"].choices = archive + [(str(p.pk), f"{p.get_role_display()} {p.name}") for p in parties]
        self.parties = {str(p.pk): p for p in parties}
        self.needs_reason = needs_reason
        if not needs_reason:
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        if self.needs_reason and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for opening this case file; it is kept in the audit log."))
        return data

    def recipient_value(self):
        value = self.cleaned_data["recipient"]
        return self.parties.get(value, "archive")
