"""Public activity endpoints (anonymous; for a mini-program): upcoming public activities by town, station and date,
one activity, sign-up, and a resident's own registration by its private link token or by mobile number and code
(see and cancel). The same selectors and services as the public pages; answers never carry other people's data.
Sign-ups and look-ups are rate-limited per client address (``core.throttling.SignupThrottle``, with the pages)."""

from datetime import date, datetime
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.core.api import ErrorOut, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.crypto import normalize
from yizhan.core.throttling import AnonThrottle, SignupThrottle, UserThrottle
from yizhan.regions.models import Region
from yizhan.stations.forms import MAX_ID
from yizhan.stations.models import Station

from . import selectors_public, services
from .models import Activity, ActivityStatus, Registration, RegistrationStatus
from .services.signup import CHILD_AGE_MAX, MAX_CHILDREN, NAME_MAX, consent_text

public_router = Router(tags=["public activities"], auth=None)

THROTTLED = [AnonThrottle(), UserThrottle(), SignupThrottle()]
Age = Annotated[int, Field(ge=0, le=CHILD_AGE_MAX)]


class PublicActivityOut(Schema):
    id: int
    station: int = Field(..., alias="station_id")
    station_name: str = Field(..., alias="station.display_name")
    title: str
    description: str
    service_lines: list[str]
    starts_at: datetime
    ends_at: datetime
    place: str
    seats: int
    seats_left: int
    full: bool
    signup_opens_at: datetime | None
    signup_closes: datetime
    children_need_guardian: bool
    status: ActivityStatus
    cover_url: str | None = Field(None, description="The cover photo (null when none)")
    cover_thumbnail_url: str | None = Field(None, description="Its thumbnail, a JPEG of at most 400×300")

    @staticmethod
    def resolve_cover_url(obj):
        return reverse("activities:public_cover_file", args=[obj.pk, "full"]) if obj.cover_image else None

    @staticmethod
    def resolve_cover_thumbnail_url(obj):
        return reverse("activities:public_cover_file", args=[obj.pk, "thumb"]) if obj.cover_image else None

    @staticmethod
    def resolve_service_lines(obj):
        return [line.code for line in obj.service_lines.all()]

    @staticmethod
    def resolve_place(obj):
        parts = [obj.station.display_name, obj.room.name if obj.room else "", obj.station.address]
        return " · ".join(part for part in parts if part)

    @staticmethod
    def resolve_full(obj):
        return obj.seats_left == 0


class PublicActivityPage(Schema):
    meta: PageMeta
    items: list[PublicActivityOut]


class PublicDetailOut(PublicActivityOut):
    consent_text: str

    @staticmethod
    def resolve_consent_text(obj):
        return consent_text()


class PublicFilters(PageQuery):
    station: int | None = Field(None, ge=1, le=MAX_ID)
    town: str = Field("", max_length=12, description="Statistical code of a town")
    service_line: str = Field("", max_length=40, description="Code of a service line")
    date_from: date | None = None
    date_to: date | None = None


class SignupIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=NAME_MAX, description="The participant's name (a child's name)")
    mobile: str = Field(..., min_length=1, max_length=20, description="Mobile number (the guardian's for a child)")
    consent: bool = Field(..., description="The resident agrees to the detail's consent_text (must be true)")
    participant_age: Age | None = Field(None, description="A child's age; leave out for a participant of 14 or more")
    guardian_name: str = Field("", max_length=NAME_MAX, description="Required with participant_age")
    children_ages: list[Age] = Field(default_factory=list, max_length=MAX_CHILDREN)


class MyRegistrationOut(Schema):
    activity: int = Field(..., alias="activity_id")
    activity_title: str = Field(..., alias="activity.title")
    name: str
    guardian_name: str
    participant_age: int | None
    children_ages: list[int]
    mobile_masked: str
    status: RegistrationStatus
    waitlist_place: int | None
    created_at: datetime

    @staticmethod
    def resolve_mobile_masked(obj):
        return obj.masked("mobile")

    @staticmethod
    def resolve_waitlist_place(obj):
        return selectors_public.waitlist_place(obj)


class SignupOut(Schema):
    registration: MyRegistrationOut
    token: str = Field(..., description="The private link's secret; shown once")
    code: str = Field(..., description="The code to type with the mobile number; shown once")
    link: str


class RegistrationLookupIn(InputSchema):
    """Either the private link's ``token``, or ``activity`` with ``mobile`` and ``code``."""

    token: str = Field("", max_length=64)
    activity: int | None = Field(None, ge=1, le=MAX_ID)
    mobile: str = Field("", max_length=20)
    code: str = Field("", max_length=20)


def _activity(activity_id: int) -> Activity:
    try:
        return selectors_public.public_activity(activity_id)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc


def _mine(payload: RegistrationLookupIn) -> Registration:
    try:
        if payload.token:
            return selectors_public.registration_by_link(payload.token)
        if payload.activity is None:
            raise Registration.DoesNotExist
        activity = selectors_public.public_activity(payload.activity)
        return selectors_public.registration_by_code(activity, normalize("mobile", payload.mobile), payload.code)
    except (Activity.DoesNotExist, Registration.DoesNotExist) as exc:
        raise Http404 from exc


@public_router.post(
    "/mine",
    response={200: MyRegistrationOut, 404: ErrorOut},
    throttle=THROTTLED,
    summary="My registration, by private link token or by activity, mobile number and code",
)
def my_registration(request, payload: RegistrationLookupIn):
    return _mine(payload)


@public_router.post(
    "/mine/cancel",
    response={200: MyRegistrationOut, 404: ErrorOut},
    throttle=THROTTLED,
    summary="Cancel my registration (the first waitlisted person gets the seat)",
)
def cancel_my_registration(request, payload: RegistrationLookupIn):
    registration = _mine(payload)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration was cancelled already."))
    return services.registration_cancel_by_resident(registration=registration)


@public_router.get("/", response=PublicActivityPage, summary="Upcoming public activities (by town, station, date)")
def list_public_activities(request, filters: Query[PublicFilters]):
    station = town = None
    try:
        if filters.station:
            station = selectors_public.public_station(filters.station)
        if filters.town:
            town = selectors_public.public_town(filters.town)
    except (Station.DoesNotExist, Region.DoesNotExist):
        return {"meta": {"count": 0, "offset": filters.offset, "limit": filters.limit}, "items": []}
    activities = selectors_public.public_activities(
        station=station,
        town=town,
        date_from=filters.date_from,
        date_to=filters.date_to,
        service_line=filters.service_line,
    )
    meta, items = page_of(activities, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@public_router.get("/{activity_id}", response=PublicDetailOut, summary="One public activity, with the consent text")
def get_public_activity(request, activity_id: int):
    return _activity(activity_id)


@public_router.post(
    "/{activity_id}/signup",
    response={201: SignupOut},
    throttle=THROTTLED,
    summary="Sign up (confirmed while seats last, then waitlisted); returns the private link and code once",
)
def signup(request, activity_id: int, payload: SignupIn):
    activity = _activity(activity_id)
    result = services.public_signup(activity=activity, **payload.dict())
    path = reverse("activities:public_registration", args=[result.token])
    return HttpStatus(
        201,
        {
            "registration": result.registration,
            "token": result.token,
            "code": result.code,
            "link": settings.SITE_URL + path,
        },
    )
