"""The visit calendar: one village names each visit; a wider scope counts them per day in the database, and each
figure opens the day's list (issue 12: a province's month costs what a town's does)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import ScheduledVisit, TargetGroup, Visit, VisitPlan
from yizhan.regions.models import Region
from yizhan.tests.factories import PersonFactory

# the wide month: session, user, memberships (scope), two GROUP BY counts, the areas to narrow to, the session's
# renewal (savepoint, update, release: every request under the test settings); a chosen area adds itself and the
# areas above it
WIDE_MONTH_QUERIES = 9
AREA_QUERIES = 2
DAY_LIST_QUERIES = 8  # session, user, memberships, count, page, session renewal (3: see settings/test.py)


def _days():
    """Three days of this month: before today, today, after today where the month allows."""
    today = timezone.localdate()
    first = today.replace(day=1)
    return [first, today, first + timedelta(days=27)]


def _fill(world, villages, per_day, tag):
    """In each village, per day: ``per_day`` open due visits and ``per_day`` recorded visits."""
    with scopes_disabled():
        plan = VisitPlan.all_objects.create(
            name=f"计划{tag}", group=TargetGroup.all_objects.first(), region=world.regions["330109113"]
        )
        for code in villages:
            region = Region.all_objects.get(code=code)
            for day in _days():
                for i in range(per_day):
                    person = PersonFactory(name=f"居民{tag}{code[-6:]}-{day.day}-{i}", region=region)
                    ScheduledVisit.all_objects.create(plan=plan, person=person, due_date=day)
                    if day <= timezone.localdate():
                        Visit.all_objects.create(person=person, visit_date=day)


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return response, len(ctx.captured_queries)


def test_a_station_manager_of_one_village_sees_each_visit(world, client_for):
    _fill(world, ["330109113001"], 1, "a")
    html = client_for(world.users["station_manager"]).get("/people/visits/calendar/").content.decode()
    assert "居民a113001" in html  # a name
    assert "calendar-counted" not in html
    assert 'data-testid="calendar-areas"' not in html  # nothing to narrow to


def test_a_town_admin_sees_counts_per_day_that_open_the_days_list(world, client_for):
    _fill(world, ["330109113001", "330109113002", "330109114001"], 2, "b")
    client = client_for(world.users["town_admin"])
    response = client.get("/people/visits/calendar/")
    html = response.content.decode()
    assert "居民b" not in html  # no names: counts
    assert "calendar-counted" in html
    today = timezone.localdate()
    counts = response.context["weeks"]
    by_day = {d["date"]: d.get("counts") for week in counts for d in week if d}
    first = today.replace(day=1)
    # two villages of 瓜沥镇 × two (党湾镇's 梅西村 is not hers)
    assert by_day[today] == {"due": 4, "overdue": 0, "done": 4}
    if first < today:
        assert by_day[first] == {"due": 0, "overdue": 4, "done": 4}
    assert "4 项到期" in html or "4 项逾期" in html  # zh-Hans by default: readable without the colour
    assert f"/people/visits/calendar/day/?day={today:%Y-%m-%d}&amp;show=done" in html
    # the drill-down: that day's visits, a page of them, with names
    day = client.get(f"/people/visits/calendar/day/?day={today:%Y-%m-%d}&show=done").content.decode()
    assert day.count("居民b") == 4
    assert "居民b114001" not in day  # only her villages
    due = client.get(f"/people/visits/calendar/day/?day={today:%Y-%m-%d}&show=due")
    assert [d.person.region.code for d in due.context["page"]] == ["330109113001"] * 2 + ["330109113002"] * 2


def test_narrowing_to_a_village_names_each_visit_and_to_a_town_counts(world, client_for):
    _fill(world, ["330109113001", "330109114001"], 1, "c")
    client = client_for(world.users["district_admin"])
    wide = client.get("/people/visits/calendar/")
    assert [r.code for r in wide.context["narrower"]] == ["330109113", "330109114"]  # the district's towns
    town = client.get("/people/visits/calendar/?area=330109114")
    assert town.context["wide"]
    assert [r.code for r in town.context["narrower"]] == ["330109114001"]
    assert {d["counts"]["done"] for w in town.context["weeks"] for d in w if d and d.get("counts")} == {1}
    village = client.get("/people/visits/calendar/?area=330109114001")
    html = village.content.decode()
    assert not village.context["wide"]
    assert "居民c114001" in html
    assert "居民c113001" not in html
    assert [r.code for r in village.context["trail"]] == ["330109", "330109114"]  # back up; not above her district
    day = timezone.localdate()
    listed = client.get(f"/people/visits/calendar/day/?day={day:%Y-%m-%d}&show=done&area=330109114")
    assert [v.person.region.code for v in listed.context["page"]] == ["330109114001"]


@pytest.mark.parametrize(
    "url",
    [
        "/people/visits/calendar/?area=330109114",  # another town: refused like a code that does not exist
        "/people/visits/calendar/?area=999999999",
        "/people/visits/calendar/?area=abc",
        "/people/visits/calendar/day/?day=2026-13-01",
        "/people/visits/calendar/day/",
        "/people/visits/calendar/day/?day=2026-03-01&show=all",
        "/people/visits/calendar/day/?day=2026-03-01&area=330109114",
    ],
)
def test_a_refused_filter_says_why_and_shows_nothing(world, client_for, url):
    _fill(world, ["330109114001"], 1, "d")
    response = client_for(world.users["town_admin"]).get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="filter-error"' in html
    assert "居民d" not in html


def test_the_wide_month_costs_the_same_at_two_sizes(world, client_for):
    client = client_for(world.users["district_admin"])
    _fill(world, ["330109113001", "330109114001"], 5, "e")  # 10 a day: the figures keep their width below
    day = timezone.localdate()
    urls = ["/people/visits/calendar/", "/people/visits/calendar/?area=330109113"]
    day_urls = [f"/people/visits/calendar/day/?day={day:%Y-%m-%d}&show={show}" for show in ("due", "done")]
    for url in urls + day_urls:
        _get(client, url)  # warm up (session, content types)
    small = {url: _get(client, url) for url in urls + day_urls}
    with scopes_disabled():  # more villages, people and visits on the same days
        town = Region.all_objects.get(code="330109114")
        for n in range(4, 9):
            Region.all_objects.create(
                code=f"330109114{n:03d}", name=f"新村{n}", level=Region.Level.VILLAGE, parent=town
            )
    _fill(world, ["330109113001", "330109113002", "330109114001", "330109114004", "330109114008"], 1, "f")
    large = {url: _get(client, url) for url in urls + day_urls}
    for url in urls:
        (s_resp, s_queries), (l_resp, l_queries) = small[url], large[url]
        assert s_queries == l_queries == WIDE_MONTH_QUERIES + (AREA_QUERIES if "area" in url else 0), url
        assert len(s_resp.content) == len(l_resp.content), url
    for url in day_urls:
        assert small[url][1] == large[url][1] == DAY_LIST_QUERIES, url


def test_the_calendar_api_counts_per_day_and_pages_the_visits(world, client_for):
    _fill(world, ["330109113001", "330109113002", "330109114001"], 2, "api")
    client = client_for(world.users["town_admin"])
    today = timezone.localdate()
    first, end = today.replace(day=1), today.replace(day=1) + timedelta(days=40)
    days = client.get(f"/api/people/visits/calendar/days?start={first}&end={end}")
    assert days.status_code == 200
    by_day = {row["day"]: row for row in days.json()}
    assert by_day[str(today)] == {"day": str(today), "due": 4, "overdue": 0, "done": 4}  # her two villages × 2
    narrowed = client.get(f"/api/people/visits/calendar/days?start={first}&end={end}&area=330109113001").json()
    assert {row["day"]: row["due"] + row["overdue"] for row in narrowed}[str(today)] == 2
    # the visits come a page at a time, by day
    url = f"/api/people/visits/calendar?start={first}&end={end}&limit=3"
    page1, page2 = client.get(url).json()["visits"], client.get(f"{url}&offset=3").json()["visits"]
    assert len(page1) == 3
    assert not {v["id"] for v in page1} & {v["id"] for v in page2}
    assert [v["due_date"] for v in page1] == sorted(v["due_date"] for v in page1)
    # an area outside her scope, or a limit past the page's bound, changes nothing and says why
    other = client.get(f"/api/people/visits/calendar/days?start={first}&end={end}&area=330109114001")
    assert other.status_code == 400
    assert other.json()["errors"]["area"] == ["请选择您负责其居民的地区。"]
    assert client.get(f"{url[: -len('&limit=3')]}&limit=5000").status_code == 422


@pytest.mark.parametrize("villages", [1, 3])
def test_the_counted_calendar_api_costs_the_same_at_two_sizes(world, client_for, villages):
    _fill(world, ["330109113001", "330109113002", "330109113003"][:villages], 2, "n")
    today = timezone.localdate()
    client = client_for(world.users["town_admin"])
    _, queries = _get(client, f"/api/people/visits/calendar/days?start={today.replace(day=1)}&end={today}")
    assert queries == 8  # session, user, memberships, two GROUP BY counts, session renewal (3, see settings/test.py)
