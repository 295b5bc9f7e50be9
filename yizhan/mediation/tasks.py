"""Alerts of the mediation app (django-tasks): a case's time limit, its agreement's judicial-confirmation window,
and protection orders about to expire (issue 11).

Each alert is a task queued with ``run_after`` when its date is known (acceptance, an extension, a reopening, the
signed agreement) and planned again when that date changes: the task carries the date it was planned for and does
nothing if the case has moved on (another deadline, closed, confirmation applied for). A ``CaseAlert`` row, created in
the same transaction as the notifications, is the sent-marker: a task run twice (or two plans for the same date)
alerts once. A task that runs early (the immediate backend of the tests runs it at once) does nothing either.
Payloads carry ids and dates only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from yizhan.accounts.models import RoleMembership
from yizhan.accounts.roles import Role
from yizhan.core.scoping import scopes_disabled
from yizhan.notifications.services import notify

from .models import (
    CONFIRMATION_DAYS,
    PROTECTION_ORDER_ALERT_DAYS,
    Agreement,
    Case,
    CaseAlert,
    JudicialConfirmation,
    ProtectionOrder,
)

ALERT_HOUR = time(9)


def deadline_alert_days() -> int:
    """How many days before the time limit ends the lead mediator is alerted (5 by default)."""
    return int(getattr(settings, "MEDIATION_DEADLINE_ALERT_DAYS", 5))


def confirmation_alert_day() -> int:
    """On which day of the 30-day confirmation window the lead mediator is alerted (day 25 by default)."""
    return int(getattr(settings, "MEDIATION_CONFIRMATION_ALERT_DAY", 25))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, ALERT_HOUR))


def _mark(case: Case, kind: str, key: str) -> bool:
    """Create the sent-marker; False if this alert was already sent."""
    try:
        with transaction.atomic():
            CaseAlert.all_objects.create(case=case, kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def _case(case_id: int) -> Case | None:
    return (
        Case.all_objects.select_related("studio", "studio__region", "studio__region__parent", "lead")
        .filter(pk=case_id)
        .first()
    )


@task()
def alert_deadline_soon(case_id: int, deadline: str) -> int | None:
    """Tell the lead mediator that the case's time limit ends on ``deadline`` (planned ``deadline_alert_days()``
    before). Returns the notification's id, or None when there is nothing (more) to send."""
    with scopes_disabled(), transaction.atomic():
        case = _case(case_id)
        if case is None or case.status != Case.Status.ACCEPTED or case.lead is None or case.deadline is None:
            return None
        if case.deadline.isoformat() != deadline:
            return None  # the deadline moved: the new plan alerts for it
        if timezone.localdate() < case.deadline - timedelta(days=deadline_alert_days()):
            return None  # too early
        if not _mark(case, CaseAlert.Kind.DEADLINE_SOON, deadline):
            return None
        return notify(
            user=case.lead,
            kind="case_deadline_soon",
            params={"case": case.number, "case_id": case.pk, "deadline": deadline},
            dedup_key=f"case_deadline_soon:{case.pk}:{deadline}",
            link=("mediation:case_detail", [case.pk]),
        ).pk


def town_admins(case: Case) -> list:
    """The federation admins of the studio's town (the village's parent region)."""
    town = case.studio.region.parent
    if town is None:
        return []
    memberships = RoleMembership.all_objects.filter(
        role=Role.FEDERATION_ADMIN, is_active=True, region=town, user__is_active=True
    ).select_related("user")
    return [membership.user for membership in memberships.order_by("user_id")]


@task()
def alert_overdue(case_id: int, deadline: str) -> list[int]:
    """Tell the town's federation admins that the case passed its time limit (planned for the day after)."""
    with scopes_disabled(), transaction.atomic():
        case = _case(case_id)
        if case is None or case.status != Case.Status.ACCEPTED or case.deadline is None:
            return []
        if case.deadline.isoformat() != deadline or not case.is_overdue:
            return []
        if not _mark(case, CaseAlert.Kind.OVERDUE, deadline):
            return []
        return [
            notify(
                user=admin,
                kind="case_overdue",
                params={"case": case.number, "case_id": case.pk, "deadline": deadline, "studio": case.studio.name},
                dedup_key=f"case_overdue:{case.pk}:{deadline}:{admin.pk}",
                link=("mediation:case_detail", [case.pk]),
            ).pk
            for admin in town_admins(case)
        ]


@task()
def alert_confirmation_window(agreement_id: int) -> int | None:
    """Tell the lead mediator that the 30 days to apply for judicial confirmation of the agreement end soon (planned
    on day ``confirmation_alert_day()``), unless the parties applied or a new version replaced it."""
    with scopes_disabled(), transaction.atomic():
        agreement = Agreement.all_objects.filter(pk=agreement_id).select_related("case", "case__lead").first()
        if agreement is None or agreement.signed_on is None or not agreement.is_current:
            return None
        case = agreement.case
        last_day = agreement.confirmation_last_day
        today = timezone.localdate()
        if case.lead is None or last_day is None or today > last_day:
            return None
        if today < agreement.signed_on + timedelta(days=confirmation_alert_day()):
            return None
        if JudicialConfirmation.all_objects.filter(agreement=agreement).exists():
            return None
        if not _mark(case, CaseAlert.Kind.CONFIRMATION, str(agreement.pk)):
            return None
        return notify(
            user=case.lead,
            kind="case_confirmation_window",
            params={
                "case": case.number,
                "case_id": case.pk,
                "last_day": last_day.isoformat(),
                "days": CONFIRMATION_DAYS,
            },
            dedup_key=f"case_confirmation_window:{agreement.pk}",
            link=("mediation:case_detail", [case.pk]),
        ).pk


# --- planning (called by the services inside their transactions) --------------------------------------------------


def _enqueue(alert, when: datetime, **kwargs) -> None:
    """Queue ``alert`` to run at ``when``; a backend that cannot defer (the tests' immediate one) runs it now, and the
    task finds it is too early and does nothing."""
    if alert.get_backend().supports_defer:
        alert.using(run_after=when).enqueue(**kwargs)
    else:
        alert.enqueue(**kwargs)


def plan_deadline_alerts(case: Case) -> None:
    """Queue the alerts for the case's current deadline, after commit."""
    deadline = case.deadline
    if deadline is None or case.status != Case.Status.ACCEPTED:
        return
    key = deadline.isoformat()
    soon = _at(deadline - timedelta(days=deadline_alert_days()))
    overdue = _at(deadline + timedelta(days=1))
    case_id = case.pk

    def queue() -> None:
        _enqueue(alert_deadline_soon, soon, case_id=case_id, deadline=key)
        _enqueue(alert_overdue, overdue, case_id=case_id, deadline=key)

    transaction.on_commit(queue)


def plan_confirmation_alert(agreement: Agreement) -> None:
    if agreement.signed_on is None:
        return
    when = _at(agreement.signed_on + timedelta(days=confirmation_alert_day()))
    agreement_id = agreement.pk
    transaction.on_commit(lambda: _enqueue(alert_confirmation_window, when, agreement_id=agreement_id))


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
                link=("mediation:case_detail", [order.case_id]),
            )
        return len(users)
