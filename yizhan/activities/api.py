"""REST endpoints for activities and their registrations: the same selectors, services and scope as the pages.
Mobile numbers of registrants are masked (``yizhan.core.masking``)."""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.core.api import MULTI_LINE, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.permissions import require, requires
from yizhan.core.text import SEARCH_MAX_LENGTH
from yizhan.people.models import Person
from yizhan.stations.forms import MAX_ID

from . import selectors, services
from .models import DESCRIPTION_MAX, MAX_SEATS, REASON_MAX, TITLE_MAX, Activity, ActivityStatus, Audience, Registration
from .permissions import can_manage_activity, uses_activity_pages

activities_router = Router(tags=["activities"])

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- schemas ----------------------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    station: int = Field(..., alias="station_id")
    station_name: str = Field(..., alias="station.display_name")
    title: str
    description: str
    service_lines: list[str]
    brand_item: int | None = Field(None, alias="brand_item_id")
    target_groups: list[str]
    audience: Audience
    starts_at: datetime
    ends_at: datetime
    room: int | None = Field(None, alias="room_id")
    seats: int
    confirmed_count: int
    signup_opens_at: datetime | None
    signup_closes_at: datetime | None
    children_need_guardian: bool
    status: ActivityStatus
    cancel_reason: str
    version: int

    @staticmethod
    def resolve_service_lines(obj):
        return [line.code for line in obj.service_lines.all()]

    @staticmethod
    def resolve_target_groups(obj):
        return [group.code for group in obj.target_groups.all()]


class ActivityPage(Schema):
    meta: PageMeta
    items: list[ActivityOut]


class ActivityFilters(PageQuery):
    station: int | None = Field(None, ge=1, le=MAX_ID)
    status: ActivityStatus | None = None
    service_line: str = Field("", max_length=40, description="Code of a service line")
    date_from: date | None = None
    date_to: date | None = None
    q: str = Field("", max_length=SEARCH_MAX_LENGTH, description="Part of the title")


class ActivityIn(InputSchema):
    station: Id
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    description: Annotated[str, MULTI_LINE] = Field("", max_length=DESCRIPTION_MAX)
    service_lines: list[str] = Field(default_factory=list, max_length=20, description="Codes of service lines")
    brand_item: Id | None = None
    target_groups: list[str] = Field(default_factory=list, max_length=50, description="Codes of target groups")
    audience: Audience = Audience.PUBLIC
    starts_at: datetime
    ends_at: datetime
    room: Id | None = None
    seats: int = Field(..., ge=1, le=MAX_SEATS)
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    children_need_guardian: bool = False


class ActivityPatch(InputSchema):
    version: int
    title: str | None = Field(None, min_length=1, max_length=TITLE_MAX)
    description: Annotated[str | None, MULTI_LINE] = Field(None, max_length=DESCRIPTION_MAX)
    service_lines: list[str] | None = Field(None, max_length=20)
    brand_item: Id | None = None
    target_groups: list[str] | None = Field(None, max_length=50)
    audience: Audience | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room: Id | None = None
    seats: int | None = Field(None, ge=1, le=MAX_SEATS)
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    children_need_guardian: bool | None = None


class CancelIn(InputSchema):
    reason: Annotated[str, MULTI_LINE] = Field(..., min_length=1, max_length=REASON_MAX)


class RegistrationOut(Schema):
    id: int
    person: int | None = Field(None, alias="person_id")
    name: str
    mobile_masked: str
    status: Registration.Status
    position: int
    created_at: datetime

    @staticmethod
    def resolve_mobile_masked(obj):
        return obj.masked("mobile")


class RegistrationIn(InputSchema):
    person: Id


# --- helpers ----------------------------------------------------------------------------------------------


def _activity(activity_id: int, *, manage: bool = False) -> Activity:
    require(uses_activity_pages)
    try:
        activity = selectors.activity_get(activity_id)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    if manage:
        require(can_manage_activity, activity)
    return activity


def _refs(data: dict, station_id: int) -> dict:
    """Turn ids and codes of the payload into the station's rows; an unknown one is a field error. Times without
    an offset are read in the site's time zone (Asia/Shanghai)."""
    for field in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
        if isinstance(data.get(field), datetime) and timezone.is_naive(data[field]):
            data[field] = timezone.make_aware(data[field])
    if data.get("room") is not None:
        room = selectors.rooms_of([station_id]).filter(pk=data["room"]).first()
        if room is None:
            raise ValidationError({"room": _("Choose a room of this station.")})
        data["room"] = room
    if data.get("brand_item") is not None:
        item = selectors.brand_items_of([station_id]).filter(pk=data["brand_item"]).first()
        if item is None:
            raise ValidationError({"brand_item": _("Choose a brand item of this station.")})
        data["brand_item"] = item
    for field, rows in (("service_lines", selectors.service_lines()), ("target_groups", selectors.target_groups())):
        if data.get(field) is None:
            continue
        codes = set(data[field])
        found = list(rows.filter(code__in=codes))
        if len(found) != len(codes):
            unknown = sorted(codes - {row.code for row in found})
            raise ValidationError({field: _("Unknown code(s): %(codes)s") % {"codes": ", ".join(unknown)}})
        data[field] = found
    return data


def _fresh(activity: Activity) -> Activity:
    return selectors.activity_get(activity.pk)


# --- activities -------------------------------------------------------------------------------------------


@activities_router.get("/", response=ActivityPage, summary="Activities in your scope")
@requires(uses_activity_pages)
def list_activities(request, filters: Query[ActivityFilters]):
    activities = selectors.activity_list(
        station=filters.station,
        status=filters.status or "",
        service_line=filters.service_line,
        date_from=filters.date_from,
        date_to=filters.date_to,
        search=filters.q,
    )
    meta, items = page_of(activities, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@activities_router.post("/", response={201: ActivityOut}, summary="Plan an activity (a draft)")
@requires(uses_activity_pages)
def create_activity(request, payload: ActivityIn):
    data = payload.dict()
    station = selectors.stations_for_planning().filter(pk=data.pop("station")).first()
    if station is None:
        raise ValidationError({"station": _("Unknown station.")})
    activity = services.activity_create(created_by=request.user, station=station, **_refs(data, station.pk))
    return HttpStatus(201, _fresh(activity))


@activities_router.get("/{activity_id}", response=ActivityOut)
def get_activity(request, activity_id: int):
    return _activity(activity_id)


@activities_router.patch("/{activity_id}", response=ActivityOut)
def update_activity(request, activity_id: int, payload: ActivityPatch):
    activity = _activity(activity_id, manage=True)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    for required in ("title", "audience", "starts_at", "ends_at", "seats", "children_need_guardian"):
        if required in data and data[required] is None:
            data.pop(required)
    services.activity_update(
        activity=activity, updated_by=request.user, version=version, **_refs(data, activity.station_id)
    )
    return _fresh(activity)


@activities_router.post("/{activity_id}/publish", response=ActivityOut, summary="Publish a draft")
def publish_activity(request, activity_id: int):
    activity = _activity(activity_id, manage=True)
    services.activity_publish(activity=activity, published_by=request.user)
    return _fresh(activity)


@activities_router.post("/{activity_id}/complete", response=ActivityOut, summary="Mark a published activity completed")
def complete_activity(request, activity_id: int):
    activity = _activity(activity_id, manage=True)
    services.activity_complete(activity=activity, completed_by=request.user)
    return _fresh(activity)


@activities_router.post("/{activity_id}/cancel", response=ActivityOut, summary="Cancel with a reason")
def cancel_activity(request, activity_id: int, payload: CancelIn):
    activity = _activity(activity_id, manage=True)
    services.activity_cancel(activity=activity, cancelled_by=request.user, reason=payload.reason)
    return _fresh(activity)


# --- registrations ----------------------------------------------------------------------------------------


@activities_router.get("/{activity_id}/registrations", response=list[RegistrationOut])
def list_registrations(request, activity_id: int):
    activity = _activity(activity_id, manage=True)
    return list(selectors.registrations_of(activity, include_cancelled=True))


@activities_router.post(
    "/{activity_id}/registrations",
    response={201: RegistrationOut},
    summary="Register a person from the registry (confirmed while seats last, then waitlisted)",
)
def add_registration(request, activity_id: int, payload: RegistrationIn):
    activity = _activity(activity_id, manage=True)
    person = Person.objects.select_related("region").filter(pk=payload.person).first()
    if person is None:
        raise ValidationError({"person": _("Choose a person from the registry.")})
    return HttpStatus(201, services.registration_add(activity=activity, person=person, registered_by=request.user))


@activities_router.post(
    "/{activity_id}/registrations/{registration_id}/cancel",
    response=RegistrationOut,
    summary="Cancel a registration (the first waitlisted person gets the seat)",
)
def cancel_registration(request, activity_id: int, registration_id: int):
    activity = _activity(activity_id, manage=True)
    try:
        registration = selectors.registration_get(activity, registration_id)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    return services.registration_cancel(registration=registration, cancelled_by=request.user)


@activities_router.post(
    "/{activity_id}/registrations/{registration_id}/new-link",
    response=RegistrationOut,
    summary="Revoke a public sign-up's private link and code and send new ones to its mobile number",
)
def new_registration_link(request, activity_id: int, registration_id: int):
    activity = _activity(activity_id, manage=True)
    try:
        registration = selectors.registration_get(activity, registration_id)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    services.registration_new_link(registration=registration, issued_by=request.user)
    return registration
