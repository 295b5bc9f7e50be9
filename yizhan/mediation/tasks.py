"""Tasks of the mediation app (django-tasks). Idempotent; payloads carry ids and dates only."""

from django.utils import timezone
from django_tasks import task

from yizhan.accounts.models import Role, RoleMembership
from yizhan.core.scoping import scopes_disabled
from yizhan.notifications.services import notify

from .models import PROTECTION_ORDER_ALERT_DAYS, ProtectionOrder


@task()
def protection_order_expiry_alert(order_id: int, expires_on: str) -> int:
    """Tell the case's lead mediator and the admins of the studio's town that a protection order expires soon.

    Sends nothing before the alert day (a week before expiry) or after expiry, nor for an order no longer granted or
    whose expiry has changed since the task was queued (a new task is queued then). Once per order, expiry date and
    person (the dedup key): a retried or repeated task sends nothing new. Returns the number of people told."""
    with scopes_disabled():
        order = (
            ProtectionOrder.all_objects.select_related("case", "case__lead", "case__studio__region")
            .filter(pk=order_id)
            .first()
        )
        if (
            order is None
            or order.ruling != ProtectionOrder.Ruling.GRANTED
            or order.expires_on is None
            or order.expires_on.isoformat() != expires_on
            or order.expires_on < timezone.localdate()
            or (order.expires_on - timezone.localdate()).days > PROTECTION_ORDER_ALERT_DAYS
        ):
            return 0
        case = order.case
        town = case.studio.region.parent or case.studio.region
        users = {
            m.user
            for m in RoleMembership.all_objects.filter(
                role=Role.FEDERATION_ADMIN, is_active=True, region=town
            ).select_related("user")
        }
        if case.lead is not None:
            users.add(case.lead)
        params = {
            "case": case.number,
            "case_id": case.pk,
            "expires": order.expires_on.isoformat(),
            "days": (order.expires_on - min(timezone.localdate(), order.expires_on)).days,
        }
        for user in sorted(users, key=lambda u: u.pk):
            notify(
                user=user,
                kind="protection_order_expiring",
                params=params,
                dedup_key=f"protection_order_expiring:{order.pk}:{expires_on}:{user.pk}",
            )
        return len(users)
