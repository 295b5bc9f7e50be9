"""Activities on top of the station network (``stations.tests.network``): built once per world, reused by tests and
matrix rows."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from yizhan.activities.models import Activity, ActivityStatus, Registration
from yizhan.activities.services import public_signup
from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import PersonFactory


def at(days: int, hour: int = 9) -> datetime:
    """A time ``days`` from today at ``hour`` o'clock, Asia/Shanghai."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))


def make_activity(station, *, status=ActivityStatus.PUBLISHED, days=7, seats=10, **kwargs) -> Activity:
    kwargs.setdefault("title", "亲子手工")
    kwargs.setdefault("starts_at", at(days))
    kwargs.setdefault("ends_at", kwargs["starts_at"] + timedelta(hours=2))
    with scopes_disabled():
        return Activity.all_objects.create(station=station, status=status, seats=seats, **kwargs)


def residents(region, n, *, start=0) -> list[Person]:
    with scopes_disabled():
        return [
            PersonFactory(name=f"居民{start + i}", region=region, mobile=f"1351000{start + i:04d}") for i in range(n)
        ]


@dataclass
class ActivityWorld:
    activity: Activity  # published, 隆园社区 station, 10 seats, a week ahead
    draft: Activity
    other_activity: Activity  # 梅西村 (党湾镇), published
    past: Activity  # 隆园社区, published, started yesterday
    person: Person  # a 隆园社区 resident, not registered
    registration: Registration  # someone registered for ``activity``


def build_activities(w) -> ActivityWorld:
    cached = getattr(w, "activities", None)
    if cached is not None:
        return cached
    n = build_network(w)
    activity = make_activity(n.station, title="学英语", room=n.room, seats=10)
    draft = make_activity(n.station, status=ActivityStatus.DRAFT, title="绘画", days=14)
    other = make_activity(n.other_station, title="梅西读书会")
    past = make_activity(n.station, title="平安走访", days=-1)
    person, registered = residents(w.regions["330109113001"], 2, start=900)
    with scopes_disabled():
        registration = Registration.all_objects.create(
            activity=activity,
            person=registered,
            name=registered.name,
            mobile=registered.mobile,
            status=Registration.Status.CONFIRMED,
            position=1,
        )
        Activity.all_objects.filter(pk=activity.pk).update(confirmed_count=1, registration_seq=1)
        activity.refresh_from_db()
    w.activities = ActivityWorld(activity, draft, other, past, person, registration)
    return w.activities


@dataclass
class SignupWorld:
    activity: Activity  # the published 隆园社区 activity of ``build_activities``
    registration: Registration  # a public sign-up for it, mobile 13800138000
    token: str
    code: str


def build_signup(w) -> SignupWorld:
    """A resident's public sign-up for the world's published activity, with its private link token and code."""
    cached = getattr(w, "signup", None)
    if cached is not None:
        return cached
    activity = build_activities(w).activity
    with scopes_disabled():
        signup = public_signup(activity=activity, name="王小红", mobile="13800138000", consent=True)
        activity.refresh_from_db()
    w.signup = SignupWorld(activity, signup.registration, signup.token, signup.code)
    return w.signup
