"""An activity's cover photo (issue 10: "cover photo, the project's image mechanism"): set or replace it, remove it.
The image goes through ``core/images.py`` (validated, re-encoded without metadata, with a JPEG thumbnail); the files
it replaces are deleted only once the change is committed. Keyword-only, atomic, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from yizhan.audit import services as audit
from yizhan.core import images
from yizhan.core.permissions import require

from ..models import Activity
from ..permissions import can_manage_activity

if TYPE_CHECKING:
    from yizhan.core.types import User

COVER_FIELDS = ["cover_image", "cover_thumbnail", "cover_content_type"]


def _locked(activity: Activity) -> Activity:
    # unscoped: the row the caller fetched through its scope and checked, locked so two changes replace in turn
    return Activity.all_objects.select_for_update().get(pk=activity.pk)


def _apply(activity: Activity, locked: Activity, *, actor: User, image: str, thumbnail: str, content_type: str):
    """Write the new cover on the locked row (and on the caller's object); the old files are returned for deletion."""
    before = audit.snapshot(locked, fields=COVER_FIELDS)
    old = (locked.cover_image, locked.cover_thumbnail)
    now = timezone.now()
    for obj in (locked, activity):
        obj.cover_image, obj.cover_thumbnail, obj.cover_content_type = image, thumbnail, content_type
        obj.updated_at = now
    locked.save(update_fields=[*COVER_FIELDS, "updated_at"])
    audit.log_update(actor, locked, before)
    return old


def cover_set(*, activity: Activity, upload: File[bytes] | None, set_by: User) -> Activity:
    """Set or replace the cover photo. A bad upload (not an image, too large or too small) raises the core's
    ValidationError on ``image`` and changes nothing; the replaced files are deleted after the commit."""
    require(can_manage_activity, activity)
    stored = images.store_image(upload, folder=f"activities/{activity.pk}/cover")
    try:
        with transaction.atomic():
            old = _apply(
                activity,
                _locked(activity),
                actor=set_by,
                image=stored.image,
                thumbnail=stored.thumbnail,
                content_type=stored.content_type,
            )
            transaction.on_commit(lambda: images.delete_stored(*old))
    except Exception:
        images.delete_stored(stored.image, stored.thumbnail)
        raise
    return activity


def cover_remove(*, activity: Activity, removed_by: User) -> Activity:
    """Remove the cover photo (its files are deleted after the commit); nothing to remove writes nothing."""
    require(can_manage_activity, activity)
    with transaction.atomic():
        locked = _locked(activity)
        if not locked.cover_image:
            return activity
        old = _apply(activity, locked, actor=removed_by, image="", thumbnail="", content_type="")
        transaction.on_commit(lambda: images.delete_stored(*old))
    return activity
