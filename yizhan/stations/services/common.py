"""Helpers shared by the services of every kind of place (stations here, studios in mediation): version check,
audit of updates, status dates, the unique-name message."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit

from ..models import Status

PROFILE_FIELDS = ["name", "brand_name", "address", "introduction", "is_public"]
STATION_PROFILE_FIELDS = [*PROFILE_FIELDS, "floor_area"]
ADMIN_FIELDS = ["region", "status", "status_since", "opened_on"]
STALE_MESSAGE = _(
    "Someone else changed this in the meantime. Nothing was saved: reload the page to see their changes, "
    "then make yours again."
)


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


def unique_name_error(model, field="name"):
    return ValidationError({field: _("This name is already used here.")})


def check_version(model, obj, version):
    """Optimistic lock: bump the version only if nobody else did since the form was loaded."""
    try:
        version = int(version)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"version": STALE_MESSAGE}) from exc
    stamped = any(field.name == "updated_at" for field in model._meta.concrete_fields)
    values = {"version": F("version") + 1, **({"updated_at": timezone.now()} if stamped else {})}
    bumped = model.all_objects.filter(pk=obj.pk, version=version).update(**values)
    if not bumped:
        raise ValidationError({"version": STALE_MESSAGE})
    obj.version = version + 1
    if stamped:
        obj.updated_at = timezone.now()


def _codes(items) -> list[str]:
    return sorted(item.code for item in items)


def record_update(actor, obj, before: dict, extra: dict | None = None):
    changes = audit.diff(before, audit.snapshot(obj, fields=before.keys()))
    changes.update(extra or {})
    if changes:
        audit.record(actor=actor, action="update", target=obj, changes=changes)


def set_status_dates(place, status, status_since):
    if status == Status.OPERATING and place.opened_on is None:
        place.opened_on = status_since or timezone.localdate()
