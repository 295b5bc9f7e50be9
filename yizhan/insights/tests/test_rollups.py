"""Rolled-up coverage figures (issue 12): after every kind of write they equal a direct count of the rows, a rebuild
equals the incremental figures, two racing writes both land, and the pages cost the same at two sizes."""

import io
import threading
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Exists, OuterRef
from django.utils import timezone

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.insights import rollups, selectors, services
from yizhan.insights.models import CoveragePlan, Rollup
from yizhan.mediation import services as mediation_services
from yizhan.mediation.models import Studio
from yizhan.mediation.tests.network import build_studio_network
from yizhan.regions import services as region_services
from yizhan.regions.models import Region
from yizhan.stations import services as station_services
from yizhan.stations.models import Station, Status
from yizhan.stations.tests.network import count_queries
from yizhan.tests.factories import build_world, make_station


@pytest.fixture
def net(world):
    return build_studio_network(world)


def direct(code: str) -> dict[str, int]:
    """The oracle: the coverage figures of the region with this code, counted straight from the rows."""

    def station(*statuses):
        # unscoped: the test's own count
        return Exists(Station.all_objects.filter(region=OuterRef("pk"), status__in=statuses))

    plan = CoveragePlan.all_objects.filter(region=OuterRef("pk"), station_target__isnull=False)  # unscoped: as above
    overdue_plan = plan.filter(station_target__lt=timezone.localdate())
    villages = Region.all_objects.filter(level=Region.Level.VILLAGE, code__startswith=code)  # unscoped: as above
    operating = station(Status.OPERATING)
    ahead = station(Status.OPERATING, Status.SUSPENDED)  # a suspended station ranks above one being built
    building = ~ahead & station(Status.UNDER_CONSTRUCTION)
    planned = ~ahead & ~station(Status.UNDER_CONSTRUCTION) & station(Status.PLANNED)
    rest = ~operating & ~building & ~planned  # no station, or the best one suspended or closed: by the plan
    # unscoped: as above
    studio = Exists(Studio.all_objects.filter(region=OuterRef("pk"), status=Status.OPERATING))
    return {
        rollups.VILLAGES: villages.count(),
        rollups.OPERATING: villages.filter(operating).count(),
        rollups.BUILDING: villages.filter(building).count(),
        rollups.PLANNED: villages.filter(planned).count(),
        rollups.TARGETED: villages.filter(rest & Exists(plan)).count(),
        rollups.NOT_STARTED: villages.filter(rest & ~Exists(plan)).count(),
        rollups.OVERDUE: villages.filter(~operating & Exists(overdue_plan)).count(),
        rollups.STUDIOS: villages.filter(studio).count(),
    }


def stored(code: str) -> dict[str, int]:
    # unscoped: the test reads the stored figures
    rows = Rollup.all_objects.filter(region__code=code, period=rollups.STATE, key__in=rollups.COVERAGE)
    return {**dict.fromkeys(rollups.COVERAGE, 0), **dict(rows.values_list("key", "value"))}


def assert_consistent():
    with scopes_disabled():
        for code in Region.all_objects.values_list("code", flat=True):
            assert stored(code) == direct(code), code


def assert_page_agrees(world):
    """The town page's per-village categories (selectors.VillageCoverage) add up to the town's rolled-up figures."""
    with scope_for(world.users["town_admin"]):
        data = selectors.coverage(world.regions["330109113"])
    categories = [v.category for v in data.village_rows]
    town = data.rows[0]
    assert (town.operating_stations, town.building_stations, town.planned_stations, town.targeted, town.unplanned) == (
        tuple(categories.count(c) for c in ("operating", "building", "planned", "targeted", "none"))
    )
    assert town.overdue == sum(v.overdue for v in data.village_rows)


def test_every_kind_of_write_keeps_the_figures_equal_to_a_direct_count(net, world):
    assert_consistent()
    admin = world.users["town_admin"]
    r = world.regions
    with scope_for(admin):
        # stations: created, status changed, moved to another village, deleted
        station = station_services.station_create(
            created_by=admin, region=r["330109113002"], name="新驿站", status=Status.UNDER_CONSTRUCTION
        )
        assert_consistent()
        station = station_services.station_update(
            station=station, updated_by=admin, version=station.version, status=Status.OPERATING
        )
        assert_consistent()
        assert stored("330109113")[rollups.OPERATING] == 2
        station = station_services.station_update(
            station=station, updated_by=admin, version=station.version, region=r["330109113003"]
        )
        assert_consistent()
        station.status = Status.SUSPENDED
        station.save(update_fields=["status"])  # a save naming its fields
        assert_consistent()
        assert_page_agrees(world)
        station.address = "新地址"
        station.save(update_fields=["address"])  # a field coverage does not depend on: no recompute
        station.delete()
        assert_consistent()
        # studios: created, status changed, moved, deleted
        studio = mediation_services.studio_create(
            created_by=admin, region=r["330109113002"], name="新工作室", status=Status.OPERATING
        )
        assert_consistent()
        studio = mediation_services.studio_update(
            studio=studio, updated_by=admin, version=studio.version, status=Status.SUSPENDED
        )
        assert_consistent()
        studio = mediation_services.studio_update(
            studio=studio, updated_by=admin, version=studio.version, region=r["330109113001"], status=Status.OPERATING
        )
        assert_consistent()
        studio.delete()
        assert_consistent()
        # plans: set (a passed date: overdue), changed, cleared
        services.coverage_plan_set(region=r["330109113002"], updated_by=admin, station_target=date(2000, 1, 1))
        assert_consistent()
        assert stored("33")[rollups.OVERDUE] == 1  # 友谊村's station is only planned: its target date has passed
        services.coverage_plan_set(region=r["330109113003"], updated_by=admin, station_target=date(2000, 1, 1))
        assert_consistent()
        assert stored("33")[rollups.OVERDUE] == 2
        assert_page_agrees(world)
        services.coverage_plan_set(region=r["330109113003"], updated_by=admin, station_target=None)
        assert_consistent()
        # a village added
        village = region_services.region_create_village(
            town=r["330109113"], code="330109113099", name="新村", created_by=admin
        )
        assert_consistent()
    assert stored("330109")[rollups.VILLAGES] == 5
    with scopes_disabled():
        CoveragePlan.all_objects.filter(region=r["330109113003"]).delete()
        village.delete()
    assert_consistent()
    assert stored("330109")[rollups.VILLAGES] == 4


def test_rebuild_equals_the_incremental_figures_and_fixes_drift(net, world):
    admin = world.users["town_admin"]
    with scope_for(admin):
        station_services.station_create(
            created_by=admin, region=world.regions["330109113002"], name="新驿站", status=Status.OPERATING
        )
    with scopes_disabled():
        before = sorted(Rollup.all_objects.values_list("region_id", "key", "period", "value"))
        assert rollups.rebuild() == 0  # nothing to correct
        assert sorted(Rollup.all_objects.values_list("region_id", "key", "period", "value")) == before
        # writes no signal sees (bulk, update()) and a target date that passed overnight: the rebuild fixes them
        Station.all_objects.filter(region=world.regions["330109114001"]).update(status=Status.CLOSED)
        CoveragePlan.all_objects.create(region=world.regions["330109113003"], station_target=timezone.localdate())
        CoveragePlan.all_objects.filter(region=world.regions["330109113003"]).update(
            station_target=timezone.localdate() - timedelta(days=1)
        )
        assert stored("330109")[rollups.OPERATING] == 3
        out = io.StringIO()
        call_command("refresh_rollups", stdout=out)
        assert "rows corrected or added" in out.getvalue()
    assert_consistent()
    assert stored("330109")[rollups.OPERATING] == 2
    assert stored("330109")[rollups.OVERDUE] == 1


def test_refresh_is_a_daily_job(settings):
    path, _at, _kwargs = settings.DAILY_JOBS["insights.refresh_rollups"]
    assert path == "yizhan.insights.rollups.refresh_rollups"


def test_a_town_admin_reads_only_her_own_rollup_rows(net, world):
    with scope_for(world.users["town_admin"]):
        codes = set(Rollup.objects.values_list("region__code", flat=True))
        assert codes == {"330109113", "330109113001", "330109113002", "330109113003"}
        assert selectors.figures([world.regions["330109114"], world.regions["330109"]]) == {}
        assert selectors.coverage_summary() == {"villages": 3, "covered": 1, "without": 2}
    with scope_for(world.users["district_admin"]):
        assert selectors.coverage_summary() == {"villages": 4, "covered": 2, "without": 2}


def _grow_towns(world, towns: int, villages_per_town: int):
    """Towns under 萧山区 with villages and stations, bulk-written (no signals), then the rollups rebuilt."""
    with scopes_disabled():
        district = world.regions["330109"]
        Region.all_objects.bulk_create(
            [Region(code=f"330109{200 + i:03d}", name=f"测试镇{i}", level=4, parent=district) for i in range(towns)]
        )
        new_towns = list(Region.all_objects.filter(code__gte="330109200", level=4))
        Region.all_objects.bulk_create(
            [
                Region(code=f"{t.code}{j + 1:03d}", name=f"{t.name}村{j}", level=5, parent=t)
                for t in new_towns
                for j in range(villages_per_town)
            ]
        )
        villages = Region.all_objects.filter(code__startswith="330109", level=5, code__gte="330109200")
        Station.all_objects.bulk_create(
            [Station(region=v, name=f"{v.name}驿站", status=Status.OPERATING) for v in villages[::2]]
        )
        rollups.rebuild()


def _grow_villages(world, n):
    with scopes_disabled():
        town = world.regions["330109113"]
        Region.all_objects.bulk_create(
            [Region(code=f"330109113{500 + i:03d}", name=f"测试村{i}", level=5, parent=town) for i in range(n)]
        )
        villages = list(Region.all_objects.filter(code__gte="330109113500", level=5))
        Station.all_objects.bulk_create(
            [Station(region=v, name=f"{v.name}驿站", status=Status.OPERATING) for v in villages]
        )
        CoveragePlan.all_objects.bulk_create(
            [CoveragePlan(region=v, station_target=date(2030, 1, 1)) for v in villages]
        )
        rollups.rebuild()


TOWN_PAGE, TOWN_API = 14, 14
DISTRICT_PAGE, DISTRICT_API = 11, 11


@pytest.mark.parametrize("villages", [0, 27])  # a town with 3 and with 30 villages
def test_town_coverage_costs_the_same_at_two_sizes(net, world, client_for, villages):
    _grow_villages(world, villages)
    client = client_for(world.users["town_admin"])
    client.get("/accounts/home/")  # session warm-up
    assert count_queries(client, "/stations/coverage/?region=330109113") == TOWN_PAGE
    assert count_queries(client, "/api/coverage/330109113") == TOWN_API
    html = client.get("/stations/coverage/?region=330109113").content.decode()
    assert html.count('data-testid="village-row"') == 3 + villages
    assert assert_consistent() is None


@pytest.mark.parametrize("towns", [0, 8])  # a district with 2 and with 10 towns
def test_district_coverage_costs_the_same_at_two_sizes(net, world, client_for, towns):
    _grow_towns(world, towns, villages_per_town=5)
    client = client_for(world.users["district_admin"])
    client.get("/accounts/home/")  # session warm-up
    assert count_queries(client, "/stations/coverage/?region=330109") == DISTRICT_PAGE
    assert count_queries(client, "/api/coverage/330109") == DISTRICT_API
    html = client.get("/stations/coverage/?region=330109").content.decode()
    assert html.count('data-testid="child-row"') == 2 + towns
    assert 'href="?region=330109113"' in html  # drill-down to each town
    body = client.get("/api/coverage/330109?limit=5").json()
    assert body["villages"] == 4 + 5 * towns
    assert len(body["children"]["items"]) == min(5, 2 + towns)
    assert_consistent()


def test_the_page_above_a_town_lists_children_with_a_breadcrumb(net, world, client_for):
    client = client_for(world.users["district_admin"])
    html = client.get("/stations/coverage/?region=330109113").content.decode()
    assert 'data-testid="coverage-breadcrumb"' in html
    assert 'href="?region=330109"' in html  # back up to the district (in her scope)
    assert 'href="?region=3301"' not in html  # the city is above her scope: not linked
    export = client.get("/stations/coverage/export.xlsx?region=330109")
    assert export.status_code == 200


pytestmark_race = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs a server database with concurrent connections"
)


@pytestmark_race
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_village", [False, True])
def test_two_racing_writes_both_land(same_village):
    with scopes_disabled():
        from yizhan.stations import reference

        reference.load()
        world = build_world()
    admin = world.users["town_admin"]
    targets = ["330109113001", "330109113001" if same_village else "330109113002"]
    barrier = threading.Barrier(2)
    errors = []

    def create(i, code):
        try:
            with scope_for(admin):
                region = Region.objects.get(code=code)
                barrier.wait()
                station_services.station_create(
                    created_by=admin, region=region, name=f"竞速驿站{i}", status=Status.OPERATING
                )
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i, code)) for i, code in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_consistent()
    assert stored("330109113")[rollups.OPERATING] == (1 if same_village else 2)
    with scopes_disabled():
        assert rollups.rebuild() == 0


def test_demo_figures_equal_a_direct_count(db):
    import os

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert_consistent()
    with scopes_disabled():
        assert rollups.rebuild() == 0
        assert stored("330109113")[rollups.VILLAGES] > 10


def test_make_station_outside_services_is_counted_too(net, world):
    with scopes_disabled():
        make_station(world.regions["330109113002"], name="工厂驿站", status=Status.OPERATING)
    assert_consistent()


def test_the_province_page_lists_its_cities_and_the_city_page_its_districts(net, world, client_for):
    from yizhan.accounts.models import User

    with scopes_disabled():
        boss = User.all_objects.create_superuser(username="boss", password="x" * 12)  # noqa: S106
    client = client_for(boss)
    html = client.get("/stations/coverage/").content.decode()  # her top region: the province
    assert "驿站覆盖情况：浙江省" in html
    assert 'href="?region=3301"' in html  # drill down to the city
    assert html.count('data-testid="child-row"') == 1
    body = client.get("/api/coverage/33").json()
    assert (body["villages"], body["operating_stations"], body["children"]["level"]) == (4, 2, 2)
    html = client.get("/stations/coverage/?region=3301").content.decode()
    assert 'href="?region=330109"' in html  # down to the district
    assert 'href="?region=33"' in html  # up to the province
    with scope_for(boss):
        assert selectors.coverage_summary() == {"villages": 4, "covered": 2, "without": 2}


def test_counts_per_period_add_up_the_tree(world):
    """The hook for issue 14 (activities, cases … per month): add() files a count at a region and its ancestors."""
    with scopes_disabled():
        rollups.add("330109113001", {"activities.held": 2}, period="2026-11")
        rollups.add("330109114001", {"activities.held": 1}, period="2026-11")
        rollups.add("330109113002", {"activities.held": 5}, period="2026-12")
    with scope_for(world.users["district_admin"]):
        nov = selectors.figures([world.regions["330109"], world.regions["330109113"]], ["activities.held"], "2026-11")
    assert {
        world.regions["330109"].pk: {"activities.held": 3},
        world.regions["330109113"].pk: {"activities.held": 2},
    } == nov
    with scopes_disabled():
        assert rollups.rebuild() == 0  # the coverage rebuild leaves other figures alone
        assert Rollup.all_objects.get(region__code="33", key="activities.held", period="2026-12").value == 5


def test_a_bulk_write_announced_by_its_writer_is_rebuilt(net, world):
    """The region import writes in bulk (no model signals) and sends core.signals.bulk_written: rollups follow."""
    from yizhan.core.signals import bulk_written

    with scopes_disabled():
        Region.all_objects.bulk_create(
            [Region(code="330109114002", name="新村", level=Region.Level.VILLAGE, parent=world.regions["330109114"])]
        )
        assert stored("330109114")[rollups.VILLAGES] == 1
        bulk_written.send(sender=Region)
    assert stored("330109114")[rollups.VILLAGES] == 2
    assert_consistent()
