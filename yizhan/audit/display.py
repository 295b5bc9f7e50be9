"""The audit log as staff read it: kinds of object and fields by their names in the user's language, values as the
pages show them (choices by label, yes/no, times in Asia/Shanghai, related records by name), entries grouped by the
change they belong to. The raw record stays one click away (``audit:detail``).

Related records are looked up through their scoped managers, one query per kind of record on the page: what the
reader may not see is named as such, never by its id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from yizhan.core import registry

from .models import AuditLog

# Rows by the same person within this time of each other belong to one change (one form sent, one import).
GROUP_WINDOW = timedelta(seconds=2)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    row: AuditLog
    kind: str
    changes: list[FieldChange]
    field_label: str = ""


@dataclass
class Group:
    at: datetime
    actor: str
    entries: list[Entry] = field(default_factory=list)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def kind_label(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model else (label or "—")


def object_kinds() -> list[tuple[str, str]]:
    """Every kind of record the project's apps keep, as (label, name) choices sorted by name."""
    kinds = {
        model._meta.label_lower: str(model._meta.verbose_name)
        for config in registry.project_apps()
        for model in config.get_models()
        if model is not AuditLog
    }
    return sorted(kinds.items(), key=lambda item: item[1])


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a key that is not a field (a service's own note) is shown as recorded
        return None
    return found if isinstance(found, models.Field) else None


def _related_ids(rows: Iterable[AuditLog]) -> dict[type[models.Model], set[Any]]:
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for row in rows:
        model = _model(row.target_type)
        for name, pair in (row.changes or {}).items():
            f = _field(model, name)
            if f is None or not f.is_relation or f.related_model is None or not isinstance(pair, list):
                continue
            for value in pair:
                for pk in value if isinstance(value, list) else [value]:
                    if isinstance(pk, (int, str)) and pk != "":
                        wanted[f.related_model].add(pk)
    return wanted


def _names(wanted: dict[type[models.Model], set[Any]]) -> dict[tuple[type[models.Model], str], str]:
    """``str()`` of every related record on the page that the reader may see (scoped managers)."""
    names: dict[tuple[type[models.Model], str], str] = {}
    for model, pks in wanted.items():
        # ``objects`` is the scoped manager of a scoped model (a default manager may be unscoped, as the user's is)
        manager = getattr(model, "objects", model._default_manager)
        try:
            found = list(manager.filter(pk__in=pks))
        except (ValueError, TypeError):
            continue
        for obj in found:
            names[(model, str(obj.pk))] = str(obj)
    return names


class _Formatter:
    def __init__(self, names: dict[tuple[type[models.Model], str], str]) -> None:
        self.names = names

    def value(self, f: models.Field[Any, Any] | None, value: object) -> str:
        if value is None or value == "" or value == []:
            return _("(empty)")
        if isinstance(value, list):
            return "、".join(self.value(f, v) for v in value)
        if f is not None and f.is_relation and f.related_model is not None:
            related: Any = f.related_model
            return self.names.get((related, str(value)), _("a record outside your scope"))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if f is not None and f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(f, models.DateTimeField) and isinstance(value, str) and (moment := parse_datetime(value)):
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "Y-m-d H:i")
        if isinstance(f, models.DateField) and isinstance(value, str) and (day := parse_date(value[:10])):
            return formats.date_format(day, "Y-m-d")
        return str(value)

    def changes(self, row: AuditLog, model: type[models.Model] | None) -> list[FieldChange]:
        out = []
        for name, pair in (row.changes or {}).items():
            f = _field(model, name)
            label = str(f.verbose_name) if f is not None else name
            if isinstance(pair, list) and len(pair) == 2:  # noqa: PLR2004 - [before, after]
                before = "" if row.action == AuditLog.Action.CREATE else self.value(f, pair[0])
                out.append(FieldChange(label, before, self.value(f, pair[1])))
            else:
                out.append(FieldChange(label, "", self.value(f, pair)))
        return out


def entries(rows: Sequence[AuditLog]) -> list[Entry]:
    """The page's rows for reading, with one query per kind of related record on the page."""
    formatter = _Formatter(_names(_related_ids(rows)))
    out = []
    for row in rows:
        model = _model(row.target_type)
        f = _field(model, row.field)
        out.append(
            Entry(
                row=row,
                kind=kind_label(row.target_type) if row.target_type else "",
                changes=formatter.changes(row, model),
                field_label=str(f.verbose_name) if f is not None else row.field,
            )
        )
    return out


def actor_name(row: AuditLog) -> str:
    """Who did it, by name (the account's name, else its username; the system for tasks and sign-in checks)."""
    user = row.actor if row.actor_id else None
    return (getattr(user, "name", "") or row.actor_label) if user else (row.actor_label or _("the system"))


def grouped(rows: Sequence[AuditLog]) -> list[Group]:
    """Consecutive rows by the same person within ``GROUP_WINDOW`` as one change."""
    groups: list[Group] = []
    for entry in entries(rows):
        last = groups[-1] if groups else None
        actor = actor_name(entry.row)
        if last and last.actor == actor and abs(last.entries[-1].row.at - entry.row.at) <= GROUP_WINDOW:
            last.entries.append(entry)
        else:
            groups.append(Group(at=entry.row.at, actor=actor, entries=[entry]))
    return groups
