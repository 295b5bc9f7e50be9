"""REST endpoints for activities and their registrations: the same selectors, services and scope as the pages.
Mobile numbers of registrants are masked (``yizhan.core.masking``)."""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.core.api import MULTI_LINE, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.masking import mask
from yizhan.core.permissions import require, requires
from yizhan.core.text import CODE_MAX_LENGTH, SEARCH_MAX_LENGTH
from yizhan.people.models import Person
from yizhan.stations.forms import MAX_ID

from . import figures, selectors, services, tokens
from .forms_checkin import MOBILE_INPUT_MAX
from .models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MAX_SEATS,
    REASON_MAX,
    SCORE_MAX,
    SCORE_MIN,
    TITLE_MAX,
    Activity,
    ActivityStatus,
    Audience,
    Registration,
)
from .permissions import can_manage_activity, can_run_desk, uses_activity_pages
from .services.checkin import NAME_MAX, activity_for_checkin
from .services.feedback import activity_for_feedback

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
    cover_url: str | None = Field(None, description="The cover photo (null when none)")
    cover_thumbnail_url: str | None = Field(None, description="Its thumbnail, a JPEG of at most 400×300")

    @staticmethod
    def resolve_cover_url(obj):
        return reverse("activities:cover_file", args=[obj.pk, "full"]) if obj.cover_image else None

    @staticmethod
    def resolve_cover_thumbnail_url(obj):
        return reverse("activities:cover_file", args=[obj.pk, "thumb"]) if obj.cover_image else None

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


COVER_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {
                        "image": {
                            "type": "string",
                            "format": "binary",
                            "description": "JPEG, PNG or WebP, at most 5 MB, 50 to 8000 pixels a side",
                        }
                    },
                }
            }
        },
    }
}


class CancelIn(InputSchema):
    reason: Annotated[str, MULTI_LINE] = Field(..., min_length=1, max_length=REASON_MAX)


class RegistrationOut(Schema):
    id: int
    person: int | None = Field(None, alias="person_id")
    name: str
    mobile_masked: str = Field(..., description="The participant's mobile number, or the guardian's for a child")
    status: Registration.Status
    position: int
    created_at: datetime
    via: str = Field(..., description="How the registration came: staff or public (the resident's own sign-up)")
    participant_age: int | None = Field(None, description="A child's age when a guardian signed the child up")
    guardian_name: str = Field(..., description="The guardian who signed a child up (empty otherwise)")
    children_ages: list[int] = Field(..., description="Ages of the accompanying children (they take no seat)")
    children: int = Field(..., description="Number of accompanying children")

    @staticmethod
    def resolve_mobile_masked(obj):
        return obj.masked("mobile")

    @staticmethod
    def resolve_children_ages(obj):
        return list(obj.children_ages or [])

    @staticmethod
    def resolve_children(obj):
        return len(obj.children_ages or [])


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
    ).prefetch_related("target_groups")  # the output lists them: one query per page, not one per row
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


# --- the cover photo --------------------------------------------------------------------------------------


@activities_router.post(
    "/{activity_id}/cover",
    response=ActivityOut,
    summary="Set or replace the cover photo (a multipart upload, field ``image``)",
    openapi_extra=COVER_UPLOAD,
)
def set_activity_cover(request, activity_id: int):
    # The file is read from the multipart body as a form page does (``request.FILES``): a photo of up to 5 MB does not
    # fit a JSON body under DATA_UPLOAD_MAX_MEMORY_SIZE, and the service checks it (none, not an image, too big …).
    activity = _activity(activity_id, manage=True)
    services.cover_set(activity=activity, upload=request.FILES.get("image"), set_by=request.user)
    return _fresh(activity)


@activities_router.post("/{activity_id}/cover/remove", response=ActivityOut, summary="Remove the cover photo")
def remove_activity_cover(request, activity_id: int):
    activity = _activity(activity_id, manage=True)
    services.cover_remove(activity=activity, removed_by=request.user)
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


# --- check-in, attendance, satisfaction (services/checkin.py, services/feedback.py, figures.py) -------------------

PUBLIC = "Public: no account; the signed token from the QR code is the permission. Rate-limited per address."


class AttendeeOut(RegistrationOut):
    walk_in: bool
    checked_in_at: datetime | None
    check_in_method: str


class PublicCheckInIn(InputSchema):
    token: str = Field(..., min_length=1, max_length=tokens.TOKEN_MAX, description="From the check-in QR code's link")
    mobile: str = Field("", max_length=MOBILE_INPUT_MAX, description="The mobile number registered with")
    code: str = Field(
        "", max_length=MOBILE_INPUT_MAX, description="Or the 8-digit registration code given at sign-up (not both)"
    )


class PublicCheckInOut(Schema):
    activity: int
    title: str
    name_masked: str
    already: bool = Field(..., description="Checked in before: nothing changed")
    checked_in_at: datetime


class WalkInIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    mobile: str = Field("", max_length=MOBILE_INPUT_MAX)


class CountOut(Schema):
    label: str
    count: int


class AttendanceOut(Schema):
    registered: int
    attended: int
    no_shows: int
    walk_ins: int
    waitlisted: int
    unknown: int = Field(..., description="Attendees not linked to the registry")
    by_gender: list[CountOut]
    by_age: list[CountOut]
    by_group: list[CountOut]


class AveragesOut(Schema):
    answers: int
    participation: float | None
    safety: float | None
    happiness: float | None
    overall: float | None
    low: int = Field(..., description="Answers with any sense at 2 or less")


class GroupAveragesOut(AveragesOut):
    key: str
    name: str


class AveragesByPlaceOut(Schema):
    towns: list[GroupAveragesOut]
    stations: list[GroupAveragesOut]


class AveragesQuery(InputSchema):
    town: str = Field("", max_length=CODE_MAX_LENGTH, description="Code of a town")
    station: int | None = Field(None, ge=1, le=MAX_ID)


class FeedbackIn(InputSchema):
    token: str = Field(..., min_length=1, max_length=tokens.TOKEN_MAX, description="From the satisfaction QR code")
    device: str = Field(
        ...,
        max_length=64,
        description="A random key (16–64 letters, digits, - or _) the client keeps per device: one answer per device "
        "and activity",
    )
    participation: int = Field(..., ge=SCORE_MIN, le=SCORE_MAX, description="活动感, 1–5")
    safety: int = Field(..., ge=SCORE_MIN, le=SCORE_MAX, description="安全感, 1–5")
    happiness: int = Field(..., ge=SCORE_MIN, le=SCORE_MAX, description="幸福感, 1–5")
    comment: Annotated[str, MULTI_LINE] = Field("", max_length=COMMENT_MAX)


class FeedbackOut(Schema):
    activity: int
    thanks: str


def _counts(rows: list[tuple[str, int]]) -> list[dict]:
    return [{"label": label, "count": count} for label, count in rows]


def _token_activity(read, token: str) -> Activity:
    try:
        return read(token)
    except tokens.TokenError as error:
        raise ValidationError({"token": [error.message]}) from error


@activities_router.post(
    "/public/check-in",
    response=PublicCheckInOut,
    auth=None,
    summary="Check in with the QR code and the mobile number or the registration code",
    description=PUBLIC,
)
def public_check_in(request, payload: PublicCheckInIn):
    activity = _token_activity(activity_for_checkin, payload.token)
    result = services.self_check_in(activity=activity, mobile=payload.mobile, code=payload.code)
    return {
        "activity": activity.pk,
        "title": activity.title,
        "name_masked": mask("name", result.registration.name),
        "already": result.already,
        "checked_in_at": result.registration.checked_in_at,
    }


@activities_router.post(
    "/public/feedback",
    response={201: FeedbackOut},
    auth=None,
    summary="Answer the satisfaction questions (anonymous, one per device)",
    description=PUBLIC,
)
def public_feedback(request, payload: FeedbackIn):
    activity = _token_activity(activity_for_feedback, payload.token)
    services.feedback_submit(
        activity=activity,
        device_key=payload.device,
        participation=payload.participation,
        safety=payload.safety,
        happiness=payload.happiness,
        comment=payload.comment,
    )
    return HttpStatus(201, {"activity": activity.pk, "thanks": _("Thank you for your answer!")})


def _desk_activity(activity_id: int) -> Activity:
    activity = _activity(activity_id)
    require(can_run_desk, activity)
    return activity


@activities_router.post(
    "/{activity_id}/registrations/{registration_id}/check-in",
    response=AttendeeOut,
    summary="Check a registered person in at the desk (checking in twice changes nothing)",
)
def desk_check_in(request, activity_id: int, registration_id: int):
    activity = _desk_activity(activity_id)
    try:
        registration = selectors.registration_get(activity, registration_id)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    return services.desk_check_in(registration=registration, checked_in_by=request.user).registration


@activities_router.post(
    "/{activity_id}/registrations/{registration_id}/undo-check-in",
    response=AttendeeOut,
    summary="Undo a mistaken check-in (a walk-in is removed)",
)
def desk_undo(request, activity_id: int, registration_id: int):
    activity = _desk_activity(activity_id)
    try:
        registration = selectors.registration_get(activity, registration_id)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    return services.desk_undo(registration=registration, undone_by=request.user)


@activities_router.post("/{activity_id}/walk-ins", response={201: AttendeeOut}, summary="Record a walk-in")
def add_walk_in(request, activity_id: int, payload: WalkInIn):
    activity = _desk_activity(activity_id)
    registration = services.walk_in_add(
        activity=activity, name=payload.name, mobile=payload.mobile, recorded_by=request.user
    )
    return HttpStatus(201, registration)


@activities_router.get(
    "/{activity_id}/attendance", response=AttendanceOut, summary="Registered, attended, no-shows, walk-ins"
)
def get_attendance(request, activity_id: int):
    result = figures.attendance(_desk_activity(activity_id))
    return {
        "registered": result.registered,
        "attended": result.attended,
        "no_shows": result.no_shows,
        "walk_ins": result.walk_ins,
        "waitlisted": result.waitlisted,
        "unknown": result.unknown,
        "by_gender": _counts(result.by_gender),
        "by_age": _counts(result.by_age),
        "by_group": _counts(result.by_group),
    }


@activities_router.get("/{activity_id}/feedback", response=AveragesOut, summary="Satisfaction averages of an activity")
def get_activity_feedback(request, activity_id: int):
    return figures.activity_feedback(_desk_activity(activity_id))


@activities_router.get(
    "/feedback/averages", response=AveragesByPlaceOut, summary="Satisfaction averages per town and per station"
)
@requires(uses_activity_pages)
def get_feedback_averages(request, filters: Query[AveragesQuery]):
    return {
        "towns": figures.feedback_by_town(town=filters.town),
        "stations": figures.feedback_by_station(town=filters.town, station=filters.station),
    }


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
