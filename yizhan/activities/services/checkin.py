"""Check-in: participants on their own phone from the QR code, the desk (a volunteer or the manager on a tablet),
walk-ins, and undoing a mistaken check-in. Keyword-only, atomic, audited.

When: a participant checks in from an hour before the start until the end (``checkin_window``); the desk works
from the same moment until the activity is marked completed, so staff can put a forgotten check-in right before
writing the summary.

Checking in twice at once checks in once: the check-in is a conditional UPDATE (``checked_in_at IS NULL``), and
only the request that changed the row writes the audit row. Walk-ins never take one of the sign-up seats
(``confirmed_count`` counts registrations made before the day); they are confirmed registrations flagged
``walk_in``, numbered after the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, When
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import validate_mobile
from yizhan.audit import services as audit
from yizhan.core.crypto import blind_index
from yizhan.core.permissions import require
from yizhan.core.text import has_control_characters

from .. import private_links, tokens
from ..models import ACTIVE, Activity, ActivityStatus, CheckInMethod, Registration, RegistrationStatus
from ..permissions import can_run_desk
from .activities import _local

if TYPE_CHECKING:
    from yizhan.core.types import User

CHECKIN_OPENS_BEFORE = timedelta(hours=1)
NAME_MAX = 50


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    already: bool  # the person had checked in before (nothing changed)


def checkin_window(activity: Activity) -> tuple[datetime, datetime]:
    """From an hour before the start until the end."""
    return activity.starts_at - CHECKIN_OPENS_BEFORE, activity.ends_at


def _participant_window_error(activity: Activity, now: datetime) -> str | None:
    opens, closes = checkin_window(activity)
    if activity.status == ActivityStatus.CANCELLED:
        return _("This activity was cancelled.")
    if activity.status == ActivityStatus.COMPLETED:
        return _("This activity is over: check-in is closed.")
    if activity.status != ActivityStatus.PUBLISHED:
        return _("This activity is not open for check-in.")
    if now < opens:
        return _("Check-in opens at %(when)s, an hour before the start.") % {"when": _local(opens)}
    if now >= closes:
        return _("Check-in closed at %(when)s, when the activity ended.") % {"when": _local(closes)}
    return None


def desk_window_error(activity: Activity, now: datetime | None = None) -> str | None:
    """Why the desk cannot record attendance now, or None."""
    now = now or timezone.now()
    opens, _closes = checkin_window(activity)
    if activity.status == ActivityStatus.COMPLETED:
        return _("This activity is marked completed: its attendance can no longer be changed.")
    if activity.status != ActivityStatus.PUBLISHED:
        return _("Only a published activity takes check-ins.")
    if now < opens:
        return _("Check-in opens at %(when)s, an hour before the start.") % {"when": _local(opens)}
    return None


def activity_for_checkin(token: str) -> Activity:
    """The activity a check-in QR code names; ``tokens.TokenError`` for a forged, foreign or out-of-date one."""
    data = tokens.read_checkin(token)
    # unscoped: the participant has no account; the signed token is the permission to see this one activity
    activity = Activity.all_objects.select_related("station", "station__region").filter(pk=data.activity_id).first()
    if activity is None or not tokens.matches(data, activity):
        raise tokens.TokenError(_("This QR code is out of date: ask the staff for the current one."))
    return activity


def normalise_mobile(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def _mark(registration: Registration, *, actor: User | None, method: str) -> bool:
    """Check in with a conditional UPDATE; True when this call did it (then it is audited)."""
    now = timezone.now()
    changed = Registration.all_objects.filter(
        pk=registration.pk,
        checked_in_at__isnull=True,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
    ).update(
        checked_in_at=now,
        checked_in_by=actor if actor is not None and actor.is_authenticated else None,
        check_in_method=method,
    )
    if not changed:
        registration.refresh_from_db()
        return False
    before = audit.snapshot(registration, fields=["checked_in_at", "check_in_method"])
    registration.checked_in_at = now
    registration.check_in_method = method
    registration.checked_in_by_id = actor.pk if actor is not None and actor.is_authenticated else None
    audit.log_update(actor, registration, before)
    return True


def mobile_or_code(value: str) -> dict[str, str]:
    """What a participant typed into the one box of the check-in page: 8 digits are the registration code, anything
    else is taken as the mobile number (11 digits)."""
    value = normalise_mobile(value)
    if value.isdigit() and len(value) == private_links.CODE_DIGITS:
        return {"code": value}
    return {"mobile": value}


def _registration_by_mobile(activity: Activity, mobile: str) -> Registration:
    registration = (
        Registration.all_objects.filter(ACTIVE, activity=activity, mobile_index=blind_index("mobile", mobile))
        .order_by("position")
        .first()
    )
    if registration is None:
        raise ValidationError(
            {"mobile": _("No registration for this activity with this mobile number. Please ask at the desk.")}
        )
    return registration


def _registration_by_code(activity: Activity, code: str) -> Registration:
    """The registration whose private code (given at sign-up, ``private_links``) this is. Only this activity's
    registrations are searched; a revoked code no longer matches (its hash was replaced)."""
    # Active ones first: a code that matched a cancelled registration and an active one (8 random digits, so
    # almost never) checks in the active one.
    registration = (
        Registration.all_objects.filter(activity=activity, code_hash=private_links.secret_hash("code", code))
        .exclude(code_hash="")
        .order_by(Case(When(ACTIVE, then=0), default=1), "position")
        .first()
    )
    if registration is None:
        raise ValidationError(
            {
                "code": _(
                    "No registration for this activity with this code. If the station sent you a new code, use the "
                    "newest one; otherwise please ask at the desk."
                )
            }
        )
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError({"code": _("This registration was cancelled. Please ask at the desk.")})
    return registration


def self_check_in(*, activity: Activity, mobile: str = "", code: str = "") -> CheckInResult:
    """A participant checks in on their phone with the mobile number they registered with, or with the
    registration code they were given at sign-up (one of the two)."""
    mobile = normalise_mobile(mobile)
    code = normalise_mobile(code)
    if not mobile and not code:
        raise ValidationError({"mobile": _("Enter the mobile number you registered with, or your registration code.")})
    if mobile and code:
        raise ValidationError(_("Enter either the mobile number or the registration code, not both."))
    if mobile:
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from exc
    elif not (code.isdigit() and len(code) == private_links.CODE_DIGITS):
        raise ValidationError(
            {"code": _("A registration code has %(digits)s digits.") % {"digits": private_links.CODE_DIGITS}}
        )
    problem = _participant_window_error(activity, timezone.now())
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        registration = _registration_by_mobile(activity, mobile) if mobile else _registration_by_code(activity, code)
        if registration.status == RegistrationStatus.WAITLISTED and registration.checked_in_at is None:
            raise ValidationError(_("You are on the waitlist for this activity. Please ask at the desk."))
        done = _mark(registration, actor=None, method=CheckInMethod.QR)
    return CheckInResult(registration, already=not done)


def _desk_ready(registration: Registration) -> Activity:
    activity = registration.activity
    require(can_run_desk, activity)
    problem = desk_window_error(activity)
    if problem:
        raise ValidationError(problem)
    return activity


def desk_check_in(*, registration: Registration, checked_in_by: User) -> CheckInResult:
    """One tap at the desk: a registered person (confirmed or waitlisted) is checked in."""
    _desk_ready(registration)
    with transaction.atomic():
        registration.refresh_from_db(fields=["status", "checked_in_at"])
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration was cancelled."))
        done = _mark(registration, actor=checked_in_by, method=CheckInMethod.DESK)
    return CheckInResult(registration, already=not done)


def desk_undo(*, registration: Registration, undone_by: User) -> Registration:
    """Undo a mistaken check-in; a walk-in recorded by mistake is removed from the list (cancelled)."""
    _desk_ready(registration)
    with transaction.atomic():
        registration.refresh_from_db(fields=["status", "checked_in_at", "check_in_method", "checked_in_by"])
        if registration.checked_in_at is None or registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This person is not checked in."))
        fields = ["checked_in_at", "check_in_method", "checked_in_by"]
        if registration.walk_in:
            fields += ["status", "cancelled_at"]
        before = audit.snapshot(registration, fields=fields)
        registration.checked_in_at = None
        registration.check_in_method = ""
        registration.checked_in_by = None
        if registration.walk_in:
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = timezone.now()
        registration.save(update_fields=fields)
        audit.log_update(undone_by, registration, before)
    return registration


def walk_in_add(*, activity: Activity, name: str, mobile: str = "", recorded_by: User) -> Registration:
    """Someone who came without registering, recorded at the desk (checked in at once)."""
    require(can_run_desk, activity)
    name = (name or "").strip()
    mobile = normalise_mobile(mobile)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("Use at most %(max)s characters.") % {"max": NAME_MAX}]
    elif has_control_characters(name):
        errors["name"] = [_("This text may not contain control characters.")]
    if mobile:
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            errors["mobile"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Activity.all_objects.filter(pk=activity.pk).update(registration_seq=F("registration_seq") + 1)
        current = Activity.all_objects.get(pk=activity.pk)
        problem = desk_window_error(current)
        if problem:
            raise ValidationError(problem)
        if (
            mobile
            and Registration.all_objects.filter(
                ACTIVE, activity=current, mobile_index=blind_index("mobile", mobile)
            ).exists()
        ):
            raise ValidationError(
                {"mobile": _("Someone with this mobile number is registered already: check them in from the list.")}
            )
        registration = Registration.all_objects.create(
            activity=current,
            name=name,
            mobile=mobile,
            status=RegistrationStatus.CONFIRMED,
            position=current.registration_seq,
            created_by=recorded_by,
            walk_in=True,
            checked_in_at=timezone.now(),
            checked_in_by=recorded_by,
            check_in_method=CheckInMethod.WALK_IN,
        )
        audit.log_create(recorded_by, registration)
    activity.registration_seq = current.registration_seq
    return registration
