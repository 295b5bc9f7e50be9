"""Revealing a sensitive value: a permission, a reason, and an audit row every time."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from yizhan.core.fields import EncryptedField, SensitiveFieldsMixin
from yizhan.core.scoping import ScopedModel

from . import services as audit

if TYPE_CHECKING:
    from yizhan.core.types import AnyUser

    class Revealable(ScopedModel, SensitiveFieldsMixin):
        """What a model that opts in to reveal is: scoped, with encrypted fields and ``can_reveal``."""

        class Meta:
            abstract = True


def revealable_model(label: str) -> type[Revealable] | None:
    """Models opt in to reveal by defining ``can_reveal(user, field_name)``."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    # The models that define it are scoped models with encrypted fields (SensitiveFieldsMixin); a type annotation
    # cannot spell "subclass of both", so the class above names it for the type checker.
    return cast("type[Revealable]", model) if callable(getattr(model, "can_reveal", None)) else None


def is_revealable_field(model: type[models.Model], field_name: str) -> bool:
    """Only sensitive fields are revealed: encrypted ones and those the model names in ``masked_fields``
    (everything else is shown in full, or never)."""
    if issubclass(model, SensitiveFieldsMixin):
        return model.mask_kind(field_name) is not None
    try:
        return isinstance(model._meta.get_field(field_name), EncryptedField)
    except FieldDoesNotExist:
        return False


def reveal(*, actor: AnyUser, obj: SensitiveFieldsMixin, field_name: str, reason: str) -> str:
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
    return obj.full_value(field_name)
