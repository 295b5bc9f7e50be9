"""Volunteers (巾帼志愿者): profiles, shifts, sign-ups and hours.

Keyword-only, atomic, audited; permission checks against the active scope (``require``); the actor is passed in.

Never over the slots: a sign-up takes a slot with the conditional ``taken_count = taken_count + 1 WHERE taken_count <
slots`` on the shift row (the same pattern as the activity's seats); the database refuses ``taken_count > slots`` by a
check constraint besides, and one active sign-up per volunteer and shift by a conditional unique constraint.

Hours: check-in and check-out give the minutes (at most 24 hours); a manager may correct them (with a reason) and
confirms them. Only confirmed hours count (certificate, Excel, home panel).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yizhan.accounts.models import Role, RoleMembership
from yizhan.audit import services as audit
from yizhan.core.permissions import allows, require
from yizhan.core.versioning import bump_version
from yizhan.notifications import services as notifications

from .. import messaging
from ..models import (
    MAX_SHIFT_HOURS,
    MAX_SLOTS,
    NOTE_MAX,
    REASON_MAX,
    Activity,
    ActivityStatus,
    Availability,
    HoursStatus,
    Shift,
    ShiftRole,
    ShiftSignup,
    SignupStatus,
    Skill,
    VolunteerProfile,
)
from ..permissions import can_manage_activity, can_manage_signup, can_volunteer_at, is_own_signup, is_volunteer
from ..tasks import shift_facts

if TYPE_CHECKING:
    from yizhan.core.types import User

CHECK_IN_OPENS = timedelta(hours=1)  # before the shift starts
CHECK_OUT_CLOSES = timedelta(hours=12)  # after the shift ends; later, the manager records the hours


def _text(value: str | None, *, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("Use at most %(max)s characters.") % {"max": limit}})
    return value


# --- profiles -----------------------------------------------------------------------------------------------------


def _volunteer_village(user: User):
    # unscoped: the user's own roles decide where their profile belongs
    membership = (
        RoleMembership.all_objects.filter(user=user, role=Role.VOLUNTEER, is_active=True)
        .select_related("region")
        .order_by("region__code")
        .first()
    )
    if membership is None:
        raise PermissionDenied(_("Only volunteers have a volunteer profile."))
    return membership.region


def _codes(values: Iterable[str], choices: type[Skill] | type[Availability], field: str) -> list[str]:
    values = list(dict.fromkeys(values))
    unknown = sorted(set(values) - set(choices.values))
    if unknown:
        raise ValidationError({field: _("Unknown code(s): %(codes)s") % {"codes": ", ".join(unknown)}})
    return [code for code in choices.values if code in values]  # in the choices' order


def ensure_profile(*, user: User) -> VolunteerProfile:
    """The volunteer's profile, made (and audited) the first time it is needed."""
    profile = VolunteerProfile.all_objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = VolunteerProfile(user=user, region=_volunteer_village(user), phone=user.mobile or "")
    with transaction.atomic():
        profile.save()
        audit.log_create(user, profile)
    return profile


def volunteer_profile_update(
    *,
    user: User,
    version: int | str | None,
    skills: Iterable[str] = (),
    availability: Iterable[str] = (),
    phone: str = "",
    note: str = "",
) -> VolunteerProfile:
    """The volunteer changes their own profile: skills, availability, phone, a note (version-checked)."""
    require(is_volunteer)
    profile = ensure_profile(user=user)
    fields = ["skills", "availability", "phone", "note"]
    before = audit.snapshot(profile, fields=fields)
    profile.skills = _codes(skills, Skill, "skills")
    profile.availability = _codes(availability, Availability, "availability")
    profile.phone = (phone or "").strip()
    profile.note = _text(note, field="note", limit=NOTE_MAX)
    profile.full_clean(exclude=["user", "region"], validate_constraints=False)
    changed = audit.diff(before, audit.snapshot(profile, fields=fields))
    if not changed:
        return profile
    with transaction.atomic():
        bump_version(profile, version)
        profile.save(update_fields=fields)
        audit.record(actor=user, action=audit.Action.UPDATE, target=profile, changes=changed)
    return profile


# --- shifts -------------------------------------------------------------------------------------------------------


def _shift_values(
    activity: Activity,
    *,
    role: str,
    slots: int,
    starts_at: datetime | None,
    ends_at: datetime | None,
    note: str,
) -> dict:
    if role not in ShiftRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if slots is None or not 1 <= int(slots) <= MAX_SLOTS:
        raise ValidationError({"slots": _("Offer between 1 and %(max)s slots.") % {"max": MAX_SLOTS}})
    starts_at = starts_at or activity.starts_at
    ends_at = ends_at or activity.ends_at
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The shift must end after it starts.")})
    if ends_at - starts_at > timedelta(hours=MAX_SHIFT_HOURS):
        raise ValidationError({"ends_at": _("A shift lasts at most %(hours)s hours.") % {"hours": MAX_SHIFT_HOURS}})
    if starts_at < activity.starts_at - timedelta(hours=MAX_SHIFT_HOURS) or ends_at > activity.ends_at + timedelta(
        hours=MAX_SHIFT_HOURS
    ):
        raise ValidationError({"starts_at": _("A shift must be on the day of its activity.")})
    return {
        "role": role,
        "slots": int(slots),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "note": _text(note, field="note", limit=NOTE_MAX),
    }


def shift_create(
    *,
    activity: Activity,
    created_by: User,
    role: str,
    slots: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    note: str = "",
) -> Shift:
    """A shift at an activity (its manager or an admin): a role, a number of slots, its times (the activity's by
    default). The volunteers who sign up are reminded the day before (``messaging.plan_shift_reminder``)."""
    require(can_manage_activity, activity)
    if not activity.is_open_for_changes:
        raise ValidationError(_("A completed or cancelled activity can no longer be changed."))
    values = _shift_values(activity, role=role, slots=slots, starts_at=starts_at, ends_at=ends_at, note=note)
    shift = Shift(activity=activity, **values)
    with transaction.atomic():
        shift.save()
        audit.log_create(created_by, shift)
        messaging.plan_shift_reminder(shift)
    return shift


SHIFT_FIELDS = ["role", "slots", "starts_at", "ends_at", "note"]


def _lock_shift(shift: Shift) -> Shift:
    """The shift row's write lock (as ``shift_signup`` takes it), then the shift as stored."""
    Shift.all_objects.filter(pk=shift.pk).update(taken_count=F("taken_count"))
    return Shift.all_objects.select_related("activity", "activity__station", "activity__room").get(pk=shift.pk)


def _tell_volunteers(shift: Shift, users: list[User], *, kind: str, tag: str) -> None:
    """In-app notifications to the volunteers signed up for a shift, after the transaction commits."""
    with translation.override(settings.LANGUAGE_CODE):  # the parameters are stored: in the site's language
        facts = shift_facts(shift)
    pk = shift.pk

    def send() -> None:
        for user in users:
            notifications.notify(
                user=user,
                kind=kind,
                params=facts,
                dedup_key=f"{kind}:{pk}:{tag}:{user.pk}",
                link=("activities:my_shifts", []),
            )

    transaction.on_commit(send)


def _signed_up_volunteers(shift: Shift) -> list[User]:
    rows = ShiftSignup.all_objects.filter(shift=shift, status=SignupStatus.SIGNED_UP).select_related("volunteer")
    return [signup.volunteer for signup in rows.order_by("pk")]


def shift_update(
    *,
    shift: Shift,
    changed_by: User,
    version: int | str | None,
    role: str,
    slots: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    note: str = "",
) -> Shift:
    """Change a shift (its activity's manager or an admin; version-checked). Never fewer slots than volunteers
    signed up; the times stay once a volunteer has checked in (the hours are counted from them). The volunteers
    signed up are told when the role or the times change, and the reminder follows a new start."""
    activity = shift.activity
    require(can_manage_activity, activity)
    if not activity.is_open_for_changes:
        raise ValidationError(_("A completed or cancelled activity can no longer be changed."))
    values = _shift_values(activity, role=role, slots=slots, starts_at=starts_at, ends_at=ends_at, note=note)
    with transaction.atomic():
        current = _lock_shift(shift)
        if values["slots"] < current.taken_count:
            raise ValidationError(
                {
                    "slots": ngettext(
                        "%(count)s volunteer is signed up: offer at least %(count)s slot.",
                        "%(count)s volunteers are signed up: offer at least %(count)s slots.",
                        current.taken_count,
                    )
                    % {"count": current.taken_count}
                }
            )
        moved = (values["starts_at"], values["ends_at"]) != (current.starts_at, current.ends_at)
        if moved and ShiftSignup.all_objects.filter(shift=current, checked_in_at__isnull=False).exists():
            raise ValidationError(
                {"starts_at": _("Volunteers have checked in for this shift: its times can no longer change.")}
            )
        before = audit.snapshot(current, fields=SHIFT_FIELDS)
        old_start = current.starts_at
        for field, value in values.items():
            setattr(current, field, value)
        changed = audit.diff(before, audit.snapshot(current, fields=SHIFT_FIELDS))
        if not changed:
            return current
        bump_version(current, version)
        current.save(update_fields=SHIFT_FIELDS)
        audit.record(actor=changed_by, action=audit.Action.UPDATE, target=current, changes=changed)
        if moved or "role" in changed:
            _tell_volunteers(current, _signed_up_volunteers(current), kind="shift_changed", tag=f"v{current.version}")
        if current.starts_at != old_start:
            messaging.plan_shift_reminder(current)
    return current


def shift_delete(*, shift: Shift, deleted_by: User) -> None:
    """Delete a shift (its activity's manager or an admin): refused once a volunteer has checked in for it (their
    hours count); otherwise its sign-ups go with it and the volunteers signed up are told."""
    require(can_manage_activity, shift.activity)
    with transaction.atomic():
        current = _lock_shift(shift)
        checked_in = ShiftSignup.all_objects.filter(shift=current, checked_in_at__isnull=False).count()
        if checked_in:
            raise ValidationError(
                ngettext(
                    "%(count)s volunteer has checked in for this shift: it can no longer be deleted, because the "
                    "hours served count. Change it instead.",
                    "%(count)s volunteers have checked in for this shift: it can no longer be deleted, because the "
                    "hours served count. Change it instead.",
                    checked_in,
                )
                % {"count": checked_in}
            )
        to_tell = _signed_up_volunteers(current)
        _tell_volunteers(current, to_tell, kind="shift_deleted", tag="deleted")
        for signup in ShiftSignup.all_objects.filter(shift=current).select_related("volunteer", "shift__activity"):
            audit.log_delete(deleted_by, signup)
        audit.log_delete(deleted_by, current)
        current.delete()


def shift_signup(*, shift: Shift, volunteer: User) -> ShiftSignup:
    """A volunteer signs up for a shift at a station of their village: never over the slots, once per shift, only
    for a published activity and before the shift starts."""
    station = shift.activity.station
    if not allows(is_volunteer) or not allows(can_volunteer_at, station):
        raise PermissionDenied(_("Only the village's volunteers sign up for this shift."))
    ensure_profile(user=volunteer)
    with transaction.atomic():
        # The shift row's write lock (PostgreSQL: the row lock to the end of the transaction; SQLite: the database's).
        Shift.all_objects.filter(pk=shift.pk).update(taken_count=F("taken_count"))
        current = Shift.all_objects.select_related("activity").get(pk=shift.pk)
        if current.activity.status != ActivityStatus.PUBLISHED:
            raise ValidationError(_("This activity is not open for volunteers."))
        if current.starts_at <= timezone.now():
            raise ValidationError(_("This shift has started: sign-up is closed."))
        if ShiftSignup.all_objects.filter(shift=current, volunteer=volunteer, status=SignupStatus.SIGNED_UP).exists():
            raise ValidationError(_("You are signed up for this shift already."))
        taken = Shift.all_objects.filter(pk=current.pk, taken_count__lt=F("slots")).update(
            taken_count=F("taken_count") + 1
        )
        if not taken:
            raise ValidationError(_("This shift is full."))
        signup = ShiftSignup(shift=current, volunteer=volunteer)
        try:
            with transaction.atomic():
                signup.save()
        except IntegrityError as exc:
            raise ValidationError(_("You are signed up for this shift already.")) from exc
        audit.log_create(volunteer, signup)
    shift.taken_count = current.taken_count + 1
    return signup


def shift_signup_cancel(*, signup: ShiftSignup, cancelled_by: User) -> ShiftSignup:
    """The volunteer cancels their own sign-up before the shift starts (a manager may too); the slot is free again."""
    if not (allows(is_own_signup, signup) or allows(can_manage_signup, signup)):
        raise PermissionDenied
    with transaction.atomic():
        Shift.all_objects.filter(pk=signup.shift_id).update(taken_count=F("taken_count"))
        signup.refresh_from_db()
        if signup.status == SignupStatus.CANCELLED:
            raise ValidationError(_("This sign-up was cancelled already."))
        if signup.shift.starts_at <= timezone.now():
            raise ValidationError(_("The shift has started: a sign-up can be cancelled only before it."))
        before = audit.snapshot(signup, fields=["status", "cancelled_at"])
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        Shift.all_objects.filter(pk=signup.shift_id).update(taken_count=F("taken_count") - 1)
        audit.log_update(cancelled_by, signup, before)
    return signup


# --- hours --------------------------------------------------------------------------------------------------------


def _may_record(signup: ShiftSignup) -> None:
    if not (allows(is_own_signup, signup) or allows(can_manage_signup, signup)):
        raise PermissionDenied


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds() / 60))


def shift_check_in(*, signup: ShiftSignup, actor: User, now: datetime | None = None) -> ShiftSignup:
    """The volunteer taps in on their phone (or the manager records it): from an hour before the shift to its end."""
    _may_record(signup)
    now = now or timezone.now()
    shift = signup.shift
    if signup.status != SignupStatus.SIGNED_UP:
        raise ValidationError(_("This sign-up was cancelled."))
    if signup.checked_in_at is not None:
        raise ValidationError(_("Checked in already."))
    if now < shift.starts_at - CHECK_IN_OPENS:
        raise ValidationError(_("Check-in opens an hour before the shift starts."))
    if now > shift.ends_at:
        raise ValidationError(_("The shift is over: the station's manager records the hours."))
    with transaction.atomic():
        before = audit.snapshot(signup, fields=["checked_in_at"])
        signup.checked_in_at = now
        signup.save(update_fields=["checked_in_at"])
        audit.log_update(actor, signup, before)
    return signup


def shift_check_out(*, signup: ShiftSignup, actor: User, now: datetime | None = None) -> ShiftSignup:
    """Check out: the minutes since check-in become the hours to be confirmed."""
    _may_record(signup)
    now = now or timezone.now()
    if signup.checked_in_at is None:
        raise ValidationError(_("Check in first: there is no check-in to check out from."))
    if signup.checked_out_at is not None:
        raise ValidationError(_("Checked out already."))
    if now <= signup.checked_in_at:
        raise ValidationError(_("The check-out must come after the check-in."))
    if now > signup.shift.ends_at + CHECK_OUT_CLOSES:
        raise ValidationError(_("Too late to check out: the station's manager records the hours."))
    minutes = _minutes(signup.checked_in_at, now)
    if minutes > MAX_SHIFT_HOURS * 60:
        raise ValidationError(_("A shift lasts at most %(hours)s hours.") % {"hours": MAX_SHIFT_HOURS})
    with transaction.atomic():
        before = audit.snapshot(signup, fields=["checked_out_at", "minutes", "hours_status"])
        signup.checked_out_at = now
        signup.minutes = minutes
        signup.hours_status = HoursStatus.PENDING
        signup.save(update_fields=["checked_out_at", "minutes", "hours_status"])
        audit.log_update(actor, signup, before)
    return signup


def hours_correct(
    *, signup: ShiftSignup, corrected_by: User, minutes: int, reason: str, version: int | str | None
) -> ShiftSignup:
    """The station's manager corrects (or records) the minutes served, with a reason; they are to be confirmed
    again (version-checked, audited)."""
    require(can_manage_signup, signup)
    reason = _text(reason, field="reason", limit=REASON_MAX, required=True)
    if minutes is None or not 0 <= int(minutes) <= MAX_SHIFT_HOURS * 60:
        raise ValidationError(
            {"minutes": _("Hours must be between 0 and %(hours)s per shift.") % {"hours": MAX_SHIFT_HOURS}}
        )
    if signup.status != SignupStatus.SIGNED_UP:
        raise ValidationError(_("This sign-up was cancelled."))
    if signup.shift.starts_at > timezone.now():
        raise ValidationError(_("The shift has not started yet."))
    fields = ["minutes", "correction_reason", "hours_status", "confirmed_at", "confirmed_by"]
    with transaction.atomic():
        bump_version(signup, version)
        before = audit.snapshot(signup, fields=fields)
        signup.minutes = int(minutes)
        signup.correction_reason = reason
        signup.hours_status = HoursStatus.PENDING
        signup.confirmed_at = None
        signup.confirmed_by = None
        signup.save(update_fields=fields)
        audit.log_update(corrected_by, signup, before, reason=reason)
    return signup


def hours_confirm(*, signup: ShiftSignup, confirmed_by: User) -> ShiftSignup:
    """The station's manager confirms the hours of a sign-up: from then on they count."""
    require(can_manage_signup, signup)
    with transaction.atomic():
        signup.refresh_from_db()
        if signup.hours_status != HoursStatus.PENDING or signup.minutes is None:
            raise ValidationError(_("There are no hours to confirm for this sign-up."))
        before = audit.snapshot(signup, fields=["hours_status", "confirmed_at"])
        signup.hours_status = HoursStatus.CONFIRMED
        signup.confirmed_at = timezone.now()
        signup.confirmed_by = confirmed_by
        signup.version += 1
        signup.save(update_fields=["hours_status", "confirmed_at", "confirmed_by", "version"])
        audit.log_update(confirmed_by, signup, before)
    return signup
