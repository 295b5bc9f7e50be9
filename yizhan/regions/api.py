from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from yizhan.core.api import ErrorOut, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.permissions import is_admin, requires
from yizhan.core.text import CODE_MAX_LENGTH, SEARCH_MAX_LENGTH

from . import selectors, services
from .models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    level_name: str
    parent_code: str | None

    @staticmethod
    def resolve_level_name(obj):
        return str(obj.get_level_display())

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class RegionPage(Schema):
    meta: PageMeta
    items: list[RegionOut]


class VillageIn(InputSchema):
    code: str
    name: str


class RegionFilters(PageQuery):
    parent: str | None = Field(None, max_length=CODE_MAX_LENGTH, description="Code of the parent (404 if unknown)")
    q: str = Field("", max_length=SEARCH_MAX_LENGTH)
    level: int | None = None


@router.get("/", response={200: RegionPage, 404: ErrorOut}, summary="Regions in your scope")
@requires(is_admin)
def list_regions(request, filters: Query[RegionFilters]):
    parent_region = None
    if filters.parent:
        try:
            parent_region = selectors.region_get(filters.parent)
        except Region.DoesNotExist as exc:
            raise Http404 from exc
    regions = selectors.region_list(parent=parent_region, search=filters.q, level=filters.level)
    meta, items = page_of(regions, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@router.get("/{code}", response=RegionOut)
@requires(is_admin)
def get_region(request, code: str):
    try:
        return selectors.region_get(code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc


@router.post("/{code}/villages", response={201: RegionOut}, summary="Add a village or community under a town")
@requires(is_admin)
def create_village(request, code: str, payload: VillageIn):
    try:
        town = selectors.region_get(code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    return Status(
        201, services.region_create_village(town=town, code=payload.code, name=payload.name, created_by=request.user)
    )
