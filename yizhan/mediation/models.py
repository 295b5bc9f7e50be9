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

from yizhan.accounts.models import validate_mobile
from yizhan.accounts.roles import Role as AccountRole
from yizhan.core.fields import BlindIndexField, EncryptedField, SensitiveFieldsMixin
from yizhan.core.permissions import is_admin_over
from yizhan.core.scoping import Scope, ScopedModel, ScopeRule, scope_for_user
from yizhan.stations.models import ContactBase, InPlace, LookupType, PlaceBase, Station

from .permissions import can_edit_studio, can_work_on_case

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
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
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


class InStudioCases(ScopeRule):
    """Cases (``prefix=""``) or rows of a case (``prefix="case"``): federation admins under the studio's region, the
    mediators of the studio, and advisors only on the cases they are members of."""

    def __init__(self, prefix: str = ""):
        self.prefix = f"{prefix}__" if prefix else ""
        self.region_path = f"{self.prefix}studio__region__code"

    def q(self, scope: Scope) -> Q:
        if scope.is_anonymous:
            return Q(pk__in=[])
        p = self.prefix
        q = scope.region_q(f"{p}studio__region__code", include_member=False)
        studios = sorted(scope.place_ids("studio"))
        if not studios:
            return q
        mediator_villages = sorted(scope.regions_for(AccountRole.MEDIATOR))
        if mediator_villages:
            q |= Q(**{f"{p}studio_id__in": studios, f"{p}studio__region__code__in": mediator_villages})
        on_cases = CaseMember.all_objects.filter(member__user_id=scope.user_id, case__studio_id__in=studios)
        q |= Q(**{f"{p}pk__in" if not p else f"{p}id__in": on_cases.values("case_id")})
        return q


class Case(ScopedModel, SensitiveFieldsMixin):
    """A mediation case (调解案件) of a studio, from intake to its outcome."""

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
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
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
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
        indexes = [models.Index(fields=["studio", "status"], name="case_studio_status")]

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
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
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
        CONFIRMED = "confirmed", _("Confirmed")
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
    notes = EncryptedField(_("notes"), kind="text", blank=True)
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
