from django.http import Http404
from ninja import Router, Schema, Status

from yizhan.core.api import PageMeta, page_of
from yizhan.core.permissions import is_admin, requires

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


class VillageIn(Schema):
    code: str
    name: str


@router.get("/", response=RegionPage, summary="Regions in your scope")
@requires(is_admin)
def list_regions(
    request, parent: str | None = None, q: str = "", level: int | None = None, offset: int = 0, limit: int = 50
):
    parent_region = None
    if parent:
        try:
            parent_region = selectors.region_get(parent)
        except Region.DoesNotExist as exc:
            raise Http404 from exc
    meta, items = page_of(selectors.region_list(parent=parent_region, search=q, level=level), offset, limit)
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
