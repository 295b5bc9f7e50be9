"""Activity services: planning rules, the state machine, capacity and waitlist, and bad input that changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.activities import services
from yizhan.activities.models import Activity, ActivityStatus, Audience, Registration
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import STALE_MESSAGE
from yizhan.notifications.models import Notification
from yizhan.stations.tests.network import build_network

from .helpers import at, build_activities, make_activity, residents

pytestmark = pytest.mark.django_db


def _plan(w, **kwargs):
    n = build_network(w)
    user = kwargs.pop("user", w.users["station_manager"])
    fields = {"station": n.station, "title": "亲子手工", "starts_at": at(7), "ends_at": at(7, 11), "seats": 10}
    fields.update(kwargs)
    with scope_for(user):
        return services.activity_create(created_by=user, **fields)


def _count():
    with scopes_disabled():
        return Activity.all_objects.count(), Registration.all_objects.count()


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_manager_plans_a_draft_with_audit(world):
    n = build_network(world)
    activity = _plan(world, room=n.room, brand_item=n.item, title="  学英语 🎨  ")
    assert activity.status == ActivityStatus.DRAFT
    assert activity.title == "学英语 🎨"  # stripped; emoji are fine
    assert activity.starts_at.tzinfo is not None
    with scopes_disabled():
        row = AuditLog.all_objects.get(target_type="activities.activity", target_id=str(activity.pk))
    assert row.action == AuditLog.Action.CREATE
    assert row.region_code == "330109113001"


def test_admins_plan_for_stations_in_their_scope_only(world):
    n = build_network(world)
    assert _plan(world, user=world.users["town_admin"]).station == n.station
    assert _plan(world, user=world.users["district_admin"], station=n.other_station).pk
    with pytest.raises(PermissionDenied):
        _plan(world, user=world.users["other_town_admin"])
    with pytest.raises(PermissionDenied):
        _plan(world, user=world.users["other_station_manager"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": at(7, 8)}, "ends_at", "活动的结束时间必须晚于开始时间。"),
        ({"seats": 0}, "seats", None),
        ({"seats": -3}, "seats", None),
        ({"title": "   "}, "title", "请输入标题。"),
        ({"title": "长" * 101}, "title", None),
        ({"description": "长" * 4001}, "description", "最多4000个字符。"),
        ({"signup_opens_at": at(8), "signup_closes_at": at(9)}, "signup_opens_at", "报名必须在活动开始前开放。"),
        ({"signup_opens_at": at(3), "signup_closes_at": at(2)}, "signup_closes_at", "报名截止时间必须晚于开放时间。"),
    ],
)
def test_bad_plans_are_refused_with_a_message_and_nothing_saved(world, changes, field, message):
    before = _count()
    with pytest.raises(ValidationError) as exc:
        _plan(world, **changes)
    assert field in _errors(exc)
    if message:
        assert message in _errors(exc)[field]
    assert _count() == before


def test_seats_over_the_room_capacity_are_refused(world):
    n = build_network(world)
    with pytest.raises(ValidationError) as exc:
        _plan(world, room=n.room, seats=41)
    assert _errors(exc)["seats"] == ["功能室公益活动室可容纳40人：名额不能超过这个数。"]
    assert _plan(world, room=n.room, seats=40).seats == 40


def test_room_of_another_station_is_refused(world):
    n = build_network(world)
    with pytest.raises(ValidationError) as exc:
        _plan(world, room=n.other_room)
    assert "room" in _errors(exc)


def test_same_room_at_overlapping_times_is_refused_unless_cancelled(world):
    n = build_network(world)
    first = _plan(world, room=n.room, title="绘画")
    before = _count()
    with pytest.raises(ValidationError) as exc:
        _plan(world, room=n.room, starts_at=at(7, 10), ends_at=at(7, 12))
    assert "绘画" in _errors(exc)["room"][0]
    assert _count() == before
    assert _plan(world, room=n.room, starts_at=at(7, 11), ends_at=at(7, 12)).pk  # back to back is fine
    with scope_for(world.users["station_manager"]):
        services.activity_cancel(activity=first, cancelled_by=world.users["station_manager"], reason="下雨")
    assert _plan(world, room=n.room, starts_at=at(7, 9), ends_at=at(7, 10)).pk


def test_update_checks_the_version(world):
    activity = _plan(world)
    user = world.users["station_manager"]
    with scope_for(user):
        services.activity_update(activity=activity, updated_by=user, version=1, title="学英语")
        assert activity.version == 2
        stale = Activity.objects.get(pk=activity.pk)
        stale.version = 1
        with pytest.raises(ValidationError) as exc:
            services.activity_update(activity=stale, updated_by=user, version=1, title="绘画")
    assert _errors(exc)["version"] == [str(STALE_MESSAGE)]
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).title == "学英语"


def test_state_machine(world):
    user = world.users["station_manager"]
    activity = _plan(world, starts_at=at(-1), ends_at=at(-1, 11))
    with scope_for(user):
        with pytest.raises(ValidationError):
            services.activity_complete(activity=activity, completed_by=user)  # a draft
        services.activity_publish(activity=activity, published_by=user)
        with pytest.raises(ValidationError) as exc:
            services.activity_publish(activity=activity, published_by=user)
        assert exc.value.messages == ["只有草稿可以发布。"]
        services.activity_complete(activity=activity, completed_by=user)
        assert activity.status == ActivityStatus.COMPLETED
        with pytest.raises(ValidationError):
            services.activity_cancel(activity=activity, cancelled_by=user, reason="晚了")
        with pytest.raises(ValidationError):
            services.activity_update(activity=activity, updated_by=user, version=activity.version, title="x")
    future = _plan(world, title="未来")
    with scope_for(user):
        services.activity_publish(activity=future, published_by=user)
        with pytest.raises(ValidationError) as exc:
            services.activity_complete(activity=future, completed_by=user)
    assert exc.value.messages == ["活动开始后才能标记为已完成。"]


def test_cancel_needs_a_reason_and_notifies_the_other_managers(world, django_capture_on_commit_callbacks):
    w = build_activities(world)
    admin = world.users["town_admin"]
    with scope_for(admin):
        with pytest.raises(ValidationError) as exc:
            services.activity_cancel(activity=w.activity, cancelled_by=admin, reason="  ")
        assert _errors(exc) == {"reason": ["请填写取消的原因。"]}
        with django_capture_on_commit_callbacks(execute=True):
            services.activity_cancel(activity=w.activity, cancelled_by=admin, reason="台风预警")
    with scopes_disabled():
        note = Notification.all_objects.get(user=world.users["station_manager"], kind="activity_cancelled")
        assert note.params["count"] == 1
        assert "台风预警" in note.body
        assert Activity.all_objects.get(pk=w.activity.pk).cancel_reason == "台风预警"


def _register(world, activity, person, user=None):
    user = user or world.users["station_manager"]
    with scope_for(user):
        return services.registration_add(activity=activity, person=person, registered_by=user)


def test_confirmed_until_full_then_waitlisted_in_order_and_promoted(world):
    n = build_network(world)
    activity = make_activity(n.station, seats=2)
    people = residents(world.regions["330109113001"], 4)
    statuses = [_register(world, activity, p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    with scopes_disabled():
        regs = list(Registration.all_objects.filter(activity=activity).order_by("position"))
        assert [r.position for r in regs] == [1, 2, 3, 4]
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 2
    user = world.users["station_manager"]
    with scope_for(user):
        services.registration_cancel(registration=regs[0], cancelled_by=user)
    with scopes_disabled():
        by_person = {r.person_id: r.status for r in Registration.all_objects.filter(activity=activity)}
        assert by_person == {
            people[0].pk: "cancelled",
            people[1].pk: "confirmed",
            people[2].pk: "confirmed",  # the first waitlisted got the seat
            people[3].pk: "waitlisted",
        }
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 2
    with scope_for(user):
        waitlisted = Registration.objects.get(activity=activity, person=people[3])
        services.registration_cancel(registration=waitlisted, cancelled_by=user)
        with pytest.raises(ValidationError):
            services.registration_cancel(registration=waitlisted, cancelled_by=user)
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 2


def test_more_seats_confirm_the_waitlist(world):
    n = build_network(world)
    activity = make_activity(n.station, seats=1)
    people = residents(world.regions["330109113001"], 3)
    for p in people:
        _register(world, activity, p)
    user = world.users["station_manager"]
    with scope_for(user):
        with pytest.raises(ValidationError) as exc:
            services.activity_update(activity=activity, updated_by=user, version=1, seats=0)
        assert "seats" in _errors(exc)
        activity.refresh_from_db()
        services.activity_update(activity=activity, updated_by=user, version=1, seats=2)
    with scopes_disabled():
        assert sorted(Registration.all_objects.filter(activity=activity).values_list("status", flat=True)) == [
            "confirmed",
            "confirmed",
            "waitlisted",
        ]
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": ActivityStatus.DRAFT}, "活动尚未发布：请先发布再登记报名。"),
        ({"status": ActivityStatus.CANCELLED}, "活动已取消，不再接受报名。"),
        ({"status": ActivityStatus.COMPLETED}, "活动已结束，不再接受报名。"),
        ({"signup_closes_at": at(-1)}, "报名已于"),
        ({"signup_opens_at": at(2)}, "报名将于"),
        ({"days": -1}, "报名已于"),
    ],
)
def test_registration_refused_outside_the_window_or_state(world, setup, message):
    n = build_network(world)
    setup = dict(setup)
    days = setup.pop("days", 7)
    activity = make_activity(n.station, days=days, **setup)
    person = residents(world.regions["330109113001"], 1)[0]
    before = _count()
    with pytest.raises(ValidationError) as exc:
        _register(world, activity, person)
    assert message in exc.value.messages[0]
    assert _count() == before
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 0


def test_register_twice_is_refused(world):
    w = build_activities(world)
    with scopes_disabled():
        person = w.registration.person
    before = _count()
    with pytest.raises(ValidationError) as exc:
        _register(world, w.activity, person)
    assert exc.value.messages == [f"{person.name}已报名本活动。"]
    assert _count() == before
    with scopes_disabled():
        assert Activity.all_objects.get(pk=w.activity.pk).confirmed_count == 1


def test_village_only_activity_refuses_people_of_other_villages(world):
    n = build_network(world)
    activity = make_activity(n.station, audience=Audience.VILLAGE)
    outsider = residents(world.regions["330109113002"], 1)[0]
    with pytest.raises(ValidationError) as exc:
        _register(world, activity, outsider, user=world.users["town_admin"])
    assert exc.value.messages == ["本活动仅限隆园社区的居民参加。"]


def test_other_scopes_cannot_register(world):
    w = build_activities(world)
    with pytest.raises(PermissionDenied):
        _register(world, w.activity, w.person, user=world.users["other_station_manager"])


def test_registration_mobile_is_encrypted_and_masked(world):
    w = build_activities(world)
    registration = _register(world, w.activity, w.person)
    assert registration.masked("mobile") == "135****0900"
    with scopes_disabled():
        row = AuditLog.all_objects.get(target_type="activities.registration", target_id=str(registration.pk))
    assert "1351000" not in str(row.changes) or "****" in str(row.changes)
    assert "居*" in row.target_repr


def test_registration_opens_and_closes_with_its_window(world):
    n = build_network(world)
    activity = make_activity(n.station, signup_opens_at=at(-1), signup_closes_at=at(1))
    assert _register(world, activity, residents(world.regions["330109113001"], 1)[0]).status == "confirmed"
    assert activity.signup_closes == at(1)
    assert activity.starts_at - activity.signup_closes == timedelta(days=6)
