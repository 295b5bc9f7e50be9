"""Optimistic version checks: the one way every app refuses a stale edit.

A model that editors change through forms or the API has ``version = models.PositiveIntegerField(default=1)``. The
form or request carries the version the editor read; the service calls ``bump_version(obj, expected_version)``
inside its transaction, before it saves. The bump is one conditional UPDATE (``... SET version = version + 1 WHERE
pk = %s AND version = %s``): of two editors who read the same version, the database lets exactly one through (the
other's UPDATE waits for the first to commit, then matches no row) and the other gets ``StaleVersionError``.

``StaleVersionError`` is a ``ValidationError`` on the field ``version`` with one translated message, so pages show
it like any other form error (``core.forms.add_errors`` puts it on the form's hidden ``version`` field, which the
templates show at the top of the form) and the API answers 409 (one handler in ``yizhan/api.py``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Someone else changed this in the meantime. Nothing was saved: reload the page to see their changes, "
    "then make yours again."
)


class StaleVersionError(ValidationError):
    """The object changed since the editor read it: nothing was saved. The error is on the field ``version``."""

    def __init__(self) -> None:
        super().__init__({"version": [STALE_MESSAGE]})


def _stamped(model: type[models.Model]) -> bool:
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


def bump_version(obj: models.Model, expected_version: int | str | None) -> None:
    """Raise the stored version of ``obj`` by one if it is still ``expected_version``, else ``StaleVersionError``.

    Call it inside the service's ``transaction.atomic()`` before saving the other changes, so that a later error in
    the same transaction undoes the bump too. ``expected_version`` comes from a form or a request: anything that is
    not a whole number is stale. On success ``obj.version`` (and ``obj.updated_at`` where the model has one) match
    the database again, so a following ``obj.save()`` keeps the new version.
    """
    if expected_version is None:
        raise StaleVersionError
    try:
        expected = int(expected_version)
    except (TypeError, ValueError) as exc:
        raise StaleVersionError from exc
    model = obj._meta.model
    stored: dict[str, object] = {"version": expected + 1}  # what the row holds after the update
    if _stamped(model):
        stored["updated_at"] = timezone.now()
    # The base manager is never scoped: whether the caller may change the object was decided before this call.
    if not model._base_manager.filter(pk=obj.pk, version=expected).update(**{**stored, "version": F("version") + 1}):
        raise StaleVersionError
    for name, value in stored.items():
        setattr(obj, name, value)
