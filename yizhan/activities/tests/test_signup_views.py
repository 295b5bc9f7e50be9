"""Public activity pages and the public API as a resident uses them on a phone: lists, the activity's page, sign-up
until full and waitlisted, the private link and code (wrong code 404, revoked link dead), cancelling, rate limits,
and answers that carry nobody else's data."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yizhan.activities.models import Activity, ActivityStatus, Audience, Registration
from yizhan.core.scoping import scopes_disabled
from yizhan.notifications import channels
from yizhan.stations.tests.network import build_network

from .helpers import at, make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox():
    channels.LocMemBackend.outbox.clear()
    yield channels.LocMemBackend.outbox
    channels.LocMemBackend.outbox.clear()


def _form(mobile="13800138000", **changes):
    data = {"name": "王小红", "mobile": mobile, "children": "0", "children_ages": "", "consent": "on"}
    data.update(changes)
    return data


def _api(client, path, payload):
    return client.post(path, json.dumps(payload), content_type="application/json")


def _registrations(activity):
    with scopes_disabled():
        return list(Registration.all_objects.filter(activity=activity).order_by("position"))


def test_station_page_links_the_public_list_which_shows_upcoming_public_activities_soonest_first(world):
    n = build_network(world)
    later = make_activity(n.station, title="学英语", days=9)
    sooner = make_activity(n.station, title="亲子手工", days=3, seats=1)
    make_activity(n.station, title="村民专场", audience=Audience.VILLAGE)
    make_activity(n.station, title="草稿", status=ActivityStatus.DRAFT)
    make_activity(n.station, title="平安走访", days=-3, status=ActivityStatus.COMPLETED)
    make_activity(n.other_station, title="梅西读书会")
    client = Client()
    station_page = client.get(f"/public/stations/{n.station.pk}/").content.decode()
    assert f"/activities/public/stations/{n.station.pk}/" in station_page
    page = client.get(f"/activities/public/stations/{n.station.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("亲子手工") < text.index("学英语")
    for hidden in ("村民专场", "草稿", "平安走访", "梅西读书会"):
        assert hidden not in text
    town = client.get("/activities/public/towns/330109113/").content.decode()
    assert "亲子手工" in town
    assert "梅西读书会" not in town
    assert (
        client.get("/activities/public/towns/330109114/").content.decode().count('data-testid="public-activity"') == 1
    )
    filtered = client.get(f"/activities/public/stations/{n.station.pk}/?date_from={at(5).date().isoformat()}")
    assert "学英语" in filtered.content.decode()
    assert "亲子手工" not in filtered.content.decode()
    bad = client.get(f"/activities/public/stations/{n.station.pk}/?date_from=2026-13-01")
    assert bad.status_code == 400
    assert 'data-testid="public-activity"' not in bad.content.decode()
    assert client.get(f"/activities/public/stations/{n.planned_station.pk}/").status_code == 404
    assert client.get("/activities/public/towns/999/").status_code == 404
    detail = client.get(f"/activities/public/{later.pk}/").content.decode()
    assert "学英语" in detail
    assert "10" in detail
    assert "同意" in detail
    assert sooner.pk  # listed above


def test_public_list_costs_the_same_queries_at_any_size(world, django_assert_num_queries):
    n = build_network(world)
    make_activity(n.station, title="一")
    client = Client()
    url = f"/activities/public/stations/{n.station.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(25):
        make_activity(n.station, title=f"活动{i}", days=i + 1)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_hidden_activities_have_no_public_page(world):
    n = build_network(world)
    client = Client()
    for kwargs in ({"audience": Audience.VILLAGE}, {"audience": Audience.INVITED}, {"status": ActivityStatus.DRAFT}):
        activity = make_activity(n.station, **kwargs)
        assert client.get(f"/activities/public/{activity.pk}/").status_code == 404
        assert client.post(f"/activities/public/{activity.pk}/signup/", _form()).status_code == 404
        assert _api(client, f"/api/public/activities/{activity.pk}/signup", {}).status_code in (404, 422)
    assert _registrations(activity) == []


def test_sign_up_until_full_then_waitlisted_then_cancel_by_link_and_by_code(
    world, outbox, django_capture_on_commit_callbacks
):
    n = build_network(world)
    activity = make_activity(n.station, seats=1)
    client = Client()
    first = client.post(f"/activities/public/{activity.pk}/signup/", _form())
    assert first.status_code == 200
    body = first.content.decode()
    assert "名额已确认" in body
    link = re.search(r'href="[^"]*(/activities/public/r/[^/"]+/)" data-testid="private-link"', body).group(1)
    code = re.search(r'data-testid="private-code">(\d{8})<', body).group(1)
    second = client.post(
        f"/activities/public/{activity.pk}/signup/",
        _form("13900139000", name="小明", participant_age="8", guardian_name="王芳", children="1", children_ages="4"),
    )
    assert "候补" in second.content.decode()
    twice = client.post(f"/activities/public/{activity.pk}/signup/", _form())
    assert twice.status_code == 400
    assert "已报名" in twice.content.decode()
    assert [r.status for r in _registrations(activity)] == ["confirmed", "waitlisted"]
    # the private link shows the registration, masked, and nobody else's
    mine = client.get(link).content.decode()
    assert "王小红" in mine
    assert "138****8000" in mine
    assert "小明" not in mine
    assert "13800138000" not in mine
    # a wrong code: 404 and nothing shown
    wrong = client.post(f"/activities/public/{activity.pk}/mine/", {"mobile": "13800138000", "code": "00000000"})
    assert wrong.status_code == 404
    assert "王小红" not in wrong.content.decode()
    assert client.get("/activities/public/r/not-a-real-token-at-all-000000000/").status_code == 404
    found = client.post(f"/activities/public/{activity.pk}/mine/", {"mobile": "138 0013 8000", "code": code})
    assert found.status_code == 200
    assert "王小红" in found.content.decode()
    # cancel through the link: the waitlisted child gets the seat and the guardian is told
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link + "cancel/").status_code == 302
    assert [r.status for r in _registrations(activity)] == ["cancelled", "confirmed"]
    assert [m.mobile for m in outbox] == ["13900139000"]
    assert "已取消" in client.get(link).content.decode()
    child = _registrations(activity)[1]
    assert child.guardian_name == "王芳"
    assert child.participant_age == 8
    assert child.children_ages == [4]
    # the child's guardian cancels by mobile number and code
    child_code = re.search(r'data-testid="private-code">(\d{8})<', second.content.decode()).group(1)
    done = client.post(
        f"/activities/public/{activity.pk}/mine/", {"mobile": "13900139000", "code": child_code, "cancel": "1"}
    )
    assert done.status_code == 200
    assert "您的报名已取消" in done.content.decode()
    assert [r.status for r in _registrations(activity)] == ["cancelled", "cancelled"]
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 0


def test_bad_sign_ups_answer_400_with_the_reason_and_save_nothing(world):
    n = build_network(world)
    activity = make_activity(n.station)
    client = Client()
    cases = [
        (_form(consent=""), "勾选同意"),
        (_form(mobile="123"), "11 位"),
        (_form(name=""), ""),
        (_form(name="王" * 51), ""),
        (_form(name="王\x01"), "控制字符"),
        (_form(participant_age="8"), "监护人"),
        (_form(children="2", children_ages="5"), "每名随行儿童"),
        (_form(children_ages="五岁", children="1"), "整数"),
    ]
    for data, message in cases:
        response = client.post(f"/activities/public/{activity.pk}/signup/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode()
    assert _registrations(activity) == []
    closed = make_activity(n.station, signup_closes_at=at(-1))
    after_window = client.post(f"/activities/public/{closed.pk}/signup/", _form())
    assert after_window.status_code == 400
    assert "报名已于" in after_window.content.decode()


def test_sign_up_is_rate_limited_per_address(world, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "signup": "2/hour"}
    from django.core.cache import cache

    cache.clear()
    n = build_network(world)
    activity = make_activity(n.station, seats=5)
    client = Client()
    assert client.post(f"/activities/public/{activity.pk}/signup/", _form("13800000001")).status_code == 200
    assert (
        _api(
            client,
            f"/api/public/activities/{activity.pk}/signup",
            {"name": "甲", "mobile": "13800000002", "consent": True},
        ).status_code
        == 201
    )
    refused = client.post(f"/activities/public/{activity.pk}/signup/", _form("13800000003"))
    assert refused.status_code == 429
    assert "次数过多" in refused.content.decode()
    assert _api(client, "/api/public/activities/mine", {"token": "x" * 32}).status_code == 429
    assert len(_registrations(activity)) == 2
    cache.clear()


def test_public_api_list_detail_signup_lookup_cancel(world, outbox, django_capture_on_commit_callbacks):
    n = build_network(world)
    activity = make_activity(n.station, seats=1, title="亲子手工")
    make_activity(n.other_station, title="梅西读书会")
    client = Client()
    listed = client.get(f"/api/public/activities/?town=330109113&date_from={at(0).date().isoformat()}").json()
    assert [item["title"] for item in listed["items"]] == ["亲子手工"]
    assert listed["items"][0]["seats_left"] == 1
    assert listed["items"][0]["full"] is False
    assert client.get("/api/public/activities/?station=999999").json()["meta"]["count"] == 0
    detail = client.get(f"/api/public/activities/{activity.pk}").json()
    assert "同意" in detail["consent_text"]
    assert "confirmed_count" not in detail
    base = {"name": "王小红 🌸", "mobile": "13800138000", "consent": True}
    created = _api(client, f"/api/public/activities/{activity.pk}/signup", base)
    assert created.status_code == 201
    signed = created.json()
    assert signed["registration"]["status"] == "confirmed"
    assert signed["registration"]["mobile_masked"] == "138****8000"
    assert "13800138000" not in created.content.decode()
    assert signed["link"].endswith(f"/activities/public/r/{signed['token']}/")
    waiting = _api(
        client,
        f"/api/public/activities/{activity.pk}/signup",
        {**base, "mobile": "13900139000", "name": "小明", "participant_age": 6, "guardian_name": "王芳"},
    ).json()
    assert waiting["registration"]["status"] == "waitlisted"
    assert waiting["registration"]["waitlist_place"] == 1
    assert _api(client, f"/api/public/activities/{activity.pk}/signup", base).status_code == 400  # twice
    assert _api(client, f"/api/public/activities/{activity.pk}/signup", {**base, "consent": False}).status_code == 400
    assert _api(client, f"/api/public/activities/{activity.pk}/signup", {**base, "mobile": "1"}).status_code == 400
    bad_age = _api(client, f"/api/public/activities/{activity.pk}/signup", {**base, "children_ages": [99]})
    assert bad_age.status_code == 422
    huge = _api(client, f"/api/public/activities/{activity.pk}/signup", {**base, "name": "王" * 5000})
    assert huge.status_code == 422
    assert _api(client, "/api/public/activities/999999/signup", base).status_code == 404
    # look up by token and by code; wrong ones 404
    by_token = _api(client, "/api/public/activities/mine", {"token": signed["token"]})
    assert by_token.status_code == 200
    assert by_token.json()["name"] == "王小红 🌸"
    by_code = _api(
        client,
        "/api/public/activities/mine",
        {"activity": activity.pk, "mobile": "13900139000", "code": waiting["code"]},
    )
    assert by_code.json()["guardian_name"] == "王芳"
    assert by_code.json()["name"] == "小明"
    for wrong in (
        {"token": "x" * 32},
        {"activity": activity.pk, "mobile": "13900139000", "code": signed["code"]},
        {"activity": activity.pk, "mobile": "13900139000"},
        {},
    ):
        assert _api(client, "/api/public/activities/mine", wrong).status_code == 404
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = _api(client, "/api/public/activities/mine/cancel", {"token": signed["token"]})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert _api(client, "/api/public/activities/mine/cancel", {"token": signed["token"]}).status_code == 400
    promoted = _api(client, "/api/public/activities/mine", {"token": waiting["token"]}).json()
    assert promoted["status"] == "confirmed"
    assert promoted["waitlist_place"] is None
    assert [m.kind for m in outbox] == ["activity_promoted"]


def test_staff_give_a_new_link_and_the_old_one_is_dead(world, client_for, outbox, django_capture_on_commit_callbacks):
    n = build_network(world)
    activity = make_activity(n.station)
    public = Client()
    signed = _api(
        public,
        f"/api/public/activities/{activity.pk}/signup",
        {"name": "王小红", "mobile": "13800138000", "consent": True},
    ).json()
    reg = _registrations(activity)[0]
    manager = client_for(world.users["station_manager"])
    detail = manager.get(f"/activities/{activity.pk}/").content.decode()
    assert 'data-testid="new-link"' in detail
    assert "公开报名" in detail
    assert "13800138000" not in detail
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = manager.post(f"/activities/{activity.pk}/registrations/{reg.pk}/new-link/")
    assert answer.status_code == 302
    assert public.get(f"/activities/public/r/{signed['token']}/").status_code == 404
    new_link = re.search(r"(/activities/public/r/[^/ ]+/)", outbox[0].text).group(1)
    assert public.get(new_link).status_code == 200
    api = manager.post(f"/api/activities/{activity.pk}/registrations/{reg.pk}/new-link")
    assert api.status_code == 200
    assert api.json()["mobile_masked"] == "138****8000"
    assert public.get(new_link).status_code == 404
    other = client_for(world.users["other_station_manager"])
    assert other.post(f"/activities/{activity.pk}/registrations/{reg.pk}/new-link/").status_code == 404
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 1


def test_staff_api_registrations_show_the_guardian_and_the_children_with_the_mobile_masked(world, client_for):
    n = build_network(world)
    activity = make_activity(n.station, seats=5)
    public = Client()
    child = _api(
        public,
        f"/api/public/activities/{activity.pk}/signup",
        {
            "name": "小明",
            "mobile": "13900139000",
            "consent": True,
            "participant_age": 8,
            "guardian_name": "王芳",
            "children_ages": [4, 6],
        },
    )
    assert child.status_code == 201
    adult = _api(
        public,
        f"/api/public/activities/{activity.pk}/signup",
        {"name": "王小红", "mobile": "13800138000", "consent": True},
    )
    assert adult.status_code == 201
    manager = client_for(world.users["station_manager"])
    answer = manager.get(f"/api/activities/{activity.pk}/registrations")
    assert answer.status_code == 200
    rows = {row["name"]: row for row in answer.json()}
    assert rows["小明"]["guardian_name"] == "王芳"
    assert rows["小明"]["participant_age"] == 8
    assert rows["小明"]["children_ages"] == [4, 6]
    assert rows["小明"]["children"] == 2
    assert rows["小明"]["via"] == "public"
    assert rows["小明"]["mobile_masked"] == "139****9000"
    assert rows["王小红"]["guardian_name"] == ""
    assert rows["王小红"]["participant_age"] is None
    assert rows["王小红"]["children_ages"] == []
    assert rows["王小红"]["children"] == 0
    text = answer.content.decode()
    assert "13900139000" not in text
    assert "13800138000" not in text
    # the staff page shows the same
    page = manager.get(f"/activities/{activity.pk}/").content.decode()
    assert "王芳" in page
    assert "4, 6" in page
    # another station's manager sees nothing of it
    other = client_for(world.users["other_station_manager"])
    assert other.get(f"/api/activities/{activity.pk}/registrations").status_code == 404
