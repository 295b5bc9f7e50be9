from datetime import date, timedelta

import pytest
from django.utils import timezone

from yizhan.activities.tests.helpers import make_activity
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.insights import selectors
from yizhan.insights.models import CoveragePlan
from yizhan.mediation.models import Studio
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.models import Status
from yizhan.tests.factories import make_station, make_studio


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_coverage_of_a_town(net, world):
    with scopes_disabled():
        CoveragePlan.all_objects.create(region=world.regions["330109113003"], station_target=date(2000, 1, 1))
    with scope_for(world.users["town_admin"]):
        data = selectors.coverage(world.regions["330109113"])
    town = data.rows[0]  # a town's own (rolled-up) figures; its villages are listed apart
    rows = {v.region.name: v for v in data.village_rows}
    assert town.village_count == 3
    assert town.operating_stations == 1
    # each village counts once: a target date alone is not "planned" (the word the station list uses for a
    # registered station), and villages without an operating station are all counted as such (issue 9, finding 6)
    assert town.planned_stations == 1
    assert town.targeted == 1
    assert town.unplanned == 0
    assert town.without_station == 2
    assert rows["东灵社区"].category == "targeted"
    assert rows["友谊村"].category == "planned"
    assert sum(1 for v in data.village_rows if v.category == "operating") == town.operating_stations
    assert town.overdue == 1
    assert town.operating_studios == 1
    assert data.rate == pytest.approx(1 / 3)
    assert rows["隆园社区"].station_status == Status.OPERATING
    assert rows["友谊村"].station_status == Status.PLANNED
    assert rows["东灵社区"].studio_status == Status.OPERATING
    assert rows["东灵社区"].overdue
    chart = data.chart_data()
    assert chart["categories"] == ["瓜沥镇"]
    assert chart["kind"] == "shares"  # one town: shares of its villages, not one giant bar
    assert {serie["key"]: serie["data"] for serie in chart["series"]} == {
        "operating": [1],
        "building": [0],
        "planned": [1],
        "targeted": [1],
        "none": [0],
    }
    assert chart["rate"]["data"] == [33.3]


def test_coverage_summed_for_a_district(net, world):
    with scope_for(world.users["district_admin"]):
        data = selectors.coverage(world.regions["330109"])
    assert [t.region.name for t in data.rows] == ["瓜沥镇", "党湾镇"]
    assert data.village_count == 4
    assert data.operating_stations == 2
    assert data.rate == pytest.approx(0.5)


def test_coverage_counts_a_village_once_with_two_stations(net, world):
    with scopes_disabled():
        make_station(world.regions["330109113001"], name="第二驿站")
        make_studio(world.regions["330109113001"], status=Status.PLANNED)
    with scope_for(world.users["town_admin"]):
        data = selectors.coverage(world.regions["330109113"])
    assert data.operating_stations == 1
    with scopes_disabled():
        assert Studio.all_objects.count() == 2


def test_quiet_stations_had_no_change_and_no_activity_for_90_days(net, world, client_for):
    with scopes_disabled():
        other = make_station(world.regions["330109113003"], name="第二驿站", status=Status.OPERATING)
    with scope_for(world.users["town_admin"]):
        count, stations = selectors.quiet_stations()
    assert count == 2
    assert {s.pk for s in stations} == {net.station.pk, other.pk}
    # an activity in the last 90 days, or a change of the profile, and it is not quiet any more
    make_activity(net.station, days=-10)
    with scopes_disabled():
        AuditLog.all_objects.create(
            action=AuditLog.Action.UPDATE, target_type="stations.station", target_id=str(other.pk), region_code="330109"
        )
        AuditLog.all_objects.create(
            action=AuditLog.Action.UPDATE,
            target_type="stations.station",
            target_id=str(net.station.pk),
            at=timezone.now() - timedelta(days=200),
        )
    with scope_for(world.users["town_admin"]):
        assert selectors.quiet_stations() == (0, [])
    html = client_for(world.users["town_admin"]).get("/accounts/home/").content.decode()
    assert 'data-testid="quiet-stations"><strong>0</strong>' in html
    assert "90 天内无资料更新、无活动" in html
