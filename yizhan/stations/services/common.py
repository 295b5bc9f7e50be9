"""Helpers shared by the services of every kind of place (stations here, studios in mediation): audit of updates,
status dates, the unique-name message. Version checks are ``yizhan.core.versioning.bump_version``, as in every app."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit

from ..models import Status

PROFILE_FIELDS = ["name", "brand_name", "address", "introduction", "is_public"]
STATION_PROFILE_FIELDS = [*PROFILE_FIELDS, "floor_area"]
ADMIN_FIELDS = ["region", "status", "status_since", "opened_on"]


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


def unique_name_error(model, field="name"):
    return ValidationError({field: _("This name is already used here.")})


def _codes(items) -> list[str]:
    return sorted(item.code for item in items)


def record_update(actor, obj, before: dict, extra: dict | None = None):
    changes = audit.diff(before, audit.snapshot(obj, fields=before.keys()))
    changes.update(extra or {})
    if changes:
        audit.record(actor=actor, action=audit.Action.UPDATE, target=obj, changes=changes)


def set_status_dates(place, status, status_since):
    if status == Status.OPERATING and place.opened_on is None:
        place.opened_on = status_since or timezone.localdate()
