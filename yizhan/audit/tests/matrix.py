from yizhan.tests.factories import ADMINS_OK, NON_ADMINS_403

ROWS = [
    ("audit log", "GET", lambda w: "/audit/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("audit export", "GET", lambda w: "/audit/export.xlsx", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("API audit", "GET", lambda w: "/api/audit/", {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403}),
]
