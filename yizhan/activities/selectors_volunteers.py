"""Reads of volunteers, shifts and hours, through the scoped managers. Lists cost the same number of queries at any
table size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from yizhan.accounts.models import Role
from yizhan.core.scoping import require_scope
from yizhan.stations.models import Station

from .models import Activity, ActivityStatus, HoursStatus, Shift, ShiftSignup, SignupStatus, VolunteerProfile

if TYPE_CHECKING:
    from yizhan.core.types import User

PANEL_ROWS = 5  # rows of each list on the home panels


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def volunteer_stations() -> QuerySet[Station]:
    """Stations of the villages where the user holds the volunteer role."""
    villages = sorted(require_scope().regions_for(Role.VOLUNTEER))
    return Station.objects.filter(region__code__in=villages).select_related("region").order_by("region__code", "pk")


def profile_of(user: User) -> VolunteerProfile | None:
    return VolunteerProfile.objects.filter(user=user).first()


def profiles(*, station: Station | None = None) -> QuerySet[VolunteerProfile]:
    """Volunteer profiles in scope (a station's village, or all the user sees), with their confirmed hours."""
    qs = VolunteerProfile.objects.select_related("user", "region")
    if station is not None:
        qs = qs.filter(region=station.region)
    confirmed = Q(
        user__shift_signups__hours_status=HoursStatus.CONFIRMED,
        user__shift_signups__status=SignupStatus.SIGNED_UP,
    )
    return qs.annotate(confirmed_minutes=Sum("user__shift_signups__minutes", filter=confirmed)).order_by(
        "region__code", "user__name", "pk"
    )


def shifts_of(activity: Activity) -> list[Shift]:
    """An activity's shifts with their active sign-ups (two queries)."""
    shifts = list(Shift.objects.filter(activity=activity).order_by("starts_at", "pk"))
    signups = (
        ShiftSignup.objects.filter(shift__activity=activity, status=SignupStatus.SIGNED_UP)
        .select_related("volunteer")
        .order_by("created_at", "pk")
    )
    by_shift: dict[int, list[ShiftSignup]] = {}
    for signup in signups:
        by_shift.setdefault(signup.shift_id, []).append(signup)
    for shift in shifts:
        shift.active_signups = by_shift.get(shift.pk, [])  # type: ignore[attr-defined]  # a list for the page
    return shifts


def shift_get(pk: int) -> Shift:
    return Shift.objects.select_related("activity", "activity__station", "activity__station__region").get(pk=pk)


def signup_get(pk: int) -> ShiftSignup:
    return ShiftSignup.objects.select_related(
        "volunteer", "shift", "shift__activity", "shift__activity__station", "shift__activity__station__region"
    ).get(pk=pk)


def my_signups(user: User, *, upcoming: bool | None = None) -> QuerySet[ShiftSignup]:
    """The volunteer's own active sign-ups (``upcoming``: shifts not yet over; ``False``: over)."""
    qs = ShiftSignup.objects.filter(volunteer=user, status=SignupStatus.SIGNED_UP).select_related(
        "shift", "shift__activity", "shift__activity__station"
    )
    now = timezone.now()
    if upcoming is True:
        return qs.filter(shift__ends_at__gt=now).order_by("shift__starts_at", "pk")
    if upcoming is False:
        return qs.filter(shift__ends_at__lte=now).order_by("-shift__starts_at", "-pk")
    return qs.order_by("-shift__starts_at", "-pk")


def open_shifts(user: User) -> QuerySet[Shift]:
    """Shifts at the volunteer's stations that still have slots, of published activities, not started, that the user
    has not signed up for."""
    villages = sorted(require_scope().regions_for(Role.VOLUNTEER))
    mine = ShiftSignup.objects.filter(volunteer=user, status=SignupStatus.SIGNED_UP).values("shift_id")
    return (
        Shift.objects.filter(
            activity__station__region__code__in=villages,
            activity__status=ActivityStatus.PUBLISHED,
            starts_at__gt=timezone.now(),
        )
        .exclude(pk__in=mine)
        .filter(taken_count__lt=F("slots"))
        .select_related("activity", "activity__station")
        .order_by("starts_at", "pk")
    )


@dataclass
class HoursSummary:
    confirmed_minutes: int
    pending_minutes: int
    shifts: int

    @property
    def confirmed_hours(self) -> float:
        return round(self.confirmed_minutes / 60, 1)

    @property
    def pending_hours(self) -> float:
        return round(self.pending_minutes / 60, 1)


def hours_summary(user: User, *, start: date, end: date) -> HoursSummary:
    """The volunteer's confirmed and pending minutes of shifts from ``start`` to ``end`` (one query)."""
    qs = ShiftSignup.objects.filter(
        volunteer=user,
        status=SignupStatus.SIGNED_UP,
        shift__starts_at__gte=_day_start(start),
        shift__starts_at__lt=_day_start(end + timedelta(days=1)),
    )
    row = qs.aggregate(
        confirmed=Sum("minutes", filter=Q(hours_status=HoursStatus.CONFIRMED)),
        pending=Sum("minutes", filter=Q(hours_status=HoursStatus.PENDING)),
        shifts=Count("pk", filter=Q(hours_status=HoursStatus.CONFIRMED)),
    )
    return HoursSummary(row["confirmed"] or 0, row["pending"] or 0, row["shifts"] or 0)


def confirmed_signups(user: User, *, start: date, end: date) -> QuerySet[ShiftSignup]:
    """The volunteer's confirmed hours from ``start`` to ``end``, oldest first (the certificate's lines)."""
    return (
        ShiftSignup.objects.filter(
            volunteer=user,
            status=SignupStatus.SIGNED_UP,
            hours_status=HoursStatus.CONFIRMED,
            shift__starts_at__gte=_day_start(start),
            shift__starts_at__lt=_day_start(end + timedelta(days=1)),
        )
        .select_related("shift", "shift__activity", "shift__activity__station")
        .order_by("shift__starts_at", "pk")
    )


def hours_to_confirm() -> QuerySet[ShiftSignup]:
    """Sign-ups in scope whose hours wait for the manager's confirmation, oldest first (the user's own excluded)."""
    scope = require_scope()
    return (
        ShiftSignup.objects.filter(status=SignupStatus.SIGNED_UP, hours_status=HoursStatus.PENDING)
        .exclude(volunteer_id=scope.user_id)
        .select_related("volunteer", "shift", "shift__activity", "shift__activity__station")
        .order_by("shift__starts_at", "pk")
    )


def signups_for_hours(
    *, station: int | None = None, status: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[ShiftSignup]:
    """Active sign-ups in scope for the hours list (managers and admins; the user's own are listed too)."""
    qs = ShiftSignup.objects.filter(status=SignupStatus.SIGNED_UP).select_related(
        "volunteer", "shift", "shift__activity", "shift__activity__station", "shift__activity__station__region"
    )
    if station:
        qs = qs.filter(shift__activity__station_id=station)
    if status:
        qs = qs.filter(hours_status=status)
    if date_from:
        qs = qs.filter(shift__starts_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(shift__starts_at__lt=_day_start(date_to + timedelta(days=1)))
    return qs.order_by("-shift__starts_at", "-pk")


def confirmed_hours_by_station(*, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Confirmed hours per station and town in scope (the Excel report): one query."""
    return [
        dict(row)
        for row in ShiftSignup.objects.filter(
            status=SignupStatus.SIGNED_UP,
            hours_status=HoursStatus.CONFIRMED,
            shift__starts_at__gte=_day_start(date_from),
            shift__starts_at__lt=_day_start(date_to + timedelta(days=1)),
        )
        .values(
            "shift__activity__station_id",
            "shift__activity__station__name",
            "shift__activity__station__brand_name",
            "shift__activity__station__region__name",
            "shift__activity__station__region__parent__name",
        )
        .annotate(minutes=Sum("minutes"), volunteers=Count("volunteer", distinct=True), shifts=Count("pk"))
        .order_by("shift__activity__station__region__parent__name", "shift__activity__station__region__name")
    ]


def confirmed_hours_by_volunteer(*, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Confirmed hours per volunteer and station in scope (the Excel report's second sheet): one query."""
    return [
        dict(row)
        for row in ShiftSignup.objects.filter(
            status=SignupStatus.SIGNED_UP,
            hours_status=HoursStatus.CONFIRMED,
            shift__starts_at__gte=_day_start(date_from),
            shift__starts_at__lt=_day_start(date_to + timedelta(days=1)),
        )
        .values(
            "volunteer__name",
            "volunteer__username",
            "shift__activity__station__name",
            "shift__activity__station__brand_name",
        )
        .annotate(minutes=Sum("minutes"), shifts=Count("pk"))
        .order_by("shift__activity__station__name", "volunteer__name")
    ]


def manager_activities_this_week() -> QuerySet[Activity]:
    """Activities of the manager's stations (the station places they hold) from today for seven days."""
    scope = require_scope()
    today = timezone.localdate()
    villages = sorted(scope.regions_for(Role.STATION_MANAGER))
    return (
        Activity.objects.filter(
            station__region__code__in=villages,
            starts_at__gte=_day_start(today),
            starts_at__lt=_day_start(today + timedelta(days=7)),
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("station")
        .order_by("starts_at", "pk")
    )
