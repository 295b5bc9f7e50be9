"""REST endpoints for rollout coverage: the same selectors, services and scope as the pages."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yizhan.core.api import ErrorOut, InputSchema, PageMeta, PageQuery
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


class FiguresOut(Schema):
    code: str
    name: str
    level: int = Field(description="1 province, 2 city, 3 county / district, 4 town / street, 5 village / community")
    villages: int
    operating_stations: int = Field(description="villages with an operating station")
    under_construction: int = Field(description="villages whose best station is under construction")
    planned: int = Field(description="villages whose best station is registered with the status planned")
    target_date_only: int = Field(description="villages with no station record but a target date")
    not_started: int = Field(description="villages with no station and no target date")
    overdue: int = Field(description="villages whose station target date passed without an operating station")
    without_station: int = Field(description="villages without an operating station")
    operating_studios: int = Field(description="villages with an operating studio")
    rate: float


class ChildOut(FiguresOut):
    village: VillageCoverageOut | None = Field(
        None, description="for a village: its best station and studio and its rollout plan"
    )


class ChildrenPage(Schema):
    level: int = Field(description="the level of the children, one below the region's")
    meta: PageMeta
    items: list[ChildOut]


class CoverageOut(FiguresOut):
    parent: str | None = Field(description="code of the parent region (null at the top)")
    children: ChildrenPage


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


def _figures(row) -> dict:
    return {
        "code": row.region.code,
        "name": row.region.name,
        "level": row.region.level,
        "villages": row.village_count,
        "operating_stations": row.operating_stations,
        "under_construction": row.building_stations,
        "planned": row.planned_stations,
        "target_date_only": row.targeted,
        "not_started": row.unplanned,
        "overdue": row.overdue,
        "without_station": row.without_station,
        "operating_studios": row.operating_studios,
        "rate": round(row.rate, 4),
    }


class CoverageQuery(PageQuery):
    region: str = Field(
        "", max_length=CODE_MAX_LENGTH, description="Code of a region above village level (404 if unknown)"
    )


def _coverage(area, offset, limit) -> dict:
    if area is None or area.level == Region.Level.VILLAGE:
        raise ValidationError({"region": _("Give the code of a region above village level.")})
    data = selectors.coverage(area, offset=offset, limit=limit)
    return {
        **_figures(data.totals),
        "parent": area.parent_code_of(area.code),
        "children": {
            "level": data.child_level,
            "meta": data.page,
            "items": [
                {**_figures(c), "village": _village_row(v) if (v := data.villages.get(c.region.pk)) else None}
                for c in data.children
            ],
        },
    }


@coverage_router.get(
    "/",
    response={200: CoverageOut, 404: ErrorOut},
    summary="Coverage of the region asked for (or your top region), with one page of its children",
)
def get_coverage(request, query: Query[CoverageQuery]):
    scope = require(sees_coverage)
    try:
        area = Region.objects.get(code=query.region) if query.region else region_top_level(scope).first()
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    return _coverage(area, query.offset, query.limit)


@coverage_router.get(
    "/{code}",
    response={200: CoverageOut, 404: ErrorOut},
    summary="Coverage of a region from the rolled-up figures, with one page of its children one level down",
)
@requires(sees_coverage)
def get_region_coverage(request, code: str, paging: Query[PageQuery]):
    try:
        area = Region.objects.get(code=code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    return _coverage(area, paging.offset, paging.limit)


@coverage_router.put("/plan/{village_code}", response=PlanOut, summary="Record the rollout plan of a village")
@requires(sees_coverage)
def set_plan(request, village_code: str, payload: PlanIn):
    try:
        village = Region.objects.get(code=village_code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    return services.coverage_plan_set(region=village, updated_by=request.user, **payload.dict())
