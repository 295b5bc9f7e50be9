"""Reads of the station network, always through the scoped managers. Query counts do not grow with the data."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from yizhan.core.scoping import anonymous_scope
from yizhan.regions.models import Region

from .hours import week_table
from .models import (
    BrandItem,
    Contact,
    CoveragePlan,
    HoursException,
    OpeningInterval,
    Photo,
    PositionType,
    Room,
    RoomType,
    ServiceLine,
    Station,
    Status,
    Studio,
    StudioMember,
)

# --- reference data (not scoped: the same for everyone) ----------------------------------------------------


def service_lines():
    return ServiceLine.objects.filter(is_active=True).order_by("sort_order", "code")


def room_types():
    return RoomType.objects.filter(is_active=True).order_by("sort_order", "code")


def position_types():
    return PositionType.objects.filter(is_active=True).order_by("sort_order", "code")


# --- stations ---------------------------------------------------------------------------------------------


def station_list(*, region_code: str = "", status: str = "", search: str = ""):
    """Stations in scope with their village and room count (2 queries per page whatever the table size)."""
    qs = Station.objects.select_related("region", "region__parent").annotate(
        room_count=Count("rooms", distinct=True), item_count=Count("brand_items", distinct=True)
    )
    if region_code:
        qs = qs.filter(region__code__startswith=region_code)
    if status:
        qs = qs.filter(status=status)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(brand_name__contains=search) | Q(region__name__contains=search))
    return qs.order_by("region__code", "name", "pk")


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
    studios: list = field(default_factory=list)
    total_room_area: float = 0

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
    studios = Studio.objects.filter(shared_station=station).order_by("name")
    return StationProfile(
        station=station,
        rooms=rooms,
        week=week_table(OpeningInterval.objects.filter(station=station)),
        exceptions=list(exceptions[:30]),
        items=items,
        lines=lines,
        catalogue=catalogue(lines, items),
        photos=list(Photo.objects.filter(station=station).order_by("sort_order", "pk")),
        contacts=_with_place(Contact.objects.filter(station=station).order_by("sort_order", "pk"), station=station),
        positions=list(station.positions.order_by("sort_order")),
        studios=list(studios),
        total_room_area=sum((r.area or 0) for r in rooms),
    )


def _with_place(contacts, **place) -> list:
    """Contacts with their place already attached (permission checks per contact then cost no query)."""
    rows = list(contacts)
    for contact in rows:
        for name, value in place.items():
            setattr(contact, name, value)
    return rows


def station_managers(station) -> list:
    """Accounts managing the station (names only; shown to those who may see the station)."""
    from yizhan.accounts.models import Role, RoleMembership

    return list(
        RoleMembership.all_objects.filter(station=station, role=Role.STATION_MANAGER, is_active=True)
        .select_related("user")
        .order_by("user__username")
    )


def station_intervals(station):
    return list(OpeningInterval.objects.filter(station=station).order_by("weekday", "opens"))


def station_choices_for_studio(region):
    return Station.objects.filter(region=region).order_by("name")


# --- studios ----------------------------------------------------------------------------------------------


def studio_list(*, region_code: str = "", status: str = "", search: str = ""):
    qs = Studio.objects.select_related("region", "region__parent", "shared_station").annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    )
    if region_code:
        qs = qs.filter(region__code__startswith=region_code)
    if status:
        qs = qs.filter(status=status)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(brand_name__contains=search) | Q(region__name__contains=search))
    return qs.order_by("region__code", "name", "pk")


def studio_get(pk) -> Studio:
    return Studio.objects.select_related("region", "region__parent", "shared_station").get(pk=pk)


def studio_team(studio, *, active_only=True):
    qs = StudioMember.objects.filter(studio=studio).select_related("user")
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("kind", "-can_lead", "pk"))


def studio_contacts(studio):
    return _with_place(Contact.objects.filter(studio=studio).order_by("sort_order", "pk"), studio=studio)


def team_by_kind(members) -> list[dict]:
    rows = []
    for kind, label in StudioMember.Kind.choices:
        kind_members = [m for m in members if m.kind == kind]
        if kind_members:
            rows.append({"kind": kind, "label": label, "members": kind_members})
    return rows


# --- coverage ---------------------------------------------------------------------------------------------

ACTIVE_STATUSES = (Status.PLANNED, Status.UNDER_CONSTRUCTION, Status.OPERATING, Status.SUSPENDED)
STATUS_RANK = {
    Status.OPERATING: 0,
    Status.SUSPENDED: 1,
    Status.UNDER_CONSTRUCTION: 2,
    Status.PLANNED: 3,
    Status.CLOSED: 4,
}


@dataclass
class VillageCoverage:
    region: Region
    stations: list = field(default_factory=list)
    studios: list = field(default_factory=list)
    plan: CoveragePlan | None = None

    def _best(self, places):
        return min((p for p in places), key=lambda p: STATUS_RANK[p.status], default=None)

    @property
    def station(self):
        return self._best(self.stations)

    @property
    def studio(self):
        return self._best(self.studios)

    @property
    def station_status(self) -> str:
        return self.station.status if self.station else ""

    @property
    def studio_status(self) -> str:
        return self.studio.status if self.studio else ""

    @property
    def has_operating_station(self) -> bool:
        return any(s.status == Status.OPERATING for s in self.stations)

    @property
    def has_operating_studio(self) -> bool:
        return any(s.status == Status.OPERATING for s in self.studios)

    @property
    def overdue(self) -> bool:
        target = self.plan.station_target if self.plan else None
        return bool(target and target < timezone.localdate() and not self.has_operating_station)


@dataclass
class TownCoverage:
    region: Region
    villages: list = field(default_factory=list)

    @property
    def village_count(self) -> int:
        return len(self.villages)

    def _count(self, predicate) -> int:
        return sum(1 for v in self.villages if predicate(v))

    @property
    def operating_stations(self) -> int:
        return self._count(lambda v: v.has_operating_station)

    @property
    def building_stations(self) -> int:
        return self._count(lambda v: not v.has_operating_station and v.station_status == Status.UNDER_CONSTRUCTION)

    @property
    def planned_stations(self) -> int:
        return self._count(
            lambda v: (
                not v.has_operating_station
                and v.station_status not in (Status.UNDER_CONSTRUCTION,)
                and (v.station_status == Status.PLANNED or (v.plan and v.plan.station_target))
            )
        )

    @property
    def without_station(self) -> int:
        return self.village_count - self.operating_stations - self.building_stations - self.planned_stations

    @property
    def operating_studios(self) -> int:
        return self._count(lambda v: v.has_operating_studio)

    @property
    def rate(self) -> float:
        return self.operating_stations / self.village_count if self.village_count else 0.0

    @property
    def studio_rate(self) -> float:
        return self.operating_studios / self.village_count if self.village_count else 0.0


@dataclass
class Coverage:
    region: Region
    towns: list

    def _sum(self, name) -> int:
        return sum(getattr(t, name) for t in self.towns)

    @property
    def village_count(self):
        return self._sum("village_count")

    @property
    def operating_stations(self):
        return self._sum("operating_stations")

    @property
    def building_stations(self):
        return self._sum("building_stations")

    @property
    def planned_stations(self):
        return self._sum("planned_stations")

    @property
    def without_station(self):
        return self._sum("without_station")

    @property
    def operating_studios(self):
        return self._sum("operating_studios")

    @property
    def rate(self) -> float:
        return self.operating_stations / self.village_count if self.village_count else 0.0

    @property
    def studio_rate(self) -> float:
        return self.operating_studios / self.village_count if self.village_count else 0.0

    @property
    def is_town(self) -> bool:
        return self.region.level == Region.Level.TOWN

    def chart_data(self) -> dict:
        """Data for the ECharts chart (read by static/stations/coverage.js from a json_script element)."""
        from django.utils.translation import gettext as _

        return {
            "categories": [t.region.name for t in self.towns],
            "series": [
                {
                    "key": "operating",
                    "name": str(_("Operating station")),
                    "data": [t.operating_stations for t in self.towns],
                },
                {
                    "key": "building",
                    "name": str(_("Under construction")),
                    "data": [t.building_stations for t in self.towns],
                },
                {"key": "planned", "name": str(_("Planned")), "data": [t.planned_stations for t in self.towns]},
                {"key": "none", "name": str(_("No station yet")), "data": [t.without_station for t in self.towns]},
            ],
            "rate": {"name": str(_("Coverage rate (%)")), "data": [round(t.rate * 100, 1) for t in self.towns]},
        }


def coverage_regions():
    """Towns and districts the user can look at (for the region picker)."""
    return Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWN]).order_by("code")


def coverage(region: Region) -> Coverage:
    """Coverage of a town, or of every town under a district/city/province: five queries at any size."""
    prefix = region.code
    if region.level == Region.Level.TOWN:
        towns = [region]
    else:
        towns = list(Region.objects.filter(code__startswith=prefix, level=Region.Level.TOWN).order_by("code"))
    villages = list(Region.objects.filter(code__startswith=prefix, level=Region.Level.VILLAGE).order_by("code"))
    by_village = {v.pk: VillageCoverage(region=v) for v in villages}
    for station in Station.objects.filter(region__code__startswith=prefix).only(
        "pk", "region_id", "name", "brand_name", "status", "status_since"
    ):
        if station.region_id in by_village:
            by_village[station.region_id].stations.append(station)
    for studio in Studio.objects.filter(region__code__startswith=prefix).only(
        "pk", "region_id", "name", "brand_name", "status", "status_since"
    ):
        if studio.region_id in by_village:
            by_village[studio.region_id].studios.append(studio)
    for plan in CoveragePlan.objects.filter(region__code__startswith=prefix):
        if plan.region_id in by_village:
            by_village[plan.region_id].plan = plan
    town_rows = {t.pk: TownCoverage(region=t) for t in towns}
    for village in villages:
        if village.parent_id in town_rows:
            town_rows[village.parent_id].villages.append(by_village[village.pk])
    return Coverage(region=region, towns=[town_rows[t.pk] for t in towns])


# --- public pages (anonymous scope: operating, public places and their public parts only) ------------------


def public_towns() -> list[Region]:
    with anonymous_scope():
        parents = set(Station.objects.values_list("region__parent_id", flat=True))
        parents |= set(Studio.objects.values_list("region__parent_id", flat=True))
    return list(Region.all_objects.filter(pk__in=parents, level=Region.Level.TOWN).order_by("code"))


def public_town(code: str) -> Region:
    return Region.all_objects.get(code=code, level=Region.Level.TOWN)


def public_places_in_town(town: Region) -> tuple[list, list]:
    with anonymous_scope():
        stations = list(
            Station.objects.filter(region__parent=town)
            .select_related("region")
            .prefetch_related(
                Prefetch(
                    "brand_items",
                    queryset=BrandItem.all_objects.filter(is_active=True).order_by("sort_order"),
                    to_attr="public_items",
                )
            )
            .order_by("region__code", "name")
        )
        studios = list(Studio.objects.filter(region__parent=town).select_related("region").order_by("region__code"))
    return stations, studios


def public_station(pk) -> StationProfile:
    """The public profile of an operating, public station; Station.DoesNotExist otherwise."""
    with anonymous_scope():
        station = Station.objects.select_related("region", "region__parent").get(pk=pk)
        return station_profile(station, public=True)


def public_studio(pk) -> dict:
    with anonymous_scope():
        studio = Studio.objects.select_related("region", "region__parent").get(pk=pk)
        shared = Station.objects.filter(pk=studio.shared_station_id).first() if studio.shared_station_id else None
        team = list(StudioMember.objects.filter(studio=studio, is_active=True).order_by("kind", "pk"))
        return {
            "studio": studio,
            "shared_station": shared,
            "team": team_by_kind(team),
            "contacts": studio_contacts(studio),
        }


def public_photo(pk) -> Photo:
    with anonymous_scope():
        return Photo.objects.get(pk=pk)


def today() -> date:
    return timezone.localdate()
