"""Messages to residents about their activity registrations, through ``yizhan.notifications.channels``, and the
volunteers' reminder the day before a shift (in-app, through ``notify``; volunteers have accounts).

Idempotent: each message has a sent-marker on the registration, claimed with a conditional UPDATE before sending,
so a task run twice (or two workers at once) sends it once. Payloads carry ids only (and the private link's
secrets encrypted, see ``messaging``). Texts carry the activity, its time and place — never other people's data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from yizhan.core import crypto
from yizhan.core.scoping import scopes_disabled
from yizhan.notifications import channels
from yizhan.notifications import services as notifications
from yizhan.notifications.models import Notification

from .models import Activity, ActivityStatus, Registration, RegistrationStatus, Shift, ShiftSignup, SignupStatus
from .private_links import secret_hash


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _place(activity: Activity) -> str:
    parts = [activity.station.display_name, activity.room.name if activity.room else ""]
    return " · ".join(part for part in parts if part)


def _facts(activity: Activity) -> dict[str, str]:
    return {"title": activity.title, "starts": _when(activity.starts_at), "place": _place(activity)}


def _registration(pk: int) -> Registration | None:
    return (
        Registration.all_objects.select_related("activity", "activity__station", "activity__room").filter(pk=pk).first()
    )


@task()
def send_private_link(registration_id: int, sealed: str) -> bool:
    """Send a new registration's private link and code (also a new one given by staff). Nothing for a link that was
    replaced since, or that was sent already."""
    with scopes_disabled(), translation.override(settings.LANGUAGE_CODE):
        registration = _registration(registration_id)
        if registration is None or registration.status == RegistrationStatus.CANCELLED:
            return False
        secrets = json.loads(crypto.decrypt(sealed))
        if registration.access_hash != secret_hash("link", secrets["token"]):
            return False  # revoked meanwhile
        claimed = (
            Registration.all_objects.filter(pk=registration.pk, access_hash=registration.access_hash)
            .exclude(link_sent_hash=registration.access_hash)
            .update(link_sent_hash=registration.access_hash)
        )
        if not claimed:
            return False
        activity = registration.activity
        if registration.status == RegistrationStatus.CONFIRMED:
            status = _("your place is confirmed")
        else:
            status = _("the activity is full, you are on the waitlist and will be told when a place frees up")
        link = settings.SITE_URL + reverse("activities:public_registration", args=[secrets["token"]])
        text = _(
            "Yizhan: you are signed up for “%(title)s” (%(starts)s, %(place)s): %(status)s. See or cancel it: "
            "%(link)s — or enter code %(code)s with your mobile number on the activity's page."
        ) % {**_facts(activity), "status": status, "link": link, "code": secrets["code"]}
        channels.send(kind="activity_signup", mobile=registration.mobile, text=text)
        return True


@task()
def tell_promoted(registration_id: int) -> bool:
    """Tell a waitlisted person who got a seat."""
    with scopes_disabled(), translation.override(settings.LANGUAGE_CODE):
        registration = _registration(registration_id)
        if registration is None or registration.status != RegistrationStatus.CONFIRMED or not registration.mobile:
            return False
        claimed = Registration.all_objects.filter(pk=registration.pk, promotion_sent_at__isnull=True).update(
            promotion_sent_at=timezone.now()
        )
        if not claimed:
            return False
        text = _(
            "Yizhan: a place is free — you are now confirmed for “%(title)s” (%(starts)s, %(place)s). If you cannot "
            "come, cancel with your private link or code so that the next person gets the seat."
        ) % _facts(registration.activity)
        channels.send(kind="activity_promoted", mobile=registration.mobile, text=text)
        return True


@task()
def tell_activity_cancelled(activity_id: int) -> int:
    """Tell everyone registered (confirmed or waitlisted) that the activity is cancelled, with the reason."""
    sent = 0
    with scopes_disabled(), translation.override(settings.LANGUAGE_CODE):
        activity = Activity.all_objects.select_related("station", "room").filter(pk=activity_id).first()
        if activity is None or activity.status != ActivityStatus.CANCELLED:
            return 0
        text = _("Yizhan: “%(title)s” (%(starts)s, %(place)s) is cancelled: %(reason)s. We are sorry.") % {
            **_facts(activity),
            "reason": activity.cancel_reason,
        }
        waiting = Registration.all_objects.filter(
            activity=activity,
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
            cancellation_sent_at__isnull=True,
        ).exclude(mobile_index="")
        for registration in waiting.order_by("position"):
            claimed = Registration.all_objects.filter(pk=registration.pk, cancellation_sent_at__isnull=True).update(
                cancellation_sent_at=timezone.now()
            )
            if claimed:
                channels.send(kind="activity_cancelled", mobile=registration.mobile, text=text)
                sent += 1
    return sent


@task()
def send_reminders(activity_id: int, starts_at: str) -> int:
    """The day before: remind the confirmed participants. Queued for one start time; if the activity has moved
    since, this run sends nothing (the run queued for the new time does). Each participant once per start time."""
    sent = 0
    with scopes_disabled(), translation.override(settings.LANGUAGE_CODE):
        activity = Activity.all_objects.select_related("station", "room").filter(pk=activity_id).first()
        if activity is None or activity.status != ActivityStatus.PUBLISHED:
            return 0
        if datetime.fromisoformat(starts_at) != activity.starts_at:
            return 0
        text = _("Yizhan reminder: “%(title)s” is on %(starts)s at %(place)s. See you there!") % _facts(activity)
        confirmed = Registration.all_objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED).exclude(
            mobile_index=""
        )
        for registration in confirmed.order_by("position"):
            claimed = (
                Registration.all_objects.filter(pk=registration.pk)
                .exclude(reminded_for=activity.starts_at)
                .update(reminded_for=activity.starts_at)
            )
            if claimed:
                channels.send(kind="activity_reminder", mobile=registration.mobile, text=text)
                sent += 1
    return sent


def shift_facts(shift: Shift) -> dict[str, str | int]:
    """The parameters of a volunteer's notification about a shift: no other person's data."""
    return {
        "title": shift.activity.title,
        "role": str(shift.get_role_display()),
        "starts": _when(shift.starts_at),
        "ends": formats.date_format(timezone.localtime(shift.ends_at), "H:i"),
        "place": _place(shift.activity),
        "activity_id": shift.activity_id,
    }


@task()
def remind_volunteers(shift_id: int, starts_at: str) -> int:
    """The day before a shift: remind the volunteers signed up for it (in-app). Queued for one start time; if the
    shift has moved since, this run sends nothing (the run queued for the new time does). Each volunteer once per
    shift and start time (``notify``'s dedup key)."""
    sent = 0
    with scopes_disabled(), translation.override(settings.LANGUAGE_CODE):
        shift = (
            Shift.all_objects.select_related("activity", "activity__station", "activity__room")
            .filter(pk=shift_id)
            .first()
        )
        if shift is None or shift.activity.status != ActivityStatus.PUBLISHED:
            return 0
        if datetime.fromisoformat(starts_at) != shift.starts_at:
            return 0
        facts = shift_facts(shift)
        moment = shift.starts_at.astimezone(UTC).isoformat()
        signups = ShiftSignup.all_objects.filter(shift=shift, status=SignupStatus.SIGNED_UP).select_related("volunteer")
        for signup in signups.order_by("pk"):
            key = f"shift_reminder:{signup.pk}:{moment}"
            if Notification.all_objects.filter(dedup_key=key).exists():
                continue
            notifications.notify(
                user=signup.volunteer,
                kind="shift_reminder",
                params=facts,
                dedup_key=key,
                link=("activities:my_shifts", []),
            )
            sent += 1
    return sent
