from yizhan.tests.factories import ADMINS_OK, NON_ADMINS_403

ROWS = [
    ("region index", "GET", lambda w: "/regions/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    (
        "region 瓜沥镇",
        "GET",
        lambda w: "/regions/330109113/",
        {"anonymous": 302, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "region 萧山区",
        "GET",
        lambda w: "/regions/330109/",
        {"anonymous": 302, "district_admin": 200, "town_admin": 404, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "add village to 瓜沥镇",
        "POST",
        lambda w: "/regions/330109113/",
        {"anonymous": 302, "district_admin": 302, "town_admin": 302, "other_town_admin": 404, **NON_ADMINS_403},
        lambda w: {"code": "330109113099", "name": "新村"},
    ),
    ("API regions", "GET", lambda w: "/api/regions/", {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403}),
    (
        "API region 瓜沥镇",
        "GET",
        lambda w: "/api/regions/330109113",
        {"anonymous": 401, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "API add village",
        "POST",
        lambda w: "/api/regions/330109113/villages",
        {"anonymous": 401, "district_admin": 201, "town_admin": 201, "other_town_admin": 404, **NON_ADMINS_403},
        lambda w: {"code": "330109113098", "name": "新社区"},
    ),
]
