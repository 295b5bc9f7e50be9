"""Permission-matrix rows for residents, visits, imports and their API (yizhan/tests/test_permission_matrix.py)."""

from datetime import date, timedelta

from .helpers import import_batch_of, longyuan_consent, longyuan_person, longyuan_visit

STAFF_OK = {
    "district_admin": 200,
    "town_admin": 200,
    "other_town_admin": 200,
    "station_manager": 200,
    "other_station_manager": 200,
}
OTHERS_403 = {"mediator": 403, "advisor": 403, "volunteer": 403}
# A 隆园社区 resident: 瓜沥镇 admins and the 隆园 station manager; others in scope-less roles are refused.
LONGYUAN = {
    "district_admin": 200,
    "town_admin": 200,
    "other_town_admin": 404,
    "station_manager": 200,
    "other_station_manager": 404,
    **OTHERS_403,
}


def _person(suffix=""):
    return lambda w: f"/people/{longyuan_person(w).pk}/{suffix}"


def _api_person(suffix=""):
    return lambda w: f"/api/people/{longyuan_person(w).pk}{suffix}"


def _household(w):
    return f"/people/households/{longyuan_person(w).household_id}/"


_today = date.today()

ROWS = [
    ("people list", "GET", lambda w: "/people/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    (
        "people search (posted, answered with a redirect)",
        "POST",
        lambda w: "/people/",
        {"anonymous": 302, **{k: 302 for k in STAFF_OK}, **OTHERS_403},
        lambda w: {"q": "13912345678", "age_band": "18to59"},
    ),
    ("people filter", "GET", lambda w: "/people/?q=王&age_band=18to59", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("register form", "GET", lambda w: "/people/new/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("export masked", "GET", lambda w: "/people/export/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("person detail", "GET", _person(), {"anonymous": 302, **LONGYUAN}),
    ("person edit", "GET", _person("edit/"), {"anonymous": 302, **LONGYUAN}),
    ("record visit form", "GET", _person("visits/new/"), {"anonymous": 302, **LONGYUAN}),
    ("household", "GET", _household, {"anonymous": 302, **LONGYUAN}),
    ("visit detail", "GET", lambda w: f"/people/visits/{longyuan_visit(w).pk}/", {"anonymous": 302, **LONGYUAN}),
    ("subject export", "POST", _person("subject-export/"), {"anonymous": 302, **LONGYUAN}),
    (
        "erase form",
        "GET",
        _person("erase/"),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 403,
            "other_station_manager": 403,
            **OTHERS_403,
        },
    ),
    (
        "reveal ID number",
        "POST",
        lambda w: f"/reveal/people.person/{longyuan_person(w).pk}/id_number/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 200,
            "other_station_manager": 404,
            "mediator": 404,
            "advisor": 404,
            "volunteer": 404,
        },
        lambda w: {"reason": "核实身份"},
    ),
    (
        "withdraw consent",
        "POST",
        lambda w: f"/people/{longyuan_person(w).pk}/consents/{longyuan_consent(w).pk}/withdraw/",
        {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in LONGYUAN.items()}},
    ),
    (
        "register (POST) in 隆园社区",
        "POST",
        lambda w: "/people/new/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_admin": 302,
            "other_town_admin": 400,
            "station_manager": 302,
            "other_station_manager": 400,
            **OTHERS_403,
        },
        lambda w: {
            "name": "新居民",
            "gender": "female",
            "birth_date": "1991-01-01",
            "id_type": "none",
            "region": "330109113001",
            "residency": "resident",
        },
    ),
    (
        "record visit (POST)",
        "POST",
        _person("visits/new/"),
        {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in LONGYUAN.items()}},
        lambda w: {"kind": "care", "visit_date": date.today().isoformat(), "findings": "一切正常"},
    ),
    (
        "erase (POST)",
        "POST",
        _person("erase/"),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 403,
            "other_station_manager": 403,
            **OTHERS_403,
        },
        lambda w: {"reason": "本人申请删除", "confirm": "on"},
    ),
    ("import page", "GET", lambda w: "/people/import/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("import template", "GET", lambda w: "/people/import/template.xlsx", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    (
        "import preview (station manager's upload)",
        "GET",
        lambda w: f"/people/import/{import_batch_of(w).pk}/",
        {
            "anonymous": 302,
            "district_admin": 404,
            "town_admin": 404,
            "other_town_admin": 404,
            "station_manager": 200,
            "other_station_manager": 404,
            **OTHERS_403,
        },
    ),
    (
        "visit calendar",
        "GET",
        lambda w: "/people/visits/calendar/?month=2026-03",
        {"anonymous": 302, **STAFF_OK, **OTHERS_403},
    ),
    ("overdue list", "GET", lambda w: "/people/visits/overdue/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("visit plans", "GET", lambda w: "/people/visits/plans/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("target groups", "GET", lambda w: "/people/groups/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    (
        "add target group",
        "POST",
        lambda w: "/people/groups/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_admin": 302,
            "other_town_admin": 302,
            "station_manager": 403,
            "other_station_manager": 403,
            **OTHERS_403,
        },
        lambda w: {"name": "孤寡老人", "description": "", "sort_order": 70},
    ),
    ("API people", "GET", lambda w: "/api/people/", {"anonymous": 401, **STAFF_OK, **OTHERS_403}),
    ("API person", "GET", _api_person(), {"anonymous": 401, **LONGYUAN}),
    ("API person visits", "GET", _api_person("/visits"), {"anonymous": 401, **LONGYUAN}),
    (
        "API correct a person",
        "PATCH",
        _api_person(),
        {"anonymous": 401, **LONGYUAN},
        lambda w: {"version": 1, "notes": "电话回访后更新"},
    ),
    (
        "API household",
        "GET",
        lambda w: f"/api/people/households/{longyuan_person(w).household_id}",
        {"anonymous": 401, **LONGYUAN},
    ),
    (
        "API search",
        "POST",
        lambda w: "/api/people/search",
        {"anonymous": 401, **STAFF_OK, **OTHERS_403},
        lambda w: {"q": "13912345678"},
    ),
    ("API groups", "GET", lambda w: "/api/people/groups", {"anonymous": 401, **STAFF_OK, **OTHERS_403}),
    ("API overdue", "GET", lambda w: "/api/people/visits/overdue", {"anonymous": 401, **STAFF_OK, **OTHERS_403}),
    (
        "API calendar",
        "GET",
        lambda w: f"/api/people/visits/calendar?start={_today:%Y-%m-01}&end={_today + timedelta(days=40):%Y-%m-%d}",
        {"anonymous": 401, **STAFF_OK, **OTHERS_403},
    ),
    (
        "API register in 隆园社区",
        "POST",
        lambda w: "/api/people/",
        {
            "anonymous": 401,
            "district_admin": 201,
            "town_admin": 201,
            "other_town_admin": 403,
            "station_manager": 201,
            "other_station_manager": 403,
            **OTHERS_403,
        },
        lambda w: {"name": "李四", "village_code": "330109113001", "birth_date": "1990-05-05"},
    ),
]
