from yizhan.audit.models import AuditLog
from yizhan.tests.factories import ADMINS_OK, NON_ADMINS_403


def _guali_row(w):
    """A record of a change in 瓜沥镇: its admins and the district's see it, 党湾镇's admin gets 404."""
    row = AuditLog.all_objects.create(
        actor=w.users["town_admin"],
        actor_label=w.users["town_admin"].username,
        action=AuditLog.Action.UPDATE,
        target_type="regions.region",
        target_id=str(w.regions["330109113001"].pk),
        target_repr="隆园社区",
        region_code="330109113001",
        changes={"name": ["隆园村", "隆园社区"]},
    )
    return f"/audit/{row.pk}/"


ROWS = [
    ("audit log", "GET", lambda w: "/audit/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    (
        "audit record",
        "GET",
        _guali_row,
        {"anonymous": 302, **ADMINS_OK, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    ("audit export", "GET", lambda w: "/audit/export.xlsx", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("account picker", "GET", lambda w: "/audit/pick/accounts/?q=a", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("API audit", "GET", lambda w: "/api/audit/", {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403}),
]
