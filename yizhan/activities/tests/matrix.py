"""Permission-matrix rows for the activity pages and endpoints: activities of the 隆园社区 station (瓜沥镇, managed by
station_manager) against admins of its town and district and of another town, the manager of another station, and
roles that do not plan activities."""

from yizhan.activities.tests.helpers import at, build_activities
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


ROWS = [
    # --- pages ---
    ("activity list", "GET", lambda w: (build_activities(w), "/activities/")[1], {**ANON_PAGE, **LIST}),
    ("plan an activity form", "GET", lambda w: "/activities/new/", {**ANON_PAGE, **LIST}),
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
]
