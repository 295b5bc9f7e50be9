"""Calendar reads: the activities of a date range for staff (their scope) and for the public (published, open to
the public), by station or town and service line, laid out as month and week grids. Two queries whatever the table
size (the activities of the range, their service lines)."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from yizhan.core.scoping import anonymous_scope, require_scope
from yizhan.regions.models import Region
from yizhan.stations.models import ServiceLine, Station

from .models import Activity, ActivityStatus

MAX_EVENTS = 1000  # activities shown for one range; a district's month stays far below
MAX_RANGE_DAYS = 92


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _held_between(first: date, end: date, *, station: int | None, town: str, service_line: str) -> QuerySet[Activity]:
    """Activities in the active scope starting from the day ``first`` up to (not including) the day ``end``, not
    cancelled, narrowed to a station, a town or a service line."""
    qs: QuerySet[Activity] = Activity.objects.filter(
        starts_at__gte=_day_start(first), starts_at__lt=_day_start(end)
    ).exclude(status=ActivityStatus.CANCELLED)
    if station:
        qs = qs.filter(station_id=station)
    if town:
        qs = qs.filter(station__region__parent__code=town)
    if service_line:
        qs = qs.filter(service_lines__code=service_line)
    return qs


def calendar_activities(
    *,
    start: date,
    end: date,
    station: int | None = None,
    town: str = "",
    service_line: str = "",
    public: bool = False,
) -> list[Activity]:
    """Activities that start from ``start`` to ``end`` (inclusive), in the active scope (``public``: as the public
    sees them, whoever asks). Cancelled ones are left out."""
    qs = _held_between(start, end + timedelta(days=1), station=station, town=town, service_line=service_line)
    if public:
        qs = qs.filter(status__in=[ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED])
    qs = qs.select_related("station", "room").prefetch_related(
        Prefetch("service_lines", queryset=ServiceLine.objects.order_by("sort_order"))
    )
    return list(qs.order_by("starts_at", "pk")[:MAX_EVENTS])


def public_calendar_activities(**filters) -> list[Activity]:
    with anonymous_scope():
        return calendar_activities(public=True, **filters)


def public_station(pk: int) -> Station:
    with anonymous_scope():
        return Station.objects.select_related("region").get(pk=pk)


def public_town(code: str) -> Region:
    """A town with a public station (``DoesNotExist`` otherwise)."""
    with anonymous_scope():
        if not Station.objects.filter(region__parent__code=code).exists():
            raise Region.DoesNotExist
    # unscoped: town names are public (the portal lists them)
    return Region.all_objects.get(code=code, level=Region.Level.TOWN)


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    activities: list[Activity] = field(default_factory=list)
    count: int = 0  # a counted month (wider than a town): the day's activities, not listed


def counts_per_day(*, start: date, end: date, station: int | None = None, town: str = "", service_line: str = ""):
    """How many activities start on each day from ``start`` to ``end`` (inclusive) in the active scope, counted in the
    database (GROUP BY the local day): one query whatever the scope holds. Cancelled ones are left out."""
    qs = _held_between(start, end + timedelta(days=1), station=station, town=town, service_line=service_line)
    local_day = TruncDate("starts_at", tzinfo=timezone.get_current_timezone())
    rows = qs.order_by().annotate(local_day=local_day).values("local_day").annotate(n=Count("id", distinct=True))
    return {row["local_day"]: row["n"] for row in rows}


def is_wide(*, station: int | None = None, town: str = "") -> bool:
    """Whether the staff calendar counts per day: no station or town chosen and the reader's scope reaches above one
    town (a district, a city, the province), where listing every activity would ship thousands (issue 12)."""
    if station or town:
        return False
    scope = require_scope()
    town_length = Region.CODE_LENGTHS[Region.Level.TOWN]
    return scope.unrestricted or any(len(code) < town_length for code in scope.admin_regions)


def counted_month_grid(year: int, month: int, counts: dict[date, int]) -> list[list[Day]]:
    today = timezone.localdate()
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(d, d.month == month, d == today, count=counts.get(d, 0)) for d in week] for week in weeks]


def counted_days(first: date, number: int, counts: dict[date, int]) -> list[Day]:
    today = timezone.localdate()
    return [
        Day(d, True, d == today, count=counts.get(d, 0)) for d in (first + timedelta(days=i) for i in range(number))
    ]


def day_activities(*, day: date, station: int | None = None, town: str = "", service_line: str = ""):
    """One day's activities in the active scope, as a queryset to page through (the drill-down of a counted day)."""
    qs = _held_between(day, day + timedelta(days=1), station=station, town=town, service_line=service_line)
    return (
        qs.select_related("station", "room")
        .prefetch_related(Prefetch("service_lines", queryset=ServiceLine.objects.order_by("sort_order")))
        .order_by("starts_at", "pk")
    )


def _by_day(activities: list[Activity]) -> dict[date, list[Activity]]:
    days: dict[date, list[Activity]] = {}
    for activity in activities:
        days.setdefault(timezone.localtime(activity.starts_at).date(), []).append(activity)
    return days


def month_grid(year: int, month: int, activities: list[Activity]) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each a list of seven days with their activities."""
    today = timezone.localdate()
    days = _by_day(activities)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(d, d.month == month, d == today, days.get(d, [])) for d in week] for week in weeks]


def month_range(year: int, month: int) -> tuple[date, date]:
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def week_days(monday: date, activities: list[Activity]) -> list[Day]:
    today = timezone.localdate()
    days = _by_day(activities)
    return [Day(d, True, d == today, days.get(d, [])) for d in (monday + timedelta(days=i) for i in range(7))]


def towns_in_scope() -> list[Region]:
    """Towns of the stations in scope (the calendar's town filter)."""
    parents = set(Station.objects.values_list("region__parent_id", flat=True))
    # unscoped: town names of stations the user already sees
    return list(Region.all_objects.filter(pk__in=[p for p in parents if p], level=Region.Level.TOWN).order_by("code"))
