from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from yizhan.core.collation import pinyin
from yizhan.core.scoping import get_scope

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
    if _reads_few_rows(region):
        # Newest first, but not along the time index: the rows are found through the region index and sorted.
        return qs.order_by(Coalesce("at", "at").desc(), "-id")
    return qs.order_by("-at", "-id")


def audit_accounts() -> QuerySet[Any]:
    """Accounts in the reader's scope, by name (the audit filter's "by" picker)."""
    return get_user_model().objects.order_by(pinyin("name"), "username")


# The length of a town's code (33 > 3301 > 330109 > 330109113 > 330109113001); regions are a layer above audit.
TOWN_CODE_LENGTH = 9


def _reads_few_rows(region: str) -> bool:
    """Whether the reader sees only a town's (or a village's) rows, or only her own.

    Walking the time index backwards finds a wide scope's newest rows at once, but for a town whose rows are not the
    newest it filters out most of the table first (issue 12: 72,875 rows skipped for a page at 200,000 rows). A
    narrow scope's rows are few and reached through the region index, so sorting them costs what the town holds,
    not what the province holds (docs/issue-12-province-scale.md, "Lists").
    """
    scope = get_scope()
    if scope is None or scope.unrestricted:
        return len(region) >= TOWN_CODE_LENGTH
    return len(region) >= TOWN_CODE_LENGTH or all(len(code) >= TOWN_CODE_LENGTH for code in scope.admin_regions)


def audit_get(pk: int) -> AuditLog:
    return AuditLog.objects.select_related("actor").get(pk=pk)


def reveal_history(obj: models.Model) -> AuditQuerySet:
    return audit_list(action=AuditLog.Action.REVEAL, target_type=obj._meta.label_lower, target_id=str(obj.pk))
