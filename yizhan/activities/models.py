"""Activities of a station and the people registered for them (DESIGN.md §3.2).

Scoping (yizhan/core/scoping.py): an activity is a row of its station (``InPlace``): federation admins over the
station's region and the station's managers see it; the public (anonymous scope) sees published and completed
activities open to the public of operating public stations. Registrations are personal data: the station's staff
and admins only, never the public.

Capacity: ``confirmed_count`` counts the confirmed registrations and never exceeds ``seats`` (a check constraint);
the services change it only with conditional UPDATEs on the activity row, which is also the lock that serialises
sign-ups (``services.registrations``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.accounts.models import Role, validate_mobile
from yizhan.core.fields import BlindIndexField, EncryptedField, SensitiveFieldsMixin
from yizhan.core.masking import mask
from yizhan.core.scoping import OwnedBy, Scope, ScopedModel, ScopeRule
from yizhan.people.models import Person, TargetGroup
from yizhan.stations.models import MAX_ROOM_CAPACITY, BrandItem, InPlace, Room, ServiceLine, Station

MAX_SEATS = MAX_ROOM_CAPACITY
TITLE_MAX = 100
DESCRIPTION_MAX = 4000
REASON_MAX = 500


class Audience(models.TextChoices):
    PUBLIC = "public", _("Open to the public")
    VILLAGE = "village", _("Residents of the village")
    INVITED = "invited", _("Invited only")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(frozen=True)
class Cover:
    """An activity's cover photo: the stored image, its JPEG thumbnail and the image's content type."""

    image: str
    thumbnail: str
    content_type: str


class Activity(ScopedModel):
    """An activity of a station: planned as a draft, published for sign-up, then completed — or cancelled."""

    Status = ActivityStatus

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    service_lines = models.ManyToManyField(
        ServiceLine, verbose_name=_("service lines"), blank=True, related_name="activities"
    )
    brand_item = models.ForeignKey(
        BrandItem,
        verbose_name=_("brand item (X)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="activities"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)])
    signup_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(
        _("sign-up closes"), null=True, blank=True, help_text=_("Empty: sign-up closes when the activity starts.")
    )
    children_need_guardian = models.BooleanField(_("children must come with a guardian"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=REASON_MAX, blank=True)
    confirmed_count = models.PositiveIntegerField(pgettext_lazy("registration", "confirmed"), default=0, editable=False)
    registration_seq = models.PositiveIntegerField(_("registrations so far"), default=0, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    series = models.ForeignKey(
        "ActivitySeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    # the cover photo (core/images.py: validated, re-encoded without metadata, with a JPEG thumbnail); blank when none
    cover_image = models.CharField(_("cover photo"), max_length=255, blank=True)
    cover_thumbnail = models.CharField(_("cover thumbnail"), max_length=255, blank=True)
    cover_content_type = models.CharField(_("cover content type"), max_length=30, blank=True)

    scoped_by = InPlace(
        "station",
        "station",
        public=Q(status__in=[ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED], audience=Audience.PUBLIC),
    )
    waitlisted_count: int  # not a column: set on a list page's rows by ``selectors.with_waitlist_counts``

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["station", "starts_at"], name="activity_station_start"),
            # the lists' order, read backwards from the newest: a page stops after its rows instead of sorting them all
            models.Index(fields=["starts_at", "id"], name="activity_start_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="activity_seats_positive"),
            models.CheckConstraint(condition=Q(confirmed_count__lte=F("seats")), name="activity_never_overbooked"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def cover(self) -> Cover | None:
        """The stored cover photo, shaped as a photo for ``stations.views.serve_photo``; None when there is none."""
        if not self.cover_image:
            return None
        return Cover(self.cover_image, self.cover_thumbnail, self.cover_content_type)

    @property
    def is_open_for_changes(self) -> bool:
        return self.status in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED)

    @property
    def signup_closes(self):
        """When sign-up closes: the end of the window, or the start of the activity."""
        return self.signup_closes_at or self.starts_at

    @property
    def seats_left(self) -> int:
        return max(0, self.seats - self.confirmed_count)

    def clean(self):
        errors: dict[str, list] = {}
        if not (self.title or "").strip():
            errors.setdefault("title", []).append(_("Enter a title."))
        if len(self.description or "") > DESCRIPTION_MAX:
            errors.setdefault("description", []).append(_("Use at most %(max)s characters.") % {"max": DESCRIPTION_MAX})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(_("The activity must end after it starts."))
        if self.seats is not None and self.seats < 1:
            errors.setdefault("seats", []).append(_("An activity needs at least one seat."))
        if self.station_id and self.room_id:
            if self.room.station_id != self.station_id:
                errors.setdefault("room", []).append(_("Choose a room of this station."))
            elif self.room.capacity is not None and self.seats and self.seats > self.room.capacity:
                errors.setdefault("seats", []).append(
                    _("The room %(room)s holds %(capacity)s people: offer at most that many seats.")
                    % {"room": self.room.name, "capacity": self.room.capacity}
                )
        if self.station_id and self.brand_item_id and self.brand_item.station_id != self.station_id:
            errors.setdefault("brand_item", []).append(_("Choose a brand item of this station."))
        if self.signup_opens_at and self.signup_closes_at and self.signup_closes_at <= self.signup_opens_at:
            errors.setdefault("signup_closes_at", []).append(_("Sign-up must close after it opens."))
        if self.signup_closes_at and self.ends_at and self.signup_closes_at > self.ends_at:
            errors.setdefault("signup_closes_at", []).append(_("Sign-up must close before the activity ends."))
        if self.signup_opens_at and self.starts_at and self.signup_opens_at >= self.starts_at:
            errors.setdefault("signup_opens_at", []).append(_("Sign-up must open before the activity starts."))
        if errors:
            raise ValidationError(errors)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = ~Q(status=RegistrationStatus.CANCELLED)


class SignupVia(models.TextChoices):
    STAFF = "staff", _("Registered by staff")
    PUBLIC = "public", _("Public sign-up")


class Registration(ScopedModel, SensitiveFieldsMixin):
    """A person registered for an activity: confirmed while seats last, then waitlisted in order (``position``)."""

    Status = RegistrationStatus

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_registrations",
    )
    name = models.CharField(_("name"), max_length=50)
    mobile = EncryptedField(_("mobile number"), kind="mobile", blank=True, validators=[validate_mobile])
    mobile_index = BlindIndexField(source="mobile")
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField(_("order of registration"))
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Personal data: the station's staff and the admins above it; never the public.
    scoped_by = InPlace("station", "activity__station", public=Q(pk__in=[]))

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=ACTIVE & Q(person__isnull=False),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["activity", "mobile_index"],
                condition=ACTIVE & ~Q(mobile_index=""),
                name="registration_one_active_per_mobile",
            ),
            models.UniqueConstraint(fields=["activity", "position"], name="registration_unique_position"),
        ]

    def __str__(self):
        return f"{self.activity} · {mask('name', self.name)}"

    def audit_repr(self) -> str:
        return f"{self.activity} · {mask('name', self.name)}"

    # --- check-in and attendance (services/checkin.py) ----------------------------------------------------------
    # A walk-in came without registering and was recorded at the desk (never holds one of the sign-up seats).
    walk_in = models.BooleanField(_("walk-in"), default=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    check_in_method = models.CharField(_("checked in through"), max_length=10, blank=True)
    # The masked form shown everywhere (138****8000), kept so the desk can search by the last four digits.
    mobile_hint = models.CharField(_("mobile number (masked)"), max_length=16, blank=True, editable=False)

    # --- public sign-up (services/signup.py) -------------------------------------------------------------------
    # A resident signs up on the activity's public page without an account. When the participant is a child, the
    # guardian signs up: ``name`` is the child's, ``participant_age`` the child's age (0–17; under 14 only this way),
    # ``guardian_name`` and ``mobile`` the guardian's. Accompanying children do not take seats: their ages are kept
    # for the station's planning. The private link and code are stored as keyed hashes only.
    via = models.CharField(_("signed up through"), max_length=10, choices=SignupVia.choices, default=SignupVia.STAFF)
    guardian_name = models.CharField(_("guardian's name"), max_length=50, blank=True)
    participant_age = models.PositiveSmallIntegerField(_("participant's age (a child)"), null=True, blank=True)
    children_ages = models.JSONField(_("ages of accompanying children"), default=list, blank=True)
    consent_version = models.CharField(_("consent text agreed to"), max_length=20, blank=True)
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    access_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Sent-markers of the messages to the resident (tasks send each once).
    link_sent_hash = models.CharField(max_length=64, blank=True, editable=False)
    promotion_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancellation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)

    def save(self, *args, **kwargs):
        self.mobile_hint = mask("mobile", self.mobile) if self.mobile else ""
        if kwargs.get("update_fields") is not None and "mobile" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"mobile_hint", "mobile_index"}
        super().save(*args, **kwargs)


# --- after the activity: summary, photos, satisfaction feedback ------------------------------------------------

SUMMARY_MAX = 4000
CAPTION_MAX = 100
COMMENT_MAX = 1000
MAX_COUNT = 100_000
SCORE_MIN, SCORE_MAX = 1, 5
LOW_SCORE = 2  # an answer with any sense at or below this flags the activity to the station's managers


class CheckInMethod(models.TextChoices):
    QR = "qr", _("QR code (own phone)")
    DESK = "desk", _("Check-in desk")
    WALK_IN = "walk_in", _("Walk-in at the desk")


class ActivitySummary(ScopedModel):
    """What happened: written by the manager when completing the activity, with the actual counts (prefilled from
    the attendance)."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="summary"
    )
    text = models.TextField(_("summary"), max_length=SUMMARY_MAX)
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MaxValueValidator(MAX_COUNT)], help_text=_("Everyone who took part.")
    )
    walk_ins = models.PositiveIntegerField(_("of whom walk-ins"), default=0, validators=[MaxValueValidator(MAX_COUNT)])
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    written_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scoped_by = InPlace("station", "activity__station", public=Q(pk__in=[]))

    class Meta:
        verbose_name = _("activity summary")
        verbose_name_plural = _("activity summaries")
        constraints = [
            models.CheckConstraint(condition=Q(walk_ins__lte=F("participants")), name="summary_walk_ins_of_total"),
        ]

    def __str__(self):
        return f"{self.activity} · {_('summary')}"


class ActivityPhoto(ScopedModel):
    """A photo of a completed activity: validated, re-encoded without metadata, with a thumbnail (core/images.py)."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos")
    image = models.CharField(_("image"), max_length=255)
    thumbnail = models.CharField(_("thumbnail"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=30)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=CAPTION_MAX, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scoped_by = InPlace("station", "activity__station", public=Q(pk__in=[]))

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.caption or f"#{self.pk}"


class Feedback(ScopedModel, SensitiveFieldsMixin):
    """One satisfaction answer about an activity: 活动感 (participation), 安全感 (safety), 幸福感 (happiness), 1–5 each,
    and a comment. Never linked to a person; ``device_guard`` (a hash of the activity and the answering device's
    key) allows one answer per device, and the services allow no more answers than people attended."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="feedback"
    )
    participation = models.PositiveSmallIntegerField(
        _("sense of participation (活动感)"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    safety = models.PositiveSmallIntegerField(
        _("sense of safety (安全感)"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    happiness = models.PositiveSmallIntegerField(
        _("sense of happiness (幸福感)"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = EncryptedField(_("comment"), kind="text", blank=True)
    is_low = models.BooleanField(_("low score"), default=False, editable=False)
    device_guard = models.CharField(_("device guard"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now, editable=False)

    scoped_by = InPlace("station", "activity__station", public=Q(pk__in=[]))

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "device_guard"], name="feedback_one_per_device"),
            models.CheckConstraint(
                condition=Q(participation__gte=SCORE_MIN, participation__lte=SCORE_MAX)
                & Q(safety__gte=SCORE_MIN, safety__lte=SCORE_MAX)
                & Q(happiness__gte=SCORE_MIN, happiness__lte=SCORE_MAX),
                name="feedback_scores_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.participation}/{self.safety}/{self.happiness}"


# --- volunteers, shifts and hours (巾帼志愿者) ---------------------------------------------------------------------


class VolunteerVillage(ScopeRule):
    """Rows of stations in the villages where the user holds the volunteer role (a volunteer is held at a village;
    one held at a station is in the station's ``InPlace`` already)."""

    def __init__(self, path: str):
        self.path = path
        self.region_path = f"{path}__region__code"

    def q(self, scope: Scope) -> Q:
        villages = scope.regions_for(Role.VOLUNTEER)
        return Q(**{f"{self.region_path}__in": sorted(villages)}) if villages else Q(pk__in=[])


class ManagerVillage(ScopeRule):
    """Rows of a village (at ``path``): admins under it and the station managers of that village."""

    def __init__(self, path: str):
        self.region_path = path

    def q(self, scope: Scope) -> Q:
        q = scope.region_q(self.region_path, include_member=False)
        villages = scope.regions_for(Role.STATION_MANAGER)
        return q | Q(**{f"{self.region_path}__in": sorted(villages)}) if villages else q


class Skill(models.TextChoices):
    CHECKIN = "checkin", _("Check-in desk")
    GUIDE = "guide", _("Guiding")
    SAFETY = "safety", _("Safety")
    PHOTO = "photo", _("Photography")
    CHILDCARE = "childcare", _("Childcare")
    TEACHING = "teaching", _("Teaching")
    FIRST_AID = "first_aid", _("First aid")
    CRAFTS = "crafts", _("Crafts")


class Availability(models.TextChoices):
    WEEKDAY_MORNING = "weekday_am", _("Weekday mornings")
    WEEKDAY_AFTERNOON = "weekday_pm", _("Weekday afternoons")
    WEEKDAY_EVENING = "weekday_eve", _("Weekday evenings")
    WEEKEND_MORNING = "weekend_am", _("Weekend mornings")
    WEEKEND_AFTERNOON = "weekend_pm", _("Weekend afternoons")
    WEEKEND_EVENING = "weekend_eve", _("Weekend evenings")


NOTE_MAX = 500


class VolunteerProfile(ScopedModel, SensitiveFieldsMixin):
    """A volunteer's profile (巾帼志愿者): linked to an account holding the volunteer role at a village. The volunteer
    keeps it; the village's station managers and the admins above it read it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="volunteer_profiles"
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    phone = EncryptedField(_("mobile number"), kind="mobile", blank=True, validators=[validate_mobile])
    phone_index = BlindIndexField(source="phone")
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    scoped_by = ManagerVillage("region__code") | OwnedBy("user")

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")

    def __str__(self):
        return mask("name", self.user.name or self.user.username)

    def audit_repr(self) -> str:
        return str(self)

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels[code]) for code in self.skills if code in labels]

    def availability_labels(self) -> list[str]:
        labels = dict(Availability.choices)
        return [str(labels[code]) for code in self.availability if code in labels]

    def can_reveal(self, user, field_name: str) -> bool:
        return False  # the masked number is enough here; the account's own page shows the full one


class ShiftRole(models.TextChoices):
    CHECKIN = "checkin", _("Check-in (签到)")
    GUIDE = "guide", _("Guiding (引导)")
    SAFETY = "safety", _("Safety (安全)")
    PHOTO = "photo", _("Photography (摄影)")
    OTHER = "other", _("Other help")


MAX_SLOTS = 50
MAX_SHIFT_HOURS = 24


class Shift(ScopedModel):
    """Volunteer work at an activity: a role with a number of slots and its times. ``taken_count`` counts the active
    sign-ups and never exceeds ``slots`` (a check constraint; services change it with conditional UPDATEs)."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="shifts")
    role = models.CharField(pgettext_lazy("shift", "role"), max_length=20, choices=ShiftRole.choices)
    slots = models.PositiveIntegerField(_("slots"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SLOTS)])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    taken_count = models.PositiveIntegerField(_("taken"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    scoped_by = InPlace("station", "activity__station", public=Q(pk__in=[])) | VolunteerVillage("activity__station")

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="shift_slots_positive"),
            models.CheckConstraint(condition=Q(taken_count__lte=F("slots")), name="shift_never_overfilled"),
        ]

    def __str__(self):
        return f"{self.activity} · {self.get_role_display()}"

    @property
    def slots_left(self) -> int:
        return max(0, self.slots - self.taken_count)


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    CANCELLED = "cancelled", _("Cancelled")


class HoursStatus(models.TextChoices):
    OPEN = "open", _("Not yet done")
    PENDING = "pending", _("To be confirmed")
    CONFIRMED = "confirmed", _("Confirmed")


class ShiftSignup(ScopedModel):
    """A volunteer on a shift, with the hours served: check-in and check-out give the minutes, which a manager may
    correct (with a reason, audited) and confirms. Only confirmed hours count."""

    Status = SignupStatus

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="shift_signups"
    )
    status = models.CharField(_("status"), max_length=20, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    minutes = models.PositiveIntegerField(
        _("minutes served"), null=True, blank=True, validators=[MaxValueValidator(MAX_SHIFT_HOURS * 60)]
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=NOTE_MAX, blank=True)
    hours_status = models.CharField(_("hours"), max_length=20, choices=HoursStatus.choices, default=HoursStatus.OPEN)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    scoped_by = InPlace("station", "shift__activity__station", public=Q(pk__in=[])) | OwnedBy("volunteer")

    class Meta:
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")
        ordering = ["shift__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=~Q(status=SignupStatus.CANCELLED),
                name="shift_signup_one_active",
            ),
            models.CheckConstraint(
                condition=Q(minutes__isnull=True) | Q(minutes__lte=MAX_SHIFT_HOURS * 60), name="shift_signup_minutes"
            ),
        ]

    def __str__(self):
        return f"{self.shift} · {mask('name', self.volunteer.name or self.volunteer.username)}"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def hours(self) -> float:
        return round((self.minutes or 0) / 60, 2)


# --- repeating activities ----------------------------------------------------------------------------------------


class Repeat(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly on the same weekday")


MAX_OCCURRENCES = 52


class ActivitySeries(ScopedModel):
    """A repeating activity (每周六上午 学英语): its rule; its occurrences are activities (``Activity.series``)."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="series")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    repeat = models.CharField(_("repeats"), max_length=20, choices=Repeat.choices)
    first_starts_at = models.DateTimeField(_("first occurrence starts"))
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of occurrences"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=REASON_MAX, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scoped_by = InPlace("station", "station", public=Q(pk__in=[]))

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")

    def __str__(self):
        return self.title
