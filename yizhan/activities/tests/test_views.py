"""Activity pages and API as staff use them: plan, publish, register until the waitlist starts, stale edits, masked
numbers, and a list whose query count does not grow with the table."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yizhan.activities.models import Activity, Registration
from yizhan.core.scoping import scopes_disabled
from yizhan.core.versioning import STALE_MESSAGE
from yizhan.stations.tests.network import build_network

from .helpers import at, build_activities, make_activity, residents

pytestmark = pytest.mark.django_db


def _form(station, **changes):
    data = {
        "station": station.pk,
        "title": "亲子手工 🎨",
        "starts_at": at(10).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(10, 11).strftime("%Y-%m-%dT%H:%M"),
        "seats": "2",
        "audience": "public",
    }
    data.update(changes)
    return data


def test_manager_plans_publishes_and_registers_until_the_waitlist(world, client_for):
    n = build_network(world)
    client = client_for(world.users["station_manager"])
    response = client.post("/activities/new/", _form(n.station, room=n.room.pk))
    assert response.status_code == 302
    with scopes_disabled():
        activity = Activity.all_objects.get()
    assert activity.starts_at == at(10)
    assert client.post(f"/activities/{activity.pk}/publish/").status_code == 302
    people = residents(world.regions["330109113001"], 3)
    page = client.get(f"/activities/{activity.pk}/register/?q=居民")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="person-row"') == 3
    assert "135****0000" in page.content.decode()  # masked
    for person in people:
        assert (
            client.post(f"/activities/{activity.pk}/register/", {"person": person.pk, "q": "居民"}).status_code == 302
        )
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert detail.count('data-testid="confirmed-row"') == 2
    assert detail.count('data-testid="waitlisted-row"') == 1
    assert "13510000000" not in detail
    again = client.post(f"/activities/{activity.pk}/register/", {"person": people[0].pk}, follow=True)
    assert "居民0已报名本活动。" in again.content.decode()
    with scopes_disabled():
        assert Registration.all_objects.filter(activity=activity).count() == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": at(10, 8).strftime("%Y-%m-%dT%H:%M")}, "ends_at"),
        ({"seats": "0"}, "seats"),
        ({"seats": "-1"}, "seats"),
        ({"seats": "41", "room": "ROOM"}, "seats"),
        ({"title": "标" * 101}, "title"),
        ({"starts_at": "昨天"}, "starts_at"),
    ],
)
def test_bad_plans_answer_400_with_the_reason_and_save_nothing(world, client_for, changes, field):
    n = build_network(world)
    if changes.get("room") == "ROOM":
        changes = {**changes, "room": n.room.pk}
    response = client_for(world.users["station_manager"]).post("/activities/new/", _form(n.station, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    with scopes_disabled():
        assert not Activity.all_objects.exists()


def test_stale_page_edit_is_refused(world, client_for):
    w = build_activities(world)
    manager, admin = client_for(world.users["station_manager"]), client_for(world.users["town_admin"])
    data = {
        "title": "绘画（新）",
        "starts_at": at(14).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(14, 11).strftime("%Y-%m-%dT%H:%M"),
        "seats": "10",
        "audience": "public",
        "version": "1",
    }
    assert manager.post(f"/activities/{w.draft.pk}/edit/", data).status_code == 302
    response = admin.post(f"/activities/{w.draft.pk}/edit/", {**data, "title": "绘画（镇里）"})
    assert response.status_code == 400
    assert response.context["form"].errors["version"] == [str(STALE_MESSAGE)]
    with scopes_disabled():
        assert Activity.all_objects.get(pk=w.draft.pk).title == "绘画（新）"


def test_api_plan_patch_stale_register_and_masked_numbers(world, client_for):
    n = build_network(world)
    client = client_for(world.users["town_admin"])
    payload = {
        "station": n.station.pk,
        "title": "学英语",
        "starts_at": at(20).replace(tzinfo=None).isoformat(),  # no offset: read as Asia/Shanghai
        "ends_at": at(20, 11).isoformat(),
        "seats": 1,
        "service_lines": ["education"],
    }
    created = client.post("/api/activities/", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["service_lines"] == ["education"]
    assert body["status"] == "draft"
    pk = body["id"]
    with scopes_disabled():
        assert Activity.all_objects.get(pk=pk).starts_at == at(20)
    patch = client.patch(
        f"/api/activities/{pk}", json.dumps({"version": 1, "seats": 2}), content_type="application/json"
    )
    assert patch.status_code == 200
    assert patch.json()["version"] == 2
    stale = client.patch(
        f"/api/activities/{pk}", json.dumps({"version": 1, "seats": 3}), content_type="application/json"
    )
    assert stale.status_code == 409
    closed = client.post(
        f"/api/activities/{pk}/registrations", json.dumps({"person": 1}), content_type="application/json"
    )
    assert closed.status_code == 400
    assert client.post(f"/api/activities/{pk}/publish").json()["status"] == "published"
    people = residents(world.regions["330109113001"], 3)
    statuses = []
    for person in people:
        answer = client.post(
            f"/api/activities/{pk}/registrations", json.dumps({"person": person.pk}), content_type="application/json"
        )
        assert answer.status_code == 201
        statuses.append(answer.json()["status"])
        assert answer.json()["mobile_masked"].startswith("135****")
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    listed = client.get(f"/api/activities/{pk}/registrations").json()
    first = listed[0]["id"]
    cancelled = client.post(f"/api/activities/{pk}/registrations/{first}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    after = {r["person"]: r["status"] for r in client.get(f"/api/activities/{pk}/registrations").json()}
    assert after[people[2].pk] == "confirmed"
    bad = client.post(f"/api/activities/{pk}/cancel", json.dumps({"reason": ""}), content_type="application/json")
    assert bad.status_code == 422
    over_room = client.post(
        "/api/activities/", json.dumps({**payload, "room": n.room.pk, "seats": 41}), content_type="application/json"
    )
    assert over_room.status_code == 400
    assert over_room.json()["errors"]["seats"] == ["功能室公益活动室可容纳40人：名额不能超过这个数。"]


def _list_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get("/activities/?status=published")
    assert response.status_code == 200


def test_list_costs_the_same_queries_at_any_size(world, client_for, django_assert_num_queries):
    n = build_network(world)
    client = client_for(world.users["town_admin"])
    make_activity(n.station, title="一")
    client.get("/activities/")  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get("/activities/?status=published").status_code == 200
    for i in range(30):
        make_activity(n.station if i % 2 else n.other_station, title=f"活动{i}", days=i + 1)
    _list_queries(client, django_assert_num_queries, len(small.captured_queries))


def test_filters_refuse_bad_input_and_list_nothing(world, client_for):
    build_activities(world)
    client = client_for(world.users["town_admin"])
    response = client.get("/activities/?date_from=2026-13-01&station=abc")
    assert response.status_code == 400
    assert 'data-testid="activity-row"' not in response.content.decode()
    ok = client.get("/activities/?service_line=education&date_from=2020-01-01&date_to=2099-01-01")
    assert ok.status_code == 200


def test_list_counts_the_waitlist_of_the_page_rows_only(world, client_for, settings):
    """The waitlist column is one aggregate over the shown page's registrations: neither the page's query nor the
    paginator's count joins the registrations of every activity (which made the time grow with the table)."""
    settings.PAGE_SIZE = 3
    n = build_network(world)
    client = client_for(world.users["town_admin"])
    newest = make_activity(n.station, title="最新", days=30, seats=1)
    make_activity(n.station, title="其次", days=29)
    oldest = make_activity(n.station, title="最早", days=1, seats=1)
    for i in range(4):
        make_activity(n.station, title=f"中间{i}", days=10 + i)
    people = residents(world.regions["330109113001"], 4, start=700)
    with scopes_disabled():
        for activity, group in ((newest, people[:3]), (oldest, people[3:])):
            for position, person in enumerate(group, start=1):
                Registration.all_objects.create(
                    activity=activity,
                    person=person,
                    name=person.name,
                    mobile=person.mobile,
                    status=Registration.Status.CONFIRMED if position == 1 else Registration.Status.WAITLISTED,
                    position=position,
                )
    client.get("/activities/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/activities/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="activity-row"') == 3
    assert text.index("最新") < text.index("其次")
    assert "最早" not in text
    assert [int(x) for x in re.findall(r'data-testid="waitlist">(\d+)<', text)] == [2, 0, 0]
    touching = [q["sql"] for q in ctx.captured_queries if "activities_registration" in q["sql"]]
    assert len(touching) == 1
    shown = {int(pk) for pk in re.findall(r'data-testid="activity-row"><td><a href="/activities/(\d+)/"', text)}
    assert len(shown) == 3
    assert {int(pk) for pk in re.search(r"activity_id\" IN \(([^)]*)\)", touching[0]).group(1).split(", ")} == shown
    api = client.get("/api/activities/?limit=3").json()
    assert [item["title"] for item in api["items"]] == ["最新", "其次", "中间3"]
