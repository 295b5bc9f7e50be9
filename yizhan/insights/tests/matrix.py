"""Permission-matrix rows for the rollout coverage pages and endpoints (federation admins only)."""

from yizhan.tests.factories import ADMINS_OK as ADMINS
from yizhan.tests.factories import NON_ADMINS_403

ANON_PAGE = {"anonymous": 302}
ANON_API = {"anonymous": 401}

ROWS = [
    # --- coverage ---
    ("coverage", "GET", lambda w: "/stations/coverage/", {**ANON_PAGE, **ADMINS, **NON_ADMINS_403}),
    (
        "coverage region picker",
        "GET",
        lambda w: "/stations/coverage/pick/regions/?q=镇",
        {**ANON_PAGE, **ADMINS, **NON_ADMINS_403},
    ),
    (
        "coverage 瓜沥镇",
        "GET",
        lambda w: "/stations/coverage/?region=330109113",
        {**ANON_PAGE, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "coverage 萧山区",
        "GET",
        lambda w: "/stations/coverage/?region=330109",
        {**ANON_PAGE, "district_admin": 200, "town_admin": 404, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "coverage export 瓜沥镇",
        "GET",
        lambda w: "/stations/coverage/export.xlsx?region=330109113",
        {**ANON_PAGE, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "coverage plan 友谊村",
        "POST",
        lambda w: "/stations/coverage/plan/",
        {**ANON_PAGE, "district_admin": 302, "town_admin": 302, "other_town_admin": 404, **NON_ADMINS_403},
        lambda w: {"village": "330109113002", "station_target": "2027-06-30", "note": "选址中"},
    ),
    ("API coverage", "GET", lambda w: "/api/coverage/", {**ANON_API, **ADMINS, **NON_ADMINS_403}),
    (
        "API coverage 瓜沥镇",
        "GET",
        lambda w: "/api/coverage/?region=330109113",
        {**ANON_API, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "API coverage of 萧山区 by code",
        "GET",
        lambda w: "/api/coverage/330109",
        {**ANON_API, "district_admin": 200, "town_admin": 404, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "API plan 友谊村",
        "PUT",
        lambda w: "/api/coverage/plan/330109113002",
        {**ANON_API, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
        lambda w: {"station_target": "2027-06-30"},
    ),
]
