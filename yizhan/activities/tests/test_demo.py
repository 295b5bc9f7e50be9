"""The activities' demo (``manage.py seed_demo``): 20 activities at 四融驿站 and 12 at 友爱同行 in all, held ones
spread over 2023–2026 with attendance, summaries with photos, satisfaction answers and the volunteer's confirmed
hours; one activity today whose check-in is open; upcoming ones; everything audited."""

import os
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from yizhan.activities import figures, tokens
from yizhan.activities.models import (
    Activity,
    ActivityPhoto,
    ActivityStatus,
    Feedback,
    HoursStatus,
    Registration,
    RegistrationStatus,
    ShiftSignup,
)
from yizhan.activities.services.checkin import checkin_window
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scopes_disabled
from yizhan.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as in a real run: what waits for the commit happens
        call_command("seed_demo", stdout=open(os.devnull, "w"))


def _activities(brand):
    return Activity.all_objects.filter(station__brand_name=brand)


def test_the_stations_have_20_and_12_activities_spread_over_the_years(demo):
    now = timezone.now()
    with scopes_disabled():
        assert _activities("四融驿站").count() == 20
        assert _activities("友爱同行").count() == 12
        held = Activity.all_objects.filter(status=ActivityStatus.COMPLETED)
        years = Counter(a.starts_at.year for a in held)
        assert set(years) == {2023, 2024, 2025, 2026}
        assert all(a.starts_at < now for a in held)
        upcoming = Activity.all_objects.filter(status=ActivityStatus.PUBLISHED, starts_at__gt=now)
        assert upcoming.filter(station__brand_name="四融驿站").count() >= 4
        assert upcoming.filter(station__brand_name="友爱同行").count() == 4
        titles = " ".join(_activities("四融驿站").values_list("title", flat=True))
        for kind in ("亲子手工", "绘画", "学英语", "平安走访", "大手拉小手"):
            assert kind in titles


def test_held_activities_have_attendance_summaries_photos_and_answers(demo):
    with scopes_disabled():
        held = list(Activity.all_objects.filter(status=ActivityStatus.COMPLETED).select_related("summary"))
        assert len(held) == 20
        for activity in held:
            regs = Registration.all_objects.filter(activity=activity)
            checked_in = regs.filter(checked_in_at__isnull=False)
            walk_ins = regs.filter(walk_in=True)
            assert checked_in.filter(walk_in=False).exists(), activity.title
            assert activity.summary.participants == checked_in.count()
            assert activity.summary.walk_ins == walk_ins.count()
            assert activity.room is not None
        per_activity = dict(
            Feedback.all_objects.values_list("activity").annotate(n=Count("id")).values_list("activity", "n")
        )
        assert set(per_activity) == {a.pk for a in held}
        assert Feedback.all_objects.filter(is_low=True).count() == 1
        assert ActivityPhoto.all_objects.filter(activity__in=held).values("activity").distinct().count() == 20
        assert Registration.all_objects.filter(walk_in=True).count() > 20
        station = _activities("四融驿站").first().station
        recent = [a for a in held if a.station_id == station.pk and a.starts_at >= timezone.now() - timedelta(days=365)]
        numbers = figures.station_activity_figures(station)
    assert numbers["activities"] == len(recent)  # "N activities in the last 12 months" reads the demo exactly
    assert numbers["participants"] == sum(a.summary.participants for a in recent)


def test_the_volunteer_has_confirmed_hours_of_the_held_activities_and_no_unread_history(demo):
    with scopes_disabled():
        hours = ShiftSignup.all_objects.filter(volunteer__username="volunteer", hours_status=HoursStatus.CONFIRMED)
        assert hours.count() == 8
        assert all(s.confirmed_by.username == "station_manager_youyi" for s in hours.select_related("confirmed_by"))
        assert all(s.shift.starts_at < s.shift.activity.starts_at for s in hours.select_related("shift__activity"))
        assert not ShiftSignup.all_objects.filter(hours_status=HoursStatus.PENDING).exists()


def test_one_activity_today_has_its_check_in_open(demo):
    now = timezone.now()
    with scopes_disabled():
        today = [
            a
            for a in Activity.all_objects.filter(status=ActivityStatus.PUBLISHED).select_related("station")
            if checkin_window(a)[0] <= now < checkin_window(a)[1]
        ]
        assert len(today) == 1
        activity = today[0]
        assert timezone.localtime(activity.starts_at).date() in {
            timezone.localdate(),
            timezone.localdate() + timedelta(days=1),
        }
        confirmed = Registration.all_objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED)
        assert confirmed.filter(checked_in_at__isnull=False).count() == 3
        waiting = confirmed.filter(checked_in_at__isnull=True).order_by("position").first()
        assert activity.shifts.count() == 3
    answer = Client().post(f"/activities/checkin/{tokens.checkin_token(activity)}/", {"mobile_or_code": waiting.mobile})
    assert answer.status_code == 200
    assert "签到成功" in answer.content.decode()


def test_the_demo_is_written_through_the_services(demo):
    with scopes_disabled():
        activities = list(Activity.all_objects.values_list("pk", flat=True))
        logged = set(
            AuditLog.all_objects.filter(target_type="activities.activity", action=AuditLog.Action.CREATE).values_list(
                "target_id", flat=True
            )
        )
        assert {str(pk) for pk in activities} <= logged
        for model in ("registration", "feedback", "activityphoto", "activitysummary", "shiftsignup"):
            assert AuditLog.all_objects.filter(target_type=f"activities.{model}").exists(), model
        # the history's shift moves told the volunteer; those notices are marked read
        assert not Notification.all_objects.filter(
            user__username="volunteer", read_at__isnull=True, kind="shift_changed"
        )


def test_todays_and_the_upcoming_activities_have_a_cover_shown_on_the_public_list(demo):
    now = timezone.now()
    with scopes_disabled():
        upcoming = list(
            Activity.all_objects.filter(status=ActivityStatus.PUBLISHED, ends_at__gt=now, series__isnull=True)
        )
        held = Activity.all_objects.filter(status=ActivityStatus.COMPLETED)
        assert not held.exclude(cover_image="").exists()  # the history keeps its photos, no cover
        covered = [a for a in upcoming if a.cover_image]
        assert len(covered) == 8  # today's at 四融驿站, 3 more there and 4 at 友爱同行
        for activity in covered:
            assert default_storage.exists(activity.cover_image)
            assert default_storage.exists(activity.cover_thumbnail)
            assert activity.cover_content_type == "image/jpeg"
        assert AuditLog.all_objects.filter(
            target_type="activities.activity", target_id=str(covered[0].pk), changes__has_key="cover_image"
        ).exists()
        station = covered[0].station_id
    page = Client().get(f"/activities/public/stations/{station}/").content.decode()
    assert 'data-testid="public-cover"' in page
