"""Station writes: profile, manager, rooms, hours, contacts, photos and the X brand items."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yizhan.accounts.models import Role, RoleMembership
from yizhan.audit import services as audit
from yizhan.core import images
from yizhan.core.permissions import require
from yizhan.core.scoping import require_scope
from yizhan.core.versioning import bump_version

from ..hours import normalize_intervals
from ..models import (
    BrandItem,
    Contact,
    HoursException,
    OpeningInterval,
    Photo,
    Room,
    Station,
    Status,
)
from ..permissions import can_admin_place, can_admin_region, can_edit_station
from .common import (
    ADMIN_FIELDS,
    STATION_PROFILE_FIELDS,
    _codes,
    record_update,
    set_status_dates,
    strip_text,
    unique_name_error,
)
from .contacts import add_contact, remove_contact

# --- stations ---------------------------------------------------------------------------------------------

MOVE_WITH_STUDIO_MESSAGE = gettext_lazy(
    "A mediation studio shares premises with this station. Move the studio or end the sharing first, then move "
    "the station."
)


def station_create(
    *,
    created_by,
    region,
    name,
    brand_name="",
    address="",
    floor_area=None,
    introduction="",
    status=Status.PLANNED,
    status_since=None,
    opened_on=None,
    is_public=True,
    positions=(),
) -> Station:
    """A town or district admin adds a station in a village of their region."""
    require(can_admin_region, region)
    station = Station(
        region=region,
        name=strip_text(name),
        brand_name=strip_text(brand_name),
        address=strip_text(address),
        floor_area=floor_area,
        introduction=strip_text(introduction),
        status=status,
        status_since=status_since or timezone.localdate(),
        opened_on=opened_on,
        is_public=is_public,
    )
    set_status_dates(station, status, status_since)
    station.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            station.save()
            station.positions.set(positions)
            audit.log_create(created_by, station)
    except IntegrityError as exc:
        raise unique_name_error(Station) from exc
    return station


def station_update(*, station: Station, updated_by, version, positions=None, **changes) -> Station:
    """Change a station's profile. Its manager may not move it or change its status; admins may.

    ``version`` is the version the editor saw; if the station changed since, nothing is saved.
    """
    scope = require_scope()
    require(can_edit_station, station)
    unknown = set(changes) - set(STATION_PROFILE_FIELDS) - set(ADMIN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    is_admin = can_admin_place(scope, station)
    for field in ADMIN_FIELDS:
        if field in changes and changes[field] != getattr(station, field) and not is_admin:
            raise PermissionDenied
    if "region" in changes and changes["region"] != station.region:
        require(can_admin_region, changes["region"])
        if station.sharing_places(manager="all_objects"):
            raise ValidationError({"region": MOVE_WITH_STUDIO_MESSAGE})
    before = audit.snapshot(station, fields=STATION_PROFILE_FIELDS + ADMIN_FIELDS)
    before_positions = _codes(station.positions.all())
    old_status = station.status
    for field, value in changes.items():
        setattr(station, field, strip_text(value))
    if station.status != old_status:
        if "status_since" not in changes or changes["status_since"] is None:
            station.status_since = timezone.localdate()
        set_status_dates(station, station.status, station.status_since)
    station.full_clean(validate_constraints=False)
    unchanged = audit.snapshot(station, fields=STATION_PROFILE_FIELDS + ADMIN_FIELDS) == before
    if unchanged and (positions is None or _codes(positions) == before_positions):
        return station  # nothing changes: no new version, no write, no audit row
    try:
        with transaction.atomic():
            bump_version(station, version)
            station.save()
            extra = {}
            if positions is not None:
                station.positions.set(positions)
                after_positions = _codes(positions)
                if after_positions != before_positions:
                    extra["positions"] = [before_positions, after_positions]
            record_update(updated_by, station, before, extra)
    except IntegrityError as exc:
        raise unique_name_error(Station) from exc
    return station


def station_manager_assign(*, station: Station, user, assigned_by) -> RoleMembership:
    """Make a user the manager of a station (a station-manager role at its village, linked to the station)."""
    require(can_admin_place, station)
    with transaction.atomic():
        membership, created = RoleMembership.all_objects.get_or_create(
            user=user,
            role=Role.STATION_MANAGER,
            region=station.region,
            defaults={"place_kind": "station", "place_id": station.pk, "created_by": assigned_by},
        )
        if created:
            audit.log_create(assigned_by, membership)
        else:
            before = audit.snapshot(membership, fields=["place_kind", "place_id", "is_active"])
            membership.set_place(station)
            membership.is_active = True
            membership.save(update_fields=["place_kind", "place_id", "is_active"])
            audit.log_update(assigned_by, membership, before)
    return membership


# --- rooms ------------------------------------------------------------------------------------------------

ROOM_FIELDS = ["room_type", "name", "area", "capacity", "equipment", "sort_order"]


def room_create(*, station: Station, created_by, room_type, name, area=None, capacity=None, equipment="", sort_order=0):
    require(can_edit_station, station)
    room = Room(
        station=station,
        room_type=room_type,
        name=strip_text(name),
        area=area,
        capacity=capacity,
        equipment=strip_text(equipment),
        sort_order=sort_order or 0,
    )
    room.full_clean(validate_constraints=False)
    with transaction.atomic():
        room.save()
        audit.log_create(created_by, room)
    return room


def room_update(*, room: Room, updated_by, version, **changes) -> Room:
    """Change a room. ``version`` is the version the editor saw: if the room changed since (or it is missing),
    nothing is saved."""
    require(can_edit_station, room.station)
    unknown = set(changes) - set(ROOM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(room, fields=ROOM_FIELDS)
    for field, value in changes.items():
        setattr(room, field, strip_text(value))
    room.full_clean(validate_constraints=False)
    with transaction.atomic():
        bump_version(room, version)
        room.save()
        audit.log_update(updated_by, room, before)
    return room


def room_delete(*, room: Room, deleted_by) -> None:
    require(can_edit_station, room.station)
    with transaction.atomic():
        audit.log_delete(deleted_by, room)
        room.delete()


# --- opening hours ----------------------------------------------------------------------------------------


def hours_set(*, station: Station, intervals, updated_by) -> list[OpeningInterval]:
    """Replace the weekly hours with ``intervals`` [(weekday, opens, closes)…]; overlapping/inverted refused."""
    require(can_edit_station, station)
    cleaned = normalize_intervals(intervals)
    with transaction.atomic():
        existing = list(OpeningInterval.all_objects.filter(station=station).order_by("weekday", "opens"))
        wanted = [OpeningInterval(station=station, weekday=d, opens=o, closes=c) for d, o, c in cleaned]
        before, after = [str(i) for i in existing], [str(i) for i in wanted]
        if before == after:  # nothing changes: no write, no audit row
            return existing
        OpeningInterval.all_objects.filter(station=station).delete()
        created = OpeningInterval.all_objects.bulk_create(wanted)
        audit.record(actor=updated_by, action=audit.Action.UPDATE, target=station, changes={"hours": [before, after]})
    return created


def hours_exception_set(*, station: Station, updated_by, date, is_closed=True, opens=None, closes=None, note=""):
    """Add or replace the exception for a date (closed, or special hours)."""
    require(can_edit_station, station)
    if date is None:
        raise ValidationError({"date": _("Give the date.")})
    exception = HoursException.all_objects.filter(station=station, date=date).first() or HoursException(
        station=station, date=date
    )
    before = audit.snapshot(exception, fields=["is_closed", "opens", "closes", "note"]) if exception.pk else None
    exception.is_closed, exception.opens, exception.closes, exception.note = is_closed, opens, closes, strip_text(note)
    exception.full_clean(validate_constraints=False)
    if before is not None and audit.snapshot(exception, fields=before.keys()) == before:
        return exception  # nothing changes: no write, no audit row
    with transaction.atomic():
        exception.save()
        if before is None:
            audit.log_create(updated_by, exception)
        else:
            audit.log_update(updated_by, exception, before)
    return exception


def hours_exception_delete(*, exception: HoursException, deleted_by) -> None:
    require(can_edit_station, exception.station)
    with transaction.atomic():
        audit.log_delete(deleted_by, exception)
        exception.delete()


# --- contacts ---------------------------------------------------------------------------------------------


def contact_create(*, station: Station, created_by, **fields) -> Contact:
    """A contact person of a station: ``name``, ``role``, ``phone``, ``is_public``, ``sort_order``."""
    return add_contact(Contact, place=station, created_by=created_by, **fields)


def contact_delete(*, contact: Contact, deleted_by) -> None:
    remove_contact(contact, deleted_by=deleted_by)


# --- photos -----------------------------------------------------------------------------------------------


def photo_add(*, station: Station, upload, uploaded_by, caption="", is_public=True) -> Photo:
    """Validate (real JPEG/PNG/WebP, size, dimensions), re-encode, thumbnail and store a station photo."""
    require(can_edit_station, station)
    caption = strip_text(caption or "")
    if len(caption) > 100:
        raise ValidationError({"caption": _("Keep the caption under 100 characters.")})
    stored = images.store_image(upload, folder=f"stations/{station.pk}")
    try:
        with transaction.atomic():
            photo = Photo.all_objects.create(
                station=station,
                image=stored.image,
                thumbnail=stored.thumbnail,
                content_type=stored.content_type,
                width=stored.width,
                height=stored.height,
                caption=caption,
                is_public=is_public,
                uploaded_by=uploaded_by,
            )
            audit.log_create(uploaded_by, photo)
    except Exception:
        images.delete_stored(stored.image, stored.thumbnail)
        raise
    return photo


def photo_delete(*, photo: Photo, deleted_by) -> None:
    require(can_edit_station, photo.station)
    names = (photo.image, photo.thumbnail)
    with transaction.atomic():
        audit.log_delete(deleted_by, photo)
        photo.delete()
        transaction.on_commit(lambda: images.delete_stored(*names))


# --- 5+X brand items --------------------------------------------------------------------------------------


def _check_lines(service_lines):
    if not service_lines:
        raise ValidationError({"service_lines": _("Choose at least one of the five service lines.")})


def brand_item_create(
    *, station: Station, created_by, name, service_lines, description="", is_active=True, sort_order=None
) -> BrandItem:
    require(can_edit_station, station)
    _check_lines(service_lines)
    if sort_order is None:
        sort_order = BrandItem.all_objects.filter(station=station).count() + 1
    item = BrandItem(
        station=station,
        name=strip_text(name),
        description=strip_text(description),
        is_active=is_active,
        sort_order=sort_order,
    )
    item.full_clean(validate_constraints=False)
    if BrandItem.all_objects.filter(station=station, name=item.name).exists():
        raise unique_name_error(BrandItem)
    try:
        with transaction.atomic():
            item.save()
            item.service_lines.set(service_lines)
            audit.record(
                actor=created_by,
                action=audit.Action.CREATE,
                target=item,
                changes={**audit.diff({}, audit.snapshot(item)), "service_lines": [[], _codes(service_lines)]},
            )
    except IntegrityError as exc:
        raise unique_name_error(BrandItem) from exc
    return item


def brand_item_update(*, item: BrandItem, updated_by, version, service_lines=None, **changes) -> BrandItem:
    """Change an X item. ``version`` is the version the editor saw: a stale (or missing) one saves nothing."""
    require(can_edit_station, item.station)
    fields = ["name", "description", "is_active", "sort_order"]
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if service_lines is not None:
        _check_lines(service_lines)
    before = audit.snapshot(item, fields=fields)
    before_lines = _codes(item.service_lines.all())
    for field, value in changes.items():
        setattr(item, field, strip_text(value))
    item.full_clean(validate_constraints=False)
    if BrandItem.all_objects.filter(station=item.station, name=item.name).exclude(pk=item.pk).exists():
        raise unique_name_error(BrandItem)
    with transaction.atomic():
        bump_version(item, version)
        item.save()
        extra = {}
        if service_lines is not None:
            item.service_lines.set(service_lines)
            if _codes(service_lines) != before_lines:
                extra["service_lines"] = [before_lines, _codes(service_lines)]
        record_update(updated_by, item, before, extra)
    return item
