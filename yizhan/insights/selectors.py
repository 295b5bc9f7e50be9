"""Reads for the rollout coverage, always through the scoped managers: figures from the rollups (rollups.py), so the
cost is a page's at any size."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.activities.models import Activity
from yizhan.audit.models import AuditLog
from yizhan.core.api import PageMetaData, page_of
from yizhan.core.scoping import require_scope
from yizhan.mediation.models import Studio
from yizhan.regions.models import Region
from yizhan.regions.selectors import region_top_level
from yizhan.stations.models import Station, Status

from . import rollups
from .models import CoveragePlan, Rollup

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
class RegionFigures:
    """The rolled-up coverage figures of one region (``Rollup`` rows; a missing row counts 0)."""

    region: Region
    values: dict = field(default_factory=dict)

    def _get(self, key) -> int:
        return int(self.values.get(key, 0))

    @property
    def village_count(self) -> int:
        return self._get(rollups.VILLAGES)

    @property
    def operating_stations(self) -> int:
        return self._get(rollups.OPERATING)

    @property
    def building_stations(self) -> int:
        return self._get(rollups.BUILDING)

    @property
    def planned_stations(self) -> int:
        """A station registered with the status 计划中 (the word means what it means on the station list)."""
        return self._get(rollups.PLANNED)

    @property
    def targeted(self) -> int:
        """No station being planned or built, but a target date in the rollout plan."""
        return self._get(rollups.TARGETED)

    @property
    def unplanned(self) -> int:
        """No station at all and no target date: the villages nobody has started on."""
        return self._get(rollups.NOT_STARTED)

    @property
    def overdue(self) -> int:
        """Villages whose station target date has passed without an operating station."""
        return self._get(rollups.OVERDUE)

    @property
    def without_station(self) -> int:
        """Villages without an operating station, whatever else is under way there."""
        return self.village_count - self.operating_stations

    @property
    def operating_studios(self) -> int:
        return self._get(rollups.STUDIOS)

    @property
    def rate(self) -> float:
        return self.operating_stations / self.village_count if self.village_count else 0.0

    @property
    def studio_rate(self) -> float:
        return self.operating_studios / self.village_count if self.village_count else 0.0


_FIGURE_NAMES = {name for name, value in vars(RegionFigures).items() if isinstance(value, property)}

CHILD_LEVEL: dict[int, int] = {
    Region.Level.PROVINCE: Region.Level.CITY,
    Region.Level.CITY: Region.Level.COUNTY,
    Region.Level.COUNTY: Region.Level.TOWN,
    Region.Level.TOWN: Region.Level.VILLAGE,
}


@dataclass
class Coverage:
    """A region's coverage: its own figures, and one level down its children's (a town: its villages, with their
    stations, studios and plans). Read from the rollups, so the cost does not depend on what the region holds."""

    region: Region
    totals: RegionFigures
    children: list  # RegionFigures of the regions one level down (a page of them when paginated)
    ancestors: list = field(default_factory=list)  # the ancestors in the reader's scope, top first (breadcrumb)
    villages: dict = field(default_factory=dict)  # {village pk: VillageCoverage} for the children that are villages
    page: PageMetaData | None = None  # the paging of the children (core.api.page_of) when paged

    def __getattr__(self, name):
        # village_count, operating_stations, rate … are the region's own figures
        if name in _FIGURE_NAMES:
            return getattr(self.totals, name)
        raise AttributeError(name)

    @property
    def is_town(self) -> bool:
        return self.region.level == Region.Level.TOWN

    @property
    def child_level(self):
        return Region.Level(CHILD_LEVEL[self.region.level])

    @property
    def rows(self) -> list:
        """The rows of the summary table and the chart: a town itself (its villages are listed apart), else its
        children."""
        return [self.totals] if self.is_town else self.children

    @property
    def village_rows(self) -> list:
        return [self.villages[c.region.pk] for c in self.children if c.region.pk in self.villages]

    def chart_data(self) -> dict:
        """Data for the ECharts chart (read by static/insights/coverage.js from a json_script element): a stacked bar
        per child region above a town, the shares of one town's villages for a town."""
        series = [
            ("operating", _("Operating station"), "operating_stations"),
            ("building", _("Under construction"), "building_stations"),
            ("planned", _("Station planned"), "planned_stations"),
            ("targeted", _("Target date set"), "targeted"),
            ("none", _("Not started"), "unplanned"),
        ]
        rows = self.rows
        return {
            "kind": "shares" if self.is_town else "towns",
            "categories": [t.region.name for t in rows],
            "series": [
                {"key": key, "name": str(name), "data": [getattr(t, attr) for t in rows]} for key, name, attr in series
            ],
            "rate": {"name": str(_("Coverage rate (%)")), "data": [round(t.rate * 100, 1) for t in rows]},
        }


def coverage_regions():
    """The regions above a village the user can look at, province to town (for the region picker)."""
    return Region.objects.filter(level__lt=Region.Level.VILLAGE).order_by("code")


def figures(regions, keys=rollups.COVERAGE, period=rollups.STATE) -> dict[int, dict[str, int]]:
    """``{region pk: {key: value}}`` from the rollups in the reader's scope: one indexed query."""
    result: dict[int, dict[str, int]] = {}
    rows = Rollup.objects.filter(region__in=regions, period=period, key__in=keys)
    for region_id, key, value in rows.values_list("region_id", "key", "value"):
        result.setdefault(region_id, {})[key] = value
    return result


def _village_detail(villages) -> dict:
    """Each village with its stations, studios and plan (three queries)."""
    by_village = {v.pk: VillageCoverage(region=v) for v in villages}
    ids = list(by_village)
    for station in Station.objects.filter(region_id__in=ids).only(
        "pk", "region_id", "name", "brand_name", "status", "status_since"
    ):
        by_village[station.region_id].stations.append(station)
    for studio in Studio.objects.filter(region_id__in=ids).only(
        "pk", "region_id", "name", "brand_name", "status", "status_since"
    ):
        by_village[studio.region_id].studios.append(studio)
    for plan in CoveragePlan.objects.filter(region_id__in=ids):
        by_village[plan.region_id].plan = plan
    return by_village


def coverage(region: Region, *, offset: int | None = None, limit: int = 50) -> Coverage:
    """The coverage of a town, district, city or province from the rollups, and of its children one level down
    (every child, or the page ``offset``/``limit`` of them). Above a town: three queries (four when paged) at any
    size; a town adds its villages' stations, studios and plans (three more)."""
    ancestors = list(Region.objects.filter(code__in=region.ancestor_codes()).order_by("code"))
    children_qs = Region.objects.filter(parent=region).order_by("code")
    page_meta = None
    if offset is not None:
        page_meta, children = page_of(children_qs, offset, limit)
    else:
        children = list(children_qs)
    values = figures([region, *children])
    villages = _village_detail(children) if region.level == Region.Level.TOWN else {}
    return Coverage(
        region=region,
        totals=RegionFigures(region, values.get(region.pk, {})),
        children=[RegionFigures(c, values.get(c.pk, {})) for c in children],
        ancestors=ancestors,
        villages=villages,
        page=page_meta,
    )


def town_figures(region: Region) -> list[RegionFigures]:
    """Every town under a region with its figures (the export's second sheet above a town): two queries."""
    towns = list(Region.objects.filter(code__startswith=region.code, level=Region.Level.TOWN).order_by("code"))
    values = figures(towns)
    return [RegionFigures(t, values.get(t.pk, {})) for t in towns]


def coverage_summary() -> dict[str, int]:
    """Villages in the reader's scope and how many have an operating station (home page figure), from the rollups of
    the top regions of her scope: two queries."""
    tops = list(region_top_level(require_scope()))
    values = figures(tops, keys=(rollups.VILLAGES, rollups.OPERATING))
    villages = sum(v.get(rollups.VILLAGES, 0) for v in values.values())
    covered = sum(v.get(rollups.OPERATING, 0) for v in values.values())
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
