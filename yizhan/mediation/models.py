"""Family mediation studios (婚姻家庭纠纷调解工作室), their joint-mediation teams and contacts, and their cases.

A studio is a place like a station (``stations.models.PlaceBase``) and may share premises with the station of its
village. Scoping (yizhan/core/scoping.py): federation admins see the studios under their region; mediators and
advisors see their studio (``scope.place_ids("studio")``); the anonymous scope (public pages) sees operating
studios marked public, and only their public contacts.

Cases (``InStudioCases``): federation admins see the cases of the studios under their region; the mediators of a
studio see its cases; advisors (lawyer, counsellor, social worker, shared-court liaison) see only the cases they are
put on (``CaseMember``). Nobody else, and never the public.
"""

import string
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.accounts.models import validate_mobile
from yizhan.accounts.roles import Role as AccountRole
from yizhan.core.fields import BlindIndexField, EncryptedField, SensitiveFieldsMixin
from yizhan.core.permissions import is_admin_over
from yizhan.core.scoping import Scope, ScopedModel, ScopeRule, scope_for_user
from yizhan.stations.models import ContactBase, InPlace, LookupType, PlaceBase, Station

from .permissions import can_edit_studio, can_work_on_case, is_studio_mediator

DEFAULT_CASE_NUMBER_FORMAT = "（{year}）调字第 {seq:03d} 号"
DEFAULT_CASE_TIME_LIMIT_DAYS = 30  # People's Mediation Law practice: one month from acceptance


def validate_case_number_format(value: str) -> None:
    """A studio's case number format names the year and the sequence number, and nothing else."""
    message = _("Use {year} and {seq} (e.g. {seq:03d}) in the format, and no other braces.")
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(value) if name is not None}
        value.format(year=2026, seq=1)
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        raise ValidationError(message) from exc
    if names != {"year", "seq"}:
        raise ValidationError(message)


class Studio(PlaceBase):
    """A marriage and family dispute mediation studio (婚姻家庭纠纷调解工作室)."""

    shared_station = models.ForeignKey(
        Station,
        verbose_name=_("shares premises with station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studios",
    )

    case_number_format = models.CharField(
        _("case number format"),
        max_length=60,
        default=DEFAULT_CASE_NUMBER_FORMAT,
        validators=[validate_case_number_format],
        help_text=_("For example （{year}）瓜东调字第 {seq:03d} 号: the year and a number counted per year."),
    )
    case_time_limit_days = models.PositiveSmallIntegerField(
        _("time limit of a case (days)"),
        default=DEFAULT_CASE_TIME_LIMIT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("From acceptance; one month by default."),
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        _("repeat-dispute window (days)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("A new case is flagged as a repeat dispute when a party had another case within this period."),
    )

    scoped_by = InPlace("studio")

    class Meta:
        verbose_name = _("mediation studio")
        verbose_name_plural = _("mediation studios")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="studio_unique_name_per_village")]

    def get_absolute_url(self) -> str:
        return reverse("mediation:studio_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.shared_station_id and self.shared_station.region_id != self.region_id:
            raise ValidationError(
                {"shared_station": _("A studio can only share premises with a station of its village.")}
            )


class StudioMember(ScopedModel):
    """A member of a studio's team: a mediator (some may lead) or a partner advisor with their organisation."""

    class Kind(models.TextChoices):
        MEDIATOR = "mediator", _("Mediator")
        LAWYER = "lawyer", _("Lawyer")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        COUNSELLOR = "counsellor", _("Psychological counsellor")
        COURT_LIAISON = "court_liaison", _("Shared-court liaison")

    ORGANISATION_KINDS = {
        Kind.LAWYER: _("law firm"),
        Kind.SOCIAL_WORKER: _("social-work studio"),
        Kind.COUNSELLOR: _("counselling corner"),
        Kind.COURT_LIAISON: _("shared court"),
    }

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="studio_memberships"
    )
    kind = models.CharField(pgettext_lazy("member", "kind"), max_length=20, choices=Kind.choices)
    can_lead = models.BooleanField(_("can lead a mediation"), default=False)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    scoped_by = InPlace("studio", "studio")

    class Meta:
        verbose_name = _("studio team member")
        verbose_name_plural = _("studio team")
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["studio", "user", "kind"], name="studio_member_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user.name}"

    @property
    def is_advisor(self) -> bool:
        return self.kind != self.Kind.MEDIATOR

    def clean(self):
        if self.can_lead and self.kind != self.Kind.MEDIATOR:
            raise ValidationError({"can_lead": _("Only mediators can lead a mediation.")})
        if self.is_advisor and not (self.organisation or "").strip():
            raise ValidationError({"organisation": _("Give the advisor's organisation.")})


class StudioContact(ContactBase):
    """A person to contact at a studio."""

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="contacts")

    place_field = "studio"
    place_rule = can_edit_studio
    # The studio's; the public sees only the contacts marked public of public studios.
    scoped_by = InPlace("studio", "studio", public=ContactBase.PUBLIC)

    class Meta(ContactBase.Meta):
        verbose_name = _("studio contact")
        verbose_name_plural = _("studio contacts")


# --- cases ------------------------------------------------------------------------------------------------------


class DisputeType(LookupType):
    """A kind of family dispute (离婚, 抚养, 赡养 …): reference data, loaded by a data migration."""

    class Meta(LookupType.Meta):
        verbose_name = _("dispute type")
        verbose_name_plural = _("dispute types")


class StudioMediators(ScopeRule):
    """Rows of a studio that its mediators and the federation admins over it see — not its advisors, not the public
    (online requests for mediation). ``prefix``: the path from the row to what has the ``studio`` ("case" for a row
    of a case; "" when the row has ``studio`` itself). ``InStudioCases`` adds the advisors on each case."""

    def __init__(self, prefix: str = ""):
        self.prefix = f"{prefix}__" if prefix else ""
        self.region_path = f"{self.prefix}studio__region__code"

    def q(self, scope: Scope) -> Q:
        if scope.is_anonymous:
            return Q(pk__in=[])
        p = self.prefix
        q = scope.region_q(f"{p}studio__region__code", include_member=False)
        studios = sorted(scope.place_ids("studio"))
        mediator_villages = sorted(scope.regions_for(AccountRole.MEDIATOR))
        if studios and mediator_villages:
            q |= Q(**{f"{p}studio_id__in": studios, f"{p}studio__region__code__in": mediator_villages})
        return q


class InStudioCases(StudioMediators):
    """Cases (``prefix=""``) or rows of a case (``prefix="case"``): federation admins under the studio's region, the
    mediators of the studio, and advisors only on the cases they are members of."""

    def q(self, scope: Scope) -> Q:
        q = super().q(scope)
        studios = sorted(scope.place_ids("studio"))
        if scope.is_anonymous or not studios:
            return q
        on_cases = CaseMember.all_objects.filter(member__user_id=scope.user_id, case__studio_id__in=studios)
        return q | Q(**{f"{self.prefix}id__in" if self.prefix else "pk__in": on_cases.values("case_id")})


class Case(ScopedModel, SensitiveFieldsMixin):
    """A mediation case (调解案件) of a studio, from intake to its outcome."""

    class Source(models.TextChoices):
        WALK_IN = "walk_in", pgettext_lazy("case source", "Walk-in")
        HOTLINE = "hotline_12338", _("Hotline 12338")
        GRID_WORKER = "grid_worker", _("Grid worker")
        POLICE = "police", _("Police referral")
        COURT = "court", _("Court referral")
        CARE_VISIT = "care_visit", _("Station care visit")
        ONLINE = "online", _("Online request")

    class Status(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ACCEPTED = "accepted", _("Accepted")
        AGREEMENT = "agreement", _("Agreement reached")
        NO_AGREEMENT = "no_agreement", _("No agreement")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    class AgreementForm(models.TextChoices):
        WRITTEN = "written", _("Written agreement")
        ORAL = "oral", _("Oral agreement (recorded)")

    CLOSED = (Status.AGREEMENT, Status.NO_AGREEMENT, Status.WITHDRAWN, Status.NOT_ACCEPTED)
    OPEN = (Status.INTAKE, Status.ACCEPTED)

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=80)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    dispute_type = models.ForeignKey(
        DisputeType, verbose_name=_("dispute type"), on_delete=models.PROTECT, related_name="cases"
    )
    narrative = EncryptedField(_("what the dispute is about"), kind="text")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTAKE)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    willingness_recorded = models.BooleanField(_("both parties agree to mediation"), default=False)
    notice_given = models.BooleanField(_("notice of rights and duties given"), default=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (days)"),
        default=DEFAULT_CASE_TIME_LIMIT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    closed_at = models.DateTimeField(pgettext_lazy("case", "closed"), null=True, blank=True)
    agreement_form = models.CharField(_("form of the agreement"), max_length=10, choices=AgreementForm, blank=True)
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)
    referral = models.CharField(_("referred to"), max_length=200, blank=True)
    advice = models.CharField(_("advice on arbitration or litigation"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken in by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    scoped_by = InStudioCases()

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-year", "-sequence", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "year", "sequence"], name="case_unique_sequence"),
            models.UniqueConstraint(fields=["studio", "number"], name="case_unique_number"),
        ]
        indexes = [
            models.Index(fields=["studio", "status"], name="case_studio_status"),
            # The case list's order: a wide scope's page is read along it instead of sorting every case in scope.
            models.Index(fields=["year", "sequence", "id"], name="case_list_order"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("mediation:case_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def deadline(self):
        """The last day of the time limit, counted from acceptance (None before)."""
        if self.accepted_at is None:
            return None
        return timezone.localdate(self.accepted_at) + timedelta(days=self.time_limit_days)

    @property
    def is_overdue(self) -> bool:
        deadline = self.deadline
        return self.status == self.Status.ACCEPTED and deadline is not None and timezone.localdate() > deadline

    def shows_narrative(self, scope: Scope, team_user_ids) -> bool:
        """The narrative is the team's working material: the studio's mediators and the members of the case see
        it; admins overseeing the studio open it only with a reason (``can_reveal``, audited)."""
        return can_work_on_case(scope, self) or scope.user_id in team_user_ids

    def can_reveal(self, user, field_name: str) -> bool:
        return field_name == "narrative" and is_admin_over(scope_for_user(user), self.studio.region)


class CaseParty(ScopedModel, SensitiveFieldsMixin):
    """A party to a case (当事人): linked to the people registry or entered with a name and a mobile number."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        OTHER = "other", _("Other party")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(pgettext_lazy("party", "role"), max_length=12, choices=Role.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediation_parties",
    )
    name = models.CharField(_("name"), max_length=100)
    mobile = EncryptedField(_("mobile number"), kind="mobile", blank=True, validators=[validate_mobile])
    mobile_index = BlindIndexField(source="mobile")
    relation = models.CharField(_("relation to the other parties"), max_length=50, blank=True)

    scoped_by = InStudioCases("case")
    audit_via = ("case",)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "role", "id"]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    def can_reveal(self, user, field_name: str) -> bool:
        scope = scope_for_user(user)
        return field_name == "mobile" and (
            can_work_on_case(scope, self.case) or is_admin_over(scope, self.case.studio.region)
        )


class CaseMember(ScopedModel):
    """A member of a case's team (团队联调): the lead mediator and the advisors put on it, from the studio's roster."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead mediator")
        MEDIATOR = "mediator", _("Mediator")
        ADVISOR = "advisor", _("Advisor")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="team")
    member = models.ForeignKey(
        StudioMember, verbose_name=_("team member"), on_delete=models.PROTECT, related_name="case_memberships"
    )
    role = models.CharField(_("role on the case"), max_length=10, choices=Role.choices)
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    scoped_by = InStudioCases("case")
    audit_via = ("case",)

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team")
        ordering = ["case", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "member"], name="case_member_unique")]

    def __str__(self):
        return f"{self.get_role_display()} {self.member.user.name}"


class CaseNumberCounter(ScopedModel):
    """The last case number given by a studio in a year. Raised by one conditional UPDATE inside the intake's
    transaction, so numbers are unique and gapless: concurrent intakes wait for each other on the row (PostgreSQL)
    or on the write lock (SQLite, transactions begin IMMEDIATE), and a failed intake gives its number back."""

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    scoped_by = InPlace("studio", "studio", public=Q(pk__in=[]))

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="case_counter_unique")]


# --- outcomes (issue 11: agreement, judicial confirmation, time limit, follow-ups) ----------------------------------


class Agreement(ScopedModel, SensitiveFieldsMixin):
    """A version of a case's 人民调解协议书 (People's Mediation Law art. 29). Its content is kept encrypted; once the
    signed scan is uploaded it is locked and takes effect on the day it was signed (art. 29: signed or fingerprinted
    by the parties, signed by the mediator and sealed by the committee); a change then needs a new version, and the
    old versions are kept."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="agreements")
    revision = models.PositiveSmallIntegerField(_("version of the agreement"), default=1)
    facts = EncryptedField(_("main facts of the dispute"), kind="text", blank=True)
    matters = EncryptedField(_("disputed matters"), kind="text", blank=True)
    responsibilities = EncryptedField(_("each party's responsibility"), kind="text", blank=True)
    terms = EncryptedField(_("agreed terms"), kind="text", blank=True)
    performance = EncryptedField(_("how the terms are performed"), kind="text", blank=True)
    perform_by = models.DateField(_("performed by"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("number of copies"), null=True, blank=True)
    signed_on = models.DateField(_("signed (takes effect) on"), null=True, blank=True)
    scan = models.CharField(_("signed scan"), max_length=255, blank=True)
    scan_content_type = models.CharField(_("type of the scan"), max_length=30, blank=True)
    scan_uploaded_at = models.DateTimeField(_("scan uploaded"), null=True, blank=True)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scan uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("replaced by a new version"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        ordering = ["case", "-revision"]
        constraints = [models.UniqueConstraint(fields=["case", "revision"], name="agreement_unique_revision")]

    def __str__(self):
        return f"{self.case.number} · {self.revision}"

    @property
    def is_locked(self) -> bool:
        return bool(self.scan)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def confirmation_last_day(self):
        """The last day the parties may apply for judicial confirmation (art. 33: within 30 days of effect)."""
        return self.signed_on + timedelta(days=CONFIRMATION_DAYS) if self.signed_on else None


CONFIRMATION_DAYS = 30  # People's Mediation Law art. 33


class AgreementParty(ScopedModel, SensitiveFieldsMixin):
    """A party's basic details as the agreement prints them: name, gender, age, address (as far as the parties want
    it printed; the village or community is enough) and relation. Mobile and ID numbers are never printed."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="party_details"
    )
    party = models.ForeignKey(CaseParty, verbose_name=_("party"), on_delete=models.CASCADE, related_name="+")
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(130)]
    )
    address = EncryptedField(_("address"), kind="address", blank=True)

    scoped_by = InStudioCases("agreement__case")
    audit_via = ("agreement",)

    class Meta:
        verbose_name = _("party in an agreement")
        verbose_name_plural = _("parties in an agreement")
        ordering = ["agreement", "party__role", "party_id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="agreement_party_unique")]


class JudicialConfirmation(ScopedModel):
    """The parties' joint application to the court (through the community's 共享法庭) to confirm an agreement
    (art. 33), and the court's decision with its ruling number (调确字)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for the court")
        CONFIRMED = "confirmed", pgettext_lazy("court decision", "Confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="confirmations")
    agreement = models.OneToOneField(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="confirmation"
    )
    applied_on = models.DateField(_("applied on"))
    court = models.CharField(_("court"), max_length=100)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    ruling_number = models.CharField(_("ruling number"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("judicial confirmation")
        verbose_name_plural = _("judicial confirmations")
        ordering = ["case", "-applied_on", "-id"]

    def __str__(self):
        return f"{self.case.number} · {self.court}"


class CaseExtension(ScopedModel):
    """An extension of a case's time limit, with the consent of every party (who, when, the new deadline, why)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField(_("deadline before"))
    new_deadline = models.DateField(_("new deadline"))
    reason = models.CharField(_("reason"), max_length=500)
    consented_on = models.DateField(_("parties consented on"))
    consenting_parties = models.ManyToManyField(CaseParty, verbose_name=_("parties who consented"), related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("extension of the time limit")
        verbose_name_plural = _("extensions of the time limit")
        ordering = ["case", "recorded_at", "id"]

    def __str__(self):
        return f"{self.case.number} → {self.new_deadline.isoformat()}"


class FollowUp(ScopedModel, SensitiveFieldsMixin):
    """A follow-up visit (回访) after an agreement: planned automatically, then recorded (when, by whom, whether the
    agreement is performed, satisfaction, signs of escalation, notes kept encrypted). A failed performance can reopen
    the case or record a referral to court."""

    class Performance(models.TextChoices):
        FULL = "full", _("Fully performed")
        PARTIAL = "partial", _("Partly performed")
        NONE = "none", _("Not performed")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    class Action(models.TextChoices):
        NONE = "", _("No further step")
        REOPENED = "reopened", _("Case reopened")
        COURT = "court", _("Referred to court")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"))
    performed_on = models.DateField(_("visited on"), null=True, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    performance = models.CharField(_("performance"), max_length=10, choices=Performance.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    escalation = models.BooleanField(_("signs of escalation"), default=False)
    notes = EncryptedField(pgettext_lazy("follow-up", "notes"), kind="text", blank=True)
    action = models.CharField(_("further step"), max_length=10, choices=Action.choices, blank=True)
    action_reason = models.CharField(_("reason for the step"), max_length=500, blank=True)
    referral = models.CharField(_("referred to"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["case", "due_on", "id"]

    def __str__(self):
        return f"{self.case.number} · {self.due_on.isoformat()}"

    @property
    def is_done(self) -> bool:
        return self.performed_on is not None

    def can_reveal(self, user, field_name: str) -> bool:
        return field_name == "notes" and is_admin_over(scope_for_user(user), self.case.studio.region)


class CaseAlert(ScopedModel):
    """A sent-marker: an alert of one kind about one case (and one deadline or agreement) was sent. Alert tasks
    create it in the same transaction as their notifications, so a task run twice alerts once."""

    class Kind(models.TextChoices):
        DEADLINE_SOON = "deadline_soon", _("Time limit ends soon")
        OVERDUE = "overdue", _("Time limit passed")
        CONFIRMATION = "confirmation", _("Judicial confirmation window closes soon")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("for"), max_length=40)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("case alert")
        verbose_name_plural = _("case alerts")
        constraints = [models.UniqueConstraint(fields=["case", "kind", "key"], name="case_alert_unique")]


# --- risk screening, safety steps, sessions, recusal, appointments (issue 11, safety slice) -------------------------


class RiskLevel(models.TextChoices):
    """The Zhejiang colour practice for domestic-violence risk, highest first; white is no risk found."""

    RED = "red", _("Red (high risk)")
    ORANGE = "orange", _("Orange (elevated risk)")
    YELLOW = "yellow", _("Yellow (some risk)")
    BLUE = "blue", _("Blue (low risk)")
    WHITE = "white", _("White (no risk found)")


RISK_LEVEL_RANK = {RiskLevel.WHITE: 0, RiskLevel.BLUE: 1, RiskLevel.YELLOW: 2, RiskLevel.ORANGE: 3, RiskLevel.RED: 4}
BLOCKING_LEVELS = (RiskLevel.RED, RiskLevel.ORANGE)


class RiskItem(LookupType):
    """A question of the domestic-violence risk screening with its weight (reference data, ``reference.py``).
    A critical item forces at least ``forces_level`` whatever the score; an item that says a child or a person
    without capacity is at risk opens a mandatory report (Anti-Domestic Violence Law art. 14)."""

    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MaxValueValidator(100)])
    forces_level = models.CharField(
        _("forces at least the level"),
        max_length=10,
        choices=[(RiskLevel.RED, RiskLevel.RED.label), (RiskLevel.ORANGE, RiskLevel.ORANGE.label)],
        blank=True,
    )
    opens_mandatory_report = models.BooleanField(_("opens a mandatory report"), default=False)

    class Meta(LookupType.Meta):
        verbose_name = _("risk screening item")
        verbose_name_plural = _("risk screening items")


class RiskBand(models.Model):
    """The lowest score of a risk level (reference data): a screening's level is the highest band its score reaches."""

    level = models.CharField(pgettext_lazy("risk", "level"), max_length=10, choices=RiskLevel.choices, unique=True)
    min_score = models.PositiveSmallIntegerField(_("lowest score"), validators=[MaxValueValidator(1000)])

    class Meta:
        verbose_name = _("risk level band")
        verbose_name_plural = _("risk level bands")
        ordering = ["-min_score"]

    def __str__(self):
        return f"{self.get_level_display()} ≥ {self.min_score}"


class RiskScreening(ScopedModel, SensitiveFieldsMixin):
    """A domestic-violence risk screening of a case, at intake or later. The level and score are in clear (they
    decide what may be scheduled); the answers and the note are encrypted: the studio's mediators and the case team
    read them, admins over the studio only through the audited reveal."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="screenings")
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    answers = EncryptedField(_("answers"), kind="text")  # JSON list of the codes of the items answered yes
    note = EncryptedField(_("note"), kind="text", blank=True)
    opens_mandatory_report = models.BooleanField(_("a child or a person without capacity is at risk"), default=False)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("screened by"), on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened"), default=timezone.now)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("risk screening")
        verbose_name_plural = _("risk screenings")
        ordering = ["-screened_at", "-id"]

    def __str__(self):
        return f"{self.case} · {self.get_level_display()}"

    @property
    def blocks_joint_sessions(self) -> bool:
        return self.level in BLOCKING_LEVELS

    def can_reveal(self, user, field_name: str) -> bool:
        return field_name in ("answers", "note") and is_admin_over(scope_for_user(user), self.case.studio.region)


class JointSessionOverride(ScopedModel):
    """A town admin's decision to allow joint sessions despite a red or orange screening (reason kept, audited).
    It holds for that screening only: a new screening at red or orange needs a new decision."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="joint_overrides")
    screening = models.ForeignKey(
        RiskScreening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="overrides"
    )
    reason = EncryptedField(_("reason"), kind="text")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("joint-session override")
        verbose_name_plural = _("joint-session overrides")
        ordering = ["-granted_at", "-id"]


class PoliceReferral(ScopedModel):
    """A referral of the case to the police (公安派出所), opened by a screening."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="police_referrals")
    referred_at = models.DateTimeField(_("referred"))
    station = models.CharField(_("police station"), max_length=100)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    note = EncryptedField(_("note"), kind="text", blank=True)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("police referral")
        verbose_name_plural = _("police referrals")
        ordering = ["-referred_at", "-id"]


PROTECTION_ORDER_MAX_MONTHS = 6  # Anti-Domestic Violence Law art. 30
PROTECTION_ORDER_RULING_HOURS = 72  # art. 28: within 72 hours, 24 in urgent cases
PROTECTION_ORDER_URGENT_RULING_HOURS = 24
PROTECTION_ORDER_ALERT_DAYS = 7  # the lead mediator and the town admin are told a week before an order expires


class ProtectionOrder(ScopedModel):
    """Help with a personal safety protection order (人身安全保护令; the federation may apply for the victim,
    Anti-Domestic Violence Law art. 23): the application, the court's ruling and the order's expiry."""

    class Ruling(models.TextChoices):
        PENDING = "pending", _("Awaiting the ruling")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="protection_orders")
    protected_party = models.ForeignKey(
        CaseParty, verbose_name=_("for"), on_delete=models.PROTECT, related_name="protection_orders"
    )
    applied_at = models.DateTimeField(_("applied"))
    court = models.CharField(_("court"), max_length=100)
    urgent = models.BooleanField(_("urgent (ruling within 24 hours)"), default=False)
    ruling = models.CharField(_("ruling"), max_length=10, choices=Ruling.choices, default=Ruling.PENDING)
    ruling_on = models.DateField(_("ruling date"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("protection order")
        verbose_name_plural = _("protection orders")
        ordering = ["-applied_at", "-id"]

    @property
    def ruling_due_at(self):
        hours = PROTECTION_ORDER_URGENT_RULING_HOURS if self.urgent else PROTECTION_ORDER_RULING_HOURS
        return self.applied_at + timedelta(hours=hours)

    @property
    def ruling_overdue(self) -> bool:
        return self.ruling == self.Ruling.PENDING and timezone.now() > self.ruling_due_at

    @property
    def is_in_force(self) -> bool:
        return (
            self.ruling == self.Ruling.GRANTED
            and self.expires_on is not None
            and timezone.localdate() <= self.expires_on
        )


class MandatoryReport(ScopedModel):
    """A mandatory report (强制报告, Anti-Domestic Violence Law art. 14): opened when a child or a person without
    capacity is at risk (a screening item, or flagged by hand). Until it is recorded as made (to whom, when, by
    whom), the case cannot proceed: no acceptance, no sessions, no closing."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="mandatory_reports")
    screening = models.ForeignKey(
        RiskScreening, verbose_name=_("screening"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grounds = EncryptedField(_("grounds"), kind="text")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    reported_to = models.CharField(_("reported to"), max_length=100, blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("mandatory report")
        verbose_name_plural = _("mandatory reports")
        ordering = ["-opened_at", "-id"]

    @property
    def is_pending(self) -> bool:
        return self.reported_at is None


class CaseSession(ScopedModel, SensitiveFieldsMixin):
    """A mediation session: separate (背对背, one party heard) or joint (面对面). The record is encrypted. What a
    party says in a separate session is confidential to that party unless their consent to share it is recorded;
    ``selectors_safety.session_records_for`` is the one place that decides who may read which record."""

    class Kind(models.TextChoices):
        SEPARATE = "separate", _("Separate (背对背)")
        JOINT = "joint", _("Joint (面对面)")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("date and time"))
    room = models.ForeignKey(
        "stations.Room", verbose_name=_("room"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    heard_party = models.ForeignKey(
        CaseParty,
        verbose_name=_("party heard (separate session)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="separate_sessions",
    )
    parties = models.ManyToManyField(CaseParty, verbose_name=_("parties present"), related_name="sessions")
    team = models.ManyToManyField(StudioMember, verbose_name=_("team members present"), related_name="+")
    record = EncryptedField(_("record"), kind="text", blank=True)
    shared_consent_at = models.DateTimeField(_("party consented to share"), null=True, blank=True)
    shared_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override = models.ForeignKey(
        JointSessionOverride,
        verbose_name=_("allowed by override"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()} {self.starts_at:%Y-%m-%d}"

    @property
    def is_confidential(self) -> bool:
        """A separate session's record stays with the party heard until that party consents to share it."""
        return self.kind == self.Kind.SEPARATE and self.shared_consent_at is None

    def can_reveal(self, user, field_name: str) -> bool:
        return field_name == "record" and is_admin_over(scope_for_user(user), self.case.studio.region)


class Recusal(ScopedModel):
    """A party's request that a team member step aside (回避), decided by the lead mediator or the town admin.
    A granted recusal takes the member off the case (and so out of its scope)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(
        StudioMember, verbose_name=_("team member"), on_delete=models.PROTECT, related_name="recusals"
    )
    requested_by = models.ForeignKey(
        CaseParty, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="recusals"
    )
    reason = EncryptedField(_("reason"), kind="text")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = EncryptedField(_("grounds of the decision"), kind="text", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    scoped_by = InStudioCases("case")

    class Meta:
        verbose_name = _("recusal request")
        verbose_name_plural = _("recusal requests")
        ordering = ["-requested_at", "-id"]


class InStudioAppointments(ScopeRule):
    """Appointments of a studio: admins under its region, the studio's mediators, and the team member whose
    appointment it is (an advisor sees only their own)."""

    region_path = "studio__region__code"

    def q(self, scope: Scope) -> Q:
        if scope.is_anonymous:
            return Q(pk__in=[])
        q = scope.region_q("studio__region__code", include_member=False)
        studios = sorted(scope.place_ids("studio"))
        if not studios:
            return q
        mediator_villages = sorted(scope.regions_for(AccountRole.MEDIATOR))
        if mediator_villages:
            q |= Q(studio_id__in=studios, studio__region__code__in=mediator_villages)
        return q | Q(studio_id__in=studios, member__user_id=scope.user_id)


class Appointment(ScopedModel, SensitiveFieldsMixin):
    """An appointment for legal advice or counselling with a studio team member, for a case or for anyone who asks."""

    class Topic(models.TextChoices):
        LEGAL = "legal", _("Legal advice")
        COUNSELLING = "counselling", _("Counselling")
        FAMILY = "family", _("Family relations advice")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not come")

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="appointments")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE, related_name="appointments"
    )
    member = models.ForeignKey(
        StudioMember, verbose_name=_("with"), on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("date and time"))
    person_name = models.CharField(_("name"), max_length=100)
    mobile = EncryptedField(_("mobile number"), kind="mobile", blank=True, validators=[validate_mobile])
    mobile_index = BlindIndexField(source="mobile")
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    scoped_by = InStudioAppointments()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]

    def can_reveal(self, user, field_name: str) -> bool:
        scope = scope_for_user(user)
        return field_name == "mobile" and (
            scope.user_id == self.member.user_id
            or is_studio_mediator(scope, self.studio)
            or is_admin_over(scope, self.studio.region)
        )


class OnlineRequest(ScopedModel, SensitiveFieldsMixin):
    """A resident's request for mediation sent from the studio's public page (no account). The studio's mediators
    take it in as a case (source "online request", a case number only then) or decline it with a reason."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TAKEN_IN = "taken_in", _("Taken in as a case")
        DECLINED = "declined", pgettext_lazy("online request", "Declined")

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.PROTECT, related_name="requests")
    name = models.CharField(_("name"), max_length=50)
    mobile = EncryptedField(_("mobile number"), kind="mobile", validators=[validate_mobile])
    mobile_index = BlindIndexField(source="mobile")
    dispute_type = models.ForeignKey(
        DisputeType, verbose_name=_("dispute type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = EncryptedField(_("what the dispute is about"), kind="text")
    contact_time = models.CharField(_("when to call"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="online_request"
    )
    decline_reason = models.CharField(_("why it was declined"), max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    scoped_by = StudioMediators()

    class Meta:
        verbose_name = _("online request for mediation")
        verbose_name_plural = _("online requests for mediation")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["studio", "status", "created_at"], name="online_request_queue")]

    def __str__(self):
        return f"{self.name} · {self.created_at:%Y-%m-%d}"

    def can_reveal(self, user, field_name: str) -> bool:
        """The number: the studio's mediators (to call back) and the admins over it; the account of the dispute,
        which the mediators read in clear: the admins over the studio, with a reason."""
        if not user.is_authenticated:
            return False
        scope = scope_for_user(user)
        if field_name == "mobile":
            return is_studio_mediator(scope, self.studio) or is_admin_over(scope, self.studio.region)
        return field_name == "description" and is_admin_over(scope, self.studio.region)
