"""REST endpoints for volunteers (profile, shifts, sign-ups, hours), repeating activities and the calendar (staff and
public): the same services, selectors and scope as the pages. Volunteers' mobile numbers are masked."""

from datetime import date, datetime, time
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.core.api import MULTI_LINE, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.permissions import require, requires
from yizhan.stations.forms import MAX_ID

from . import selectors, selectors_calendar, selectors_volunteers, services
from .api import ActivityIn, _activity, _refs
from .models import (
    MAX_OCCURRENCES,
    MAX_SEATS,
    MAX_SHIFT_HOURS,
    MAX_SLOTS,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    Activity,
    ActivitySeries,
    ActivityStatus,
    Availability,
    HoursStatus,
    Repeat,
    Shift,
    ShiftRole,
    ShiftSignup,
    SignupStatus,
    Skill,
)
from .permissions import can_manage_activity, is_volunteer, manages_volunteers, uses_activity_pages, uses_calendar

volunteers_router = Router(tags=["volunteers"])
series_router = Router(tags=["activity series"])
calendar_router = Router(tags=["calendar"])

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]  # far-off dates: typing mistakes


# --- schemas ------------------------------------------------------------------------------------------------------


class ProfileOut(Schema):
    id: int
    name: str = Field(..., alias="user.name")
    village: str = Field(..., alias="region.name")
    skills: list[Skill]
    availability: list[Availability]
    phone_masked: str
    note: str
    version: int

    @staticmethod
    def resolve_phone_masked(obj):
        return obj.masked("phone")


class ProfileIn(InputSchema):
    version: int
    skills: list[Skill] = Field(default_factory=list, max_length=len(Skill.values))
    availability: list[Availability] = Field(default_factory=list, max_length=len(Availability.values))
    phone: str = Field("", max_length=11)
    note: str = Field("", max_length=NOTE_MAX)


class ShiftOut(Schema):
    id: int
    activity: int = Field(..., alias="activity_id")
    activity_title: str = Field(..., alias="activity.title")
    station_name: str = Field(..., alias="activity.station.display_name")
    role: ShiftRole
    slots: int
    taken_count: int
    starts_at: datetime
    ends_at: datetime
    note: str
    version: int


class ShiftIn(InputSchema):
    role: ShiftRole
    slots: int = Field(..., ge=1, le=MAX_SLOTS)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    note: str = Field("", max_length=NOTE_MAX)


class ShiftChangeIn(ShiftIn):
    version: int


class ShiftSignupOut(Schema):
    id: int
    shift: int = Field(..., alias="shift_id")
    activity_title: str = Field(..., alias="shift.activity.title")
    role: ShiftRole = Field(..., alias="shift.role")
    shift_starts_at: datetime = Field(..., alias="shift.starts_at")
    volunteer_name: str = Field(..., alias="volunteer.name")
    status: SignupStatus
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    minutes: int | None
    correction_reason: str
    hours_status: HoursStatus
    version: int


class SignupPage(Schema):
    meta: PageMeta
    items: list[ShiftSignupOut]


class HoursFilters(PageQuery):
    station: int | None = Field(None, ge=1, le=MAX_ID)
    status: HoursStatus | None = None
    date_from: Day | None = None
    date_to: Day | None = None


class CorrectIn(InputSchema):
    version: int
    minutes: int = Field(..., ge=0, le=MAX_SHIFT_HOURS * 60)
    reason: Annotated[str, MULTI_LINE] = Field(..., min_length=1, max_length=REASON_MAX)


class SeriesIn(ActivityIn):
    repeat: Repeat
    until: Day | None = None
    count: int | None = Field(None, ge=1, le=MAX_OCCURRENCES)


class SeriesOut(Schema):
    id: int
    title: str
    repeat: Repeat
    version: int
    occurrences: list[int]


class FutureIn(InputSchema):
    from_activity: Id
    version: int
    title: str | None = Field(None, min_length=1, max_length=TITLE_MAX)
    seats: int | None = Field(None, ge=1, le=MAX_SEATS)
    start_time: time | None = None
    end_time: time | None = None


class ActivityCalendarQuery(InputSchema):
    date_from: Day
    date_to: Day
    station: int | None = Field(None, ge=1, le=MAX_ID)
    town: str = Field("", max_length=12, description="Code of a town")
    service_line: str = Field("", max_length=40, description="Code of a service line")


class CalendarEventOut(Schema):
    id: int
    title: str
    station: int = Field(..., alias="station_id")
    station_name: str = Field(..., alias="station.display_name")
    starts_at: datetime
    ends_at: datetime
    room: str | None = Field(None, alias="room.name")
    status: ActivityStatus
    service_lines: list[str]

    @staticmethod
    def resolve_service_lines(obj):
        return [line.code for line in obj.service_lines.all()]


# --- helpers ------------------------------------------------------------------------------------------------------


def _signup(signup_id: int) -> ShiftSignup:
    try:
        return selectors_volunteers.signup_get(signup_id)
    except ShiftSignup.DoesNotExist as exc:
        raise Http404 from exc


def _series_out(series: ActivitySeries) -> dict:
    ids = list(Activity.objects.filter(series=series).order_by("starts_at").values_list("pk", flat=True))
    return {
        "id": series.pk,
        "title": series.title,
        "repeat": series.repeat,
        "version": series.version,
        "occurrences": ids,
    }


def _range(query: ActivityCalendarQuery) -> None:
    if query.date_to < query.date_from:
        raise ValidationError({"date_to": _("The end of the range must not be before its start.")})
    if (query.date_to - query.date_from).days > selectors_calendar.MAX_RANGE_DAYS:
        raise ValidationError(
            {"date_to": _("Ask for at most %(days)s days at a time.") % {"days": selectors_calendar.MAX_RANGE_DAYS}}
        )


# --- the volunteer's own ------------------------------------------------------------------------------------------


@volunteers_router.get("/profile", response=ProfileOut, summary="My volunteer profile")
@requires(is_volunteer)
def get_profile(request):
    return services.ensure_profile(user=request.user)


@volunteers_router.patch("/profile", response=ProfileOut, summary="Change my volunteer profile")
@requires(is_volunteer)
def patch_profile(request, payload: ProfileIn):
    data = payload.dict()
    return services.volunteer_profile_update(user=request.user, **data)


@volunteers_router.get("/shifts/open", response=list[ShiftOut], summary="Open shifts at my stations")
@requires(is_volunteer)
def open_shifts(request):
    return list(selectors_volunteers.open_shifts(request.user)[:100])


@volunteers_router.get("/signups/mine", response=list[ShiftSignupOut], summary="My shift sign-ups")
@requires(is_volunteer)
def my_signups(request):
    return list(selectors_volunteers.my_signups(request.user)[:200])


@volunteers_router.post("/shifts/{shift_id}/signup", response={201: ShiftSignupOut}, summary="Sign up for a shift")
@requires(is_volunteer)
def signup(request, shift_id: int):
    try:
        shift = selectors_volunteers.shift_get(shift_id)
    except Shift.DoesNotExist as exc:
        raise Http404 from exc
    created = services.shift_signup(shift=shift, volunteer=request.user)
    return HttpStatus(201, selectors_volunteers.signup_get(created.pk))


@volunteers_router.post("/signups/{signup_id}/cancel", response=ShiftSignupOut, summary="Cancel a sign-up")
@requires(is_volunteer | manages_volunteers)
def cancel_signup(request, signup_id: int):
    return services.shift_signup_cancel(signup=_signup(signup_id), cancelled_by=request.user)


@volunteers_router.post("/signups/{signup_id}/check-in", response=ShiftSignupOut, summary="Check in to a shift")
@requires(is_volunteer | manages_volunteers)
def check_in(request, signup_id: int):
    return services.shift_check_in(signup=_signup(signup_id), actor=request.user)


@volunteers_router.post("/signups/{signup_id}/check-out", response=ShiftSignupOut, summary="Check out of a shift")
@requires(is_volunteer | manages_volunteers)
def check_out(request, signup_id: int):
    return services.shift_check_out(signup=_signup(signup_id), actor=request.user)


# --- managers -----------------------------------------------------------------------------------------------------


@volunteers_router.get("/activities/{activity_id}/shifts", response=list[ShiftOut], summary="An activity's shifts")
@requires(manages_volunteers)
def list_shifts(request, activity_id: int):
    return selectors_volunteers.shifts_of(_activity(activity_id))


@volunteers_router.post("/activities/{activity_id}/shifts", response={201: ShiftOut}, summary="Add a shift")
@requires(manages_volunteers)
def add_shift(request, activity_id: int, payload: ShiftIn):
    activity = _activity(activity_id, manage=True)
    data = _refs(payload.dict(), activity.station_id)
    shift = services.shift_create(activity=activity, created_by=request.user, **data)
    return HttpStatus(201, selectors_volunteers.shift_get(shift.pk))


def _managed_shift(shift_id: int) -> Shift:
    try:
        shift = selectors_volunteers.shift_get(shift_id)
    except Shift.DoesNotExist as exc:
        raise Http404 from exc
    require(can_manage_activity, shift.activity)
    return shift


@volunteers_router.patch(
    "/shifts/{shift_id}",
    response=ShiftOut,
    summary="Change a shift (the volunteers signed up are told of a new time or role)",
)
@requires(manages_volunteers)
def change_shift(request, shift_id: int, payload: ShiftChangeIn):
    shift = _managed_shift(shift_id)
    data = _refs(payload.dict(), shift.activity.station_id)
    version = data.pop("version")
    services.shift_update(shift=shift, changed_by=request.user, version=version, **data)
    return selectors_volunteers.shift_get(shift.pk)


@volunteers_router.post(
    "/shifts/{shift_id}/delete",
    response={204: None},
    summary="Delete a shift (refused once a volunteer has checked in; the volunteers signed up are told)",
)
@requires(manages_volunteers)
def delete_shift(request, shift_id: int):
    services.shift_delete(shift=_managed_shift(shift_id), deleted_by=request.user)
    return HttpStatus(204, None)


@volunteers_router.get("/hours", response=SignupPage, summary="Volunteers' hours in your scope")
@requires(manages_volunteers)
def list_hours(request, filters: Query[HoursFilters]):
    rows = selectors_volunteers.signups_for_hours(
        station=filters.station,
        status=filters.status or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    meta, items = page_of(rows, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@volunteers_router.post(
    "/signups/{signup_id}/correct", response=ShiftSignupOut, summary="Correct the hours, with a reason"
)
@requires(manages_volunteers)
def correct_hours(request, signup_id: int, payload: CorrectIn):
    return services.hours_correct(
        signup=_signup(signup_id),
        corrected_by=request.user,
        minutes=payload.minutes,
        reason=payload.reason,
        version=payload.version,
    )


@volunteers_router.post("/signups/{signup_id}/confirm", response=ShiftSignupOut, summary="Confirm the hours")
@requires(manages_volunteers)
def confirm_hours(request, signup_id: int):
    return services.hours_confirm(signup=_signup(signup_id), confirmed_by=request.user)


# --- series -------------------------------------------------------------------------------------------------------


@series_router.post("/", response={201: SeriesOut}, summary="Plan a repeating activity (drafts)")
@requires(uses_activity_pages)
def create_series(request, payload: SeriesIn):
    data = payload.dict()
    for field in ("signup_opens_at", "signup_closes_at"):
        data.pop(field, None)
    station = selectors.stations_for_planning().filter(pk=data.pop("station")).first()
    if station is None:
        raise ValidationError({"station": _("Unknown station.")})
    series, _activities = services.series_create(created_by=request.user, station=station, **_refs(data, station.pk))
    return HttpStatus(201, _series_out(series))


@series_router.post("/{series_id}/future", response=SeriesOut, summary="Change this and all future occurrences")
@requires(uses_activity_pages)
def update_future(request, series_id: int, payload: FutureIn):
    try:
        series = ActivitySeries.objects.get(pk=series_id)
    except ActivitySeries.DoesNotExist as exc:
        raise Http404 from exc
    activity = _activity(payload.from_activity, manage=True)
    require(can_manage_activity, activity)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    changes.pop("from_activity")
    version = changes.pop("version")
    services.series_update_future(
        series=series, from_activity=activity, updated_by=request.user, version=version, **changes
    )
    series.refresh_from_db()
    return _series_out(series)


# --- calendar -----------------------------------------------------------------------------------------------------


@calendar_router.get("/", response=list[CalendarEventOut], summary="Activities by date range in your scope")
@requires(uses_calendar)
def staff_calendar(request, query: Query[ActivityCalendarQuery]):
    _range(query)
    return selectors_calendar.calendar_activities(
        start=query.date_from,
        end=query.date_to,
        station=query.station,
        town=query.town,
        service_line=query.service_line,
    )


@calendar_router.get(
    "/public",
    response=list[CalendarEventOut],
    auth=None,
    summary="Public activities by date range, town and station (no sign-in)",
)
def public_calendar(request, query: Query[ActivityCalendarQuery]):
    _range(query)
    return selectors_calendar.public_calendar_activities(
        start=query.date_from,
        end=query.date_to,
        station=query.station,
        town=query.town,
        service_line=query.service_line,
    )
