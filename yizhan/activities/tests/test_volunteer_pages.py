"""Volunteer, series and calendar pages and API: a volunteer signs up from the home page, checks in and out, the
manager confirms, the certificate (PDF text) and the Excel report hold the confirmed hours; home panels and lists
cost a fixed number of queries; bad input answers with a message and changes nothing."""

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from yizhan.accounts.models import Role
from yizhan.activities.models import Activity, ActivityStatus, HoursStatus, Shift, ShiftSignup, SignupStatus
from yizhan.core.scoping import scopes_disabled
from yizhan.tests.factories import user_with_role
from yizhan.tests.pdf import pdf_text

from .helpers import at, build_activities, make_activity
from .volunteers import build_volunteers, make_shift, make_signup

pytestmark = pytest.mark.django_db


def _signups(shift):
    with scopes_disabled():
        return ShiftSignup.all_objects.filter(shift=shift, status=SignupStatus.SIGNED_UP).count()


def test_volunteer_signs_up_from_home_checks_in_and_out_and_the_manager_confirms(world, client_for):
    v = build_volunteers(world)
    volunteer = client_for(v.volunteer)
    home = volunteer.get("/accounts/home/").content.decode()
    assert 'data-testid="volunteer-panel"' in home
    assert f"/activities/shifts/{v.shift.pk}/signup/" in home
    assert volunteer.post(f"/activities/shifts/{v.shift.pk}/signup/").status_code == 302
    assert _signups(v.shift) == 1
    # the shift starts in an hour: check in, then out
    now = timezone.now()
    with scopes_disabled():
        Shift.all_objects.filter(pk=v.shift.pk).update(
            starts_at=now - timedelta(minutes=20), ends_at=now + timedelta(hours=1)
        )
        signup = ShiftSignup.all_objects.get(shift=v.shift, volunteer=v.volunteer)
        ShiftSignup.all_objects.filter(pk=signup.pk)
    assert volunteer.post(f"/activities/signups/{signup.pk}/check-out/").status_code == 302  # refused: not in yet
    assert volunteer.post(f"/activities/signups/{signup.pk}/check-in/").status_code == 302
    with scopes_disabled():
        ShiftSignup.all_objects.filter(pk=signup.pk).update(checked_in_at=now - timedelta(hours=2))
    page = volunteer.get("/activities/volunteers/me/").content.decode()
    assert 'data-testid="check-out"' in page
    assert volunteer.post(f"/activities/signups/{signup.pk}/check-out/").status_code == 302
    with scopes_disabled():
        signup.refresh_from_db()
    assert signup.hours_status == HoursStatus.PENDING
    assert signup.minutes == 120
    manager = client_for(world.users["station_manager"])
    assert 'data-testid="hours-to-confirm"' in manager.get("/accounts/home/").content.decode()
    listing = manager.get("/activities/hours/?status=pending").content.decode()
    assert f"/activities/signups/{signup.pk}/confirm/" in listing
    assert manager.post(f"/activities/signups/{signup.pk}/confirm/").status_code == 302
    with scopes_disabled():
        signup.refresh_from_db()
    assert signup.hours_status == HoursStatus.CONFIRMED
    # the certificate of hours
    response = volunteer.get("/activities/volunteers/me/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    today = timezone.localdate()
    for item in ("林巧", "四融驿站", "学英语", "2.0", f"{today.year}-01-01", today.strftime("%Y-%m-%d")):
        assert item in text, item
    assert "平安走访" not in text  # pending hours are not on it


def test_certificate_counts_only_confirmed_hours_in_the_period(world, client_for):
    v = build_volunteers(world)
    client = client_for(v.volunteer)
    text = pdf_text(client.get("/activities/volunteers/me/certificate.pdf").content)
    assert "0.0" in text
    assert "平安走访" not in text
    with scopes_disabled():
        ShiftSignup.all_objects.filter(pk=v.pending.pk).update(hours_status=HoursStatus.CONFIRMED)
    text = pdf_text(client.get("/activities/volunteers/me/certificate.pdf").content)
    assert "平安走访" in text
    assert "1.5" in text
    bad = client.get("/activities/volunteers/me/certificate.pdf?date_from=2026-13-01")
    assert bad.status_code == 302


def test_hours_excel_per_station_and_town(world, client_for):
    v = build_volunteers(world)
    with scopes_disabled():
        ShiftSignup.all_objects.filter(pk=v.pending.pk).update(hours_status=HoursStatus.CONFIRMED)
        ShiftSignup.all_objects.filter(pk=v.youyi_pending.pk).update(hours_status=HoursStatus.CONFIRMED)
    start = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = client_for(world.users["town_admin"]).get(f"/activities/hours.xlsx?date_from={start}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    stations = [row for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert ("瓜沥镇", "隆园社区", "四融驿站", 1, 1, 1.5) in stations
    assert [r[5] for r in stations if r[1] == "友谊村"] == [0.9]
    towns = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert towns == [("瓜沥镇", 2.4)]
    people = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert ("四融驿站", "林巧", 1, 1.5) in people
    # another town's admin: nothing of 瓜沥镇
    other = client_for(world.users["other_town_admin"]).get(f"/activities/hours.xlsx?date_from={start}")
    assert list(load_workbook(io.BytesIO(other.content)).worksheets[0].iter_rows(min_row=3, values_only=True)) == []


def test_correct_hours_bad_input_changes_nothing(world, client_for):
    v = build_volunteers(world)
    manager = client_for(world.users["station_manager"])
    for data in (
        {"hours": "-1", "reason": "错", "version": "1"},
        {"hours": "25", "reason": "错", "version": "1"},
        {"hours": "2", "reason": "", "version": "1"},
        {"hours": "2", "reason": "错" * 501, "version": "1"},
        {"hours": "2", "reason": "错", "version": "9"},
    ):
        manager.post(f"/activities/signups/{v.pending.pk}/correct/", data)
        with scopes_disabled():
            assert ShiftSignup.all_objects.get(pk=v.pending.pk).minutes == 90, data
    response = manager.post(
        f"/activities/signups/{v.pending.pk}/correct/",
        {"hours": "2.5", "reason": "布置场地 🎈", "version": "1"},
        follow=True,
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert ShiftSignup.all_objects.get(pk=v.pending.pk).minutes == 150


def test_shift_page_adds_shifts_and_refuses_bad_ones(world, client_for):
    a = build_activities(world)
    manager = client_for(world.users["station_manager"])
    assert manager.post(f"/activities/{a.activity.pk}/shifts/", {"role": "photo", "slots": "2"}).status_code == 302
    for data in ({"role": "photo", "slots": "0"}, {"role": "photo", "slots": "500"}, {"role": "x", "slots": "1"}):
        assert manager.post(f"/activities/{a.activity.pk}/shifts/", data).status_code == 400
    page = manager.get(f"/activities/{a.activity.pk}/shifts/").content.decode()
    assert page.count('data-testid="shift"') == 1
    assert 'data-testid="shifts-link"' in manager.get(f"/activities/{a.activity.pk}/").content.decode()


def test_profile_page_masks_the_number_and_refuses_bad_input(world, client_for):
    v = build_volunteers(world)
    client = client_for(v.volunteer)
    ok = client.post(
        "/activities/volunteers/me/profile/",
        {"skills": ["photo", "safety"], "availability": "weekend_am", "phone": "13900001111", "version": "1"},
    )
    assert ok.status_code == 302
    assert client.post("/activities/volunteers/me/profile/", {"skills": "flying", "version": "2"}).status_code == 400
    assert client.post("/activities/volunteers/me/profile/", {"note": "x\x00", "version": "2"}).status_code == 400
    manager = client_for(world.users["station_manager"]).get("/activities/volunteers/").content.decode()
    assert "139****1111" in manager
    assert "13900001111" not in manager


# --- series pages -------------------------------------------------------------------------------------------------


def test_series_page_plans_drafts_and_names_a_clashing_date(world, client_for):
    a = build_activities(world)
    room = a.activity.room
    manager = client_for(world.users["station_manager"])
    data = {
        "station": a.activity.station_id,
        "title": "周六学英语",
        "starts_at": at(3).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(3, 11).strftime("%Y-%m-%dT%H:%M"),
        "seats": "10",
        "audience": "public",
        "repeat": "weekly",
        "count": "3",
        "room": room.pk,
    }
    with scopes_disabled():
        before = Activity.all_objects.count()
    make_activity(a.activity.station, title="占用", starts_at=at(10), ends_at=at(10, 10), room=room)
    refused = manager.post("/activities/series/new/", data)
    assert refused.status_code == 400
    assert (timezone.localdate() + timedelta(days=10)).isoformat() in refused.content.decode()
    assert manager.post("/activities/series/new/", {**data, "count": "53"}).status_code == 400
    assert manager.post("/activities/series/new/", {**data, "count": ""}).status_code == 400
    with scopes_disabled():
        assert Activity.all_objects.count() == before + 1
    assert manager.post("/activities/series/new/", {**data, "room": ""}).status_code == 302
    with scopes_disabled():
        assert Activity.all_objects.filter(series__isnull=False, title="周六学英语").count() == 3


# --- calendars ----------------------------------------------------------------------------------------------------


def test_calendar_month_week_and_list(world, client_for):
    a = build_activities(world)
    client = client_for(world.users["town_admin"])
    day = timezone.localtime(a.activity.starts_at).date()
    month = client.get(f"/activities/calendar/?day={day.isoformat()}").content.decode()
    assert month.count('data-testid="calendar-day"') in (35, 42, 28)
    assert "学英语" in month
    assert "梅西读书会" not in month  # another town
    week = client.get(f"/activities/calendar/week/?day={day.isoformat()}").content.decode()
    assert week.count('data-testid="calendar-day"') == 7
    assert "学英语" in week
    listing = client.get(f"/activities/calendar/list/?day={day.isoformat()}").content.decode()
    assert "学英语" in listing
    assert client.get("/activities/calendar/?day=2026-02-30").status_code == 400
    filtered = client.get(f"/activities/calendar/?day={day.isoformat()}&service_line=education").content.decode()
    assert "学英语" not in filtered  # it has no service line


def test_public_calendar_shows_published_public_activities_only(world, client):
    a = build_activities(world)
    day = timezone.localtime(a.activity.starts_at).date().isoformat()
    page = client.get(f"/public/stations/{a.activity.station_id}/calendar/?day={day}").content.decode()
    assert "学英语" in page
    assert "绘画" not in page  # a draft
    town = client.get(f"/public/towns/330109113/calendar/?day={day}&view=list").content.decode()
    assert "学英语" in town
    assert client.get("/public/towns/330109114999/calendar/").status_code == 404


@pytest.mark.parametrize("extra", [1, 40])
def test_calendar_and_home_panels_cost_fixed_queries(world, client_for, django_assert_num_queries, extra):
    v = build_volunteers(world)
    a = build_activities(world)
    for i in range(extra):
        activity = make_activity(a.activity.station, title=f"活动{i}", days=1 + i % 20)
        make_signup(make_shift(activity), v.volunteer)
        make_shift(activity, slots=3)
    day = timezone.localdate().isoformat()
    client = client_for(world.users["town_admin"])
    client.get(f"/activities/calendar/?day={day}")
    with django_assert_num_queries(11):  # the station picker lists no stations (core/pickers.py)
        assert client.get(f"/activities/calendar/?day={day}").status_code == 200
    volunteer = client_for(v.volunteer)
    volunteer.get("/accounts/home/")
    # session, user, memberships, unread notifications, session save (3); upcoming, open shifts, hours this year
    with django_assert_num_queries(10):
        assert volunteer.get("/accounts/home/").status_code == 200
    manager = client_for(world.users["station_manager"])
    manager.get("/accounts/home/")
    # the volunteer's plus the place of the manager's role, and the residents panel (care visits, my follow-ups)
    with django_assert_num_queries(13):
        assert manager.get("/accounts/home/").status_code == 200


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_sign_up_is_refused_over_the_slots_and_twice(world, client_for):
    v = build_volunteers(world)
    with scopes_disabled():
        others = [user_with_role(Role.VOLUNTEER, world.regions["330109113001"], username=f"v{i}") for i in range(2)]
    first = client_for(v.volunteer).post(f"/api/volunteering/shifts/{v.shift.pk}/signup")
    assert first.status_code == 201
    assert first.json()["hours_status"] == "open"
    assert client_for(v.volunteer).post(f"/api/volunteering/shifts/{v.shift.pk}/signup").status_code == 400
    assert client_for(others[0]).post(f"/api/volunteering/shifts/{v.shift.pk}/signup").status_code == 201
    full = client_for(others[1]).post(f"/api/volunteering/shifts/{v.shift.pk}/signup")
    assert full.status_code == 400
    assert _signups(v.shift) == 2


def test_api_hours_correct_and_series(world, client_for):
    v = build_volunteers(world)
    manager = client_for(world.users["station_manager"])
    url = f"/api/volunteering/signups/{v.pending.pk}/correct"
    body = {"version": 1, "minutes": 25 * 60, "reason": "x"}
    assert manager.post(url, json.dumps(body), content_type="application/json").status_code == 422
    body = {"version": 7, "minutes": 60, "reason": "x"}
    assert manager.post(url, json.dumps(body), content_type="application/json").status_code == 409
    body = {"version": 1, "minutes": 60, "reason": "提前布置"}
    done = manager.post(url, json.dumps(body), content_type="application/json")
    assert done.json()["minutes"] == 60
    series = {
        "station": v.shift.activity.station_id,
        "title": "学英语",
        "starts_at": at(2).isoformat(),
        "ends_at": at(2, 11).isoformat(),
        "seats": 10,
        "repeat": "weekly",
        "count": 60,
    }
    assert manager.post("/api/activity-series/", json.dumps(series), content_type="application/json").status_code == 422
    series["count"] = 3
    created = manager.post("/api/activity-series/", json.dumps(series), content_type="application/json")
    assert created.status_code == 201
    assert len(created.json()["occurrences"]) == 3


def test_api_calendar_public_and_staff(world, client, client_for):
    a = build_activities(world)
    day = timezone.localtime(a.activity.starts_at).date()
    query = f"date_from={day.isoformat()}&date_to={(day + timedelta(days=1)).isoformat()}"
    public = client.get(f"/api/calendar/public?{query}&town=330109113")
    assert public.status_code == 200
    assert [e["title"] for e in public.json()] == ["学英语"]
    staff = client_for(world.users["town_admin"]).get(f"/api/calendar/?{query}")
    assert "学英语" in [e["title"] for e in staff.json()]
    too_long = client.get("/api/calendar/public?date_from=2026-01-01&date_to=2026-12-31")
    assert too_long.status_code == 400
    assert client.get("/api/calendar/?date_from=2026-01-01&date_to=2026-01-02").status_code == 401
    with scopes_disabled():
        Activity.all_objects.filter(pk=a.activity.pk).update(status=ActivityStatus.CANCELLED)
    assert client.get(f"/api/calendar/public?{query}&town=330109113").json() == []
