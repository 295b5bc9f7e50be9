from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from yizhan.core.collation import pinyin

from .models import AuditLog, AuditQuerySet


def audit_list(
    *,
    action: str = "",
    target_type: str = "",
    actor: str = "",
    actor_username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    target_id: str = "",
    region: str = "",
) -> AuditQuerySet:
    qs = AuditLog.objects.all()
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if region:
        qs = qs.filter(region_code__startswith=region)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if actor_username:
        qs = qs.filter(actor_label=actor_username)
    if date_from:
        qs = qs.filter(at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        qs = qs.filter(at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    return qs.order_by("-at", "-id")


def audit_accounts() -> QuerySet[Any]:
    """Accounts in the reader's scope, by name (the audit filter's "by" picker)."""
    return get_user_model().objects.order_by(pinyin("name"), "username")


def audit_get(pk: int) -> AuditLog:
    return AuditLog.objects.select_related("actor").get(pk=pk)


def reveal_history(obj: models.Model) -> AuditQuerySet:
    return audit_list(action=AuditLog.Action.REVEAL, target_type=obj._meta.label_lower, target_id=str(obj.pk))
