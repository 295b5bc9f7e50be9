"""Satisfaction answers (活动感 / 安全感 / 幸福感, 1–5 each, and a comment), given by attendees from the QR code or
link shown at the end of the activity. Never linked to a person.

- Open from the activity's start until ``FEEDBACK_DAYS`` after its end, for a published or completed activity.
- One answer per device: the answering device's key (a random value in a cookie on the page, a client-chosen key
  in the API) is kept only as a hash with the activity (``Feedback.device_guard``, unique per activity).
- No more answers than people took part: the attendance (check-ins), or the summary's participant count if higher.
  The cap is checked under the activity row's write lock, so two answers at once cannot pass it together.
- Low scores: an answer with any sense at ``LOW_SCORE`` (2) or below is a low answer; the first one flags the activity
  to the station's managers through an in-app notification (one per activity and manager), and the activity's page
  shows how many low answers it has.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import Role, RoleMembership
from yizhan.audit import services as audit
from yizhan.core.text import has_control_characters
from yizhan.notifications import services as notifications

from .. import tokens
from ..models import (
    COMMENT_MAX,
    LOW_SCORE,
    SCORE_MAX,
    SCORE_MIN,
    Activity,
    ActivityStatus,
    ActivitySummary,
    Feedback,
    Registration,
    RegistrationStatus,
)
from .activities import _local

FEEDBACK_DAYS = 7
DEVICE_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SENSES = ("participation", "safety", "happiness")


def feedback_window(activity: Activity) -> tuple[datetime, datetime]:
    return activity.starts_at, activity.ends_at + timedelta(days=FEEDBACK_DAYS)


def feedback_error(activity: Activity, now: datetime | None = None) -> str | None:
    """Why this activity takes no answers now, or None."""
    now = now or timezone.now()
    opens, closes = feedback_window(activity)
    if activity.status not in (ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED):
        return _("This activity takes no feedback.")
    if now < opens:
        return _("Feedback opens when the activity starts (%(when)s).") % {"when": _local(opens)}
    if now >= closes:
        return _("Feedback for this activity closed on %(when)s.") % {"when": _local(closes)}
    return None


def activity_for_feedback(token: str) -> Activity:
    """The activity a feedback QR code names; ``tokens.TokenError`` for a forged, foreign or out-of-date one."""
    data = tokens.read_feedback(token)
    # unscoped: answers are anonymous; the signed token is the permission to answer about this one activity
    activity = Activity.all_objects.select_related("station", "station__region").filter(pk=data.activity_id).first()
    if activity is None or not tokens.matches(data, activity):
        raise tokens.TokenError(_("This QR code is out of date: ask the staff for the current one."))
    return activity


def device_guard(activity: Activity, device_key: str) -> str:
    return hashlib.sha256(f"{activity.pk}:{device_key}".encode()).hexdigest()


def _score(errors: dict[str, list[str]], name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[name] = [_("Choose a score from 1 to 5.")]
        return 0
    try:
        number = int(value)
    except ValueError:
        errors[name] = [_("Choose a score from 1 to 5.")]
        return 0
    if not SCORE_MIN <= number <= SCORE_MAX:
        errors[name] = [_("Choose a score from 1 to 5.")]
    return number


def attended_count(activity: Activity) -> int:
    return Registration.all_objects.filter(
        activity=activity,
        checked_in_at__isnull=False,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
    ).count()


def answer_cap(activity: Activity) -> int:
    """How many answers the activity takes at most: the people who took part."""
    summary = ActivitySummary.all_objects.filter(activity=activity).values_list("participants", flat=True).first()
    return max(attended_count(activity), summary or 0)


def feedback_submit(
    *, activity: Activity, device_key: str, participation: object, safety: object, happiness: object, comment: str = ""
) -> Feedback:
    """One anonymous answer about ``activity`` from the device with ``device_key``."""
    errors: dict[str, list[str]] = {}
    scores = {
        name: _score(errors, name, value)
        for name, value in zip(SENSES, (participation, safety, happiness), strict=True)
    }
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("Use at most %(max)s characters.") % {"max": COMMENT_MAX}]
    elif has_control_characters(comment, multiline=True):
        errors["comment"] = [_("This text may not contain control characters.")]
    if not DEVICE_KEY.match(device_key or ""):
        errors["device"] = [_("Open the feedback link again on this device and answer there.")]
    if errors:
        raise ValidationError(errors)
    problem = feedback_error(activity)
    if problem:
        raise ValidationError(problem)
    guard = device_guard(activity, device_key)
    with transaction.atomic():
        Activity.all_objects.filter(pk=activity.pk).update(registration_seq=F("registration_seq"))  # the row lock
        if Feedback.all_objects.filter(activity=activity, device_guard=guard).exists():
            raise ValidationError(_("You have answered about this activity already on this device. Thank you!"))
        cap = answer_cap(activity)
        if cap == 0:
            raise ValidationError(_("Feedback opens once participants have checked in."))
        if Feedback.all_objects.filter(activity=activity).count() >= cap:
            raise ValidationError(_("Everyone who took part has answered already."))
        answer = Feedback(
            activity=activity,
            comment=comment,
            device_guard=guard,
            is_low=min(scores.values()) <= LOW_SCORE,
            **scores,
        )
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("You have answered about this activity already on this device. Thank you!")
            ) from exc
        audit.log_create(None, answer)
        if answer.is_low:
            _flag_low(activity)
    return answer


def _flag_low(activity: Activity) -> None:
    """The first low answer tells the station's managers (once per activity and manager)."""
    low = Feedback.all_objects.filter(activity=activity, is_low=True).count()
    managers = list(
        RoleMembership.all_objects.filter(
            RoleMembership.at(activity.station), role=Role.STATION_MANAGER, is_active=True
        ).select_related("user")
    )
    params = {"title": activity.title, "starts": _local(activity.starts_at), "count": low, "activity_id": activity.pk}

    def send() -> None:
        for membership in managers:
            notifications.notify(
                user=membership.user,
                kind="activity_low_score",
                params=params,
                dedup_key=f"activity_low_score:{activity.pk}:{membership.user_id}",
                link=("activities:detail", [activity.pk]),
            )

    transaction.on_commit(send)
