"""The test suite's audit guard (yizhan/tests/audit_guard.py) fails a request that writes without an audit row."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from yizhan.audit import services as audit
from yizhan.core.scoping import scopes_disabled
from yizhan.regions.models import Region
from yizhan.stations.models import OpeningInterval
from yizhan.tests.audit_guard import AuditGuardMiddleware, AuditMissing, unaudited
from yizhan.tests.factories import make_station

pytestmark = pytest.mark.django_db


def _request():
    return RequestFactory().post("/somewhere/")


def _station():
    with scopes_disabled():
        return make_station(Region.all_objects.get(code="330109113001"))


def test_a_write_without_its_audit_row_fails_the_request(world):
    station = _station()

    def forgetful_view(request):
        station.name = "改了名字"
        station.save()
        return HttpResponse()

    with scopes_disabled(), pytest.raises(AuditMissing, match=rf"POST /somewhere/ .*stations.station #{station.pk}"):
        AuditGuardMiddleware(forgetful_view)(_request())


def test_a_write_with_its_audit_row_passes(world):
    station = _station()
    actor = world.users["town_admin"]

    def careful_view(request):
        before = audit.snapshot(station, fields=["name"])
        station.name = "改了名字"
        station.save()
        audit.log_update(actor, station, before)
        return HttpResponse("ok")

    with scopes_disabled():
        assert AuditGuardMiddleware(careful_view)(_request()).content == b"ok"


def test_a_part_is_covered_by_its_parents_row_only_when_it_declares_it(world):
    station = _station()
    actor = world.users["town_admin"]

    def hours_view(request):
        OpeningInterval.all_objects.create(station=station, weekday=0, opens="08:00", closes="12:00")
        audit.record(actor=actor, action=audit.Action.UPDATE, target=station, changes={"hours": [[], ["周一"]]})
        return HttpResponse("ok")

    with scopes_disabled():
        assert AuditGuardMiddleware(hours_view)(_request()).content == b"ok"
    assert OpeningInterval.audit_via == ("station",)
    assert unaudited({(("stations.room", "1"),)}, {("stations.station", "1")}) == ["stations.room #1"]
    assert (
        unaudited({(("stations.openinginterval", "4"), ("stations.station", "1"))}, {("stations.station", "1")}) == []
    )
