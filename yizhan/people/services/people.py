"""Residents, households, relations and target groups."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.crypto import blind_index
from yizhan.core.permissions import require
from yizhan.core.versioning import bump_version

from ..models import Household, Person, Relation, ScheduledVisit, TargetGroup, TargetGroupMembership
from ..permissions import can_manage_target_groups, can_write_residents_in
from ..selectors import has_active_consent
from ..validators import birth_date_from_id, gender_from_id, normalize_id_number, normalize_mobile
from .visits import schedule_due_visits

PERSON_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "id_type",
    "id_number",
    "mobile",
    "address",
    "notes",
    "region",
    "residency",
    "household",
]


class DuplicatePersonError(ValidationError):
    """The person is already registered. ``existing`` is that person when the actor may see them, else None."""

    def __init__(self, message, existing=None):
        super().__init__({"__all__": [message]})
        self.existing = existing


def find_duplicate(*, id_number: str, name: str, birth_date: date | None, region, exclude_pk=None) -> Person | None:
    """The already registered person with this ID number, or with this name and birth date in this village."""
    candidates = Person.all_objects.filter(anonymised_at__isnull=True).select_related("region")
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    if id_number:
        found = candidates.filter(id_number_index=blind_index("id_number", id_number)).first()
        if found:
            return found
    if name and birth_date and region is not None:
        return candidates.filter(name=name, birth_date=birth_date, region=region).first()
    return None


def _visible(person: Person) -> Person | None:
    return Person.objects.filter(pk=person.pk).first()


def _raise_duplicate(existing: Person):
    visible = _visible(existing)
    if visible is not None:
        raise DuplicatePersonError(_("This person is already registered."), existing=visible)
    raise DuplicatePersonError(
        _("This person is already registered in another place. Ask the town federation to move the record.")
    )


def _prepare(person: Person) -> None:
    person.name = (person.name or "").strip()
    person.id_number = normalize_id_number(person.id_number)
    person.mobile = normalize_mobile(person.mobile)
    person.address = (person.address or "").strip()
    person.notes = (person.notes or "").strip()
    if person.id_type == Person.IdType.RESIDENT_ID and person.id_number:
        born = birth_date_from_id(person.id_number)
        if born and person.birth_date is None:
            person.birth_date = born
        elif born and person.birth_date != born:
            raise ValidationError({"birth_date": _("The date of birth does not match the ID number.")})
        if person.gender == Person.Gender.UNKNOWN and (gender := gender_from_id(person.id_number)):
            person.gender = gender
    if not person.name:
        raise ValidationError({"name": _("Enter the name.")})


def person_create(
    *,
    created_by,
    region,
    name,
    gender=Person.Gender.UNKNOWN,
    birth_date=None,
    id_type=Person.IdType.RESIDENT_ID,
    id_number="",
    mobile="",
    address="",
    notes="",
    residency=Person.Residency.RESIDENT,
    household=None,
) -> Person:
    require(can_write_residents_in, region)
    person = Person(
        name=name,
        gender=gender,
        birth_date=birth_date,
        id_type=id_type,
        id_number=id_number or "",
        mobile=mobile or "",
        address=address or "",
        notes=notes or "",
        region=region,
        residency=residency,
        household=household,
        created_by=created_by,
    )
    _prepare(person)
    person.full_clean(validate_constraints=False)
    existing = find_duplicate(id_number=person.id_number, name=person.name, birth_date=person.birth_date, region=region)
    if existing:
        _raise_duplicate(existing)
    try:
        with transaction.atomic():
            person.save()
            audit.log_create(created_by, person)
    except IntegrityError:  # registered at the same moment by someone else
        existing = find_duplicate(
            id_number=person.id_number, name=person.name, birth_date=person.birth_date, region=region
        )
        if existing:
            _raise_duplicate(existing)
        raise
    return person


def person_update(*, person: Person, changed_by, version: int, **values) -> Person:
    """Correct a person's data (also the PIPL right to correction). Refuses a stale version."""
    if person.is_anonymised:
        raise ValidationError(_("This person has been anonymised and cannot be changed."))
    new_region = values.get("region", person.region)
    require(can_write_residents_in, person.region)
    require(can_write_residents_in, new_region)
    with transaction.atomic():
        before = audit.snapshot(person, fields=PERSON_FIELDS)
        for key, value in values.items():
            if key in PERSON_FIELDS:
                setattr(person, key, value if value is not None or key in ("birth_date", "household") else "")
        _prepare(person)
        person.full_clean(validate_constraints=False)
        if audit.snapshot(person, fields=PERSON_FIELDS) == before:
            return person  # nothing changes: no new version, no write, no audit row
        bump_version(person, version)
        existing = find_duplicate(
            id_number=person.id_number,
            name=person.name,
            birth_date=person.birth_date,
            region=person.region,
            exclude_pk=person.pk,
        )
        if existing:
            _raise_duplicate(existing)
        person.save()
        audit.log_update(changed_by, person, before)
    return person


def household_create(*, created_by, name, region, address="", members=()) -> Household:
    require(can_write_residents_in, region)
    household = Household(
        name=(name or "").strip(), region=region, address=(address or "").strip(), created_by=created_by
    )
    household.full_clean()
    with transaction.atomic():
        household.save()
        audit.log_create(created_by, household)
        for member in members:
            household_set(person=member, household=household, changed_by=created_by)
    return household


def household_set(*, person: Person, household: Household | None, changed_by) -> Person:
    require(can_write_residents_in, person.region)
    if household is not None and household.region_id != person.region_id:
        raise ValidationError(_("A household belongs to one village: the person lives elsewhere."))
    with transaction.atomic():
        before = audit.snapshot(person, fields=["household"])
        person.household = household
        person.save(update_fields=["household", "updated_at"])
        audit.log_update(changed_by, person, before)
    return person


def relation_add(*, created_by, person: Person, relative: Person, kind: str, note="") -> Relation:
    """``person`` is the spouse / parent / guardian of ``relative``."""
    require(can_write_residents_in, person.region)
    if Person.objects.filter(pk=relative.pk).first() is None:
        raise PermissionDenied
    if person.pk == relative.pk:
        raise ValidationError(_("A person cannot be related to themselves."))
    if kind in Relation.GUARDIAN_KINDS and person.birth_date and relative.birth_date:
        if person.birth_date >= relative.birth_date:
            raise ValidationError(_("A parent or guardian must be older than the child."))
    if Relation.all_objects.filter(person=person, relative=relative, kind=kind).exists():
        raise ValidationError(_("This relation is already recorded."))
    relation = Relation(person=person, relative=relative, kind=kind, note=(note or "").strip(), created_by=created_by)
    relation.full_clean(validate_constraints=False)
    with transaction.atomic():
        relation.save()
        audit.log_create(created_by, relation)
    return relation


def relation_remove(*, relation: Relation, removed_by) -> None:
    """Remove a relation. Both people must be in the actor's scope: a relative outside it is not theirs to unlink
    (they see only a masked name), so the relation is left to a federation admin whose area covers both."""
    for side in (relation.person, relation.relative):
        if _visible(side) is None:
            raise PermissionDenied(
                _("This relation names a person outside your area: ask a federation admin over both.")
            )
    require(can_write_residents_in, relation.person.region)
    with transaction.atomic():
        audit.log_delete(removed_by, relation)
        relation.delete()


def target_group_create(*, created_by, name, description="", sort_order=100) -> TargetGroup:
    require(can_manage_target_groups)
    name = (name or "").strip()
    if TargetGroup.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A target group with this name already exists.")})
    code = slugify(name, allow_unicode=False) or f"group-{TargetGroup.objects.count() + 1}"
    while TargetGroup.objects.filter(code=code).exists():
        code = f"{code}-{TargetGroup.objects.count() + 1}"
    group = TargetGroup(code=code, name=name, description=(description or "").strip(), sort_order=sort_order)
    group.full_clean()
    with transaction.atomic():
        group.save()
        audit.log_create(created_by, group)
    return group


def target_group_set_active(*, group: TargetGroup, active: bool, changed_by) -> TargetGroup:
    """Stop (or resume) using a target group; existing memberships stay as history."""
    require(can_manage_target_groups)
    with transaction.atomic():
        before = audit.snapshot(group, fields=["is_active"])
        group.is_active = active
        group.save(update_fields=["is_active"])
        audit.log_update(changed_by, group, before)
    return group


def group_add(
    *, recorded_by, person: Person, group: TargetGroup, start_date: date | None = None, note=""
) -> TargetGroupMembership:
    """Put a person in a target group: sensitive data, so it needs the separate consent for care."""
    require(can_write_residents_in, person.region)
    if person.is_anonymised:
        raise ValidationError(_("This person has been anonymised."))
    if not group.is_active:
        raise ValidationError({"group": _("This target group is no longer used.")})
    if not has_active_consent(person, "care"):
        raise ValidationError(
            _("Record the person's separate consent for target-group care before putting them in a group.")
        )
    if TargetGroupMembership.all_objects.filter(person=person, group=group, end_date__isnull=True).exists():
        raise ValidationError({"group": _("The person is already in this group.")})
    membership = TargetGroupMembership(
        person=person,
        group=group,
        start_date=start_date or timezone.localdate(),
        note=(note or "").strip(),
        recorded_by=recorded_by,
    )
    membership.full_clean(validate_constraints=False)
    with transaction.atomic():
        membership.save()
        audit.log_create(recorded_by, membership)
        schedule_due_visits(person=person)
    return membership


def group_end(*, membership: TargetGroupMembership, ended_by, end_date: date | None = None) -> TargetGroupMembership:
    require(can_write_residents_in, membership.person.region)
    if membership.end_date is not None:
        raise ValidationError(_("This membership has already ended."))
    end_date = end_date or timezone.localdate()
    if end_date < membership.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    with transaction.atomic():
        before = audit.snapshot(membership, fields=["end_date"])
        membership.end_date = end_date
        membership.save(update_fields=["end_date"])
        audit.log_update(ended_by, membership, before)
        ScheduledVisit.all_objects.filter(
            person=membership.person, plan__group=membership.group, visit__isnull=True, cancelled=False
        ).update(cancelled=True)
    return membership
