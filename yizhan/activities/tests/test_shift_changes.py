"""Volunteers' reminders the day before a shift (Tasks API with ``run_after``, once per volunteer and start time),
and changing or deleting a shift: version-checked, never fewer slots than volunteers signed up, times fixed and
deletion refused once a volunteer has checked in; the volunteers signed up are told in-app."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from yizhan.accounts.models import Role
from yizhan.activities import services, tasks
from yizhan.activities.models import NOTE_MAX, ActivityStatus, Shift, ShiftRole, ShiftSignup, SignupStatus
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.notifications.models import Notification
from yizhan.tests.factories import user_with_role

from .helpers import build_activities, make_activity
from .volunteers import build_volunteers, make_signup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English here; the page tests below read them in Chinese."""
    with translation.override("en"):
        yield


def _second_volunteer(world):
    with scopes_disabled():
        return user_with_role(Role.VOLUNTEER, world.regions["330109113001"], username="vol_two", name="周敏")


def _shift(pk) -> Shift:
    with scopes_disabled():
        return Shift.all_objects.select_related("activity", "activity__station").get(pk=pk)


def _notes(kind, user=None):
    with scopes_disabled():
        rows = Notification.all_objects.filter(kind=kind)
        if user is not None:
            rows = rows.filter(user=user)
        return list(rows.order_by("pk"))


def _setup(world):
    """The 学英语 shift a week ahead with two volunteers signed up and a third who cancelled."""
    v = build_volunteers(world)
    other = _second_volunteer(world)
    make_signup(v.shift, v.volunteer)
    make_signup(v.shift, other)
    with scopes_disabled():
        gone = user_with_role(Role.VOLUNTEER, world.regions["330109113001"], username="vol_gone", name="陈静")
        Shift.all_objects.filter(pk=v.shift.pk).update(slots=3)
        ShiftSignup.all_objects.create(shift=v.shift, volunteer=gone, status=SignupStatus.CANCELLED)
    return v, other, gone


# --- reminders ------------------------------------------------------------------------------------------------------


def test_volunteers_are_reminded_once_and_the_reminder_follows_a_new_start(world):
    v, other, gone = _setup(world)
    shift = _shift(v.shift.pk)
    starts = shift.starts_at.isoformat()
    assert tasks.remind_volunteers.call(shift_id=shift.pk, starts_at=starts) == 2
    assert tasks.remind_volunteers.call(shift_id=shift.pk, starts_at=starts) == 0
    reminded = _notes("shift_reminder")
    assert sorted(n.user_id for n in reminded) == sorted([v.volunteer.pk, other.pk])
    assert not _notes("shift_reminder", gone)
    assert reminded[0].params["title"] == "学英语"
    assert reminded[0].link_name == "activities:my_shifts"
    # moved: the run queued for the old start sends nothing, the new start's run reminds again
    moved = shift.starts_at + timedelta(hours=1)
    with scopes_disabled():
        Shift.all_objects.filter(pk=shift.pk).update(starts_at=moved, ends_at=shift.ends_at + timedelta(hours=1))
    assert tasks.remind_volunteers.call(shift_id=shift.pk, starts_at=starts) == 0
    assert tasks.remind_volunteers.call(shift_id=shift.pk, starts_at=moved.isoformat()) == 2
    assert len(_notes("shift_reminder")) == 4


def test_no_reminder_for_a_shift_of_an_activity_that_is_not_published_or_gone(world):
    v, _other, _gone = _setup(world)
    shift = _shift(v.shift.pk)
    with scopes_disabled():
        type(shift.activity).all_objects.filter(pk=shift.activity_id).update(status=ActivityStatus.CANCELLED)
    assert tasks.remind_volunteers.call(shift_id=shift.pk, starts_at=shift.starts_at.isoformat()) == 0
    assert tasks.remind_volunteers.call(shift_id=999999, starts_at=shift.starts_at.isoformat()) == 0
    assert not _notes("shift_reminder")


def test_reminders_are_queued_with_run_after_when_a_shift_is_added_and_when_it_moves(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    a = build_activities(world)
    manager = world.users["station_manager"]
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        shift = services.shift_create(activity=a.activity, created_by=manager, role=ShiftRole.GUIDE, slots=2)
    queued = DBTaskResult.objects.get()
    assert queued.run_after == shift.starts_at - timedelta(days=1)
    assert queued.args_kwargs["kwargs"] == {"shift_id": shift.pk, "starts_at": shift.starts_at.isoformat()}
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.shift_update(
            shift=_shift(shift.pk),
            changed_by=manager,
            version=1,
            role=ShiftRole.GUIDE,
            slots=2,
            starts_at=shift.starts_at + timedelta(minutes=30),
            ends_at=shift.ends_at,
        )
    runs = sorted(DBTaskResult.objects.values_list("run_after", flat=True))
    assert runs == [shift.starts_at - timedelta(days=1), shift.starts_at + timedelta(minutes=30) - timedelta(days=1)]
    # only the note changes: nothing new queued
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.shift_update(
            shift=_shift(shift.pk),
            changed_by=manager,
            version=2,
            role=ShiftRole.GUIDE,
            slots=2,
            starts_at=shift.starts_at + timedelta(minutes=30),
            ends_at=shift.ends_at,
            note="请提前十分钟到",
        )
    assert DBTaskResult.objects.count() == 2
    # a shift whose day-before has passed: nothing queued
    soon = make_activity(a.activity.station, days=0, title="今天")
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.shift_create(activity=soon, created_by=manager, role=ShiftRole.GUIDE, slots=1)
    assert DBTaskResult.objects.count() == 2


# --- changing a shift -----------------------------------------------------------------------------------------------


def _update(shift, user, **changes):
    data = {
        "role": shift.role,
        "slots": shift.slots,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "note": shift.note,
        "version": shift.version,
    }
    data.update(changes)
    with scope_for(user):
        return services.shift_update(shift=_shift(shift.pk), changed_by=user, **data)


def test_a_new_time_is_saved_audited_and_told_to_the_volunteers_signed_up(world, django_capture_on_commit_callbacks):
    v, other, gone = _setup(world)
    manager = world.users["station_manager"]
    shift = _shift(v.shift.pk)
    with django_capture_on_commit_callbacks(execute=True):
        saved = _update(shift, manager, starts_at=shift.starts_at - timedelta(minutes=30), slots=4)
    assert saved.version == 2
    assert _shift(shift.pk).slots == 4
    told = _notes("shift_changed")
    assert sorted(n.user_id for n in told) == sorted([v.volunteer.pk, other.pk])
    assert not _notes("shift_changed", gone)
    with scopes_disabled():
        row = AuditLog.all_objects.filter(target_type="activities.shift", target_id=str(shift.pk)).latest("pk")
    assert set(row.changes) == {"starts_at", "slots"}
    # a change of the note only: saved, nobody told
    with django_capture_on_commit_callbacks(execute=True):
        _update(_shift(shift.pk), manager, note="带上工作证")
    assert len(_notes("shift_changed")) == 2
    # the same values again: nothing written
    before = _shift(shift.pk).version
    _update(_shift(shift.pk), manager)
    assert _shift(shift.pk).version == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slots": 1}, "2 volunteers are signed up: offer at least 2 slots"),
        ({"slots": 0}, "Offer between 1 and"),
        ({"role": "boss"}, "Choose a role"),
        ({"version": 7, "slots": 4}, "changed this in the meantime"),
        ({"ends_at_offset": -3}, "must end after it starts"),
        ({"move_hours": -48}, "on the day of its activity"),
        ({"note": "长" * (NOTE_MAX + 1)}, "at most"),
    ],
)
def test_bad_changes_change_nothing(world, changes, message):
    v, _other, _gone = _setup(world)
    manager = world.users["station_manager"]
    shift = _shift(v.shift.pk)
    if "ends_at_offset" in changes:
        changes = {"ends_at": shift.starts_at + timedelta(hours=changes.pop("ends_at_offset"))}
    if "move_hours" in changes:
        hours = timedelta(hours=changes.pop("move_hours"))
        changes = {"starts_at": shift.starts_at + hours, "ends_at": shift.ends_at + hours}
    expected = StaleVersionError if "version" in changes else ValidationError
    with pytest.raises(expected, match=message):
        _update(shift, manager, **changes)
    after = _shift(shift.pk)
    assert (after.slots, after.role, after.starts_at, after.ends_at, after.note, after.version) == (
        shift.slots,
        shift.role,
        shift.starts_at,
        shift.ends_at,
        shift.note,
        shift.version,
    )
    assert not _notes("shift_changed")


def test_times_stay_once_a_volunteer_has_checked_in_but_the_note_may_change(world):
    v = build_volunteers(world)  # past_shift: the volunteer checked in and out yesterday
    manager = world.users["station_manager"]
    shift = _shift(v.past_shift.pk)
    with pytest.raises(ValidationError, match="its times can no longer change"):
        _update(shift, manager, ends_at=shift.ends_at - timedelta(minutes=30))
    assert _shift(shift.pk).ends_at == shift.ends_at
    _update(shift, manager, note="已结束")
    assert _shift(shift.pk).note == "已结束"


def test_only_the_activitys_manager_or_admins_change_or_delete_a_shift(world):
    v = build_volunteers(world)
    shift = _shift(v.shift.pk)
    for user in (world.users["other_station_manager"], v.volunteer):
        with pytest.raises(PermissionDenied):
            _update(shift, user, slots=5)
        with scope_for(user), pytest.raises(PermissionDenied):
            services.shift_delete(shift=shift, deleted_by=user)
    assert _shift(shift.pk).slots == 2


# --- deleting a shift -----------------------------------------------------------------------------------------------


def test_deleting_a_shift_takes_its_sign_ups_along_and_tells_the_volunteers(world, django_capture_on_commit_callbacks):
    v, other, gone = _setup(world)
    manager = world.users["station_manager"]
    pk = v.shift.pk
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.shift_delete(shift=_shift(pk), deleted_by=manager)
    with scopes_disabled():
        assert not Shift.all_objects.filter(pk=pk).exists()
        assert not ShiftSignup.all_objects.filter(shift_id=pk).exists()
        deleted = AuditLog.all_objects.filter(action=AuditLog.Action.DELETE)
        assert deleted.filter(target_type="activities.shift", target_id=str(pk)).count() == 1
        assert deleted.filter(target_type="activities.shiftsignup").count() == 3
    told = _notes("shift_deleted")
    assert sorted(n.user_id for n in told) == sorted([v.volunteer.pk, other.pk])
    assert told[0].params["role"] == "签到"  # stored in the site's language when the shift was deleted


def test_a_shift_with_a_checked_in_volunteer_cannot_be_deleted(world, django_capture_on_commit_callbacks):
    v = build_volunteers(world)
    manager = world.users["station_manager"]
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="1 volunteer has checked in for this shift: it can no longer be"):
            services.shift_delete(shift=_shift(v.past_shift.pk), deleted_by=manager)
    with scopes_disabled():
        assert Shift.all_objects.filter(pk=v.past_shift.pk).exists()
        assert ShiftSignup.all_objects.filter(pk=v.pending.pk).exists()
    assert not _notes("shift_deleted")


# --- the page and the API -------------------------------------------------------------------------------------------


def test_the_manager_changes_a_shift_on_its_page_and_deletes_another(
    world, client_for, django_capture_on_commit_callbacks
):
    v, other, _gone = _setup(world)
    client = client_for(world.users["station_manager"])
    listing = client.get(f"/activities/{v.shift.activity_id}/shifts/").content.decode()
    assert f"/activities/shifts/{v.shift.pk}/edit/" in listing
    page = client.get(f"/activities/shifts/{v.shift.pk}/edit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "修改班次" in text
    assert timezone.localtime(v.shift.starts_at).strftime("%Y-%m-%dT%H:%M") in text
    form = {
        "role": "guide",
        "slots": "1",
        "starts_at": timezone.localtime(v.shift.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(v.shift.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "note": "",
        "version": "1",
    }
    too_few = client.post(f"/activities/shifts/{v.shift.pk}/edit/", form)
    assert too_few.status_code == 400
    assert "已有 2 名志愿者报名" in too_few.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(f"/activities/shifts/{v.shift.pk}/edit/", {**form, "slots": "3"})
    assert saved.status_code == 302
    assert _shift(v.shift.pk).role == "guide"
    assert len(_notes("shift_changed")) == 2
    stale = client.post(f"/activities/shifts/{v.shift.pk}/edit/", {**form, "slots": "5"})
    assert stale.status_code == 400
    assert _shift(v.shift.pk).slots == 3
    # deleting the shift with a check-in is refused with the reason; the other one goes
    refused = client.post(f"/activities/shifts/{v.past_shift.pk}/delete/", follow=True)
    assert "无法删除" in refused.content.decode()
    assert _shift(v.past_shift.pk)
    with django_capture_on_commit_callbacks(execute=True):
        gone = client.post(f"/activities/shifts/{v.shift.pk}/delete/")
    assert gone.status_code == 302
    with scopes_disabled():
        assert not Shift.all_objects.filter(pk=v.shift.pk).exists()
    assert len(_notes("shift_deleted")) == 2
    # the volunteer's notification says what happened
    volunteer = client_for(other)
    assert "班次已被取消" in volunteer.get("/notifications/").content.decode()


def test_api_changes_and_deletes_a_shift(world, client_for):
    v, _other, _gone = _setup(world)
    client = client_for(world.users["station_manager"])
    url = f"/api/volunteering/shifts/{v.shift.pk}"
    body = {"role": "photo", "slots": 4, "version": 1}
    changed = client.patch(url, json.dumps(body), content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["role"] == "photo"
    assert changed.json()["version"] == 2
    stale = client.patch(url, json.dumps(body | {"slots": 5}), content_type="application/json")
    assert stale.status_code == 409
    few = client.patch(url, json.dumps({"role": "photo", "slots": 1, "version": 2}), content_type="application/json")
    assert few.status_code == 400
    assert "slots" in few.json()["errors"]
    refused = client.post(f"/api/volunteering/shifts/{v.past_shift.pk}/delete")
    assert refused.status_code == 400
    assert client.post(f"{url}/delete").status_code == 204
    assert client.post(f"{url}/delete").status_code == 404
    other = client_for(world.users["other_station_manager"])
    assert other.post(f"/api/volunteering/shifts/{v.past_shift.pk}/delete").status_code == 404
