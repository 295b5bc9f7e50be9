"""Reads for the rollout coverage, always through the scoped managers: five queries at any size."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.activities.models import Activity
from yizhan.audit.models import AuditLog
from yizhan.mediation.models import Studio
from yizhan.regions.models import Region
from yizhan.stations.models import Station, Status

from .models import CoveragePlan

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
    def category(self) -> str:
        """Exactly one of operating / building / planned / targeted / none (the chart's and table's columns)."""
        if self.has_operating_station:
            return "operating"
        if self.station_status == Status.UNDER_CONSTRUCTION:
            return "building"
        if self.station_status == Status.PLANNED:
            return "planned"
        if self.plan and self.plan.station_target:
            return "targeted"
        return "none"

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
        """A station registered with the status 计划中 (the word means what it means on the station list)."""
        return self._count(lambda v: not v.has_operating_station and v.station_status == Status.PLANNED)

    @property
    def targeted(self) -> int:
        """No station being planned or built, but a target date in the rollout plan."""
        return self._count(lambda v: v.category == "targeted")

    @property
    def unplanned(self) -> int:
        """No station at all and no target date: the villages nobody has started on."""
        return self._count(lambda v: v.category == "none")

    @property
    def without_station(self) -> int:
        """Villages without an operating station, whatever else is under way there."""
        return self.village_count - self.operating_stations

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
    def targeted(self):
        return self._sum("targeted")

    @property
    def unplanned(self):
        return self._sum("unplanned")

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
        """Data for the ECharts chart (read by static/insights/coverage.js from a json_script element): a stacked bar
        per town for a district, the shares of one town's villages for a town."""
        series = [
            ("operating", _("Operating station"), "operating_stations"),
            ("building", _("Under construction"), "building_stations"),
            ("planned", _("Station planned"), "planned_stations"),
            ("targeted", _("Target date set"), "targeted"),
            ("none", _("Not started"), "unplanned"),
        ]
        return {
            "kind": "shares" if self.is_town else "towns",
            "categories": [t.region.name for t in self.towns],
            "series": [
                {"key": key, "name": str(name), "data": [getattr(t, attr) for t in self.towns]}
                for key, name, attr in series
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


def coverage_summary() -> dict[str, int]:
    """Villages in the reader's scope and how many have an operating station (home page figure): two queries."""
    villages = Region.objects.filter(level=Region.Level.VILLAGE).count()
    covered = (
        Station.objects.filter(status=Status.OPERATING, region__level=Region.Level.VILLAGE)
        .values("region_id")
        .distinct()
        .count()
    )
    return {"villages": villages, "covered": covered, "without": villages - covered}


QUIET_DAYS = 90  # an operating station with no change of its profile and no activity for this long needs a look


def quiet_stations(limit: int = 5) -> tuple[int, list[Station]]:
    """Operating stations in the reader's scope with no change of their profile (the audit log) and no activity in
    the last ``QUIET_DAYS`` days: how many, and the first ``limit`` by village code. Two queries."""
    since = timezone.now() - timedelta(days=QUIET_DAYS)
    # unscoped: only whether a station in scope changed recently (no row is read)
    changes = AuditLog.all_objects.filter(
        target_type=Station._meta.label_lower, target_id=Cast(OuterRef("pk"), output_field=CharField()), at__gte=since
    )
    # unscoped: only whether a station in scope held an activity recently (no row is read)
    activities = Activity.all_objects.filter(station=OuterRef("pk"), starts_at__gte=since)
    quiet = (
        Station.objects.filter(status=Status.OPERATING)
        .exclude(Exists(changes))
        .exclude(Exists(activities))
        .select_related("region")
        .order_by("region__code", "pk")
    )
    return quiet.count(), list(quiet[:limit])
