"""REST endpoints for the station network: the same selectors, services and scope as the pages."""

from datetime import date, time
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.core.api import MULTI_LINE, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.permissions import is_admin, require, requires
from yizhan.core.text import CODE_MAX_LENGTH, SEARCH_MAX_LENGTH
from yizhan.regions.models import Region

from . import selectors, services
from .models import BrandItem, PositionType, Room, RoomType, ServiceLine, Station, Status
from .permissions import can_edit_station, uses_station_pages

stations_router = Router(tags=["stations"])
catalogue_router = Router(tags=["catalogue"])


# --- schemas ----------------------------------------------------------------------------------------------


class LookupOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str


class RegionRef(Schema):
    code: str
    name: str


class StationOut(Schema):
    id: int
    region: RegionRef
    name: str
    brand_name: str
    address: str
    floor_area: float | None
    introduction: str
    status: str
    status_since: date | None
    opened_on: date | None
    is_public: bool
    version: int


class RoomOut(Schema):
    id: int
    room_type: str = Field(..., alias="room_type.code")
    name: str
    area: float | None
    capacity: int | None
    equipment: str
    sort_order: int
    version: int


class IntervalOut(Schema):
    """Times as the station's local wall-clock time, "HH:MM" (JSON Schema's "time" format would require an offset)."""

    weekday: int
    opens: str = Field(..., pattern=r"^\d{2}:\d{2}$")
    closes: str = Field(..., pattern=r"^\d{2}:\d{2}$")

    @staticmethod
    def resolve_opens(obj):
        return f"{obj.opens:%H:%M}"

    @staticmethod
    def resolve_closes(obj):
        return f"{obj.closes:%H:%M}"


class BrandItemOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    service_lines: list[str]
    version: int

    @staticmethod
    def resolve_service_lines(obj):
        return [line.code for line in obj.service_lines.all()]


class ContactOut(Schema):
    id: int
    name: str
    role: str
    phone_masked: str
    is_public: bool

    @staticmethod
    def resolve_phone_masked(obj):
        return obj.masked("phone")


class StationDetailOut(StationOut):
    positions: list[str]
    rooms: list[RoomOut]
    hours: list[IntervalOut]
    brand_items: list[BrandItemOut]
    contacts: list[ContactOut]
    studios: list[int]  # the places (mediation studios) sharing its premises


class StationPage(Schema):
    meta: PageMeta
    items: list[StationOut]


class PlaceFilters(PageQuery):
    """The filters of the station and studio lists."""

    region: str = Field("", max_length=CODE_MAX_LENGTH, description="Code of a region: places under it")
    status: str = Field("", max_length=CODE_MAX_LENGTH)
    q: str = Field("", max_length=SEARCH_MAX_LENGTH, description="Part of the name, brand or village")


class StationIn(InputSchema):
    region: str = Field(..., description="12-digit code of the village or community")
    name: str = Field(..., min_length=1, max_length=100)
    brand_name: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    floor_area: float | None = None
    introduction: Annotated[str, MULTI_LINE] = Field("", max_length=2000)
    status: Status = Status.PLANNED
    status_since: date | None = None
    opened_on: date | None = None
    is_public: bool = True
    positions: list[str] = []


class StationPatch(InputSchema):
    version: int = Field(..., description="The version you read; a stale version changes nothing (409)")
    region: str | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    brand_name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    floor_area: float | None = None
    introduction: Annotated[str | None, MULTI_LINE] = Field(None, max_length=2000)
    status: Status | None = None
    status_since: date | None = None
    opened_on: date | None = None
    is_public: bool | None = None
    positions: list[str] | None = None


class RoomIn(InputSchema):
    room_type: str
    name: str = Field(..., min_length=1, max_length=100)
    area: float | None = None
    capacity: int | None = Field(None, ge=0)
    equipment: Annotated[str, MULTI_LINE] = Field("", max_length=1000)
    sort_order: int = Field(0, ge=0, le=1000)


class RoomPatch(InputSchema):
    version: int = Field(..., description="The version you read; a stale version changes nothing (409)")
    room_type: str | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    area: float | None = None
    capacity: int | None = Field(None, ge=0)
    equipment: Annotated[str | None, MULTI_LINE] = Field(None, max_length=1000)
    sort_order: int | None = Field(None, ge=0, le=1000)


class BrandItemIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=50)
    description: Annotated[str, MULTI_LINE] = Field("", max_length=1000)
    service_lines: list[str]
    is_active: bool = True


class BrandItemPatch(InputSchema):
    version: int = Field(..., description="The version you read; a stale version changes nothing (409)")
    name: str | None = Field(None, min_length=1, max_length=50)
    description: Annotated[str | None, MULTI_LINE] = Field(None, max_length=1000)
    service_lines: list[str] | None = None
    is_active: bool | None = None


class IntervalIn(InputSchema):
    weekday: int = Field(..., ge=0, le=6)
    opens: time
    closes: time


# --- helpers ----------------------------------------------------------------------------------------------


def village_by_code(code: str) -> Region:
    """Any village by code (place names are public); the services decide whether the caller may use it."""
    # unscoped: place names are public; the services check the caller may use the village
    region = Region.all_objects.filter(code=code, level=Region.Level.VILLAGE).first()
    if region is None:
        raise ValidationError({"region": _("Unknown village or community %(code)s.") % {"code": code}})
    return region


def _lookups(model, codes, field):
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes, is_active=True)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({field: _("Unknown code(s): %(codes)s") % {"codes": ", ".join(missing)}})
    return [found[c] for c in codes]


def _station(station_id: int) -> Station:
    require(uses_station_pages)
    try:
        return selectors.station_get(station_id)
    except Station.DoesNotExist as exc:
        raise Http404 from exc


def _station_detail(station):
    profile = selectors.station_profile(station)
    return {
        **StationOut.from_orm(station).dict(),
        "positions": [p.code for p in profile.positions],
        "rooms": profile.rooms,
        "hours": selectors.station_intervals(station),
        "brand_items": profile.items,
        "contacts": profile.contacts,
        "studios": [place.pk for place in profile.sharing_places],
    }


# --- stations ---------------------------------------------------------------------------------------------


@stations_router.get("/", response=StationPage, summary="Stations in your scope")
@requires(uses_station_pages)
def list_stations(request, filters: Query[PlaceFilters]):
    stations = selectors.station_list(region_code=filters.region, status=filters.status, search=filters.q)
    meta, items = page_of(stations, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@stations_router.post("/", response={201: StationOut}, summary="Add a station in a village of your region")
@requires(is_admin)
def create_station(request, payload: StationIn):
    data = payload.dict()
    data["region"] = village_by_code(data["region"])
    data["positions"] = _lookups(PositionType, data["positions"], "positions")
    return HttpStatus(201, services.station_create(created_by=request.user, **data))


@stations_router.get("/{station_id}", response=StationDetailOut)
def get_station(request, station_id: int):
    return _station_detail(_station(station_id))


@stations_router.patch("/{station_id}", response=StationDetailOut)
def update_station(request, station_id: int, payload: StationPatch):
    station = _station(station_id)
    require(can_edit_station, station)  # before the payload is looked at: 403, not a form error
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    positions = data.pop("positions", None)
    if positions is not None:
        positions = _lookups(PositionType, positions, "positions")
    if "region" in data:
        data["region"] = village_by_code(data["region"]) if data["region"] else station.region
    for required in ("name", "status", "is_public"):
        if required in data and data[required] is None:
            data.pop(required)
    services.station_update(station=station, updated_by=request.user, version=version, positions=positions, **data)
    return _station_detail(station)


@stations_router.get("/{station_id}/rooms", response=list[RoomOut])
def list_rooms(request, station_id: int):
    return list(selectors.station_rooms(_station(station_id)))


@stations_router.post("/{station_id}/rooms", response={201: RoomOut})
def create_room(request, station_id: int, payload: RoomIn):
    station = _station(station_id)
    data = payload.dict()
    data["room_type"] = _lookups(RoomType, [data["room_type"]], "room_type")[0]
    return HttpStatus(201, services.room_create(station=station, created_by=request.user, **data))


def _room(station, room_id) -> Room:
    try:
        return selectors.station_rooms(station).get(pk=room_id)
    except Room.DoesNotExist as exc:
        raise Http404 from exc


@stations_router.get("/{station_id}/rooms/{room_id}", response=RoomOut)
def get_room(request, station_id: int, room_id: int):
    return _room(_station(station_id), room_id)


@stations_router.patch("/{station_id}/rooms/{room_id}", response=RoomOut)
def update_room(request, station_id: int, room_id: int, payload: RoomPatch):
    room = _room(_station(station_id), room_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if not (v is None and k in ("room_type", "name"))}
    if "room_type" in data:
        data["room_type"] = _lookups(RoomType, [data["room_type"]], "room_type")[0]
    return services.room_update(room=room, updated_by=request.user, **data)


@stations_router.put("/{station_id}/hours", response=list[IntervalOut], summary="Replace the weekly opening hours")
def set_hours(request, station_id: int, payload: list[IntervalIn]):
    station = _station(station_id)
    intervals = [(i.weekday, i.opens, i.closes) for i in payload]
    services.hours_set(station=station, intervals=intervals, updated_by=request.user)
    return selectors.station_intervals(station)


@stations_router.get("/{station_id}/brand-items", response=list[BrandItemOut])
def list_brand_items(request, station_id: int):
    return list(selectors.station_brand_items(_station(station_id)))


@stations_router.post("/{station_id}/brand-items", response={201: BrandItemOut})
def create_brand_item(request, station_id: int, payload: BrandItemIn):
    station = _station(station_id)
    data = payload.dict()
    data["service_lines"] = _lookups(ServiceLine, data["service_lines"], "service_lines")
    return HttpStatus(201, services.brand_item_create(station=station, created_by=request.user, **data))


@stations_router.patch("/{station_id}/brand-items/{item_id}", response=BrandItemOut)
def update_brand_item(request, station_id: int, item_id: int, payload: BrandItemPatch):
    station = _station(station_id)
    try:
        item = selectors.station_brand_items(station).get(pk=item_id)
    except BrandItem.DoesNotExist as exc:
        raise Http404 from exc
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "service_lines" in data:
        data["service_lines"] = _lookups(ServiceLine, data["service_lines"], "service_lines")
    return services.brand_item_update(item=item, updated_by=request.user, **data)


# --- catalogue --------------------------------------------------------------------------------------------


@catalogue_router.get("/service-lines", response=list[LookupOut], summary="The five standard service lines (5+X)")
def list_service_lines(request):
    return list(selectors.service_lines())


@catalogue_router.get("/room-types", response=list[LookupOut])
def list_room_types(request):
    return list(selectors.room_types())


@catalogue_router.get("/position-types", response=list[LookupOut])
def list_position_types(request):
    return list(selectors.position_types())


class LookupIn(InputSchema):
    code: str = Field(..., max_length=40)
    name_zh: str = Field(..., min_length=1, max_length=60)
    name_en: str = Field(..., min_length=1, max_length=80)
    is_active: bool = True


@catalogue_router.post("/room-types", response=LookupOut, summary="Add or rename a room type (district admins)")
def save_room_type(request, payload: LookupIn):
    return services.lookup_type_save(model=RoomType, saved_by=request.user, **payload.dict())


@catalogue_router.post("/position-types", response=LookupOut, summary="Add or rename a position type")
def save_position_type(request, payload: LookupIn):
    return services.lookup_type_save(model=PositionType, saved_by=request.user, **payload.dict())
