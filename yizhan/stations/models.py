"""The station network: stations, their rooms, hours, contacts, photos and the 5+X catalogue, and what every kind
of place shares (``PlaceBase``, ``Status``, the ``InPlace`` scope rule, ``ContactBase``).

Scoping (yizhan/core/scoping.py): federation admins see every place under their region; a station manager sees
the station(s) of their memberships (``scope.place_ids("station")``); the anonymous scope (public pages) sees
operating places that are marked public, and only the parts of them marked public. Places of the apps above this
one (mediation studios) use the same rule with their own kind.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.fields import BlindIndexField, EncryptedField, SensitiveFieldsMixin
from yizhan.core.permissions import Predicate
from yizhan.core.scoping import Scope, ScopedModel, ScopeRule, require_scope
from yizhan.regions.models import Region

from .permissions import can_edit_station


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class InPlace(ScopeRule):
    """Rows of a station (kind="station") or studio (kind="studio") — the place itself (``path=""``) or rows linked
    to it at ``path`` — visible when the place is: admins under its region, the users who hold a role at it, and the
    public (anonymous scope) for operating places marked public, narrowed by ``public`` (e.g. only public photos)."""

    def __init__(self, kind: str, path: str = "", *, public: Q | None = None):
        self.kind = kind
        self.prefix = f"{path}__" if path else ""
        self.region_path = f"{self.prefix}region__code"
        self.public = public

    def q(self, scope: Scope) -> Q:
        prefix = self.prefix
        if scope.is_anonymous:
            q = Q(**{f"{prefix}status": Status.OPERATING, f"{prefix}is_public": True})
            return q & self.public if self.public is not None else q
        q = scope.region_q(f"{prefix}region__code", include_member=False)
        ids = scope.place_ids(self.kind)
        if ids:
            q |= Q(**{f"{prefix}pk__in": sorted(ids)})
        return q


class LookupType(models.Model):
    """Reference data an admin can extend, named in Chinese and English."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh


class PositionType(LookupType):
    """A federation position a station can integrate (妇女之家, 儿童之家, 家长学校 …)."""

    class Meta(LookupType.Meta):
        verbose_name = _("position type")
        verbose_name_plural = _("position types")


class RoomType(LookupType):
    """A kind of function room (功能室)."""

    class Meta(LookupType.Meta):
        verbose_name = _("room type")
        verbose_name_plural = _("room types")


class ServiceLine(LookupType):
    """One of the five standard service lines of the 5+X model; fixed for all stations (data migration)."""

    class Meta(LookupType.Meta):
        verbose_name = _("service line")
        verbose_name_plural = _("service lines")


class PlaceBase(ScopedModel):
    """What stations and studios share: a village, a name and brand, an address, a status and a version.

    A place of an app above this one (a mediation studio) may share a station's premises through a foreign key to
    ``Station``; ``Station.sharing_relations()`` finds such keys, so that this app need not import that one. Such a
    place gives its page by ``get_absolute_url()``.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village or community"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(pgettext_lazy("place", "name"), max_length=100)
    brand_name = models.CharField(_("brand name"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    is_public = models.BooleanField(
        _("show on the public pages"), default=True, help_text=_("Only operating places are ever shown publicly.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.brand_name}（{self.name}）" if self.brand_name and self.brand_name != self.name else self.name

    def clean(self):
        if self.region_id and self.region.level != Region.Level.VILLAGE:
            raise ValidationError({"region": _("Choose a village or community.")})
        if not (self.name or "").strip():
            raise ValidationError({"name": _("Enter a name.")})


class Station(PlaceBase):
    """A women and children service station (妇女儿童驿站) in a village or community."""

    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    positions = models.ManyToManyField(
        PositionType, verbose_name=_("integrated positions"), blank=True, related_name="stations"
    )

    scoped_by = InPlace("station")

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["region__code", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(floor_area__gte=0), name="station_floor_area_not_negative"),
            models.UniqueConstraint(fields=["region", "name"], name="station_unique_name_per_village"),
        ]

    def clean(self):
        super().clean()
        if self.floor_area is not None and self.floor_area < 0:
            raise ValidationError({"floor_area": _("The floor area cannot be negative.")})

    @classmethod
    def sharing_relations(cls) -> list:
        """The relations by which places of other kinds (mediation studios …) share a station's premises: the
        foreign keys to ``Station`` of the models derived from ``PlaceBase`` in the apps above this one."""
        return [rel for rel in cls._meta.related_objects if issubclass(rel.related_model, PlaceBase)]

    def sharing_places(self, *, manager: str = "objects") -> list:
        """The places that share this station's premises, by name (scoped unless ``manager="all_objects"``)."""
        return [
            place
            for rel in self.sharing_relations()
            for place in getattr(rel.related_model, manager).filter(**{rel.field.name: self}).order_by("name")
        ]


class StationChild(ScopedModel):
    """Rows that belong to one station and are visible exactly when the station is."""

    scoped_by = InPlace("station", "station")

    class Meta:
        abstract = True


MAX_ROOM_CAPACITY = 100_000


class Room(StationChild):
    """A function room (功能室) of a station."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="rooms")
    room_type = models.ForeignKey(RoomType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(pgettext_lazy("place", "name"), max_length=100)
    area = models.DecimalField(
        _("area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    capacity = models.PositiveIntegerField(
        _("capacity (people)"), null=True, blank=True, validators=[MaxValueValidator(MAX_ROOM_CAPACITY)]
    )
    equipment = models.TextField(_("equipment"), max_length=1000, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["sort_order", "id"]
        constraints = [models.CheckConstraint(condition=Q(area__gte=0), name="room_area_not_negative")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.area is not None and self.area < 0:
            raise ValidationError({"area": _("The area cannot be negative.")})
        if not (self.name or "").strip():
            raise ValidationError({"name": _("Enter a name.")})


class OpeningInterval(StationChild):
    """A regular opening interval on one weekday (several per day allowed, never overlapping)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="hours")
    audit_via = ("station",)  # the week's hours are logged as one change of the station's "hours"
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="interval_opens_first")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HoursException(StationChild):
    """A date on which the regular hours do not apply: closed (holiday) or special hours."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="hours_exceptions"
    )
    date = models.DateField(_("date"))
    is_closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["station", "date"], name="hours_exception_one_per_date")]

    def __str__(self):
        return f"{self.date} {self.note}"

    def clean(self):
        if self.is_closed:
            self.opens = self.closes = None
            return
        if self.opens is None or self.closes is None:
            raise ValidationError({"opens": _("Give the special opening and closing times, or mark the day closed.")})
        if self.opens >= self.closes:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


def validate_phone(value: str):
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("Enter a mobile number (11 digits) or a landline such as 0571-82345678."), code="phone")


class ContactBase(ScopedModel, SensitiveFieldsMixin):
    """A person to contact at a place; the number is encrypted and always shown masked.

    A concrete contact model (``Contact`` here for stations, ``mediation.StudioContact`` for studios) adds the
    foreign key to its place, names it in ``place_field`` and names ``place_rule``, the predicate that lets a user
    edit the place's contacts (and so see a full number).
    """

    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(
        pgettext_lazy("contact", "role"), max_length=50, help_text=_("For example 站长, 联络员, 值班员.")
    )
    phone = EncryptedField(_("phone number"), kind="mobile", blank=True, validators=[validate_phone])
    phone_index = BlindIndexField(source="phone")
    is_public = models.BooleanField(_("show on the public page, with the full number"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    place_field: str
    place_rule: Predicate
    # What the public sees of a public place's contacts.
    PUBLIC = Q(is_public=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.role} {self.name}"

    @property
    def place(self):
        return getattr(self, self.place_field)

    @property
    def masked_phone(self) -> str:
        return self.masked("phone")

    @property
    def public_phone(self) -> str:
        """The number in full, for the public pages: a number the place chose to publish (``is_public``) is not
        personal data (DESIGN §4, ``core/masking.py``). Empty for a contact that is not public."""
        return self.phone if self.is_public else ""

    def can_reveal(self, user, field_name: str) -> bool:
        return field_name == "phone" and user.is_authenticated and self.place_rule(require_scope(), self.place)


class Contact(ContactBase):
    """A person to contact at a station."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="contacts")

    place_field = "station"
    place_rule = can_edit_station
    # The station's; the public sees only the contacts marked public of public stations.
    scoped_by = InPlace("station", "station", public=ContactBase.PUBLIC)

    class Meta(ContactBase.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")


def photo_upload_to(instance, filename):
    return f"stations/{instance.station_id}/photos/{filename}"


class Photo(StationChild):
    """A validated, re-encoded image of a station, with a thumbnail."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="photos")
    image = models.CharField(_("image"), max_length=255)
    thumbnail = models.CharField(_("thumbnail"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=30)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    is_public = models.BooleanField(_("show on the public page"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scoped_by = InPlace("station", "station", public=Q(is_public=True))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.caption or f"#{self.pk}"


class BrandItem(StationChild):
    """A station's own brand item, the "X" of 5+X (e.g. 融智, 友·共建)."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="brand_items"
    )
    name = models.CharField(pgettext_lazy("place", "name"), max_length=50)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    service_lines = models.ManyToManyField(
        ServiceLine, verbose_name=_("service lines"), related_name="brand_items", blank=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    scoped_by = InPlace("station", "station", public=Q(is_active=True))

    class Meta:
        verbose_name = _("brand item")
        verbose_name_plural = _("brand items")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="brand_item_unique_name")]

    def __str__(self):
        return self.name
