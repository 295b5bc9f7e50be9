"""Repeating activities: the dates of a series, creation through ``activity_create`` (a room clash on any date refuses
the whole series, naming the dates), changing one occurrence or this and all future ones, cancelling the rest."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yizhan.activities import services
from yizhan.activities.models import Activity, ActivitySeries, ActivityStatus, Registration
from yizhan.activities.services.series import occurrence_dates
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.stations.tests.network import build_network

from .helpers import at, make_activity, residents

pytestmark = pytest.mark.django_db


def _create(w, user=None, **kwargs):
    n = build_network(w)
    user = user or w.users["station_manager"]
    fields = {
        "station": n.station,
        "title": "学英语",
        "repeat": "weekly",
        "starts_at": at(3, 9),
        "ends_at": at(3, 11),
        "seats": 10,
        "count": 4,
    }
    fields.update(kwargs)
    with scope_for(user):
        return services.series_create(created_by=user, **fields)


def _activities():
    with scopes_disabled():
        return Activity.all_objects.count()


def test_weekly_biweekly_and_monthly_dates():
    saturday = date(2026, 12, 5)
    assert occurrence_dates(repeat="weekly", first=saturday, until=None, count=3) == [
        date(2026, 12, 5),
        date(2026, 12, 12),
        date(2026, 12, 19),
    ]
    assert occurrence_dates(repeat="biweekly", first=saturday, until=date(2027, 1, 2), count=None) == [
        date(2026, 12, 5),
        date(2026, 12, 19),
        date(2027, 1, 2),
    ]
    # the first Saturday of each month
    assert occurrence_dates(repeat="monthly", first=saturday, until=None, count=3) == [
        date(2026, 12, 5),
        date(2027, 1, 2),
        date(2027, 2, 6),
    ]
    # the fifth Tuesday: months without one are skipped
    assert occurrence_dates(repeat="monthly", first=date(2026, 12, 29), until=date(2027, 4, 30), count=None) == [
        date(2026, 12, 29),
        date(2027, 3, 30),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"until": None, "count": None}, "until"),
        ({"count": 53}, "count"),
        ({"count": 0}, "until"),
        ({"count": None, "until": date(2030, 1, 1)}, "until"),
        ({"count": None, "until": date(2000, 1, 1)}, "until"),
        ({"repeat": "daily"}, "repeat"),
    ],
)
def test_series_without_dates_or_too_many_are_refused(kwargs, field):
    data = {"repeat": "weekly", "first": date(2026, 12, 5), "until": None, "count": 4, **kwargs}
    with pytest.raises(ValidationError) as exc:
        occurrence_dates(**data)
    assert field in exc.value.message_dict


def test_a_series_plans_its_occurrences_as_drafts(world):
    before = _activities()
    series, activities = _create(world, title="  学英语 🎨 ")
    assert [a.status for a in activities] == [ActivityStatus.DRAFT] * 4
    assert [timezone.localtime(a.starts_at).date() for a in activities] == [
        timezone.localdate() + timedelta(days=3 + 7 * i) for i in range(4)
    ]
    assert all(timezone.localtime(a.starts_at).hour == 9 for a in activities)
    assert _activities() == before + 4
    with scopes_disabled():
        assert set(Activity.all_objects.filter(series=series).values_list("title", flat=True)) == {"学英语 🎨"}
        assert AuditLog.all_objects.filter(target_type="activities.activity").count() >= 4
        assert AuditLog.all_objects.filter(target_type="activities.activityseries").count() == 1


def test_a_room_clash_on_one_date_refuses_the_whole_series(world):
    n = build_network(world)
    make_activity(n.station, title="占用", starts_at=at(17, 10), ends_at=at(17, 12), room=n.room)
    before = _activities()
    with pytest.raises(ValidationError) as exc:
        _create(world, room=n.room)
    message = " ".join(exc.value.messages)
    assert (timezone.localdate() + timedelta(days=17)).strftime("%Y-%m-%d") in message
    assert _activities() == before
    with scopes_disabled():
        assert ActivitySeries.all_objects.count() == 0


def test_others_cannot_plan_a_series(world):
    with pytest.raises(PermissionDenied):
        _create(world, user=world.users["other_station_manager"])
    with pytest.raises(ValidationError):
        _create(world, title="长" * 101)
    with pytest.raises(ValidationError):
        _create(world, ends_at=at(3, 8))


def test_change_this_and_all_future_occurrences(world):
    series, activities = _create(world)
    manager = world.users["station_manager"]
    registered = residents(world.regions["330109113001"], 1, start=700)[0]
    with scope_for(manager):
        services.activity_publish(activity=activities[1], published_by=manager)
        services.registration_add(activity=activities[1], person=registered, registered_by=manager)
        third = Activity.objects.get(pk=activities[1].pk)
        with pytest.raises(StaleVersionError):
            services.series_update_future(
                series=series, from_activity=third, updated_by=manager, version=series.version + 1, title="x"
            )
        updated = services.series_update_future(
            series=series,
            from_activity=third,
            updated_by=manager,
            version=series.version,
            title="学英语（进阶）",
            seats=12,
            start_time=at(0, 14).time(),
            end_time=at(0, 16).time(),
        )
    assert len(updated) == 3
    with scopes_disabled():
        rows = list(Activity.all_objects.filter(series=series).order_by("starts_at"))
        assert Registration.all_objects.get(person=registered).activity_id == activities[1].pk
    assert [r.title for r in rows] == ["学英语", "学英语（进阶）", "学英语（进阶）", "学英语（进阶）"]
    assert [timezone.localtime(r.starts_at).hour for r in rows] == [9, 14, 14, 14]
    assert rows[1].seats == 12
    assert rows[0].seats == 10


def test_change_one_occurrence_and_past_ones_are_refused(world):
    series, activities = _create(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.occurrence_update(
            activity=activities[0], updated_by=manager, version=activities[0].version, title="学英语·特别场"
        )
    with scopes_disabled():
        Activity.all_objects.filter(pk=activities[0].pk).update(
            starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=22)
        )
        past = Activity.all_objects.get(pk=activities[0].pk)
    with scope_for(manager):
        with pytest.raises(ValidationError):
            services.occurrence_update(activity=past, updated_by=manager, version=past.version, title="改")
        with pytest.raises(ValidationError):
            services.series_update_future(
                series=series, from_activity=past, updated_by=manager, version=series.version, title="改"
            )
    with scopes_disabled():
        assert Activity.all_objects.get(pk=past.pk).title == "学英语·特别场"


def test_a_future_change_that_clashes_on_one_date_changes_nothing(world):
    n = build_network(world)
    series, activities = _create(world, room=n.room)
    make_activity(n.station, title="占用", starts_at=at(24, 14), ends_at=at(24, 15), room=n.room)
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.series_update_future(
            series=series,
            from_activity=activities[0],
            updated_by=manager,
            version=series.version,
            start_time=at(0, 14).time(),
            end_time=at(0, 16).time(),
        )
    assert (timezone.localdate() + timedelta(days=24)).strftime("%Y-%m-%d") in " ".join(exc.value.messages)
    with scopes_disabled():
        assert {timezone.localtime(a.starts_at).hour for a in Activity.all_objects.filter(series=series)} == {9}
        assert ActivitySeries.all_objects.get(pk=series.pk).version == 1


def test_cancel_the_rest_of_a_series(world):
    series, activities = _create(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        with pytest.raises(ValidationError):
            services.series_cancel_from(series=series, from_activity=activities[2], cancelled_by=manager, reason=" ")
        cancelled = services.series_cancel_from(
            series=series, from_activity=activities[2], cancelled_by=manager, reason="场地装修"
        )
    assert len(cancelled) == 2
    with scopes_disabled():
        statuses = list(
            Activity.all_objects.filter(series=series).order_by("starts_at").values_list("status", flat=True)
        )
    assert statuses == ["draft", "draft", "cancelled", "cancelled"]
