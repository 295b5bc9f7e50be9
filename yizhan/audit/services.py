"""Recording what happened. Every service write calls one of these inside its own transaction."""

from django.db import models

from yizhan.core.fields import EncryptedField

from .models import AuditLog


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


def record(*, actor, action, target=None, changes=None, region_code=None, field="", reason="", target_repr=None):
    return AuditLog.all_objects.create(
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
    )


def log_create(actor, obj, **kwargs):
    return record(actor=actor, action=AuditLog.Action.CREATE, target=obj, changes=diff({}, snapshot(obj)), **kwargs)


def log_update(actor, obj, before: dict, **kwargs):
    changes = diff(before, snapshot(obj, fields=before.keys()))
    if not changes:
        return None
    return record(actor=actor, action=AuditLog.Action.UPDATE, target=obj, changes=changes, **kwargs)


def log_delete(actor, obj, **kwargs):
    return record(actor=actor, action=AuditLog.Action.DELETE, target=obj, changes=diff(snapshot(obj), {}), **kwargs)
