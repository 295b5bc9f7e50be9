"""A station's public activities as an iCalendar feed: what the public may see, nothing more, readable by calendars."""

from datetime import timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from yizhan.activities.models import ActivityStatus, Audience
from yizhan.activities.tests.helpers import at, build_activities, make_activity
from yizhan.core.scoping import scopes_disabled
from yizhan.stations.models import Status

pytestmark = pytest.mark.django_db


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_lists_public_activities_with_times_and_place(world):
    w = build_activities(world)
    station = w.activity.station
    make_activity(station, title="讲座：婚姻法, 家庭与\n子女", description="第一行\n第二行；分号", days=3)
    make_activity(station, title="仅限本村", audience=Audience.VILLAGE, days=3)
    make_activity(station, title="邀请制", audience=Audience.INVITED, days=3)
    make_activity(station, title="已取消", status=ActivityStatus.CANCELLED, days=3)
    make_activity(station, title="很久以前", days=-200)
    events = _events(Client().get(f"/activities/stations/{station.pk}/calendar.ics"))
    assert set(events) == {"学英语", "平安走访", "讲座：婚姻法, 家庭与\n子女"}  # the draft, other audiences, old: out
    lecture = events["讲座：婚姻法, 家庭与\n子女"]
    assert str(lecture["description"]) == "第一行\n第二行；分号"
    english = events["学英语"]
    assert english["dtstart"].dt == w.activity.starts_at
    assert english["dtend"].dt == w.activity.ends_at
    assert str(english["uid"]) == f"activity-{w.activity.pk}@yizhan"
    assert station.display_name in str(english["location"])
    assert w.activity.room.name in str(english["location"])


def test_the_feed_carries_no_registrations_and_is_the_same_for_staff(world, client_for):
    w = build_activities(world)
    station = w.activity.station
    anonymous = Client().get(f"/activities/stations/{station.pk}/calendar.ics").content
    staff = client_for(world.users["station_manager"]).get(f"/activities/stations/{station.pk}/calendar.ics").content
    text = anonymous.decode()
    with scopes_disabled():
        for registration in w.activity.registrations.all():
            assert registration.name not in text
            assert registration.mobile not in text
    assert "绘画" not in text  # the draft
    assert _strip_stamps(staff) == _strip_stamps(anonymous)


def _strip_stamps(body: bytes) -> list[str]:
    return [line for line in body.decode().splitlines() if not line.startswith("DTSTAMP")]


def test_a_station_the_public_does_not_see_has_no_feed(world):
    w = build_activities(world)
    with scopes_disabled():
        type(w.activity.station).all_objects.filter(pk=w.activity.station_id).update(status=Status.PLANNED)
    assert Client().get(f"/activities/stations/{w.activity.station_id}/calendar.ics").status_code == 404
    assert Client().post(f"/activities/stations/{w.activity.station_id}/calendar.ics").status_code == 405


def test_the_feed_reaches_back_90_days_only(world):
    w = build_activities(world)
    make_activity(w.activity.station, title="上个月", starts_at=at(-30), ends_at=at(-30) + timedelta(hours=2))
    events = _events(Client().get(f"/activities/stations/{w.activity.station_id}/calendar.ics"))
    assert "上个月" in events


def test_the_public_station_page_links_to_its_feed(world):
    w = build_activities(world)
    html = Client().get(f"/public/stations/{w.activity.station_id}/").content.decode()
    assert f'href="/activities/stations/{w.activity.station_id}/calendar.ics"' in html
    assert "把本驿站的活动添加到手机日历" in html
