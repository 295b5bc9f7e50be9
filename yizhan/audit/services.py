"""Recording what happened. Every service write calls one of these inside its own transaction.

Actions come only from ``AuditLog.Action`` (also reachable as ``audit.Action``): ``record`` and ``record_many``
refuse anything else, a bare string such as ``"reveal"`` included.
"""

from itertools import islice

from django.db import models
from django.utils import timezone

from yizhan.core.fields import EncryptedField

from .models import AuditLog

Action = AuditLog.Action
BULK_BATCH = 500


def _label(obj) -> str:
    return obj._meta.label_lower


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return str(value)


def snapshot(obj, fields=None) -> dict:
    """Field values as the audit log keeps them: sensitive ones masked, relations by id, secrets left out."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.primary_key or field.name in {"password", "last_login"} or not field.editable:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, EncryptedField):
            value = field.mask(value)
        data[field.name] = _plain(value)
    return data


def diff(before: dict, after: dict) -> dict:
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def region_code_of(obj) -> str:
    getter = getattr(obj, "audit_region_code", None)
    return getter() if callable(getter) else ""


def _checked(action) -> AuditLog.Action:
    if not isinstance(action, AuditLog.Action):
        raise TypeError(f"An audit action is an AuditLog.Action member, not {action!r}.")
    return action


def _entry(*, actor, action, target, changes, region_code, field, reason, target_repr, at=None) -> AuditLog:
    """An unsaved audit row: the fields ``record`` and ``record_many`` fill in the same way."""
    return AuditLog(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=getattr(actor, "username", "") or "",
        action=action,
        target_type=_label(target) if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else str(target) if target is not None else "")[:255],
        region_code=region_code if region_code is not None else (region_code_of(target) if target is not None else ""),
        changes=changes or {},
        field=field,
        reason=reason,
        **({"at": at} if at is not None else {}),
    )


def record(*, actor, action, target=None, changes=None, region_code=None, field="", reason="", target_repr=None):
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


def record_many(*, actor, action, targets, changes=None, field="", reason="", batch_size=BULK_BATCH) -> int:
    """One audit row per target for bulk paths (imports, exports of many people), with the fields ``record`` gives
    one target, written by ``bulk_create`` ``batch_size`` rows at a time. ``targets`` may be any iterable (a
    generator keeps memory flat); ``changes`` is None or a function of the target returning its changes. Every row
    gets the same time. Call it inside the caller's transaction. Returns the number of rows written."""
    action = _checked(action)
    at = timezone.now()
    targets = iter(targets)
    written = 0
    while batch := list(islice(targets, batch_size)):
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


def log_create(actor, obj, **kwargs):
    return record(actor=actor, action=AuditLog.Action.CREATE, target=obj, changes=diff({}, snapshot(obj)), **kwargs)


def log_update(actor, obj, before: dict, **kwargs):
    changes = diff(before, snapshot(obj, fields=before.keys()))
    if not changes:
        return None
    return record(actor=actor, action=AuditLog.Action.UPDATE, target=obj, changes=changes, **kwargs)


def log_delete(actor, obj, **kwargs):
    return record(actor=actor, action=AuditLog.Action.DELETE, target=obj, changes=diff(snapshot(obj), {}), **kwargs)


def log_create_many(actor, objs, **kwargs) -> int:
    """``log_create`` for objects saved together with ``bulk_create``: one bulk insert of their audit rows."""
    return record_many(
        actor=actor, action=Action.CREATE, targets=objs, changes=lambda o: diff({}, snapshot(o)), **kwargs
    )
