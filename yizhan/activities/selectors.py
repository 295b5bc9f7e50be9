"""Reads of activities and registrations, always through the scoped managers. A page of a list costs the same
number of queries at any table size."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from yizhan.core.scoping import anonymous_scope
from yizhan.people.models import Person, TargetGroup
from yizhan.people.selectors import person_list
from yizhan.stations.models import BrandItem, Room, ServiceLine, Station

from .models import Activity, ActivityStatus, Audience, Registration, RegistrationStatus

PERSON_RESULTS = 20  # people shown for one search on the register-a-person page


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def activity_list(
    *,
    station: int | None = None,
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    service_line: str = "",
    search: str = "",
) -> QuerySet[Activity]:
    """Activities in scope, newest first, with their station, room and service lines (fixed queries per page)."""
    qs = Activity.objects.select_related("station", "station__region", "room", "brand_item").prefetch_related(
        Prefetch("service_lines", queryset=ServiceLine.objects.order_by("sort_order"))
    )
    if station:
        qs = qs.filter(station_id=station)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(ends_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    if service_line:
        qs = qs.filter(service_lines__code=service_line)
    if search:
        qs = qs.filter(title__icontains=search)
    return qs.order_by("-starts_at", "-id")


def with_waitlist_counts(activities: Iterable[Activity]) -> list[Activity]:
    """The activities of one page, each with ``waitlisted_count``: one aggregate query over these activities'
    registrations only (counting over the whole list before paging made the page's time grow with the table)."""
    rows = list(activities)
    counts: dict[int, int] = {}
    if rows:
        counts = dict(
            Registration.objects.filter(activity__in=[a.pk for a in rows], status=RegistrationStatus.WAITLISTED)
            .order_by()
            .values_list("activity")
            .annotate(n=Count("pk"))
            .values_list("activity", "n")
        )
    for activity in rows:
        activity.waitlisted_count = counts.get(activity.pk, 0)
    return rows


FEED_PAST_DAYS = 90  # how far back a station's calendar feed reaches
FEED_MAX_EVENTS = 500


def public_feed(station_pk: int) -> tuple[Station, list[Activity]]:
    """A station's activities as the public sees them — published or completed, open to the public, from 90 days ago
    on — whoever asks (calendar apps ask without signing in; staff get the same public feed). ``DoesNotExist`` for a
    station the public does not see."""
    with anonymous_scope():
        station = Station.objects.select_related("region").get(pk=station_pk)
        activities = list(
            Activity.objects.filter(
                station=station,
                status__in=[ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED],
                audience=Audience.PUBLIC,
                ends_at__gte=timezone.now() - timedelta(days=FEED_PAST_DAYS),
            )
            .select_related("room")
            .order_by("starts_at", "id")[:FEED_MAX_EVENTS]
        )
    return station, activities


def activity_get(pk: int) -> Activity:
    return (
        Activity.objects.select_related("station", "station__region", "room", "brand_item", "created_by")
        .prefetch_related("service_lines", "target_groups")
        .get(pk=pk)
    )


def registrations_of(activity: Activity, *, include_cancelled: bool = False) -> QuerySet[Registration]:
    qs = Registration.objects.filter(activity=activity).select_related("person", "person__region")
    if not include_cancelled:
        qs = qs.exclude(status=RegistrationStatus.CANCELLED)
    return qs.order_by("position", "pk")


def registration_get(activity: Activity, pk: int) -> Registration:
    return Registration.objects.select_related("activity", "activity__station").get(activity=activity, pk=pk)


def registrations_by_status(activity: Activity) -> dict[str, list[Registration]]:
    """Confirmed, waitlisted (in order) and cancelled registrations of an activity (one query)."""
    rows: dict[str, list[Registration]] = {status: [] for status in RegistrationStatus.values}
    for registration in registrations_of(activity, include_cancelled=True):
        rows[registration.status].append(registration)
    return rows


def stations_for_planning() -> QuerySet[Station]:
    """Stations in scope, for the station choice of the activity form and filter."""
    return Station.objects.select_related("region").order_by("region__code", "name")


def rooms_of(station_ids: list[int] | None = None) -> QuerySet[Room]:
    qs = Room.objects.select_related("station").order_by("station_id", "sort_order", "pk")
    return qs.filter(station_id__in=station_ids) if station_ids is not None else qs


def brand_items_of(station_ids: list[int] | None = None) -> QuerySet[BrandItem]:
    qs = BrandItem.objects.filter(is_active=True).select_related("station").order_by("station_id", "sort_order")
    return qs.filter(station_id__in=station_ids) if station_ids is not None else qs


def service_lines() -> QuerySet[ServiceLine]:
    return ServiceLine.objects.filter(is_active=True).order_by("sort_order")


def target_groups() -> QuerySet[TargetGroup]:
    return TargetGroup.objects.filter(is_active=True).order_by("sort_order", "name")


def people_to_register(activity: Activity, search: str) -> list[Person]:
    """People in the user's scope matching ``search`` (name, full or last four digits of the mobile), at most
    ``PERSON_RESULTS``; for an activity of the village's residents, only the village's."""
    if not search:
        return []
    village = activity.station.region.code if activity.audience == "village" else ""
    return list(person_list(search=search, village=village)[:PERSON_RESULTS])


def registered_person_ids(activity: Activity) -> set[int]:
    return set(
        Registration.objects.filter(activity=activity, person__isnull=False)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("person_id", flat=True)
    )
