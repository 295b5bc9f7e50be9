"""Permission-matrix rows for account pages and endpoints (see yizhan/tests/test_permission_matrix.py)."""

from yizhan.tests.factories import ADMINS_OK, NON_ADMINS_403


def _user(key):
    return lambda w: f"/accounts/users/{w.users[key].pk}/"


ROWS = [
    ("home", "GET", lambda w: "/accounts/home/", {"anonymous": 302, "default": 200}),
    ("login page", "GET", lambda w: "/accounts/login/", {"anonymous": 200, "default": 302}),
    ("password change", "GET", lambda w: "/accounts/password/", {"anonymous": 302, "default": 200}),
    ("user list", "GET", lambda w: "/accounts/users/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("user create form", "GET", lambda w: "/accounts/users/new/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    (
        "user detail (瓜沥 station manager)",
        "GET",
        _user("station_manager"),
        {"anonymous": 302, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "user detail (党湾 station manager)",
        "GET",
        _user("other_station_manager"),
        {"anonymous": 302, "district_admin": 200, "town_admin": 404, "other_town_admin": 200, **NON_ADMINS_403},
    ),
    (
        "user detail (district admin)",
        "GET",
        _user("district_admin"),
        {"anonymous": 302, "district_admin": 200, "town_admin": 404, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "reveal mobile (瓜沥 station manager)",
        "POST",
        lambda w: f"/reveal/accounts.user/{w.users['station_manager'].pk}/mobile/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 200,  # their own number
            "other_station_manager": 404,
            "mediator": 404,
            "advisor": 404,
            "volunteer": 404,
        },
        lambda w: {"reason": "核实联系方式"},
    ),
    ("API me", "GET", lambda w: "/api/accounts/me", {"anonymous": 401, "default": 200}),
    ("API users", "GET", lambda w: "/api/accounts/users", {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403}),
    (
        "API user (瓜沥 station manager)",
        "GET",
        lambda w: f"/api/accounts/users/{w.users['station_manager'].pk}",
        {"anonymous": 401, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
]

ROWS += [
    ("two-factor settings", "GET", lambda w: "/accounts/two-factor/", {"anonymous": 302, "default": 200}),
    ("login code step without password step", "GET", lambda w: "/accounts/login/verify/", {"default": 302}),
    (
        "reset two-factor (瓜沥 station manager)",
        "POST",
        lambda w: f"/accounts/users/{w.users['station_manager'].pk}/two-factor/reset/",
        {"anonymous": 302, "district_admin": 302, "town_admin": 302, "other_town_admin": 404, **NON_ADMINS_403},
    ),
]

ROWS += [
    (
        "API user search",
        "POST",
        lambda w: "/api/accounts/users/search",
        {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403},
        lambda w: {"q": w.users["station_manager"].mobile},
    ),
]
