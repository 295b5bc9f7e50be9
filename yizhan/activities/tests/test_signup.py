"""Public sign-up services, the private link and code, the messages to residents (channel and tasks) and bad input
that changes nothing."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yizhan.activities import selectors_public, services, tasks
from yizhan.activities.models import Activity, ActivityStatus, Audience, Registration
from yizhan.activities.private_links import secret_hash
from yizhan.audit.models import AuditLog
from yizhan.core import crypto
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.notifications import channels
from yizhan.stations.tests.network import build_network

from .helpers import at, make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox():
    channels.LocMemBackend.outbox.clear()
    yield channels.LocMemBackend.outbox
    channels.LocMemBackend.outbox.clear()


def _activity(world, **kwargs):
    return make_activity(build_network(world).station, **kwargs)


def _sign(activity, mobile="13800138000", **kwargs):
    kwargs.setdefault("name", "王小红")
    kwargs.setdefault("consent", True)
    return services.public_signup(activity=activity, mobile=mobile, **kwargs)


def _count():
    with scopes_disabled():
        return Registration.all_objects.count()


def _refresh(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


def test_confirmed_until_full_then_waitlisted_in_order_with_messages(world, outbox, django_capture_on_commit_callbacks):
    activity = _activity(world, seats=2)
    with django_capture_on_commit_callbacks(execute=True):
        results = [_sign(activity, mobile=f"1380013800{i}", name=f"居民{i}") for i in range(4)]
    assert [r.registration.status for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r.registration.position for r in results] == [1, 2, 3, 4]
    assert _refresh(activity).confirmed_count == 2
    reg = _refresh(results[0].registration)
    assert reg.via == "public"
    assert reg.person is None
    assert reg.consent_version
    assert reg.consented_at
    # only hashes of the secrets are stored
    assert reg.access_hash == secret_hash("link", results[0].token) != results[0].token
    assert results[0].code not in (reg.code_hash, reg.access_hash)
    assert len(results[0].token) >= 32
    assert len(results[0].code) == 8
    # one message per sign-up, with the link and the code, to the resident's number
    assert [m.mobile for m in outbox] == [f"1380013800{i}" for i in range(4)]
    assert results[0].token in outbox[0].text
    assert results[0].code in outbox[0].text
    assert "候补" in outbox[2].text
    with scopes_disabled():
        row = AuditLog.all_objects.get(target_type="activities.registration", target_id=str(reg.pk))
    assert row.actor is None
    assert row.action == AuditLog.Action.CREATE
    assert "access_hash" not in row.changes
    assert "13800138000" not in str(row.changes)


def test_cancelling_by_link_promotes_the_first_waitlisted_who_is_told(
    world, outbox, django_capture_on_commit_callbacks
):
    activity = _activity(world, seats=1)
    first, second, third = (_sign(activity, mobile=f"1390000000{i}") for i in range(3))
    outbox.clear()
    found = selectors_public.registration_by_link(first.token)
    assert found.pk == first.registration.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel_by_resident(registration=found)
    assert _refresh(first.registration).status == "cancelled"
    assert _refresh(second.registration).status == "confirmed"
    assert _refresh(third.registration).status == "waitlisted"
    assert _refresh(activity).confirmed_count == 1
    assert [m.kind for m in outbox] == ["activity_promoted"]
    assert outbox[0].mobile == "13900000001"
    # the promotion task again sends nothing twice
    assert tasks.tell_promoted.call(registration_id=second.registration.pk) is False
    with pytest.raises(ValidationError, match="已取消"):
        services.registration_cancel_by_resident(registration=found)


def test_code_with_the_mobile_finds_only_that_registration(world):
    activity = _activity(world)
    mine = _sign(activity)
    other = _sign(activity, mobile="13700137000")
    assert selectors_public.registration_by_code(activity, "13800138000", mine.code).pk == mine.registration.pk
    assert selectors_public.registration_by_code(activity, "13800138000", mine.code[:4] + " " + mine.code[4:])
    for mobile, code in [("13800138000", other.code), ("13700137000", mine.code), ("13800138000", ""), ("", mine.code)]:
        with pytest.raises(Registration.DoesNotExist):
            selectors_public.registration_by_code(activity, mobile, code)
    with pytest.raises(Registration.DoesNotExist):
        selectors_public.registration_by_link("x" * 32)


def test_staff_revoke_the_link_the_old_one_dies_a_new_one_is_sent(world, outbox, django_capture_on_commit_callbacks):
    activity = _activity(world)
    old = _sign(activity)
    outbox.clear()
    manager = world.users["station_manager"]
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        new = services.registration_new_link(registration=_refresh(old.registration), issued_by=manager)
    with pytest.raises(Registration.DoesNotExist):
        selectors_public.registration_by_link(old.token)
    with pytest.raises(Registration.DoesNotExist):
        selectors_public.registration_by_code(activity, "13800138000", old.code)
    assert selectors_public.registration_by_link(new.token).pk == old.registration.pk
    assert len(outbox) == 1
    assert new.token in outbox[0].text
    # the old link's message, if its task ran only now, is not sent
    assert tasks.send_private_link.call(registration_id=old.registration.pk, sealed=_sealed(old)) is False
    other_manager = world.users["other_station_manager"]
    with scope_for(other_manager), pytest.raises(PermissionDenied):
        services.registration_new_link(registration=_refresh(old.registration), issued_by=other_manager)


def _sealed(signup):
    return crypto.encrypt(json.dumps({"token": signup.token, "code": signup.code}))


def test_the_link_message_is_sent_once_however_often_the_task_runs(world, outbox):
    activity = _activity(world)
    signup = _sign(activity)
    outbox.clear()
    Registration.all_objects.filter(pk=signup.registration.pk).update(link_sent_hash="")
    assert tasks.send_private_link.call(registration_id=signup.registration.pk, sealed=_sealed(signup)) is True
    assert tasks.send_private_link.call(registration_id=signup.registration.pk, sealed=_sealed(signup)) is False
    assert len(outbox) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": False}, "consent"),
        ({"mobile": "12345"}, "mobile"),
        ({"mobile": "1380013800a"}, "mobile"),
        ({"mobile": "138001380001"}, "mobile"),
        ({"name": "   "}, "name"),
        ({"name": "王" * 51}, "name"),
        ({"name": "王\x00红"}, "name"),
        ({"participant_age": 8}, "guardian_name"),  # a child without a guardian
        ({"participant_age": 30, "guardian_name": "王芳"}, "participant_age"),
        ({"participant_age": -1, "guardian_name": "王芳"}, "participant_age"),
        ({"guardian_name": "王芳"}, "participant_age"),  # a guardian, but for whom?
        ({"children_ages": [3, 40]}, "children_ages"),
        ({"children_ages": [1] * 7}, "children_ages"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, changes, field):
    activity = _activity(world)
    before = _count()
    with pytest.raises(ValidationError) as exc_info:
        _sign(activity, **changes)
    assert field in exc_info.value.message_dict
    assert _count() == before
    assert _refresh(activity).registration_seq == 0


def test_a_guardian_signs_up_a_child_and_emoji_are_fine(world):
    activity = _activity(world, children_need_guardian=True)
    signup = _sign(activity, name="小明 🎨", participant_age=8, guardian_name="王芳", children_ages=[3, 5])
    reg = _refresh(signup.registration)
    assert (reg.name, reg.participant_age, reg.guardian_name, reg.children_ages) == ("小明 🎨", 8, "王芳", [3, 5])
    assert reg.masked("mobile") == "138****8000"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": ActivityStatus.CANCELLED}, "取消"),
        ({"status": ActivityStatus.COMPLETED}, "结束"),
        ({"status": ActivityStatus.DRAFT}, "报名"),
        ({"signup_closes_at": at(-1)}, "报名"),
        ({"signup_opens_at": at(2)}, "报名"),
        ({"audience": Audience.VILLAGE}, "不向公众开放"),
        ({"audience": Audience.INVITED}, "不向公众开放"),
    ],
)
def test_only_published_public_activities_inside_their_window(world, setup, message):
    activity = _activity(world, **setup)
    before = _count()
    with pytest.raises(ValidationError, match=message):
        _sign(activity)
    assert _count() == before


def test_one_active_registration_per_mobile_and_again_after_cancelling(world):
    activity = _activity(world)
    first = _sign(activity)
    with pytest.raises(ValidationError, match="已报名"):
        _sign(activity, mobile="+86 138-0013-8000", name="别人")
    services.registration_cancel_by_resident(registration=first.registration)
    again = _sign(activity)
    assert again.registration.status == "confirmed"
    assert selectors_public.registration_by_code(activity, "13800138000", again.code).pk == again.registration.pk


def test_no_cancelling_once_the_activity_has_started(world):
    activity = _activity(world, seats=3)
    signup = _sign(activity)
    Activity.all_objects.filter(pk=activity.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError, match="开始"):
        services.registration_cancel_by_resident(registration=_refresh(signup.registration))
    assert _refresh(signup.registration).status == "confirmed"


def test_cancelling_the_activity_tells_every_registrant_once(world, outbox, django_capture_on_commit_callbacks):
    activity = _activity(world, seats=1)
    signups = [_sign(activity, mobile=f"1350000000{i}") for i in range(3)]
    services.registration_cancel_by_resident(registration=signups[2].registration)  # cancelled: not told
    outbox.clear()
    manager = world.users["station_manager"]
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel(activity=_refresh(activity), cancelled_by=manager, reason="台风预警")
    assert sorted(m.mobile for m in outbox) == ["13500000000", "13500000001"]
    assert all(m.kind == "activity_cancelled" and "台风预警" in m.text for m in outbox)
    assert tasks.tell_activity_cancelled.call(activity_id=activity.pk) == 0  # a re-run sends nothing
    assert len(outbox) == 2


def test_reminders_go_to_the_confirmed_once_and_follow_a_new_start(world, outbox):
    activity = _activity(world, seats=1, days=2)
    _sign(activity, mobile="13600000000")
    _sign(activity, mobile="13600000001")  # waitlisted: no reminder
    outbox.clear()
    starts = _refresh(activity).starts_at
    assert tasks.send_reminders.call(activity_id=activity.pk, starts_at=starts.isoformat()) == 1
    assert tasks.send_reminders.call(activity_id=activity.pk, starts_at=starts.isoformat()) == 0
    assert [m.mobile for m in outbox] == ["13600000000"]
    # moved: the run queued for the old time sends nothing, the new time's run reminds again
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.activity_update(
            activity=_refresh(activity),
            updated_by=manager,
            version=1,
            starts_at=starts + timedelta(hours=3),
            ends_at=starts + timedelta(hours=5),
        )
    assert tasks.send_reminders.call(activity_id=activity.pk, starts_at=starts.isoformat()) == 0
    moved = (starts + timedelta(hours=3)).isoformat()
    assert tasks.send_reminders.call(activity_id=activity.pk, starts_at=moved) == 1
    assert len(outbox) == 2
    assert "提醒" in outbox[1].text


def test_reminders_are_queued_with_run_after_on_publish_and_on_a_new_start(
    world, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    activity = _activity(world, status=ActivityStatus.DRAFT, days=5)
    manager = world.users["station_manager"]
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.activity_publish(activity=activity, published_by=manager)
    queued = DBTaskResult.objects.get()
    starts = activity.starts_at
    assert queued.run_after == starts - timedelta(days=1)
    assert queued.args_kwargs["kwargs"] == {"activity_id": activity.pk, "starts_at": activity.starts_at.isoformat()}
    with scope_for(manager), django_capture_on_commit_callbacks(execute=True):
        services.activity_update(
            activity=_refresh(activity),
            updated_by=manager,
            version=2,
            starts_at=starts + timedelta(days=1),
            ends_at=starts + timedelta(days=1, hours=2),
        )
    runs = sorted(DBTaskResult.objects.values_list("run_after", flat=True))
    assert runs == [starts - timedelta(days=1), starts]


def test_the_log_backend_masks_the_number(caplog, settings):
    settings.RESIDENT_MESSAGE_BACKEND = "yizhan.notifications.channels.LogBackend"
    with caplog.at_level("INFO", logger="yizhan.messages"):
        message = channels.send(kind="activity_reminder", mobile="13800138000", text="明天见")
    assert message is not None
    assert message.mobile == "13800138000"
    assert "138****8000" in caplog.text
    assert "13800138000" not in caplog.text
    assert channels.send(kind="activity_reminder", text="nobody") is None


def test_public_signups_are_erased_after_the_retention_period(world, settings):
    activity = _activity(world)
    signup = _sign(activity, participant_age=6, guardian_name="王芳", children_ages=[4])
    Activity.all_objects.filter(pk=activity.pk).update(
        starts_at=at(-100), ends_at=at(-100, 11), status=ActivityStatus.COMPLETED
    )
    settings.RETENTION = {**settings.RETENTION, "activity_signup": 90}
    assert services.erase_public_signups() == 1
    assert services.erase_public_signups() == 0
    reg = _refresh(signup.registration)
    assert (reg.name, reg.mobile, reg.guardian_name, reg.children_ages, reg.access_hash) == ("—", "", "", [], "")
    assert reg.erased_at is not None
    with pytest.raises(Registration.DoesNotExist):
        selectors_public.registration_by_link(signup.token)
