"""Messages to residents who signed up (they have no accounts): queued as tasks after the transaction commits
(``activities.tasks``), sent through ``yizhan.notifications.channels``. Payloads carry ids; the private link's
secrets, which exist only until the message is sent, travel encrypted (``core.crypto``) and are checked against the
stored hashes when the task runs (a revoked link is never sent)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from yizhan.core import crypto

from . import tasks
from .models import Activity, ActivityStatus, Registration, Shift

REMINDER_BEFORE = timedelta(days=1)


def send_link_after_commit(registration: Registration, *, token: str, code: str) -> None:
    if not registration.mobile:
        return
    sealed = crypto.encrypt(json.dumps({"token": token, "code": code}))
    pk = registration.pk
    transaction.on_commit(lambda: tasks.send_private_link.enqueue(registration_id=pk, sealed=sealed))


def tell_promoted_after_commit(registrations: Iterable[Registration]) -> None:
    for registration in registrations:
        if registration.mobile:
            transaction.on_commit(partial(tasks.tell_promoted.enqueue, registration_id=registration.pk))


def tell_cancelled_after_commit(activity: Activity) -> None:
    pk = activity.pk
    transaction.on_commit(lambda: tasks.tell_activity_cancelled.enqueue(activity_id=pk))


def plan_reminders(activity: Activity) -> bool:
    """Queue the reminder the day before a published activity (again whenever its start changes: the task for an
    older start time then sends nothing). No reminder when that time has passed, or on a backend that cannot defer
    tasks (the tests' immediate backend)."""
    when = activity.starts_at - REMINDER_BEFORE
    if activity.status != ActivityStatus.PUBLISHED or when <= timezone.now():
        return False
    if not tasks.send_reminders.get_backend().supports_defer:
        return False
    pk, starts = activity.pk, activity.starts_at.isoformat()
    transaction.on_commit(lambda: tasks.send_reminders.using(run_after=when).enqueue(activity_id=pk, starts_at=starts))
    return True


def plan_shift_reminder(shift: Shift) -> bool:
    """Queue the volunteers' reminder the day before a shift (when it is created, and again whenever its start
    changes: the run for an older start sends nothing; a run for an activity that is not published by then sends
    nothing either). Not when that time has passed, nor on a backend that cannot defer tasks."""
    when = shift.starts_at - REMINDER_BEFORE
    if when <= timezone.now() or not tasks.remind_volunteers.get_backend().supports_defer:
        return False
    pk, starts = shift.pk, shift.starts_at.isoformat()
    transaction.on_commit(lambda: tasks.remind_volunteers.using(run_after=when).enqueue(shift_id=pk, starts_at=starts))
    return True
