"""Studio writes: profile, shared premises, contacts and the joint-mediation team. Keyword-only, atomic, audited;
permission checks against the active scope."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import Role, RoleMembership
from yizhan.audit import services as audit
from yizhan.core.permissions import require
from yizhan.core.versioning import bump_version
from yizhan.stations.models import Status
from yizhan.stations.permissions import can_admin_region
from yizhan.stations.services.common import (
    ADMIN_FIELDS,
    PROFILE_FIELDS,
    record_update,
    set_status_dates,
    strip_text,
    unique_name_error,
)
from yizhan.stations.services.contacts import add_contact, remove_contact

from ..models import DEFAULT_CASE_NUMBER_FORMAT, DEFAULT_CASE_TIME_LIMIT_DAYS, Studio, StudioContact, StudioMember
from ..permissions import can_edit_studio

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
    case_number_format=DEFAULT_CASE_NUMBER_FORMAT,
    case_time_limit_days=DEFAULT_CASE_TIME_LIMIT_DAYS,
) -> Studio:
    require(can_admin_region, region)
    _check_shared_station(region, shared_station)
    studio = Studio(
        region=region,
        name=strip_text(name),
        brand_name=strip_text(brand_name),
        address=strip_text(address),
        introduction=strip_text(introduction),
        status=status,
        status_since=status_since or timezone.localdate(),
        opened_on=opened_on,
        is_public=is_public,
        shared_station=shared_station,
        case_number_format=strip_text(case_number_format),
        case_time_limit_days=case_time_limit_days,
    )
    set_status_dates(studio, status, status_since)
    studio.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            studio.save()
            audit.log_create(created_by, studio)
    except IntegrityError as exc:
        raise unique_name_error(Studio) from exc
    return studio


STUDIO_FIELDS = [
    *PROFILE_FIELDS,
    *ADMIN_FIELDS,
    "shared_station",
    "case_number_format",
    "case_time_limit_days",
    "repeat_window_days",
]


def studio_update(*, studio: Studio, updated_by, version, **changes) -> Studio:
    """Admins of the studio's region change its profile, status and shared premises (version-checked)."""
    require(can_edit_studio, studio)
    unknown = set(changes) - set(STUDIO_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "region" in changes and changes["region"] != studio.region:
        require(can_admin_region, changes["region"])
    before = audit.snapshot(studio, fields=STUDIO_FIELDS)
    old_status = studio.status
    for field, value in changes.items():
        setattr(studio, field, strip_text(value))
    _check_shared_station(studio.region, studio.shared_station)
    if studio.status != old_status and not changes.get("status_since"):
        studio.status_since = timezone.localdate()
    set_status_dates(studio, studio.status, studio.status_since)
    studio.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            bump_version(studio, version)
            studio.save()
            record_update(updated_by, studio, before)
    except IntegrityError as exc:
        raise unique_name_error(Studio) from exc
    return studio


def studio_member_add(*, studio: Studio, user, kind, added_by, can_lead=False, organisation="") -> StudioMember:
    """Put a person on the studio's team. Mediators get the mediator role, partners the advisor role, at the studio."""
    require(can_edit_studio, studio)
    member = StudioMember(
        studio=studio, user=user, kind=kind, can_lead=bool(can_lead), organisation=strip_text(organisation or "")
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
            user=user,
            role=role,
            region=studio.region,
            defaults={"place_kind": "studio", "place_id": studio.pk, "created_by": added_by},
        )
        if created:
            audit.log_create(added_by, membership)
        elif membership.place_ids() != [("studio", studio.pk)] or not membership.is_active:
            before = audit.snapshot(membership, fields=["place_kind", "place_id", "is_active"])
            membership.set_place(studio)
            membership.is_active = True
            membership.save(update_fields=["place_kind", "place_id", "is_active"])
            audit.log_update(added_by, membership, before)
    return member


def studio_member_remove(*, member: StudioMember, removed_by) -> StudioMember:
    """Take a person off the team; their role at the studio ends when they hold no other place on it."""
    studio = member.studio
    require(can_edit_studio, studio)
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
                RoleMembership.at(studio), user=member.user, role=role, region=studio.region, is_active=True
            ).first()
            others = RoleMembership.all_objects.filter(user=member.user, is_active=True)
            if membership is not None and others.exclude(pk=membership.pk).exists():
                before = audit.snapshot(membership, fields=["is_active"])
                membership.is_active = False
                membership.save(update_fields=["is_active"])
                audit.log_update(removed_by, membership, before)
            elif membership is not None:
                before = audit.snapshot(membership, fields=["place_kind", "place_id"])
                membership.set_place(None)  # keep the account usable; it just no longer sees the studio
                membership.save(update_fields=["place_kind", "place_id"])
                audit.log_update(removed_by, membership, before)
    return member


# --- contacts ---------------------------------------------------------------------------------------------


def studio_contact_create(*, studio: Studio, created_by, **fields) -> StudioContact:
    """A contact person of a studio: ``name``, ``role``, ``phone``, ``is_public``, ``sort_order``."""
    return add_contact(StudioContact, place=studio, created_by=created_by, **fields)


def studio_contact_delete(*, contact: StudioContact, deleted_by) -> None:
    remove_contact(contact, deleted_by=deleted_by)
