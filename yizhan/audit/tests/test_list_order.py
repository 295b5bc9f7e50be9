"""The audit log is newest first for every reader, whichever way it is read (issue 12: a town's admin reads her rows
through the region index and sorts them; a district's walks the time index), on both databases."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yizhan.audit import selectors
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled


def _rows(world):
    now = timezone.now()
    with scopes_disabled():
        for n, code in enumerate(["330109113001", "330109114001", "330109113", "330109113002", "330109114"]):
            AuditLog.all_objects.create(
                at=now - timedelta(days=n), action=AuditLog.Action.UPDATE, region_code=code, target_repr=f"r{n}"
            )


def test_a_town_admin_and_a_district_admin_both_read_newest_first(world):
    _rows(world)
    for key, expected in [("town_admin", ["r0", "r2", "r3"]), ("district_admin", ["r0", "r1", "r2", "r3", "r4"])]:
        with scope_for(world.users[key]), CaptureQueriesContext(connection) as ctx:
            shown = [r.target_repr for r in selectors.audit_list() if r.target_repr]
        assert shown == expected, key
        narrow = "COALESCE" in ctx.captured_queries[-1]["sql"].upper()
        assert narrow is (key == "town_admin")
    with scope_for(world.users["district_admin"]):
        assert [r.target_repr for r in selectors.audit_list(region="330109114") if r.target_repr] == ["r1", "r4"]


@override_settings(PAGE_COUNT_CAP=20)
@pytest.mark.parametrize("count", [10, 60])
def test_the_audit_log_costs_the_same_below_and_above_the_cap(world, client_for, django_assert_num_queries, count):
    long_ago = timezone.now() - timedelta(days=30)
    with scopes_disabled():
        AuditLog.all_objects.bulk_create(
            AuditLog(at=long_ago + timedelta(minutes=n), action=AuditLog.Action.UPDATE, region_code="330109113001")
            for n in range(count)
        )
    client = client_for(world.users["town_admin"])
    client.get("/audit/")
    with django_assert_num_queries(AUDIT_LIST_QUERIES):
        response = client.get("/audit/")
    page = response.context["page"]
    assert page.paginator.exact is (page.paginator.count < 20)
    if not page.paginator.exact:
        assert "超过 20 条记录（不再计数）" in response.content.decode()
    shown = [row.at for row in page.object_list]
    assert shown == sorted(shown, reverse=True)


AUDIT_LIST_QUERIES = 8  # no account options since the remote picker
