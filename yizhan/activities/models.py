"""Activities of a station and the people registered for them (DESIGN.md §3.2).

Scoping (yizhan/core/scoping.py): an activity is a row of its station (``InPlace``): federation admins over the
station's region and the station's managers see it; the public (anonymous scope) sees published and completed
activities open to the public of operating public stations. Registrations are personal data: the station's staff
and admins only, never the public.

Capacity: ``confirmed_count`` counts the confirmed registrations and never exceeds ``seats`` (a check constraint);
the services change it only with conditional UPDATEs on the activity row, which is also the lock that serialises
sign-ups (``services.registrations``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.accounts.models import validate_mobile
from yizhan.core.fields import BlindIndexField, EncryptedField, SensitiveFieldsMixin
from yizhan.core.masking import mask
from yizhan.core.scoping import ScopedModel
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
    confirmed_count = models.PositiveIntegerField(_("confirmed"), default=0, editable=False)
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

    scoped_by = InPlace(
        "station",
        "station",
        public=Q(status__in=[ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED], audience=Audience.PUBLIC),
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["station", "starts_at"], name="activity_station_start")]
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
