"""Revealing a sensitive value: a permission, a reason, and an audit row every time."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from yizhan.core.fields import EncryptedField

from . import services as audit


def revealable_model(label: str):
    """Models opt in to reveal by defining ``can_reveal(user, field_name)``."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if callable(getattr(model, "can_reveal", None)) else None


def is_revealable_field(model, field_name: str) -> bool:
    """Only encrypted fields are revealed (everything else is shown in full, or never)."""
    try:
        return isinstance(model._meta.get_field(field_name), EncryptedField)
    except FieldDoesNotExist:
        return False


def reveal(*, actor, obj, field_name: str, reason: str) -> str:
    if not is_revealable_field(type(obj), field_name):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why you need to see the full value.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    if not obj.can_reveal(actor, field_name):
        raise PermissionDenied
    audit.record(actor=actor, action=audit.Action.REVEAL, target=obj, field=field_name, reason=reason)
    return getattr(obj, field_name)
