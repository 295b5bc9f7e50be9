"""Activity writes: plan, change, publish, cancel, complete; registrations with capacity and waitlist.

Keyword-only, atomic, audited; permission checks against the active scope (``require``). The actor is passed in.

Never overbooked: every write that changes who holds a seat first takes the activity row's write lock with an
UPDATE of that row (PostgreSQL: the row lock, held to the end of the transaction; SQLite: the database's write lock,
which ``transaction_mode=IMMEDIATE`` takes at BEGIN anyway), then reads the activity again and decides. A seat is
taken with the conditional ``confirmed_count = confirmed_count + 1 WHERE confirmed_count < seats``, and the database
refuses ``confirmed_count > seats`` by a check constraint besides.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import Role, RoleMembership
from yizhan.audit import services as audit
from yizhan.core.crypto import blind_index
from yizhan.core.permissions import require
from yizhan.core.versioning import bump_version
from yizhan.notifications import services as notifications
from yizhan.people.models import Person, TargetGroup
from yizhan.stations.models import BrandItem, Room, ServiceLine, Station

from .. import messaging
from ..models import ACTIVE, REASON_MAX, Activity, ActivityStatus, Audience, Registration, RegistrationStatus
from ..permissions import can_manage_activity, can_plan_at

if TYPE_CHECKING:
    from yizhan.core.types import User

# What an editor may set on an activity (create and update).
ACTIVITY_FIELDS = [
    "title",
    "description",
    "audience",
    "starts_at",
    "ends_at",
    "room",
    "seats",
    "signup_opens_at",
    "signup_closes_at",
    "children_need_guardian",
    "brand_item",
]
M2M_FIELDS = ["service_lines", "target_groups"]
AUDITED = [*ACTIVITY_FIELDS, *M2M_FIELDS, "status", "cancel_reason"]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _check_room_free(activity: Activity) -> None:
    """The same room at overlapping times is refused (cancelled activities free their room). Call it inside the
    transaction, after locking the room row, so that two plans for the same room cannot both pass."""
    if activity.room_id is None:
        return
    Room.all_objects.select_for_update().filter(pk=activity.room_id).exists()  # PostgreSQL: one booking at a time
    clash = (
        Activity.all_objects.filter(
            room_id=activity.room_id, starts_at__lt=activity.ends_at, ends_at__gt=activity.starts_at
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .exclude(pk=activity.pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "room": _("The room is already booked then for “%(title)s” (%(starts)s).")
                % {"title": clash.title, "starts": _local(clash.starts_at)}
            }
        )


def _local(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _set_m2m(
    activity: Activity, service_lines: Iterable[ServiceLine] | None, target_groups: Iterable[TargetGroup] | None
) -> None:
    if service_lines is not None:
        activity.service_lines.set(list(service_lines))
    if target_groups is not None:
        activity.target_groups.set(list(target_groups))


def _codes(rows: Iterable[ServiceLine] | Iterable[TargetGroup]) -> list[str]:
    return sorted(row.code for row in rows)


def _m2m_codes(activity: Activity) -> dict[str, list[str]]:
    return {
        "service_lines": _codes(activity.service_lines.all()),
        "target_groups": _codes(activity.target_groups.all()),
    }


def _validate(activity: Activity) -> None:
    activity.title = _strip(activity.title)
    activity.description = _strip(activity.description or "")
    activity.full_clean(exclude=["station", "created_by"], validate_constraints=False)


def activity_create(
    *,
    created_by: User,
    station: Station,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    seats: int,
    description: str = "",
    audience: str = Audience.PUBLIC,
    room: Room | None = None,
    brand_item: BrandItem | None = None,
    service_lines: Iterable[ServiceLine] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    signup_opens_at: datetime | None = None,
    signup_closes_at: datetime | None = None,
    children_need_guardian: bool = False,
) -> Activity:
    """A draft activity of ``station``: its manager or an admin above it plans it."""
    require(can_plan_at, station)
    activity = Activity(
        station=station,
        title=title,
        description=description,
        audience=audience,
        starts_at=starts_at,
        ends_at=ends_at,
        seats=seats,
        room=room,
        brand_item=brand_item,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
        children_need_guardian=bool(children_need_guardian),
        created_by=created_by,
    )
    _validate(activity)
    with transaction.atomic():
        _check_room_free(activity)
        activity.save()
        _set_m2m(activity, service_lines, target_groups)
        audit.log_create(created_by, activity)
    return activity


def activity_update(*, activity: Activity, updated_by: User, version: int | str | None, **changes: Any) -> Activity:
    """Change a draft or published activity (version-checked). Fewer seats than are confirmed are refused; more
    seats confirm the first waitlisted people."""
    require(can_manage_activity, activity)
    unknown = set(changes) - set(ACTIVITY_FIELDS) - set(M2M_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if not activity.is_open_for_changes:
        raise ValidationError(_("A completed or cancelled activity can no longer be changed."))
    before = audit.snapshot(activity, fields=AUDITED)
    service_lines = changes.pop("service_lines", None)
    target_groups = changes.pop("target_groups", None)
    m2m_before = _m2m_codes(activity)
    for field, value in changes.items():
        setattr(activity, field, _strip(value))
    _validate(activity)
    m2m_after = {
        "service_lines": _codes(service_lines) if service_lines is not None else m2m_before["service_lines"],
        "target_groups": _codes(target_groups) if target_groups is not None else m2m_before["target_groups"],
    }
    changed = audit.diff(before, audit.snapshot(activity, fields=AUDITED)) | audit.diff(m2m_before, m2m_after)
    if not changed:
        return activity  # nothing to save: no new version, no audit row
    with transaction.atomic():
        bump_version(activity, version)  # also the activity row's write lock (see the module's docstring)
        confirmed = Activity.all_objects.values_list("confirmed_count", flat=True).get(pk=activity.pk)
        if activity.seats < confirmed:
            raise ValidationError(
                {
                    "seats": _("%(count)s people are confirmed already: offer at least that many seats.")
                    % {"count": confirmed}
                }
            )
        _check_room_free(activity)
        activity.confirmed_count = confirmed
        activity.save(update_fields=ACTIVITY_FIELDS)
        _set_m2m(activity, service_lines, target_groups)
        audit.record(actor=updated_by, action=audit.Action.UPDATE, target=activity, changes=changed)
        _promote(activity, actor=updated_by)
        if "starts_at" in changed:
            messaging.plan_reminders(activity)  # the reminder moves with the start
    return activity


def _transition(
    activity: Activity, *, actor: User, allowed: tuple[str, ...], to: str, message: str, **extra: str
) -> Activity:
    require(can_manage_activity, activity)
    with transaction.atomic():
        _lock(activity)
        activity.refresh_from_db()
        if activity.status not in allowed:
            raise ValidationError(message)
        before = audit.snapshot(activity, fields=["status", *extra])
        activity.status = to
        for field, value in extra.items():
            setattr(activity, field, value)
        activity.version += 1
        activity.updated_at = timezone.now()
        activity.save(update_fields=["status", "version", "updated_at", *extra])
        audit.log_update(actor, activity, before)
    return activity


def activity_publish(*, activity: Activity, published_by: User) -> Activity:
    """Draft → published: the activity can take registrations (within its sign-up window)."""
    activity = _transition(
        activity,
        actor=published_by,
        allowed=(ActivityStatus.DRAFT,),
        to=ActivityStatus.PUBLISHED,
        message=_("Only a draft can be published."),
    )
    messaging.plan_reminders(activity)
    return activity


def activity_complete(*, activity: Activity, completed_by: User) -> Activity:
    """Published → completed, once the activity has started."""
    if activity.starts_at > timezone.now():
        raise ValidationError(_("An activity can be marked completed once it has started."))
    return _transition(
        activity,
        actor=completed_by,
        allowed=(ActivityStatus.PUBLISHED,),
        to=ActivityStatus.COMPLETED,
        message=_("Only a published activity can be marked completed."),
    )


def activity_cancel(*, activity: Activity, cancelled_by: User, reason: str) -> Activity:
    """Draft or published → cancelled, with a reason. The registrations stay as they were; the station's other
    managers are notified in the app, and every registrant with a mobile number gets a message through the resident
    channel after commit (``messaging``, ``tasks.tell_activity_cancelled``); the page lists whom to tell besides."""
    reason = _strip(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Use at most %(max)s characters.") % {"max": REASON_MAX}})
    activity = _transition(
        activity,
        actor=cancelled_by,
        allowed=(ActivityStatus.DRAFT, ActivityStatus.PUBLISHED),
        to=ActivityStatus.CANCELLED,
        message=_("Only a draft or published activity can be cancelled."),
        cancel_reason=reason,
    )
    _notify_cancelled(activity, actor=cancelled_by)
    messaging.tell_cancelled_after_commit(activity)  # every registrant with a mobile number, through the channel
    return activity


def _notify_cancelled(activity: Activity, *, actor: User) -> None:
    count = Registration.all_objects.filter(ACTIVE, activity=activity).count()
    managers = (
        RoleMembership.all_objects.filter(
            RoleMembership.at(activity.station), role=Role.STATION_MANAGER, is_active=True
        )
        .exclude(user=actor)
        .select_related("user")
    )
    params = {
        "title": activity.title,
        "starts": _local(activity.starts_at),
        "reason": activity.cancel_reason,
        "count": count,
        "activity_id": activity.pk,
    }
    users = [membership.user for membership in managers]

    def send() -> None:
        for user in users:
            notifications.notify(
                user=user,
                kind="activity_cancelled",
                params=params,
                dedup_key=f"activity_cancelled:{activity.pk}:{user.pk}",
                link=("activities:detail", [activity.pk]),
            )

    transaction.on_commit(send)


# --- registrations ----------------------------------------------------------------------------------------


def _lock(activity: Activity) -> None:
    """Take the activity row's write lock for the rest of the transaction (see the module's docstring)."""
    Activity.all_objects.filter(pk=activity.pk).update(registration_seq=F("registration_seq"))


def _signup_error(activity: Activity, now: datetime) -> str | None:
    if activity.status == ActivityStatus.CANCELLED:
        return _("This activity was cancelled: no more registrations.")
    if activity.status == ActivityStatus.DRAFT:
        return _("This activity is not published yet: publish it before registering people.")
    if activity.status != ActivityStatus.PUBLISHED:
        return _("This activity is over: no more registrations.")
    if activity.signup_opens_at and now < activity.signup_opens_at:
        return _("Sign-up opens on %(when)s.") % {"when": _local(activity.signup_opens_at)}
    if now >= activity.signup_closes:
        return _("Sign-up closed on %(when)s.") % {"when": _local(activity.signup_closes)}
    return None


def registration_add(*, activity: Activity, person: Person, registered_by: User) -> Registration:
    """Staff register a person from the registry: confirmed while seats last, then waitlisted in order."""
    require(can_manage_activity, activity)
    if activity.audience == Audience.VILLAGE and person.region_id != activity.station.region_id:
        raise ValidationError(
            _("This activity is for residents of %(village)s only.") % {"village": activity.station.region.name}
        )
    if person.anonymised_at is not None:
        raise ValidationError(_("This person's data was erased."))
    with transaction.atomic():
        Activity.all_objects.filter(pk=activity.pk).update(registration_seq=F("registration_seq") + 1)
        current = Activity.all_objects.get(pk=activity.pk)
        problem = _signup_error(current, timezone.now())
        if problem:
            raise ValidationError(problem)
        if Registration.all_objects.filter(ACTIVE, activity=current, person=person).exists():
            raise ValidationError(_("%(name)s is registered for this activity already.") % {"name": person.name})
        mobile = person.mobile or ""
        if (
            mobile
            and Registration.all_objects.filter(
                ACTIVE, activity=current, mobile_index=blind_index("mobile", mobile)
            ).exists()
        ):
            raise ValidationError(_("Someone with this mobile number is registered for this activity already."))
        seat = Activity.all_objects.filter(pk=current.pk, confirmed_count__lt=F("seats")).update(
            confirmed_count=F("confirmed_count") + 1
        )
        registration = Registration(
            activity=current,
            person=person,
            name=person.name,
            mobile=mobile,
            status=RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITLISTED,
            position=current.registration_seq,
            created_by=registered_by,
        )
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # the constraints hold even if a check above was passed by
            raise ValidationError(
                _("%(name)s is registered for this activity already.") % {"name": person.name}
            ) from exc
        audit.log_create(registered_by, registration)
    activity.confirmed_count = current.confirmed_count + (1 if seat else 0)
    activity.registration_seq = current.registration_seq
    return registration


def registration_cancel(*, registration: Registration, cancelled_by: User) -> Registration:
    """Cancel a registration; a confirmed seat goes to the first waitlisted person, in order."""
    activity = registration.activity
    require(can_manage_activity, activity)
    with transaction.atomic():
        _lock(activity)
        registration.refresh_from_db()
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration was cancelled already."))
        if activity.status in (ActivityStatus.COMPLETED,):
            raise ValidationError(_("This activity is over: its registrations can no longer be changed."))
        before = audit.snapshot(registration, fields=["status", "cancelled_at"])
        # A walk-in never held one of the sign-up seats (services/checkin.py).
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED and not registration.walk_in
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        audit.log_update(cancelled_by, registration, before)
        if was_confirmed:
            Activity.all_objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") - 1)
        if activity.status == ActivityStatus.PUBLISHED:
            _promote(activity, actor=cancelled_by)
    activity.refresh_from_db(fields=["confirmed_count"])
    return registration


def _promote(activity: Activity, *, actor: User | None) -> list[Registration]:
    """Confirm the first waitlisted people, in order, while seats are free (inside the caller's locked
    transaction); after commit, each is told (``messaging``). ``actor`` None: a resident's own cancellation."""
    promoted = []
    waiting = Registration.all_objects.filter(activity_id=activity.pk, status=RegistrationStatus.WAITLISTED)
    for registration in waiting.order_by("position"):
        seat = Activity.all_objects.filter(pk=activity.pk, confirmed_count__lt=F("seats")).update(
            confirmed_count=F("confirmed_count") + 1
        )
        if not seat:
            break
        before = audit.snapshot(registration, fields=["status"])
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status"])
        audit.log_update(actor, registration, before)
        promoted.append(registration)
    messaging.tell_promoted_after_commit(promoted)
    return promoted
