"""After the activity: the manager completes it with a summary, the actual counts (prefilled from the attendance)
and photos; the summary can be corrected afterwards. Keyword-only, atomic, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core import images
from yizhan.core.permissions import require
from yizhan.core.text import has_control_characters
from yizhan.core.versioning import bump_version

from ..models import (
    CAPTION_MAX,
    MAX_COUNT,
    SUMMARY_MAX,
    Activity,
    ActivityPhoto,
    ActivityStatus,
    ActivitySummary,
)
from ..permissions import can_manage_activity
from .activities import activity_complete

if TYPE_CHECKING:
    from yizhan.core.types import User

MAX_PHOTOS = 20  # per activity


def _checked(text: str, participants: object, walk_ins: object) -> tuple[str, int, int]:
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("Write a short summary of the activity.")]
    elif len(text) > SUMMARY_MAX:
        errors["text"] = [_("Use at most %(max)s characters.") % {"max": SUMMARY_MAX}]
    elif has_control_characters(text, multiline=True):
        errors["text"] = [_("This text may not contain control characters.")]
    counts = {}
    for name, value in (("participants", participants), ("walk_ins", walk_ins)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            errors[name] = [_("Enter a whole number from 0 to %(max)s.") % {"max": MAX_COUNT}]
            counts[name] = 0
        else:
            counts[name] = value
    if "walk_ins" not in errors and "participants" not in errors and counts["walk_ins"] > counts["participants"]:
        errors["walk_ins"] = [
            _("The walk-ins are part of the participants: at most %(n)s.") % {"n": counts["participants"]}
        ]
    if errors:
        raise ValidationError(errors)
    return text, counts["participants"], counts["walk_ins"]


def summary_save(
    *,
    activity: Activity,
    written_by: User,
    text: str,
    participants: object,
    walk_ins: object = 0,
    version: int | str | None = None,
) -> ActivitySummary:
    """Complete a published activity that has started, with its summary; or correct the summary of a completed one
    (``version`` of the summary checked)."""
    require(can_manage_activity, activity)
    text, participants_n, walk_ins_n = _checked(text, participants, walk_ins)
    with transaction.atomic():
        if activity.status == ActivityStatus.PUBLISHED:
            activity_complete(activity=activity, completed_by=written_by)
        elif activity.status != ActivityStatus.COMPLETED:
            raise ValidationError(_("Only a published activity that has started can be completed."))
        summary = ActivitySummary.all_objects.filter(activity=activity).first()
        if summary is None:
            summary = ActivitySummary.all_objects.create(
                activity=activity,
                text=text,
                participants=participants_n,
                walk_ins=walk_ins_n,
                written_by=written_by,
            )
            audit.log_create(written_by, summary)
            return summary
        before = audit.snapshot(summary, fields=["text", "participants", "walk_ins"])
        summary.text, summary.participants, summary.walk_ins = text, participants_n, walk_ins_n
        if not audit.diff(before, audit.snapshot(summary, fields=before.keys())):
            return summary
        bump_version(summary, version)
        summary.written_by = written_by
        summary.written_at = timezone.now()
        summary.save(update_fields=["text", "participants", "walk_ins", "written_by", "written_at"])
        audit.log_update(written_by, summary, before)
    return summary


def photo_add(*, activity: Activity, upload: File[bytes] | None, uploaded_by: User, caption: str = "") -> ActivityPhoto:
    """A photo of a completed activity (validated, re-encoded without metadata, with a thumbnail)."""
    require(can_manage_activity, activity)
    if activity.status != ActivityStatus.COMPLETED:
        raise ValidationError(_("Add photos once the activity is completed."))
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX or has_control_characters(caption):
        raise ValidationError({"caption": _("Use at most %(max)s characters.") % {"max": CAPTION_MAX}})
    if ActivityPhoto.all_objects.filter(activity=activity).count() >= MAX_PHOTOS:
        raise ValidationError({"photos": _("An activity keeps at most %(n)s photos.") % {"n": MAX_PHOTOS}})
    stored = images.store_image(upload, folder=f"activities/{activity.pk}")
    try:
        with transaction.atomic():
            photo = ActivityPhoto.all_objects.create(
                activity=activity,
                image=stored.image,
                thumbnail=stored.thumbnail,
                content_type=stored.content_type,
                width=stored.width,
                height=stored.height,
                caption=caption,
                uploaded_by=uploaded_by,
            )
            audit.log_create(uploaded_by, photo)
    except Exception:
        images.delete_stored(stored.image, stored.thumbnail)
        raise
    return photo


def photo_delete(*, photo: ActivityPhoto, deleted_by: User) -> None:
    require(can_manage_activity, photo.activity)
    names = (photo.image, photo.thumbnail)
    with transaction.atomic():
        audit.log_delete(deleted_by, photo)
        photo.delete()
        transaction.on_commit(lambda: images.delete_stored(*names))
