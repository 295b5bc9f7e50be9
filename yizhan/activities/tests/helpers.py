"""Activities on top of the station network (``stations.tests.network``): built once per world, reused by tests and
matrix rows."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from yizhan.activities.models import Activity, ActivityPhoto, ActivityStatus, Registration
from yizhan.activities.services import public_signup
from yizhan.core import images
from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person
from yizhan.stations.tests.network import build_network, png_bytes
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


def happening(station, *, minutes_to_start=30, hours=2, **kwargs) -> Activity:
    """A published activity starting in ``minutes_to_start`` minutes (negative: started), so check-in is open."""
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=minutes_to_start)
    return make_activity(station, starts_at=starts, ends_at=starts + timedelta(hours=hours), **kwargs)


def register(activity, people, *, status=Registration.Status.CONFIRMED) -> list[Registration]:
    """Registrations of ``people`` (Person rows) made directly, confirmed seats counted."""
    with scopes_disabled():
        rows = []
        for person in people:
            Activity.all_objects.filter(pk=activity.pk).update(registration_seq=F("registration_seq") + 1)
            seq = Activity.all_objects.values_list("registration_seq", flat=True).get(pk=activity.pk)
            rows.append(
                Registration.all_objects.create(
                    activity=activity,
                    person=person,
                    name=person.name,
                    mobile=person.mobile,
                    status=status,
                    position=seq,
                )
            )
            if status == Registration.Status.CONFIRMED:
                Activity.all_objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") + 1)
        activity.refresh_from_db()
    return rows


@dataclass
class CheckinWorld:
    live: Activity  # 隆园社区 station, published, starts in 30 minutes: check-in open
    live_registration: Registration  # not checked in
    done: Activity  # 隆园社区 station, published, started an hour ago, ends in an hour
    done_registration: Registration  # checked in
    photo: ActivityPhoto  # a stored photo of ``done``


def build_checkin(w) -> CheckinWorld:
    """Activities for the check-in, desk, summary and satisfaction rows and tests (once per world)."""
    cached = getattr(w, "checkin", None)
    if cached is not None:
        return cached
    n = build_network(w)
    live = happening(n.station, title="学剪纸", minutes_to_start=30)
    done = happening(n.station, title="亲子绘本", minutes_to_start=-60)
    village = w.regions["330109113001"]
    (live_registration,) = register(live, residents(village, 1, start=950))
    (done_registration,) = register(done, residents(village, 1, start=960))
    upload = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    stored = images.store_image(upload, folder=f"activities/{done.pk}")
    with scopes_disabled():
        Registration.all_objects.filter(pk=done_registration.pk).update(
            checked_in_at=timezone.now(), check_in_method="desk"
        )
        done_registration.refresh_from_db()
        photo = ActivityPhoto.all_objects.create(
            activity=done,
            image=stored.image,
            thumbnail=stored.thumbnail,
            content_type=stored.content_type,
            width=stored.width,
            height=stored.height,
        )
    w.checkin = CheckinWorld(live, live_registration, done, done_registration, photo)
    return w.checkin


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


def give_cover(activity: Activity) -> Activity:
    """Store a cover photo for ``activity`` as the service would (core/images.py), without an actor or audit row."""
    upload = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    stored = images.store_image(upload, folder=f"activities/{activity.pk}/cover")
    with scopes_disabled():
        Activity.all_objects.filter(pk=activity.pk).update(
            cover_image=stored.image, cover_thumbnail=stored.thumbnail, cover_content_type=stored.content_type
        )
        activity.refresh_from_db()
    return activity


def build_cover(w) -> Activity:
    """``build_checkin``'s ``done`` activity (published, open to the public) with a cover photo whose files exist."""
    done = build_checkin(w).done
    with scopes_disabled():
        done.refresh_from_db()
    if not (
        done.cover_image and default_storage.exists(done.cover_image) and default_storage.exists(done.cover_thumbnail)
    ):
        give_cover(done)
    return done
