"""Reads of the station network, always through the scoped managers. Query counts do not grow with the data."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from yizhan.accounts.models import Role, RoleMembership
from yizhan.regions.models import Region

from .hours import OpenState, open_state, week_table
from .models import (
    BrandItem,
    Contact,
    HoursException,
    OpeningInterval,
    Photo,
    PositionType,
    Room,
    RoomType,
    ServiceLine,
    Station,
)

# --- pickers (core/pickers.py) -------------------------------------------------------------------------------


def villages_for_places():
    """Villages in scope a station or studio can be placed in (the place form's village picker)."""
    return Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent").order_by("code")


def stations_in_scope():
    """Stations in scope, by village code (the station pickers of activities, volunteers' hours and studios)."""
    return Station.objects.select_related("region").order_by("region__code", "name", "pk")


# --- reference data (not scoped: the same for everyone) ----------------------------------------------------


def service_lines():
    return ServiceLine.objects.filter(is_active=True).order_by("sort_order", "code")


def room_types():
    return RoomType.objects.filter(is_active=True).order_by("sort_order", "code")


def position_types():
    return PositionType.objects.filter(is_active=True).order_by("sort_order", "code")


# --- stations ---------------------------------------------------------------------------------------------


def filter_places(qs, *, region_code: str = "", status: str = "", search: str = ""):
    """A list of places (stations, studios …) narrowed to a region, a status and a search word, in list order."""
    if region_code:
        qs = qs.filter(region__code__startswith=region_code)
    if status:
        qs = qs.filter(status=status)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(brand_name__contains=search) | Q(region__name__contains=search))
    return qs.order_by("region__code", "name", "pk")


def station_list(*, region_code: str = "", status: str = "", search: str = ""):
    """Stations in scope with their village and room count (2 queries per page whatever the table size)."""
    qs = Station.objects.select_related("region", "region__parent").annotate(
        room_count=Count("rooms", distinct=True), item_count=Count("brand_items", distinct=True)
    )
    return filter_places(qs, region_code=region_code, status=status, search=search)


def station_get(pk) -> Station:
    return Station.objects.select_related("region", "region__parent").get(pk=pk)


def station_rooms(station):
    return Room.objects.filter(station=station).select_related("room_type").order_by("sort_order", "pk")


def station_brand_items(station, *, active_only=False):
    qs = BrandItem.objects.filter(station=station).prefetch_related(
        Prefetch("service_lines", queryset=ServiceLine.objects.order_by("sort_order"))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "pk")


def catalogue(lines, items) -> list[dict]:
    """The 5+X view: each of the five lines with the station's active X items that belong to it."""
    rows = []
    for line in lines:
        rows.append(
            {
                "line": line,
                "items": [i for i in items if i.is_active and any(sl.pk == line.pk for sl in i.service_lines.all())],
            }
        )
    return rows


@dataclass
class StationProfile:
    station: Station
    rooms: list = field(default_factory=list)
    week: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)
    items: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    catalogue: list = field(default_factory=list)
    photos: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    sharing_places: list = field(default_factory=list)  # mediation studios … on its premises
    total_room_area: float = 0
    open_now: OpenState | None = None  # public profiles: open now, or when it opens next
    open_text: str = ""  # what a resident reads of open_now (the portal's selector sets it)

    @property
    def inactive_items(self) -> list:
        return [i for i in self.items if not i.is_active]


def station_profile(station: Station, *, public: bool = False) -> StationProfile:
    """Everything the station page shows, in a fixed number of queries. ``public``: upcoming exceptions only."""
    items = list(station_brand_items(station, active_only=public))
    lines = list(service_lines())
    exceptions = HoursException.objects.filter(station=station).order_by("date")
    if public:
        exceptions = exceptions.filter(date__gte=timezone.localdate())
    rooms = list(station_rooms(station))
    intervals = list(OpeningInterval.objects.filter(station=station))
    dated = list(exceptions[:30])
    return StationProfile(
        station=station,
        rooms=rooms,
        week=week_table(intervals),
        exceptions=dated,
        open_now=open_state(intervals, dated, timezone.localtime()) if public else None,
        items=items,
        lines=lines,
        catalogue=catalogue(lines, items),
        photos=list(Photo.objects.filter(station=station).order_by("sort_order", "pk")),
        contacts=with_place(Contact.objects.filter(station=station).order_by("sort_order", "pk"), station=station),
        positions=list(station.positions.order_by("sort_order")),
        sharing_places=station.sharing_places(),
        total_room_area=sum((r.area or 0) for r in rooms),
    )


def open_states(stations, at: datetime | None = None) -> dict[int, OpenState]:
    """Whether each station is open at ``at`` (now by default), in two queries whatever the number of stations."""
    at = timezone.localtime(at)
    ids = [station.pk for station in stations]
    intervals: dict[int, list] = {pk: [] for pk in ids}
    exceptions: dict[int, list] = {pk: [] for pk in ids}
    for interval in OpeningInterval.objects.filter(station_id__in=ids):
        intervals[interval.station_id].append(interval)
    week = (at.date(), at.date() + timedelta(days=7))
    for exception in HoursException.objects.filter(station_id__in=ids, date__range=week):
        exceptions[exception.station_id].append(exception)
    return {pk: open_state(intervals[pk], exceptions[pk], at) for pk in ids}


def with_place(contacts, **place) -> list:
    """Contacts with their place already attached (permission checks per contact then cost no query)."""
    rows = list(contacts)
    for contact in rows:
        for name, value in place.items():
            setattr(contact, name, value)
    return rows


def station_managers(station) -> list:
    """Accounts managing the station (names only; shown to those who may see the station)."""
    return list(
        # unscoped: managers' names are shown with the station, whoever sees it
        RoleMembership.all_objects.filter(RoleMembership.at(station), role=Role.STATION_MANAGER, is_active=True)
        .select_related("user")
        .order_by("user__username")
    )


def station_intervals(station):
    return list(OpeningInterval.objects.filter(station=station).order_by("weekday", "opens"))


def today() -> date:
    return timezone.localdate()
