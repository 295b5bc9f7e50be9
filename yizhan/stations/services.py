"""Writes to the station network. Keyword-only, atomic, audited; permission checks against the active scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import Role, RoleMembership
from yizhan.audit import services as audit
from yizhan.core.scoping import require_scope

from . import images
from .hours import normalize_intervals
from .models import (
    BrandItem,
    Contact,
    CoveragePlan,
    HoursException,
    OpeningInterval,
    Photo,
    Room,
    Station,
    Status,
    Studio,
    StudioMember,
)
from .permissions import can_admin_place, can_admin_region, can_edit_place

PROFILE_FIELDS = ["name", "brand_name", "address", "introduction", "is_public"]
STATION_PROFILE_FIELDS = [*PROFILE_FIELDS, "floor_area"]
ADMIN_FIELDS = ["region", "status", "status_since", "opened_on"]
STALE_MESSAGE = _(
    "Someone else changed this in the meantime. Nothing was saved: reload the page to see their changes, "
    "then make yours again."
)


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _unique_name_error(model, field="name"):
    return ValidationError({field: _("This name is already used here.")})


def _check_version(model, obj, version):
    """Optimistic lock: bump the version only if nobody else did since the form was loaded."""
    try:
        version = int(version)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"version": STALE_MESSAGE}) from exc
    bumped = model.all_objects.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not bumped:
        raise ValidationError({"version": STALE_MESSAGE})
    obj.version = version + 1
    obj.updated_at = timezone.now()


def _codes(items) -> list[str]:
    return sorted(item.code for item in items)


def _record_update(actor, obj, before: dict, extra: dict | None = None):
    changes = audit.diff(before, audit.snapshot(obj, fields=before.keys()))
    changes.update(extra or {})
    if changes:
        audit.record(actor=actor, action="update", target=obj, changes=changes)


def _status_dates(place, status, status_since):
    if status == Status.OPERATING and place.opened_on is None:
        place.opened_on = status_since or timezone.localdate()


# --- stations ---------------------------------------------------------------------------------------------


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
    _require(can_admin_region(require_scope(), region))
    station = Station(
        region=region,
        name=_strip(name),
        brand_name=_strip(brand_name),
        address=_strip(address),
        floor_area=floor_area,
        introduction=_strip(introduction),
        status=status,
        status_since=status_since or timezone.localdate(),
        opened_on=opened_on,
        is_public=is_public,
    )
    _status_dates(station, status, status_since)
    station.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            station.save()
            station.positions.set(positions)
            audit.log_create(created_by, station)
    except IntegrityError as exc:
        raise _unique_name_error(Station) from exc
    return station


def station_update(*, station: Station, updated_by, version, positions=None, **changes) -> Station:
    """Change a station's profile. Its manager may not move it or change its status; admins may.

    ``version`` is the version the editor saw; if the station changed since, nothing is saved.
    """
    scope = require_scope()
    _require(can_edit_place(scope, station))
    unknown = set(changes) - set(STATION_PROFILE_FIELDS) - set(ADMIN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    is_admin = can_admin_place(scope, station)
    for field in ADMIN_FIELDS:
        if field in changes and changes[field] != getattr(station, field) and not is_admin:
            raise PermissionDenied
    if "region" in changes and changes["region"] != station.region:
        _require(can_admin_region(scope, changes["region"]))
    before = audit.snapshot(station, fields=STATION_PROFILE_FIELDS + ADMIN_FIELDS)
    before_positions = _codes(station.positions.all())
    old_status = station.status
    for field, value in changes.items():
        setattr(station, field, _strip(value))
    if station.status != old_status:
        if "status_since" not in changes or changes["status_since"] is None:
            station.status_since = timezone.localdate()
        _status_dates(station, station.status, station.status_since)
    station.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            _check_version(Station, station, version)
            station.save()
            extra = {}
            if positions is not None:
                station.positions.set(positions)
                after_positions = _codes(positions)
                if after_positions != before_positions:
                    extra["positions"] = [before_positions, after_positions]
            _record_update(updated_by, station, before, extra)
    except IntegrityError as exc:
        raise _unique_name_error(Station) from exc
    return station


def station_manager_assign(*, station: Station, user, assigned_by) -> RoleMembership:
    """Make a user the manager of a station (a station-manager role at its village, linked to the station)."""
    _require(can_admin_place(require_scope(), station))
    with transaction.atomic():
        membership, created = RoleMembership.all_objects.get_or_create(
            user=user,
            role=Role.STATION_MANAGER,
            region=station.region,
            defaults={"station": station, "created_by": assigned_by},
        )
        if created:
            audit.log_create(assigned_by, membership)
        else:
            before = audit.snapshot(membership, fields=["station", "is_active"])
            membership.station, membership.is_active = station, True
            membership.save(update_fields=["station", "is_active"])
            audit.log_update(assigned_by, membership, before)
    return membership


# --- rooms ------------------------------------------------------------------------------------------------

ROOM_FIELDS = ["room_type", "name", "area", "capacity", "equipment", "sort_order"]


def room_create(*, station: Station, created_by, room_type, name, area=None, capacity=None, equipment="", sort_order=0):
    _require(can_edit_place(require_scope(), station))
    room = Room(
        station=station,
        room_type=room_type,
        name=_strip(name),
        area=area,
        capacity=capacity,
        equipment=_strip(equipment),
        sort_order=sort_order or 0,
    )
    room.full_clean(validate_constraints=False)
    with transaction.atomic():
        room.save()
        audit.log_create(created_by, room)
    return room


def room_update(*, room: Room, updated_by, **changes) -> Room:
    _require(can_edit_place(require_scope(), room.station))
    unknown = set(changes) - set(ROOM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(room, fields=ROOM_FIELDS)
    for field, value in changes.items():
        setattr(room, field, _strip(value))
    room.full_clean(validate_constraints=False)
    with transaction.atomic():
        room.save()
        audit.log_update(updated_by, room, before)
    return room


def room_delete(*, room: Room, deleted_by) -> None:
    _require(can_edit_place(require_scope(), room.station))
    with transaction.atomic():
        audit.log_delete(deleted_by, room)
        room.delete()


# --- opening hours ----------------------------------------------------------------------------------------


def hours_set(*, station: Station, intervals, updated_by) -> list[OpeningInterval]:
    """Replace the weekly hours with ``intervals`` [(weekday, opens, closes)…]; overlapping/inverted refused."""
    _require(can_edit_place(require_scope(), station))
    cleaned = normalize_intervals(intervals)
    with transaction.atomic():
        existing = list(OpeningInterval.all_objects.filter(station=station).order_by("weekday", "opens"))
        before = [str(i) for i in existing]
        OpeningInterval.all_objects.filter(station=station).delete()
        created = OpeningInterval.all_objects.bulk_create(
            [OpeningInterval(station=station, weekday=d, opens=o, closes=c) for d, o, c in cleaned]
        )
        after = [str(i) for i in created]
        if before != after:
            audit.record(actor=updated_by, action="update", target=station, changes={"hours": [before, after]})
    return created


def hours_exception_set(*, station: Station, updated_by, date, is_closed=True, opens=None, closes=None, note=""):
    """Add or replace the exception for a date (closed, or special hours)."""
    _require(can_edit_place(require_scope(), station))
    if date is None:
        raise ValidationError({"date": _("Give the date.")})
    exception = HoursException.all_objects.filter(station=station, date=date).first() or HoursException(
        station=station, date=date
    )
    before = audit.snapshot(exception, fields=["is_closed", "opens", "closes", "note"]) if exception.pk else None
    exception.is_closed, exception.opens, exception.closes, exception.note = is_closed, opens, closes, _strip(note)
    exception.full_clean(validate_constraints=False)
    with transaction.atomic():
        exception.save()
        if before is None:
            audit.log_create(updated_by, exception)
        else:
            audit.log_update(updated_by, exception, before)
    return exception


def hours_exception_delete(*, exception: HoursException, deleted_by) -> None:
    _require(can_edit_place(require_scope(), exception.station))
    with transaction.atomic():
        audit.log_delete(deleted_by, exception)
        exception.delete()


# --- contacts ---------------------------------------------------------------------------------------------


def contact_create(*, place, created_by, name, role, phone="", is_public=True, sort_order=0) -> Contact:
    """A contact person of a station or a studio (phone encrypted, always shown masked)."""
    scope = require_scope()
    _require(can_edit_place(scope, place))
    contact = Contact(name=_strip(name), role=_strip(role), phone=(phone or "").replace(" ", ""), is_public=is_public)
    contact.sort_order = sort_order or 0
    if isinstance(place, Station):
        contact.station = place
    else:
        contact.studio = place
    contact.full_clean(validate_constraints=False)
    with transaction.atomic():
        contact.save()
        audit.log_create(created_by, contact)
    return contact


def contact_delete(*, contact: Contact, deleted_by) -> None:
    _require(can_edit_place(require_scope(), contact.place))
    with transaction.atomic():
        audit.log_delete(deleted_by, contact)
        contact.delete()


# --- photos -----------------------------------------------------------------------------------------------


def photo_add(*, station: Station, upload, uploaded_by, caption="", is_public=True) -> Photo:
    """Validate (real JPEG/PNG/WebP, size, dimensions), re-encode, thumbnail and store a station photo."""
    _require(can_edit_place(require_scope(), station))
    caption = _strip(caption or "")
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
    _require(can_edit_place(require_scope(), photo.station))
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
    _require(can_edit_place(require_scope(), station))
    _check_lines(service_lines)
    if sort_order is None:
        sort_order = BrandItem.all_objects.filter(station=station).count() + 1
    item = BrandItem(
        station=station, name=_strip(name), description=_strip(description), is_active=is_active, sort_order=sort_order
    )
    item.full_clean(validate_constraints=False)
    if BrandItem.all_objects.filter(station=station, name=item.name).exists():
        raise _unique_name_error(BrandItem)
    try:
        with transaction.atomic():
            item.save()
            item.service_lines.set(service_lines)
            audit.record(
                actor=created_by,
                action="create",
                target=item,
                changes={**audit.diff({}, audit.snapshot(item)), "service_lines": [[], _codes(service_lines)]},
            )
    except IntegrityError as exc:
        raise _unique_name_error(BrandItem) from exc
    return item


def brand_item_update(*, item: BrandItem, updated_by, service_lines=None, **changes) -> BrandItem:
    _require(can_edit_place(require_scope(), item.station))
    fields = ["name", "description", "is_active", "sort_order"]
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if service_lines is not None:
        _check_lines(service_lines)
    before = audit.snapshot(item, fields=fields)
    before_lines = _codes(item.service_lines.all())
    for field, value in changes.items():
        setattr(item, field, _strip(value))
    item.full_clean(validate_constraints=False)
    if BrandItem.all_objects.filter(station=item.station, name=item.name).exclude(pk=item.pk).exists():
        raise _unique_name_error(BrandItem)
    with transaction.atomic():
        item.save()
        extra = {}
        if service_lines is not None:
            item.service_lines.set(service_lines)
            if _codes(service_lines) != before_lines:
                extra["service_lines"] = [before_lines, _codes(service_lines)]
        _record_update(updated_by, item, before, extra)
    return item


# --- studios ----------------------------------------------------------------------------------------------


def _check_shared_station(region, shared_station):
    if shared_station is not None and shared_station.region_id != region.pk:
        raise ValidationError({"shared_station": _("A studio can only share premises with a station of its village.")})


def studio_create(
    *,
    created_by,
    region,
    name,
    brand_name="",
    address="",
    introduction="",
    status=Status.PLANNED,
    status_since=None,
    opened_on=None,
    is_public=True,
    shared_station=None,
) -> Studio:
    _require(can_admin_region(require_scope(), region))
    _check_shared_station(region, shared_station)
    studio = Studio(
        region=region,
        name=_strip(name),
        brand_name=_strip(brand_name),
        address=_strip(address),
        introduction=_strip(introduction),
        status=status,
        status_since=status_since or timezone.localdate(),
        opened_on=opened_on,
        is_public=is_public,
        shared_station=shared_station,
    )
    _status_dates(studio, status, status_since)
    studio.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            studio.save()
            audit.log_create(created_by, studio)
    except IntegrityError as exc:
        raise _unique_name_error(Studio) from exc
    return studio


STUDIO_FIELDS = [*PROFILE_FIELDS, *ADMIN_FIELDS, "shared_station"]


def studio_update(*, studio: Studio, updated_by, version, **changes) -> Studio:
    """Admins of the studio's region change its profile, status and shared premises (version-checked)."""
    scope = require_scope()
    _require(can_admin_place(scope, studio))
    unknown = set(changes) - set(STUDIO_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "region" in changes and changes["region"] != studio.region:
        _require(can_admin_region(scope, changes["region"]))
    before = audit.snapshot(studio, fields=STUDIO_FIELDS)
    old_status = studio.status
    for field, value in changes.items():
        setattr(studio, field, _strip(value))
    _check_shared_station(studio.region, studio.shared_station)
    if studio.status != old_status and not changes.get("status_since"):
        studio.status_since = timezone.localdate()
    _status_dates(studio, studio.status, studio.status_since)
    studio.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            _check_version(Studio, studio, version)
            studio.save()
            _record_update(updated_by, studio, before)
    except IntegrityError as exc:
        raise _unique_name_error(Studio) from exc
    return studio


def studio_member_add(*, studio: Studio, user, kind, added_by, can_lead=False, organisation="") -> StudioMember:
    """Put a person on the studio's team. Mediators get the mediator role, partners the advisor role, at the studio."""
    _require(can_admin_place(require_scope(), studio))
    member = StudioMember(
        studio=studio, user=user, kind=kind, can_lead=bool(can_lead), organisation=_strip(organisation or "")
    )
    member.full_clean(validate_constraints=False, exclude=["user"])
    if StudioMember.all_objects.filter(studio=studio, user=user, kind=kind, is_active=True).exists():
        raise ValidationError(_("This person is already on the team in this capacity."))
    role = Role.MEDIATOR if kind == StudioMember.Kind.MEDIATOR else Role.ADVISOR
    with transaction.atomic():
        existing = StudioMember.all_objects.filter(studio=studio, user=user, kind=kind).first()
        if existing is not None:
            before = audit.snapshot(existing, fields=["can_lead", "organisation", "is_active"])
            existing.can_lead, existing.organisation, existing.is_active = (
                member.can_lead,
                member.organisation,
                True,
            )
            existing.save()
            audit.log_update(added_by, existing, before)
            member = existing
        else:
            member.save()
            audit.log_create(added_by, member)
        membership, created = RoleMembership.all_objects.get_or_create(
            user=user, role=role, region=studio.region, defaults={"studio": studio, "created_by": added_by}
        )
        if created:
            audit.log_create(added_by, membership)
        elif membership.studio_id != studio.pk or not membership.is_active:
            before = audit.snapshot(membership, fields=["studio", "is_active"])
            membership.studio, membership.is_active = studio, True
            membership.save(update_fields=["studio", "is_active"])
            audit.log_update(added_by, membership, before)
    return member


def studio_member_remove(*, member: StudioMember, removed_by) -> StudioMember:
    """Take a person off the team; their role at the studio ends when they hold no other place on it."""
    studio = member.studio
    _require(can_admin_place(require_scope(), studio))
    if member.kind == StudioMember.Kind.MEDIATOR and member.can_lead and member.is_active:
        leads_left = StudioMember.all_objects.filter(
            studio=studio, kind=StudioMember.Kind.MEDIATOR, can_lead=True, is_active=True
        ).exclude(pk=member.pk)
        if not leads_left.exists():
            raise ValidationError(_("The studio needs at least one mediator who can lead. Add another one first."))
    with transaction.atomic():
        before = audit.snapshot(member, fields=["is_active"])
        member.is_active = False
        member.save(update_fields=["is_active"])
        audit.log_update(removed_by, member, before)
        role = Role.MEDIATOR if member.kind == StudioMember.Kind.MEDIATOR else Role.ADVISOR
        same_role_kinds = (
            [StudioMember.Kind.MEDIATOR]
            if role == Role.MEDIATOR
            else [k for k in StudioMember.Kind.values if k != StudioMember.Kind.MEDIATOR]
        )
        still_on_team = StudioMember.all_objects.filter(
            studio=studio, user=member.user, kind__in=same_role_kinds, is_active=True
        ).exists()
        if not still_on_team:
            membership = RoleMembership.all_objects.filter(
                user=member.user, role=role, region=studio.region, studio=studio, is_active=True
            ).first()
            others = RoleMembership.all_objects.filter(user=member.user, is_active=True)
            if membership is not None and others.exclude(pk=membership.pk).exists():
                before = audit.snapshot(membership, fields=["is_active"])
                membership.is_active = False
                membership.save(update_fields=["is_active"])
                audit.log_update(removed_by, membership, before)
            elif membership is not None:
                before = audit.snapshot(membership, fields=["studio"])
                membership.studio = None  # keep the account usable; it just no longer sees the studio
                membership.save(update_fields=["studio"])
                audit.log_update(removed_by, membership, before)
    return member


# --- coverage plan ----------------------------------------------------------------------------------------


def coverage_plan_set(*, region, updated_by, station_target=None, studio_target=None, note="") -> CoveragePlan:
    """A town (or district) admin records when a village should have its station and studio."""
    from yizhan.regions.models import Region

    _require(can_admin_region(require_scope(), region))
    if region.level != Region.Level.VILLAGE:
        raise ValidationError({"region": _("Choose a village or community.")})
    note = _strip(note or "")
    if len(note) > 200:
        raise ValidationError({"note": _("Keep the note under 200 characters.")})
    with transaction.atomic():
        plan = CoveragePlan.all_objects.select_for_update().filter(region=region).first()
        if plan is None:
            plan = CoveragePlan.all_objects.create(
                region=region, station_target=station_target, studio_target=studio_target, note=note
            )
            audit.log_create(updated_by, plan)
        else:
            before = audit.snapshot(plan, fields=["station_target", "studio_target", "note"])
            plan.station_target, plan.studio_target, plan.note = station_target, studio_target, note
            plan.updated_at = timezone.now()
            plan.save()
            audit.log_update(updated_by, plan, before)
    return plan
