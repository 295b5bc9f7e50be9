"""REST endpoints for mediation studios: the same selectors, services and scope as the pages."""

from datetime import date
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.accounts.models import User
from yizhan.core.api import MULTI_LINE, InputSchema, PageMeta, page_of
from yizhan.core.permissions import is_admin, require, requires
from yizhan.stations.api import ContactOut, PlaceFilters, RegionRef, village_by_code
from yizhan.stations.models import Station, Status

from . import selectors, services
from .models import Studio, StudioMember
from .permissions import can_edit_studio, uses_studio_pages

studios_router = Router(tags=["studios"])


# --- schemas ----------------------------------------------------------------------------------------------


class StudioMemberOut(Schema):
    id: int
    kind: str
    can_lead: bool
    organisation: str
    name: str = Field(..., alias="user.name")
    username: str = Field(..., alias="user.username")


class StudioOut(Schema):
    id: int
    region: RegionRef
    name: str
    brand_name: str
    address: str
    introduction: str
    status: str
    status_since: date | None
    opened_on: date | None
    is_public: bool
    shared_station: int | None = Field(None, alias="shared_station_id")
    version: int


class StudioDetailOut(StudioOut):
    team: list[StudioMemberOut]
    contacts: list[ContactOut]


class StudioPage(Schema):
    meta: PageMeta
    items: list[StudioOut]


class StudioIn(InputSchema):
    region: str
    name: str = Field(..., min_length=1, max_length=100)
    brand_name: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    introduction: Annotated[str, MULTI_LINE] = Field("", max_length=2000)
    status: Status = Status.PLANNED
    status_since: date | None = None
    opened_on: date | None = None
    is_public: bool = True
    shared_station: int | None = None


class StudioPatch(InputSchema):
    version: int
    region: str | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    brand_name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    introduction: Annotated[str | None, MULTI_LINE] = Field(None, max_length=2000)
    status: Status | None = None
    status_since: date | None = None
    opened_on: date | None = None
    is_public: bool | None = None
    shared_station: int | None = None


class StudioMemberIn(InputSchema):
    username: str
    kind: StudioMember.Kind
    can_lead: bool = False
    organisation: str = Field("", max_length=100)


# --- helpers ----------------------------------------------------------------------------------------------


def _studio(studio_id: int) -> Studio:
    require(uses_studio_pages)
    try:
        return selectors.studio_get(studio_id)
    except Studio.DoesNotExist as exc:
        raise Http404 from exc


def _studio_detail(studio):
    return {
        **StudioOut.from_orm(studio).dict(),
        "team": selectors.studio_team(studio),
        "contacts": selectors.studio_contacts(studio),
    }


def _shared_station(station_id):
    if station_id is None:
        return None
    station = Station.objects.filter(pk=station_id).first()
    if station is None:
        raise ValidationError({"shared_station": _("Unknown station.")})
    return station


@studios_router.get("/", response=StudioPage, summary="Mediation studios in your scope")
@requires(uses_studio_pages)
def list_studios(request, filters: Query[PlaceFilters]):
    studios = selectors.studio_list(region_code=filters.region, status=filters.status, search=filters.q)
    meta, items = page_of(studios, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@studios_router.post("/", response={201: StudioOut})
@requires(is_admin)
def create_studio(request, payload: StudioIn):
    data = payload.dict()
    data["region"] = village_by_code(data["region"])
    data["shared_station"] = _shared_station(data["shared_station"])
    return HttpStatus(201, services.studio_create(created_by=request.user, **data))


@studios_router.get("/{studio_id}", response=StudioDetailOut)
def get_studio(request, studio_id: int):
    return _studio_detail(_studio(studio_id))


@studios_router.patch("/{studio_id}", response=StudioDetailOut)
def update_studio(request, studio_id: int, payload: StudioPatch):
    studio = _studio(studio_id)
    require(can_edit_studio, studio)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "region" in data:
        data["region"] = village_by_code(data["region"]) if data["region"] else studio.region
    if "shared_station" in data:
        data["shared_station"] = _shared_station(data["shared_station"])
    for required in ("name", "status", "is_public"):
        if required in data and data[required] is None:
            data.pop(required)
    services.studio_update(studio=studio, updated_by=request.user, version=version, **data)
    return _studio_detail(studio)


@studios_router.post("/{studio_id}/team", response={201: StudioMemberOut}, summary="Put a person on the team")
def add_member(request, studio_id: int, payload: StudioMemberIn):
    studio = _studio(studio_id)
    require(can_edit_studio, studio)  # before looking at the payload: a team member gets 403, not a form error
    user = User.objects.filter(username=payload.username).first()
    if user is None:
        raise ValidationError({"username": _("No account with this username in your region.")})
    data = payload.dict()
    data.pop("username")
    return HttpStatus(201, services.studio_member_add(studio=studio, user=user, added_by=request.user, **data))
