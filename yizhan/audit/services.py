"""Recording what happened. Every service write calls one of these inside its own transaction.

Actions come only from ``AuditLog.Action`` (also reachable as ``audit.Action``): ``record`` and ``record_many``
refuse anything else, a bare string such as ``"reveal"`` included.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, TypeAlias, TypedDict, TypeVar, Unpack

from django.db import models
from django.utils import timezone

from yizhan.core.fields import EncryptedField, SensitiveFieldsMixin
from yizhan.core.masking import mask_for_record

from .models import AuditLog

if TYPE_CHECKING:
    from yizhan.core.types import AnyUser

Action = AuditLog.Action
BULK_BATCH = 500

# A value as an audit row keeps it (JSON): relations by id, dates as ISO text, anything else as text.
Plain: TypeAlias = "str | int | float | bool | None | list[Plain]"
# ``{field: [before, after]}``, or whatever a service records about its action.
Changes: TypeAlias = Mapping[str, object]
_T = TypeVar("_T", bound=models.Model)


class RecordOptions(TypedDict, total=False):
    """What ``log_create`` / ``log_update`` / ``log_delete`` pass on to ``record``."""

    region_code: str | None
    field: str
    reason: str
    target_repr: str | None


class RecordManyOptions(TypedDict, total=False):
    """What ``log_create_many`` passes on to ``record_many``."""

    field: str
    reason: str
    batch_size: int


def _label(obj: models.Model) -> str:
    return obj._meta.label_lower


def _plain(value: object) -> Plain:
    if isinstance(value, models.Model):
        pk: int | str = value.pk
        return pk
    if hasattr(value, "isoformat"):
        iso: str = value.isoformat()
        return iso
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return str(value)


class MaskedValue(str):
    """A sensitive value as the audit log keeps it (the masking policy's record form, ``mask_for_record``) that
    still compares by the value it hides, so that ``diff`` sees a change the mask does not show (one ID number for
    another, both all stars). Only the text is ever stored: the comparison key is a salted, per-process hash of the
    value (``of``), kept in memory."""

    _key: int

    def __new__(cls, masked: str, key: int) -> MaskedValue:
        obj = super().__new__(cls, masked)
        obj._key = key
        return obj

    @classmethod
    def of(cls, kind: str, value: object) -> MaskedValue:
        return cls(mask_for_record(kind, value), hash(repr(_plain(value))))

    def __getnewargs__(self) -> tuple[str, int]:  # type: ignore[override]  # str's takes one argument; copies need two
        return (str(self), self._key)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MaskedValue):
            return self._key == other._key
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return self._key


def _sensitive_kind(obj: models.Model, field: models.Field[object, object]) -> str | None:
    if isinstance(obj, SensitiveFieldsMixin):
        return obj.mask_kind(field.name)
    return field.kind if isinstance(field, EncryptedField) else None


def snapshot(obj: models.Model, fields: Collection[str] | None = None) -> dict[str, Plain]:
    """Field values as the audit log keeps them: sensitive ones masked (``core.masking``), relations by id, secrets
    left out."""
    data: dict[str, Plain] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.primary_key or field.name in {"password", "last_login"} or not field.editable:
            continue
        value = getattr(obj, field.attname)
        kind = _sensitive_kind(obj, field)
        if kind is not None:
            data[field.name] = MaskedValue.of(kind, value) if value not in (None, "") else _plain(value)
            continue
        data[field.name] = _plain(value)
    return data


def diff(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, list[object]]:
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _repr(obj: models.Model) -> str:
    """How an audit row names its object: ``obj.audit_repr()`` where the model defines it (to leave out what the
    row's readers may not see, such as the name of a relative outside their scope), else ``str(obj)``."""
    getter = getattr(obj, "audit_repr", None)
    text: str = getter() if callable(getter) else str(obj)
    return text


def region_code_of(obj: object) -> str:
    getter = getattr(obj, "audit_region_code", None)
    code: str = getter() if callable(getter) else ""
    return code


def _checked(action: object) -> AuditLog.Action:
    if not isinstance(action, AuditLog.Action):
        raise TypeError(f"An audit action is an AuditLog.Action member, not {action!r}.")
    return action


def _entry(
    *,
    actor: AnyUser | None,
    action: AuditLog.Action,
    target: models.Model | None,
    changes: Changes | None,
    region_code: str | None,
    field: str,
    reason: str,
    target_repr: str | None,
    at: datetime | None = None,
) -> AuditLog:
    """An unsaved audit row: the fields ``record`` and ``record_many`` fill in the same way."""
    return AuditLog(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=getattr(actor, "username", "") or "",
        action=action,
        target_type=_label(target) if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else _repr(target) if target is not None else "")[:255],
        region_code=region_code if region_code is not None else (region_code_of(target) if target is not None else ""),
        changes=changes or {},
        field=field,
        reason=reason,
        **({"at": at} if at is not None else {}),
    )


def record(
    *,
    actor: AnyUser | None,
    action: AuditLog.Action,
    target: models.Model | None = None,
    changes: Changes | None = None,
    region_code: str | None = None,
    field: str = "",
    reason: str = "",
    target_repr: str | None = None,
) -> AuditLog:
    entry = _entry(
        actor=actor,
        action=_checked(action),
        target=target,
        changes=changes,
        region_code=region_code,
        field=field,
        reason=reason,
        target_repr=target_repr,
    )
    entry.save()
    return entry


def record_many(
    *,
    actor: AnyUser | None,
    action: AuditLog.Action,
    targets: Iterable[_T],
    changes: Callable[[_T], Changes] | None = None,
    field: str = "",
    reason: str = "",
    batch_size: int = BULK_BATCH,
) -> int:
    """One audit row per target for bulk paths (imports, exports of many people), with the fields ``record`` gives
    one target, written by ``bulk_create`` ``batch_size`` rows at a time. ``targets`` may be any iterable (a
    generator keeps memory flat); ``changes`` is None or a function of the target returning its changes. Every row
    gets the same time. Call it inside the caller's transaction. Returns the number of rows written."""
    action = _checked(action)
    at = timezone.now()
    remaining = iter(targets)
    written = 0
    while batch := list(islice(remaining, batch_size)):
        AuditLog.all_objects.bulk_create(
            [
                _entry(
                    actor=actor,
                    action=action,
                    target=target,
                    changes=changes(target) if changes is not None else None,
                    region_code=None,
                    field=field,
                    reason=reason,
                    target_repr=None,
                    at=at,
                )
                for target in batch
            ]
        )
        written += len(batch)
    return written


def log_create(actor: AnyUser | None, obj: models.Model, **kwargs: Unpack[RecordOptions]) -> AuditLog:
    return record(actor=actor, action=AuditLog.Action.CREATE, target=obj, changes=diff({}, snapshot(obj)), **kwargs)


def log_update(
    actor: AnyUser | None, obj: models.Model, before: Mapping[str, object], **kwargs: Unpack[RecordOptions]
) -> AuditLog | None:
    changes = diff(before, snapshot(obj, fields=before.keys()))
    if not changes:
        return None
    return record(actor=actor, action=AuditLog.Action.UPDATE, target=obj, changes=changes, **kwargs)


def log_delete(actor: AnyUser | None, obj: models.Model, **kwargs: Unpack[RecordOptions]) -> AuditLog:
    return record(actor=actor, action=AuditLog.Action.DELETE, target=obj, changes=diff(snapshot(obj), {}), **kwargs)


def log_create_many(actor: AnyUser | None, objs: Iterable[models.Model], **kwargs: Unpack[RecordManyOptions]) -> int:
    """``log_create`` for objects saved together with ``bulk_create``: one bulk insert of their audit rows."""
    return record_many(
        actor=actor, action=Action.CREATE, targets=objs, changes=lambda o: diff({}, snapshot(o)), **kwargs
    )
