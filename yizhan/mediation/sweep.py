"""The daily sweep of the mediation alerts (a daily job: ``settings.DAILY_JOBS["mediation.alert_sweep"]``, run by
``yizhan.core.schedule`` like the other apps' daily jobs).

The alerts are queued as tasks when their date becomes known (``tasks.py``). Cases accepted, agreements signed and
orders ruled before those tasks existed, and tasks lost by a worker, would never alert. Once a day the sweep sends
every alert whose day has come and that was not sent yet, by running the alert task itself (``.call``): the task
checks everything again and its sent-marker (``CaseAlert``) or notification dedup key makes a second run send
nothing. It also plans the follow-up visits of recent agreements that have none (closed before visits were planned).

- time limit ends soon: accepted cases from ``deadline_alert_days()`` before the deadline to the deadline;
- overdue: accepted cases past their deadline (the town's federation admins);
- judicial confirmation window: current signed agreements from day ``confirmation_alert_day()`` to day 30, no
  application recorded;
- protection orders: granted orders expiring within ``PROTECTION_ORDER_ALERT_DAYS`` days;
- follow-up visits: cases closed with an agreement within the last ``max(follow_up_days())`` days and no visit.

This module sits above ``tasks.py`` and ``services`` (the services queue the tasks, so ``tasks.py`` cannot import
them back).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yizhan.core.scoping import scopes_disabled

from .models import (
    CONFIRMATION_DAYS,
    PROTECTION_ORDER_ALERT_DAYS,
    Agreement,
    Case,
    CaseAlert,
    JudicialConfirmation,
    ProtectionOrder,
)
from .services.outcomes import follow_up_days, schedule_follow_ups
from .tasks import (
    alert_confirmation_window,
    alert_deadline_soon,
    alert_overdue,
    confirmation_alert_day,
    deadline_alert_days,
    protection_order_expiry_alert,
)


def _deadlines(today, sent: Counter) -> None:
    cases = Case.all_objects.filter(status=Case.Status.ACCEPTED, accepted_at__isnull=False).only(
        "pk", "status", "accepted_at", "time_limit_days"
    )
    markers = set(
        CaseAlert.all_objects.filter(
            case__status=Case.Status.ACCEPTED, kind__in=[CaseAlert.Kind.DEADLINE_SOON, CaseAlert.Kind.OVERDUE]
        ).values_list("case_id", "kind", "key")
    )
    soon_from = timedelta(days=deadline_alert_days())
    for case in cases.iterator():
        deadline = case.deadline
        if deadline is None:
            continue
        key = deadline.isoformat()
        if deadline < today:
            if (case.pk, CaseAlert.Kind.OVERDUE, key) not in markers and alert_overdue.call(
                case_id=case.pk, deadline=key
            ):
                sent["overdue"] += 1
        elif today >= deadline - soon_from and (case.pk, CaseAlert.Kind.DEADLINE_SOON, key) not in markers:
            if alert_deadline_soon.call(case_id=case.pk, deadline=key) is not None:
                sent["deadline_soon"] += 1


def _confirmations(today, sent: Counter) -> None:
    window_opens = today - timedelta(days=confirmation_alert_day())
    agreements = (
        Agreement.all_objects.filter(
            superseded_at__isnull=True,
            signed_on__isnull=False,
            signed_on__lte=window_opens,
            signed_on__gte=today - timedelta(days=CONFIRMATION_DAYS),
        )
        .exclude(pk__in=JudicialConfirmation.all_objects.values("agreement_id"))
        .exclude(case__alerts__kind=CaseAlert.Kind.CONFIRMATION)
        .values_list("pk", flat=True)
    )
    for agreement_id in list(agreements):
        if alert_confirmation_window.call(agreement_id=agreement_id) is not None:
            sent["confirmation"] += 1


def _orders(today, sent: Counter) -> None:
    orders = ProtectionOrder.all_objects.filter(
        ruling=ProtectionOrder.Ruling.GRANTED,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=PROTECTION_ORDER_ALERT_DAYS),
    ).values_list("pk", "expires_on")
    for order_id, expires_on in list(orders):
        # The task notifies once per order, expiry and person (dedup key): a second run counts them but adds none.
        if protection_order_expiry_alert.call(order_id=order_id, expires_on=expires_on.isoformat()):
            sent["protection_order"] += 1


def _follow_ups(today, sent: Counter) -> None:
    since = timezone.now() - timedelta(days=max(follow_up_days(), default=0))
    cases = Case.all_objects.filter(
        status=Case.Status.AGREEMENT, closed_at__gte=since, follow_ups__isnull=True
    ).select_related("studio", "studio__region")
    for case in list(cases):
        with transaction.atomic():
            sent["follow_ups"] += len(schedule_follow_ups(case=case, by=None))


@task()
def sweep_alerts() -> dict[str, int]:
    """Send the mediation alerts whose day has come and that were not sent, plan missing follow-up visits; returns
    how many of each (a run just after another sends nothing new: only protection-order checks are counted again)."""
    sent: Counter = Counter()
    with scopes_disabled():
        today = timezone.localdate()
        _deadlines(today, sent)
        _confirmations(today, sent)
        _orders(today, sent)
        _follow_ups(today, sent)
    return dict(sent)
