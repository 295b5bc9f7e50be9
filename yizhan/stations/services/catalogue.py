"""Shared reference data writes: room and position types."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.permissions import require

from ..models import (
    PositionType,
    RoomType,
)
from ..permissions import can_manage_catalogue
from .common import (
    strip_text,
)

# --- reference data (room and position types) -------------------------------------------------------------


def lookup_type_save(*, model, saved_by, code, name_zh, name_en, is_active=True, sort_order=None):
    """Add or rename a room type or position type (platform and district-level admins; the lists are shared)."""
    require(can_manage_catalogue)
    if model not in (RoomType, PositionType):
        raise PermissionDenied
    code, name_zh, name_en = strip_text(code or "").lower(), strip_text(name_zh or ""), strip_text(name_en or "")
    errors = {}
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code):
        errors["code"] = _("Use 2–40 lowercase letters, digits or underscores, starting with a letter.")
    if not name_zh:
        errors["name_zh"] = _("Enter the Chinese name.")
    if not name_en:
        errors["name_en"] = _("Enter the English name.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(code=code).first()
        if obj is None:
            order = sort_order if sort_order is not None else (model.objects.count() + 1) * 10
            obj = model.objects.create(code=code, name_zh=name_zh, name_en=name_en, sort_order=order)
            audit.log_create(saved_by, obj, region_code="")
        else:
            before = audit.snapshot(obj, fields=["name_zh", "name_en", "is_active", "sort_order"])
            obj.name_zh, obj.name_en, obj.is_active = name_zh, name_en, is_active
            if sort_order is not None:
                obj.sort_order = sort_order
            obj.save()
            audit.log_update(saved_by, obj, before, region_code="")
    return obj
