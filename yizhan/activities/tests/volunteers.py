"""Volunteers, shifts and sign-ups on top of the activities' world: a volunteer of 隆园社区 (where station_manager runs
the station), and the world's own volunteer of 友谊村 with an activity at 友谊村's (planned) station. Built once per
world."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from yizhan.accounts.models import Role
from yizhan.activities.models import (
    Activity,
    ActivitySeries,
    ActivityStatus,
    HoursStatus,
    Repeat,
    Shift,
    ShiftRole,
    ShiftSignup,
)
from yizhan.core.scoping import scopes_disabled
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import user_with_role

from .helpers import at, build_activities, make_activity


def make_shift(activity: Activity, *, slots=2, role=ShiftRole.CHECKIN, **kwargs) -> Shift:
    kwargs.setdefault("starts_at", activity.starts_at)
    kwargs.setdefault("ends_at", activity.ends_at)
    with scopes_disabled():
        return Shift.all_objects.create(activity=activity, role=role, slots=slots, **kwargs)


def make_signup(shift: Shift, volunteer, *, minutes=None, status=HoursStatus.OPEN, **kwargs) -> ShiftSignup:
    with scopes_disabled():
        signup = ShiftSignup.all_objects.create(
            shift=shift, volunteer=volunteer, minutes=minutes, hours_status=status, **kwargs
        )
        Shift.all_objects.filter(pk=shift.pk).update(taken_count=shift.taken_count + 1)
        shift.taken_count += 1
    return signup


@dataclass
class VolunteerWorld:
    volunteer: object  # a volunteer of 隆园社区
    shift: Shift  # 2 slots at the published 学英语 a week ahead (隆园社区)
    past_shift: Shift  # at the 隆园社区 activity that started yesterday
    pending: ShiftSignup  # the volunteer's checked-in-and-out hours on the past shift, to be confirmed
    youyi_activity: Activity  # published, 友谊村's station, a week ahead
    youyi_shift: Shift  # 3 slots there
    youyi_past_shift: Shift  # 友谊村, started an hour ago, runs for another hour
    youyi_signup: ShiftSignup  # the world's volunteer on the running shift, not checked in
    youyi_pending: ShiftSignup  # the world's volunteer's pending hours on the running shift's twin
    youyi_future_signup: ShiftSignup  # the world's volunteer on a second shift of ``youyi_activity`` (cancellable)
    youyi_checked_in: ShiftSignup  # the world's volunteer, checked in half an hour ago on the running activity
    series: ActivitySeries  # a weekly series at 隆园社区
    occurrence: Activity  # its next occurrence (a draft, ten days ahead)


def build_volunteers(w) -> VolunteerWorld:
    cached = getattr(w, "volunteers", None)
    if cached is not None:
        return cached
    n = build_network(w)
    a = build_activities(w)
    with scopes_disabled():
        volunteer = user_with_role(Role.VOLUNTEER, w.regions["330109113001"], username="vol_longyuan", name="林巧")
    shift = make_shift(a.activity, slots=2)
    past_shift = make_shift(a.past, role=ShiftRole.GUIDE, slots=3)
    start = a.past.starts_at
    pending = make_signup(
        past_shift,
        volunteer,
        checked_in_at=start,
        checked_out_at=start + timedelta(minutes=90),
        minutes=90,
        status=HoursStatus.PENDING,
    )
    youyi = make_activity(n.planned_station, title="友谊村读书会")
    youyi_shift = make_shift(youyi, slots=3, role=ShiftRole.SAFETY)
    now = timezone.now()
    running = make_activity(
        n.planned_station, title="友谊村环境整治", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    youyi_past_shift = make_shift(running, slots=3)
    youyi_twin = make_shift(running, slots=3, role=ShiftRole.PHOTO)
    youyi_signup = make_signup(youyi_past_shift, w.users["volunteer"])
    youyi_pending = make_signup(
        youyi_twin,
        w.users["volunteer"],
        checked_in_at=now - timedelta(hours=1),
        checked_out_at=now - timedelta(minutes=5),
        minutes=55,
        status=HoursStatus.PENDING,
    )
    youyi_future_signup = make_signup(make_shift(youyi, slots=2, role=ShiftRole.GUIDE), w.users["volunteer"])
    youyi_checked_in = make_signup(
        make_shift(running, slots=2, role=ShiftRole.GUIDE),
        w.users["volunteer"],
        checked_in_at=now - timedelta(minutes=30),
    )
    with scopes_disabled():
        series = ActivitySeries.all_objects.create(
            station=n.station, title="周六学英语", repeat=Repeat.WEEKLY, first_starts_at=at(10), count=2
        )
    occurrence = make_activity(n.station, status=ActivityStatus.DRAFT, title="周六学英语", days=10, series=series)
    make_activity(n.station, status=ActivityStatus.DRAFT, title="周六学英语", days=17, series=series)
    w.volunteers = VolunteerWorld(
        volunteer,
        shift,
        past_shift,
        pending,
        youyi,
        youyi_shift,
        youyi_past_shift,
        youyi_signup,
        youyi_pending,
        youyi_future_signup,
        youyi_checked_in,
        series,
        occurrence,
    )
    return w.volunteers
