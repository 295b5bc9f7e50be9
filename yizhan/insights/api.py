"""REST endpoints for rollout coverage: the same selectors, services and scope as the pages."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yizhan.core.api import ErrorOut, InputSchema
from yizhan.core.permissions import require, requires
from yizhan.core.text import CODE_MAX_LENGTH
from yizhan.regions.models import Region
from yizhan.regions.selectors import region_top_level

from . import selectors, services
from .permissions import sees_coverage

coverage_router = Router(tags=["coverage"])


class VillageCoverageOut(Schema):
    code: str
    name: str
    station_id: int | None
    station_name: str
    station_status: str
    studio_id: int | None
    studio_name: str
    studio_status: str
    station_target: date | None
    studio_target: date | None


class TownCoverageOut(Schema):
    code: str
    name: str
    villages: int
    operating_stations: int
    under_construction: int
    planned: int = Field(description="villages whose best station is registered with the status planned")
    target_date_only: int = Field(description="villages with no station record but a target date")
    not_started: int = Field(description="villages with no station and no target date")
    without_station: int = Field(description="villages without an operating station")
    operating_studios: int
    rate: float
    village_rows: list[VillageCoverageOut]


class CoverageOut(Schema):
    code: str
    name: str
    villages: int
    operating_stations: int
    operating_studios: int
    rate: float
    towns: list[TownCoverageOut]


class PlanIn(InputSchema):
    station_target: date | None = None
    studio_target: date | None = None
    note: str = Field("", max_length=200)


class PlanOut(Schema):
    village: str = Field(..., alias="region.code")
    station_target: date | None
    studio_target: date | None
    note: str


def _village_row(v):
    station, studio, plan = v.station, v.studio, v.plan
    return {
        "code": v.region.code,
        "name": v.region.name,
        "station_id": station.pk if station else None,
        "station_name": station.display_name if station else "",
        "station_status": v.station_status,
        "studio_id": studio.pk if studio else None,
        "studio_name": studio.display_name if studio else "",
        "studio_status": v.studio_status,
        "station_target": plan.station_target if plan else None,
        "studio_target": plan.studio_target if plan else None,
    }


class CoverageQuery(InputSchema):
    region: str = Field("", max_length=CODE_MAX_LENGTH, description="Code of a town or district (404 if unknown)")


@coverage_router.get(
    "/", response={200: CoverageOut, 404: ErrorOut}, summary="Coverage of a town, or summed over a district"
)
def get_coverage(request, query: Query[CoverageQuery]):
    region = query.region
    scope = require(sees_coverage)
    try:
        area = Region.objects.get(code=region) if region else region_top_level(scope).first()
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    if area is None or area.level == Region.Level.VILLAGE:
        raise ValidationError({"region": _("Give the code of a town or a district.")})
    data = selectors.coverage(area)
    return {
        "code": area.code,
        "name": area.name,
        "villages": data.village_count,
        "operating_stations": data.operating_stations,
        "operating_studios": data.operating_studios,
        "rate": round(data.rate, 4),
        "towns": [
            {
                "code": t.region.code,
                "name": t.region.name,
                "villages": t.village_count,
                "operating_stations": t.operating_stations,
                "under_construction": t.building_stations,
                "planned": t.planned_stations,
                "target_date_only": t.targeted,
                "not_started": t.unplanned,
                "without_station": t.without_station,
                "operating_studios": t.operating_studios,
                "rate": round(t.rate, 4),
                "village_rows": [_village_row(v) for v in t.villages],
            }
            for t in data.towns
        ],
    }


@coverage_router.put("/plan/{village_code}", response=PlanOut, summary="Record the rollout plan of a village")
@requires(sees_coverage)
def set_plan(request, village_code: str, payload: PlanIn):
    try:
        village = Region.objects.get(code=village_code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    return services.coverage_plan_set(region=village, updated_by=request.user, **payload.dict())
