ADMINS_OK = {"district_admin": 200, "town_admin": 200, "other_town_admin": 200}
NON_ADMINS_403 = {
    "station_manager": 403,
    "other_station_manager": 403,
    "mediator": 403,
    "advisor": 403,
    "volunteer": 403,
}

ROWS = [
    ("audit log", "GET", lambda w: "/audit/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("API audit", "GET", lambda w: "/api/audit/", {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403}),
]
