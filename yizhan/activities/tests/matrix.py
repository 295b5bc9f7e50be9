"""Permission-matrix rows for the activity pages and endpoints: activities of the 隆园社区 station (瓜沥镇, managed by
station_manager) against admins of its town and district and of another town, the manager of another station, and
roles that do not plan activities."""

from yizhan.activities import tokens
from yizhan.activities.tests.helpers import at, build_activities, build_checkin, build_cover, build_signup
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import ADMINS_OK as ADMINS

ANON_PAGE = {"anonymous": 302}
ANON_API = {"anonymous": 401}
NOT_PLANNERS = {"mediator": 403, "advisor": 403, "volunteer": 403}
LIST = {**ADMINS, "station_manager": 200, "other_station_manager": 200, **NOT_PLANNERS}


def longyuan(ok=200):
    """An activity of the 隆园社区 station: its admins and manager; other scopes see no such activity."""
    return {
        "district_admin": ok,
        "town_admin": ok,
        "other_town_admin": 404,
        "station_manager": ok,
        "other_station_manager": 404,
        **NOT_PLANNERS,
    }


def prepare(w):
    build_activities(w)
    build_checkin(w)
    build_signup(w)
    build_cover(w)


def a(w):
    return build_activities(w).activity.pk


def draft(w):
    return build_activities(w).draft.pk


def past(w):
    return build_activities(w).past.pk


def registration(w):
    return build_activities(w).registration.pk


def person(w):
    return build_activities(w).person.pk


def station(w):
    return build_activities(w).activity.station_id


def _form(w):
    return {
        "station": station(w),
        "title": "亲子手工",
        "starts_at": at(30).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(30, 11).strftime("%Y-%m-%dT%H:%M"),
        "seats": "12",
        "audience": "public",
    }


def _edit_form(w):
    data = _form(w)
    del data["station"]
    return {**data, "version": "1"}


def _api_plan(w):
    return {
        "station": station(w),
        "title": "学英语",
        "starts_at": at(30).isoformat(),
        "ends_at": at(30, 11).isoformat(),
        "seats": 12,
        "service_lines": ["education"],
    }


PUBLIC_OK = {"default": 200}
PUBLIC_404 = {"default": 404}


def _signup_form(w):
    return {"name": "李华", "mobile": "13700137000", "children": "0", "consent": "on"}


def _code(w):
    return {"mobile": "13800138000", "code": build_signup(w).code}


def _token(w):
    return {"token": build_signup(w).token}


ROWS = [
    # --- pages ---
    ("activity list", "GET", lambda w: (build_activities(w), "/activities/")[1], {**ANON_PAGE, **LIST}),
    ("plan an activity form", "GET", lambda w: "/activities/new/", {**ANON_PAGE, **LIST}),
    ("room picker", "GET", lambda w: "/activities/pick/rooms/?q=室", {**ANON_PAGE, **LIST}),
    ("brand item picker", "GET", lambda w: "/activities/pick/brand-items/?page=2", {**ANON_PAGE, **LIST}),
    # the public calendar feed: the same for everyone, signed in or not
    ("station calendar feed", "GET", lambda w: f"/activities/stations/{station(w)}/calendar.ics", {"default": 200}),
    ("calendar feed of no station", "GET", lambda w: "/activities/stations/999999/calendar.ics", {"default": 404}),
    (
        "plan an activity at 隆园社区",
        "POST",
        lambda w: "/activities/new/",
        # Another town's admin and another station's manager cannot choose the station: a form error.
        {**ANON_PAGE, **longyuan(302), "other_town_admin": 400, "other_station_manager": 400},
        _form,
    ),
    ("activity 隆园", "GET", lambda w: f"/activities/{a(w)}/", {**ANON_PAGE, **longyuan()}),
    ("activity edit form 隆园", "GET", lambda w: f"/activities/{a(w)}/edit/", {**ANON_PAGE, **longyuan()}),
    (
        "activity save 隆园",
        "POST",
        lambda w: f"/activities/{draft(w)}/edit/",
        {**ANON_PAGE, **longyuan(302)},
        _edit_form,
    ),
    ("publish draft 隆园", "POST", lambda w: f"/activities/{draft(w)}/publish/", {**ANON_PAGE, **longyuan(302)}),
    ("complete 隆园 (started)", "POST", lambda w: f"/activities/{past(w)}/complete/", {**ANON_PAGE, **longyuan(302)}),
    (
        "cancel 隆园",
        "POST",
        lambda w: f"/activities/{a(w)}/cancel/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {"reason": "台风预警"},
    ),
    ("register form 隆园", "GET", lambda w: f"/activities/{a(w)}/register/?q=居民", {**ANON_PAGE, **longyuan()}),
    (
        "register a resident 隆园",
        "POST",
        lambda w: f"/activities/{a(w)}/register/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {"person": person(w)},
    ),
    (
        "cancel a registration 隆园",
        "POST",
        lambda w: f"/activities/{a(w)}/registrations/{registration(w)}/cancel/",
        {**ANON_PAGE, **longyuan(302)},
    ),
    # --- API ---
    ("API activities", "GET", lambda w: (build_activities(w), "/api/activities/")[1], {**ANON_API, **LIST}),
    (
        "API plan an activity at 隆园社区",
        "POST",
        lambda w: "/api/activities/",
        {**ANON_API, **longyuan(201), "other_town_admin": 400, "other_station_manager": 400},
        _api_plan,
    ),
    ("API activity 隆园", "GET", lambda w: f"/api/activities/{a(w)}", {**ANON_API, **longyuan()}),
    (
        "API activity update 隆园",
        "PATCH",
        lambda w: f"/api/activities/{a(w)}",
        {**ANON_API, **longyuan()},
        lambda w: {"version": 1, "title": "学英语（初级）"},
    ),
    ("API publish 隆园", "POST", lambda w: f"/api/activities/{draft(w)}/publish", {**ANON_API, **longyuan()}),
    ("API complete 隆园", "POST", lambda w: f"/api/activities/{past(w)}/complete", {**ANON_API, **longyuan()}),
    (
        "API cancel 隆园",
        "POST",
        lambda w: f"/api/activities/{a(w)}/cancel",
        {**ANON_API, **longyuan()},
        lambda w: {"reason": "台风预警"},
    ),
    ("API registrations 隆园", "GET", lambda w: f"/api/activities/{a(w)}/registrations", {**ANON_API, **longyuan()}),
    (
        "API register 隆园",
        "POST",
        lambda w: f"/api/activities/{a(w)}/registrations",
        {**ANON_API, **longyuan(201)},
        lambda w: {"person": person(w)},
    ),
    (
        "API cancel a registration 隆园",
        "POST",
        lambda w: f"/api/activities/{a(w)}/registrations/{registration(w)}/cancel",
        {**ANON_API, **longyuan()},
    ),
    # --- public sign-up: the same for everyone, signed in or not (views/public.py, api_public.py) ---
    ("public activities of 隆园", "GET", lambda w: f"/activities/public/stations/{station(w)}/", PUBLIC_OK),
    (
        "public activities of a planned station",
        "GET",
        lambda w: f"/activities/public/stations/{build_network(w).planned_station.pk}/",
        PUBLIC_404,
    ),
    ("public activities of 瓜沥镇", "GET", lambda w: "/activities/public/towns/330109113/", PUBLIC_OK),
    ("public activities of no town", "GET", lambda w: "/activities/public/towns/999/", PUBLIC_404),
    ("public activity 隆园", "GET", lambda w: f"/activities/public/{a(w)}/", PUBLIC_OK),
    ("public activity (a draft)", "GET", lambda w: f"/activities/public/{draft(w)}/", PUBLIC_404),
    ("public sign-up 隆园", "POST", lambda w: f"/activities/public/{a(w)}/signup/", PUBLIC_OK, _signup_form),
    ("public sign-up (a draft)", "POST", lambda w: f"/activities/public/{draft(w)}/signup/", PUBLIC_404, _signup_form),
    ("my registration by code", "POST", lambda w: f"/activities/public/{a(w)}/mine/", PUBLIC_OK, _code),
    (
        "my registration by a wrong code",
        "POST",
        lambda w: f"/activities/public/{a(w)}/mine/",
        PUBLIC_404,
        lambda w: {"mobile": "13800138000", "code": "1"},
    ),
    ("my registration by link", "GET", lambda w: f"/activities/public/r/{build_signup(w).token}/", PUBLIC_OK),
    ("a wrong private link", "GET", lambda w: "/activities/public/r/wrong-token/", PUBLIC_404),
    ("cancel by link", "POST", lambda w: f"/activities/public/r/{build_signup(w).token}/cancel/", {"default": 302}),
    (
        "new private link 隆园",
        "POST",
        lambda w: f"/activities/{a(w)}/registrations/{build_signup(w).registration.pk}/new-link/",
        {**ANON_PAGE, **longyuan(302)},
    ),
    ("API public activities", "GET", lambda w: "/api/public/activities/?town=330109113", PUBLIC_OK),
    ("API public activity 隆园", "GET", lambda w: f"/api/public/activities/{a(w)}", PUBLIC_OK),
    ("API public activity (a draft)", "GET", lambda w: f"/api/public/activities/{draft(w)}", PUBLIC_404),
    (
        "API public sign-up 隆园",
        "POST",
        lambda w: f"/api/public/activities/{a(w)}/signup",
        {"default": 201},
        lambda w: {"name": "李华", "mobile": "13700137000", "consent": True},
    ),
    ("API my registration", "POST", lambda w: "/api/public/activities/mine", PUBLIC_OK, _token),
    (
        "API my registration (wrong token)",
        "POST",
        lambda w: "/api/public/activities/mine",
        PUBLIC_404,
        lambda w: {"token": "wrong-token"},
    ),
    ("API cancel my registration", "POST", lambda w: "/api/public/activities/mine/cancel", PUBLIC_OK, _token),
    (
        "API new private link 隆园",
        "POST",
        lambda w: f"/api/activities/{a(w)}/registrations/{build_signup(w).registration.pk}/new-link",
        {**ANON_API, **longyuan()},
    ),
]


# --- check-in, the desk, the summary and satisfaction (views/checkin.py, api.py) ----------------------------------

PUBLIC = {"default": 200}  # pages and operations for anyone with the QR code: the same for every role


def _ck(w):
    build_activities(w)
    return build_checkin(w)


def live(w):
    return _ck(w).live.pk


def done(w):
    return _ck(w).done.pk


def _checkin_url(w):
    return f"/activities/checkin/{tokens.checkin_token(_ck(w).live)}/"


def _feedback_url(w):
    return f"/activities/feedback/{tokens.feedback_token(_ck(w).done)}/"


ROWS += [
    # --- public pages ---
    ("check-in page from the QR code", "GET", _checkin_url, PUBLIC),
    (
        "check in from the QR page",
        "POST",
        _checkin_url,
        PUBLIC,
        lambda w: {"mobile_or_code": _ck(w).live_registration.mobile},
    ),
    ("check-in page with a forged code", "GET", lambda w: "/activities/checkin/forged:code/", {"default": 400}),
    ("satisfaction page", "GET", _feedback_url, PUBLIC),
    # without the device cookie the page set on GET, an answer is refused (400) for everyone
    (
        "satisfaction answer without the device cookie",
        "POST",
        _feedback_url,
        {"default": 400},
        lambda w: {"participation": "5", "safety": "5", "happiness": "5"},
    ),
    # --- staff pages ---
    (
        "satisfaction per town and station",
        "GET",
        lambda w: (_ck(w), "/activities/satisfaction/")[1],
        {**ANON_PAGE, **LIST},
    ),
    ("check-in QR page 隆园", "GET", lambda w: f"/activities/{live(w)}/checkin-qr/", {**ANON_PAGE, **longyuan()}),
    ("check-in poster 隆园", "GET", lambda w: f"/activities/{live(w)}/checkin-poster.pdf", {**ANON_PAGE, **longyuan()}),
    ("satisfaction QR page 隆园", "GET", lambda w: f"/activities/{done(w)}/feedback-qr/", {**ANON_PAGE, **longyuan()}),
    ("check-in desk 隆园", "GET", lambda w: f"/activities/{live(w)}/desk/?q=居民", {**ANON_PAGE, **longyuan()}),
    (
        "desk check-in 隆园",
        "POST",
        lambda w: f"/activities/{live(w)}/desk/{_ck(w).live_registration.pk}/check-in/",
        {**ANON_PAGE, **longyuan(302)},
    ),
    (
        "desk undo 隆园",
        "POST",
        lambda w: f"/activities/{done(w)}/desk/{_ck(w).done_registration.pk}/undo/",
        {**ANON_PAGE, **longyuan(302)},
    ),
    (
        "desk walk-in 隆园",
        "POST",
        lambda w: f"/activities/{live(w)}/desk/walk-in/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {"name": "路人"},
    ),
    ("summary form 隆园", "GET", lambda w: f"/activities/{done(w)}/summary/", {**ANON_PAGE, **longyuan()}),
    (
        "complete with a summary 隆园",
        "POST",
        lambda w: f"/activities/{done(w)}/summary/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {"text": "很好", "participants": "1", "walk_ins": "0"},
    ),
    (
        "activity photo 隆园",
        "GET",
        lambda w: f"/activities/photos/{_ck(w).photo.pk}/thumb/",
        {**ANON_PAGE, **longyuan()},
    ),
    (
        "remove an activity photo 隆园",
        "POST",
        lambda w: f"/activities/{done(w)}/photos/{_ck(w).photo.pk}/delete/",
        {**ANON_PAGE, **longyuan(302)},
    ),
    # --- API ---
    (
        "API check in with the QR code",
        "POST",
        lambda w: "/api/activities/public/check-in",
        PUBLIC,
        lambda w: {"token": tokens.checkin_token(_ck(w).live), "mobile": _ck(w).live_registration.mobile},
    ),
    (
        "API satisfaction answer",
        "POST",
        lambda w: "/api/activities/public/feedback",
        {"default": 201},
        lambda w: {
            "token": tokens.feedback_token(_ck(w).done),
            "device": "matrix-device-0123456789",
            "participation": 5,
            "safety": 4,
            "happiness": 5,
        },
    ),
    (
        "API desk check-in 隆园",
        "POST",
        lambda w: f"/api/activities/{live(w)}/registrations/{_ck(w).live_registration.pk}/check-in",
        {**ANON_API, **longyuan()},
    ),
    (
        "API desk undo 隆园",
        "POST",
        lambda w: f"/api/activities/{done(w)}/registrations/{_ck(w).done_registration.pk}/undo-check-in",
        {**ANON_API, **longyuan()},
    ),
    (
        "API walk-in 隆园",
        "POST",
        lambda w: f"/api/activities/{live(w)}/walk-ins",
        {**ANON_API, **longyuan(201)},
        lambda w: {"name": "路人"},
    ),
    ("API attendance 隆园", "GET", lambda w: f"/api/activities/{done(w)}/attendance", {**ANON_API, **longyuan()}),
    ("API satisfaction 隆园", "GET", lambda w: f"/api/activities/{done(w)}/feedback", {**ANON_API, **longyuan()}),
    (
        "API satisfaction per town and station",
        "GET",
        lambda w: (_ck(w), "/api/activities/feedback/averages")[1],
        {**ANON_API, **LIST},
    ),
]


# --- volunteers, shifts and hours; series; calendars (act-volunteers) ---------------------------------------------
# The world's volunteer holds the role at 友谊村: the shifts and sign-ups of 友谊村's station are theirs to see; the
# manager rows use the 隆园社区 activity (station_manager's).

from yizhan.activities.tests.volunteers import build_volunteers  # noqa: E402

VOLUNTEER_ONLY_PAGE = {**ANON_PAGE, "default": 403, "volunteer": 200}
VOLUNTEER_ONLY_API = {**ANON_API, "default": 403, "volunteer": 200}
MANAGERS = {**ADMINS, "station_manager": 200, "other_station_manager": 200, **NOT_PLANNERS}


def youyi_signup_rule(ok, *, volunteer=None):
    """A sign-up at 友谊村's station: its admins and (for their own) the volunteer; others 404 or 403."""
    return {
        "district_admin": ok,
        "town_admin": ok,
        "other_town_admin": 404,
        "station_manager": 404,
        "other_station_manager": 404,
        "mediator": 403,
        "advisor": 403,
        "volunteer": volunteer if volunteer is not None else ok,
    }


_prepare_activities = prepare


def prepare(w):  # noqa: F811 - the volunteers' objects on top of the activities'
    _prepare_activities(w)
    build_volunteers(w)


def v(w):
    return build_volunteers(w)


def _series_form(w):
    return {**_form(w), "repeat": "weekly", "count": "3"}


def _api_series(w):
    return {**_api_plan(w), "repeat": "weekly", "count": 3}


ROWS += [
    # --- a volunteer's own pages ---
    ("my shifts", "GET", lambda w: (v(w), "/activities/volunteers/me/")[1], VOLUNTEER_ONLY_PAGE),
    ("my volunteer profile", "GET", lambda w: "/activities/volunteers/me/profile/", VOLUNTEER_ONLY_PAGE),
    (
        "my volunteer profile save",
        "POST",
        lambda w: "/activities/volunteers/me/profile/",
        {**VOLUNTEER_ONLY_PAGE, "volunteer": 302},
        lambda w: {"skills": "photo", "availability": "weekend_am", "note": "周末有空", "version": "1"},
    ),
    ("my hours", "GET", lambda w: "/activities/volunteers/me/hours/", VOLUNTEER_ONLY_PAGE),
    ("my certificate", "GET", lambda w: "/activities/volunteers/me/certificate.pdf", VOLUNTEER_ONLY_PAGE),
    (
        "shift sign-up 友谊",
        "POST",
        lambda w: f"/activities/shifts/{v(w).youyi_shift.pk}/signup/",
        {**VOLUNTEER_ONLY_PAGE, "volunteer": 302},
    ),
    (
        "shift sign-up cancel 友谊",
        "POST",
        lambda w: f"/activities/signups/{v(w).youyi_future_signup.pk}/cancel/",
        {**ANON_PAGE, **youyi_signup_rule(302)},
    ),
    (
        "shift check-in 友谊",
        "POST",
        lambda w: f"/activities/signups/{v(w).youyi_signup.pk}/check-in/",
        {**ANON_PAGE, **youyi_signup_rule(302)},
    ),
    (
        "shift check-out 友谊",
        "POST",
        lambda w: f"/activities/signups/{v(w).youyi_checked_in.pk}/check-out/",
        {**ANON_PAGE, **youyi_signup_rule(302)},
    ),
    # --- managers ---
    (
        "hours confirm 友谊",
        "POST",
        lambda w: f"/activities/signups/{v(w).youyi_pending.pk}/confirm/",
        {**ANON_PAGE, **youyi_signup_rule(302, volunteer=403)},
    ),
    (
        "hours correct 友谊",
        "POST",
        lambda w: f"/activities/signups/{v(w).youyi_pending.pk}/correct/",
        {**ANON_PAGE, **youyi_signup_rule(302, volunteer=403)},
        lambda w: {"hours": "1.5", "reason": "提前布置", "version": "1"},
    ),
    ("activity shifts 隆园", "GET", lambda w: f"/activities/{a(w)}/shifts/", {**ANON_PAGE, **longyuan()}),
    (
        "add a shift 隆园",
        "POST",
        lambda w: f"/activities/{a(w)}/shifts/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {"role": "guide", "slots": "2"},
    ),
    (
        "change a shift form 隆园",
        "GET",
        lambda w: f"/activities/shifts/{v(w).shift.pk}/edit/",
        {**ANON_PAGE, **longyuan()},
    ),
    (
        "change a shift 隆园",
        "POST",
        lambda w: f"/activities/shifts/{v(w).shift.pk}/edit/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {"role": "guide", "slots": "3", "version": "1"},
    ),
    (
        "delete a shift 隆园",
        "POST",
        lambda w: f"/activities/shifts/{v(w).shift.pk}/delete/",
        {**ANON_PAGE, **longyuan(302)},
    ),
    ("volunteer hours", "GET", lambda w: (v(w), "/activities/hours/")[1], {**ANON_PAGE, **MANAGERS}),
    ("volunteer hours Excel", "GET", lambda w: "/activities/hours.xlsx", {**ANON_PAGE, **MANAGERS}),
    ("volunteers", "GET", lambda w: "/activities/volunteers/", {**ANON_PAGE, **MANAGERS}),
    # --- series ---
    ("plan a series form", "GET", lambda w: "/activities/series/new/", {**ANON_PAGE, **LIST}),
    (
        "plan a series at 隆园社区",
        "POST",
        lambda w: "/activities/series/new/",
        {**ANON_PAGE, **longyuan(302), "other_town_admin": 400, "other_station_manager": 400},
        _series_form,
    ),
    (
        "series future form 隆园",
        "GET",
        lambda w: f"/activities/{v(w).occurrence.pk}/series/",
        {**ANON_PAGE, **longyuan()},
    ),
    (
        "series future save 隆园",
        "POST",
        lambda w: f"/activities/{v(w).occurrence.pk}/series/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {
            "title": "周六学英语（进阶）",
            "start_time": "14:00",
            "end_time": "16:00",
            "seats": "10",
            "version": "1",
        },
    ),
    (
        "series cancel the rest 隆园",
        "POST",
        lambda w: f"/activities/{v(w).occurrence.pk}/series/cancel/",
        {**ANON_PAGE, **longyuan(302)},
        lambda w: {"reason": "场地装修"},
    ),
    # --- calendars ---
    ("calendar month", "GET", lambda w: "/activities/calendar/", {**ANON_PAGE, **LIST}),
    ("calendar week", "GET", lambda w: "/activities/calendar/week/", {**ANON_PAGE, **LIST}),
    ("calendar list", "GET", lambda w: "/activities/calendar/list/", {**ANON_PAGE, **LIST}),
    ("calendar day", "GET", lambda w: "/activities/calendar/day/", {**ANON_PAGE, **LIST}),
    ("public town calendar", "GET", lambda w: (v(w), "/public/towns/330109113/calendar/")[1], {"default": 200}),
    ("public station calendar", "GET", lambda w: f"/public/stations/{station(w)}/calendar/", {"default": 200}),
    (
        "public calendar of a planned station",
        "GET",
        lambda w: f"/public/stations/{v(w).youyi_activity.station_id}/calendar/",
        {"default": 404},
    ),
    # --- API ---
    ("API my volunteer profile", "GET", lambda w: (v(w), "/api/volunteering/profile")[1], VOLUNTEER_ONLY_API),
    (
        "API my volunteer profile save",
        "PATCH",
        lambda w: "/api/volunteering/profile",
        VOLUNTEER_ONLY_API,
        lambda w: {"version": 1, "skills": ["photo"], "availability": ["weekend_am"]},
    ),
    ("API open shifts", "GET", lambda w: "/api/volunteering/shifts/open", VOLUNTEER_ONLY_API),
    ("API my sign-ups", "GET", lambda w: "/api/volunteering/signups/mine", VOLUNTEER_ONLY_API),
    (
        "API shift sign-up 友谊",
        "POST",
        lambda w: f"/api/volunteering/shifts/{v(w).youyi_shift.pk}/signup",
        {**VOLUNTEER_ONLY_API, "volunteer": 201},
    ),
    (
        "API shift sign-up cancel 友谊",
        "POST",
        lambda w: f"/api/volunteering/signups/{v(w).youyi_future_signup.pk}/cancel",
        {**ANON_API, **youyi_signup_rule(200)},
    ),
    (
        "API check-in 友谊",
        "POST",
        lambda w: f"/api/volunteering/signups/{v(w).youyi_signup.pk}/check-in",
        {**ANON_API, **youyi_signup_rule(200)},
    ),
    (
        "API check-out 友谊",
        "POST",
        lambda w: f"/api/volunteering/signups/{v(w).youyi_checked_in.pk}/check-out",
        {**ANON_API, **youyi_signup_rule(200)},
    ),
    (
        "API activity shifts 隆园",
        "GET",
        lambda w: f"/api/volunteering/activities/{a(w)}/shifts",
        {**ANON_API, **longyuan()},
    ),
    (
        "API add a shift 隆园",
        "POST",
        lambda w: f"/api/volunteering/activities/{a(w)}/shifts",
        {**ANON_API, **longyuan(201)},
        lambda w: {"role": "photo", "slots": 2},
    ),
    (
        "API change a shift 隆园",
        "PATCH",
        lambda w: f"/api/volunteering/shifts/{v(w).shift.pk}",
        {**ANON_API, **longyuan()},
        lambda w: {"role": "guide", "slots": 3, "version": 1},
    ),
    (
        "API delete a shift 隆园",
        "POST",
        lambda w: f"/api/volunteering/shifts/{v(w).shift.pk}/delete",
        {**ANON_API, **longyuan(204)},
    ),
    ("API volunteer hours", "GET", lambda w: (v(w), "/api/volunteering/hours")[1], {**ANON_API, **MANAGERS}),
    (
        "API hours correct 友谊",
        "POST",
        lambda w: f"/api/volunteering/signups/{v(w).youyi_pending.pk}/correct",
        {**ANON_API, **youyi_signup_rule(200, volunteer=403)},
        lambda w: {"version": 1, "minutes": 60, "reason": "提前布置"},
    ),
    (
        "API hours confirm 友谊",
        "POST",
        lambda w: f"/api/volunteering/signups/{v(w).youyi_pending.pk}/confirm",
        {**ANON_API, **youyi_signup_rule(200, volunteer=403)},
    ),
    (
        "API plan a series at 隆园社区",
        "POST",
        lambda w: "/api/activity-series/",
        {**ANON_API, **longyuan(201), "other_town_admin": 400, "other_station_manager": 400},
        _api_series,
    ),
    (
        "API series future 隆园",
        "POST",
        lambda w: f"/api/activity-series/{v(w).series.pk}/future",
        {**ANON_API, **longyuan()},
        lambda w: {"from_activity": v(w).occurrence.pk, "version": 1, "title": "周六学英语（进阶）"},
    ),
    (
        "API calendar",
        "GET",
        lambda w: "/api/calendar/?date_from=2026-12-01&date_to=2026-12-31",
        {**ANON_API, **LIST},
    ),
    (
        "API public calendar",
        "GET",
        lambda w: f"/api/calendar/public?date_from=2026-12-01&date_to=2026-12-31&station={station(w)}",
        {"default": 200},
    ),
]

# The cover photo (views/cover.py, api.py): ``covered`` is build_checkin's ``done`` (published, public) with a cover
# whose files exist (made again in the row's url if a row before removed them).


def covered(w):
    build_activities(w)
    return build_cover(w).pk


ROWS += [
    # a form post without a file: the managers are sent back to the activity with the message
    ("cover upload 隆园", "POST", lambda w: f"/activities/{covered(w)}/cover/", {**ANON_PAGE, **longyuan(302)}),
    ("cover remove 隆园", "POST", lambda w: f"/activities/{covered(w)}/cover/remove/", {**ANON_PAGE, **longyuan(302)}),
    ("cover file 隆园", "GET", lambda w: f"/activities/{covered(w)}/cover/thumb/", {**ANON_PAGE, **longyuan()}),
    (
        "cover file of an activity without one",
        "GET",
        lambda w: f"/activities/{a(w)}/cover/full/",
        {**ANON_PAGE, **longyuan(404)},
    ),
    ("public cover 隆园", "GET", lambda w: f"/activities/public/{covered(w)}/cover/thumb/", PUBLIC_OK),
    ("public cover (a draft)", "GET", lambda w: f"/activities/public/{draft(w)}/cover/thumb/", PUBLIC_404),
    # a JSON body carries no file: the managers get the service's "choose a photo" (400), the others never get there
    ("API set the cover 隆园", "POST", lambda w: f"/api/activities/{covered(w)}/cover", {**ANON_API, **longyuan(400)}),
    (
        "API remove the cover 隆园",
        "POST",
        lambda w: f"/api/activities/{covered(w)}/cover/remove",
        {**ANON_API, **longyuan()},
    ),
]
