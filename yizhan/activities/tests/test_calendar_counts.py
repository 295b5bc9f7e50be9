"""Above one town the staff month calendar counts each day's activities in the database and opens the day's list a
page at a time (issue 12): a district's or a province's month costs what a town's does."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .helpers import build_activities, make_activity


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(ctx.captured_queries)


def test_a_district_admins_month_counts_and_a_town_admins_lists(world, client_for):
    a = build_activities(world)
    day = timezone.localtime(a.activity.starts_at).date()
    district = client_for(world.users["district_admin"])
    month = district.get(f"/activities/calendar/?day={day.isoformat()}")
    html = month.content.decode()
    assert month.context["counted"]
    assert "学英语" not in html
    counts = {d.day: d.count for week in month.context["weeks"] for d in week if d.count}
    assert counts[day] == 2  # 学英语 and 梅西读书会 (another town, still her district); the draft is on another day
    assert "2 项活动" in html
    listed = district.get(f"/activities/calendar/day/?day={day.isoformat()}")
    names = [x.title for x in listed.context["page"]]
    assert names.count("学英语") == 1
    assert "梅西读书会" in names
    # narrowed to a town, the month lists each activity again
    town = district.get(f"/activities/calendar/?day={day.isoformat()}&town=330109113").content.decode()
    assert "学英语" in town
    assert "梅西读书会" not in town
    assert not client_for(world.users["town_admin"]).get(f"/activities/calendar/?day={day}").context["counted"]
    # the week and the two-week list count too
    for view in ("week", "list"):
        page = district.get(f"/activities/calendar/{view}/?day={day.isoformat()}")
        assert page.context["counted"], view
        assert "学英语" not in page.content.decode()
        assert "2 项活动" in page.content.decode()


def test_the_counted_month_and_the_day_cost_the_same_at_two_sizes(world, client_for):
    a = build_activities(world)
    day = timezone.localtime(a.activity.starts_at).date()
    client = client_for(world.users["district_admin"])
    urls = [
        f"/activities/calendar/?day={day.isoformat()}",
        f"/activities/calendar/day/?day={day.isoformat()}",
        f"/activities/calendar/week/?day={day.isoformat()}",
        f"/activities/calendar/list/?day={day.isoformat()}",
    ]
    for url in urls:
        _get(client, url)
    small = {url: _get(client, url) for url in urls}
    for i in range(60):  # more on the same day, past a page of the day's list
        make_activity(a.activity.station, title=f"活动{i:02d}", starts_at=a.activity.starts_at + timedelta(minutes=i))
    large = {url: _get(client, url) for url in urls}
    for url in urls:
        assert small[url][1] == large[url][1], url
    for url in (urls[0], urls[2], urls[3]):  # "2 项活动" → "62 项活动": one digit more, nothing else
        assert len(small[url][0].content) + 1 == len(large[url][0].content), url
    assert len(large[urls[1]][0].context["page"].object_list) == 50
