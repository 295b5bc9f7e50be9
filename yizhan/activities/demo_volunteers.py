"""The demo's volunteers (巾帼志愿者) and a repeating activity: shifts on the two stations' upcoming activities
(today's included), 赵红's profile, and 每周六上午 学英语 at 四融驿站 as a weekly series of four. 赵红's shifts and
confirmed hours of the held activities come with them (``demo.py``). Run after the activities' demo
(``demo.seed``); idempotent (left alone once the series exists)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from yizhan.accounts.demo import demo_actor
from yizhan.accounts.models import User
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.stations.models import Station

from . import services
from .models import Activity, ActivitySeries, ActivityStatus, ShiftRole

SHIFTS = [(ShiftRole.CHECKIN, 2), (ShiftRole.GUIDE, 2), (ShiftRole.PHOTO, 1)]
VOLUNTEER = "volunteer"  # 赵红, 友谊村 (accounts.demo)


def _next_saturday(hour: int) -> datetime:
    today = timezone.localdate()
    day = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed() -> str | None:
    with scopes_disabled():
        if ActivitySeries.all_objects.exists():
            return None
        volunteer = User.all_objects.filter(username=VOLUNTEER).first()
        stations = list(Station.all_objects.filter(activities__isnull=False).distinct())
    if volunteer is None or not stations:
        return None
    actor = demo_actor()
    shifts = 0
    now = timezone.now()
    with scope_for(actor):
        upcoming = Activity.objects.filter(
            station__in=stations, status=ActivityStatus.PUBLISHED, starts_at__gt=now
        ).select_related("station", "station__region")
        for activity in upcoming:
            for role, slots in SHIFTS:
                services.shift_create(activity=activity, created_by=actor, role=role, slots=slots)
                shifts += 1
        longyuan = next((s for s in stations if s.region.code == "330109113001"), None)
        series_count = 0
        if longyuan is not None:
            start = _next_saturday(9)
            _series, occurrences = services.series_create(
                created_by=actor,
                station=longyuan,
                title="每周六上午 学英语",
                repeat="weekly",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                seats=20,
                count=4,
                description="四融驿站·融智：每周六上午的英语角，亲子同学。",
            )
            for occurrence in occurrences[:3]:
                services.activity_publish(activity=occurrence, published_by=actor)
            series_count = len(occurrences)
    with scope_for(volunteer):
        profile = services.ensure_profile(user=volunteer)
        services.volunteer_profile_update(
            user=volunteer,
            version=profile.version,
            skills=["checkin", "photo", "childcare"],
            availability=["weekend_am", "weekday_eve"],
            phone=volunteer.mobile or "",
            note="周末上午和工作日晚上有空。",
        )
    return f"{shifts} volunteer shifts, a series of {series_count}"
