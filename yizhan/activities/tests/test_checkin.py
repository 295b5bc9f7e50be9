"""Check-in: the signed QR token, the participant's own check-in, the desk, walk-ins and undo, attendance counts;
bad input (forged or out-of-date token, outside the window, unknown mobile) changes nothing."""

from datetime import date, timedelta

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from yizhan.activities import figures, services, tokens
from yizhan.activities.models import Activity, ActivityStatus, Registration
from yizhan.activities.services.checkin import activity_for_checkin
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people.models import Person, TargetGroup, TargetGroupMembership
from yizhan.stations.tests.network import build_network

from .helpers import happening, make_activity, register, residents

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English here (the pages' tests read them in Chinese)."""
    with translation.override("en"):
        yield


def _world(world, **kwargs):
    n = build_network(world)
    activity = happening(n.station, **kwargs)
    people = residents(world.regions["330109113001"], 3, start=100)
    regs = register(activity, people)
    return activity, people, regs


def _reg(pk) -> Registration:
    with scopes_disabled():
        return Registration.all_objects.get(pk=pk)


def _audit_rows(registration) -> int:
    with scopes_disabled():
        return AuditLog.all_objects.filter(
            target_type="activities.registration", target_id=str(registration.pk)
        ).count()


# --- tokens ------------------------------------------------------------------------------------------------------


def test_a_token_names_its_activity_and_nothing_else(world):
    activity, _people, _regs = _world(world)
    token = tokens.checkin_token(activity)
    assert activity_for_checkin(token) == activity
    # forged: another activity's id under a made-up signature, or a flipped character
    with pytest.raises(tokens.TokenError, match="not valid"):
        activity_for_checkin(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(tokens.TokenError, match="not valid"):
        activity_for_checkin(signing.dumps({"a": activity.pk, "e": 1}, salt="another salt"))
    # the feedback token is not a check-in token (salts differ)
    with pytest.raises(tokens.TokenError, match="not valid"):
        activity_for_checkin(tokens.feedback_token(activity))
    with pytest.raises(tokens.TokenError):
        activity_for_checkin("x" * 5000)


def test_a_code_printed_before_the_activity_moved_is_out_of_date(world):
    activity, _people, _regs = _world(world)
    token = tokens.checkin_token(activity)
    with scopes_disabled():
        Activity.all_objects.filter(pk=activity.pk).update(ends_at=activity.ends_at + timedelta(hours=1))
    with pytest.raises(tokens.TokenError, match="out of date"):
        activity_for_checkin(token)


# --- the participant ---------------------------------------------------------------------------------------------


def test_a_participant_checks_in_with_their_mobile_once(world):
    activity, people, regs = _world(world)
    result = services.self_check_in(activity=activity, mobile=f" {people[0].mobile[:3]}-{people[0].mobile[3:]} ")
    assert result.registration.pk == regs[0].pk
    assert not result.already
    stored = _reg(regs[0].pk)
    assert stored.checked_in_at is not None
    assert stored.check_in_method == "qr"
    assert stored.checked_in_by is None
    assert _audit_rows(stored) == 1
    again = services.self_check_in(activity=activity, mobile=people[0].mobile)
    assert again.already
    assert _reg(regs[0].pk).checked_in_at == stored.checked_in_at
    assert _audit_rows(stored) == 1  # nothing changed, nothing logged


@pytest.mark.parametrize(
    ("mobile", "message"),
    [
        ("", "Enter the mobile number"),
        ("12345", "11 digits"),
        ("1390000🎉000", "11 digits"),
        ("13900009999", "No registration for this activity"),
    ],
)
def test_bad_mobiles_change_nothing(world, mobile, message):
    activity, _people, regs = _world(world)
    with pytest.raises(ValidationError, match=message):
        services.self_check_in(activity=activity, mobile=mobile)
    assert _reg(regs[0].pk).checked_in_at is None


@pytest.mark.parametrize(
    ("minutes_to_start", "status", "message"),
    [
        (61, ActivityStatus.PUBLISHED, "Check-in opens at"),
        (-121, ActivityStatus.PUBLISHED, "Check-in closed at"),
        (30, ActivityStatus.CANCELLED, "cancelled"),
        (30, ActivityStatus.DRAFT, "not open for check-in"),
        (-30, ActivityStatus.COMPLETED, "over"),
    ],
)
def test_outside_the_window_nothing_changes(world, minutes_to_start, status, message):
    activity, people, regs = _world(world, minutes_to_start=minutes_to_start)
    with scopes_disabled():
        Activity.all_objects.filter(pk=activity.pk).update(status=status)
        activity.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        services.self_check_in(activity=activity, mobile=people[0].mobile)
    assert _reg(regs[0].pk).checked_in_at is None


def test_the_window_opens_an_hour_before_the_start(world):
    activity, people, _regs = _world(world, minutes_to_start=59)
    assert not services.self_check_in(activity=activity, mobile=people[0].mobile).already


def test_a_waitlisted_participant_is_sent_to_the_desk(world):
    activity, _people, _regs = _world(world)
    late = residents(world.regions["330109113001"], 1, start=200)
    (waiting,) = register(activity, late, status=Registration.Status.WAITLISTED)
    with pytest.raises(ValidationError, match="waitlist"):
        services.self_check_in(activity=activity, mobile=late[0].mobile)
    assert _reg(waiting.pk).checked_in_at is None


# --- by the registration code given at sign-up --------------------------------------------------------------------


def _signed_up(world, *, minutes_to_start=30, mobile="13800138000", station=None):
    """A public sign-up (so a private code) for an activity starting in ``minutes_to_start`` minutes; the sign-up
    happens while the activity is still ahead, then the clock of the activity is moved."""
    n = build_network(world)
    activity = happening(station or n.station, minutes_to_start=max(minutes_to_start, 30))
    signup = services.public_signup(activity=activity, name="王小红", mobile=mobile, consent=True)
    if minutes_to_start < 30:
        with scopes_disabled():
            shift = timedelta(minutes=30 - minutes_to_start)
            Activity.all_objects.filter(pk=activity.pk).update(
                starts_at=activity.starts_at - shift, ends_at=activity.ends_at - shift
            )
            activity.refresh_from_db()
    return activity, signup


def test_a_participant_checks_in_with_the_registration_code(world):
    activity, signup = _signed_up(world)
    rows = _audit_rows(signup.registration)
    result = services.self_check_in(activity=activity, code=f" {signup.code[:4]}-{signup.code[4:]} ")
    assert not result.already
    reg = _reg(signup.registration.pk)
    assert reg.checked_in_at is not None
    assert reg.check_in_method == "qr"
    assert services.self_check_in(activity=activity, code=signup.code).already
    assert _audit_rows(reg) == rows + 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1234", "has 8 digits"),
        ("1234567a", "has 8 digits"),
        ("12345678🎉", "has 8 digits"),
        ("wrong", "No registration for this activity with this code"),
    ],
)
def test_a_bad_code_changes_nothing(world, code, message):
    activity, signup = _signed_up(world)
    if code == "wrong":
        code = f"{(int(signup.code) + 1) % 10**8:08d}"
    with pytest.raises(ValidationError, match=message):
        services.self_check_in(activity=activity, code=code)
    assert _reg(signup.registration.pk).checked_in_at is None


def test_mobile_and_code_together_or_neither_are_refused(world):
    activity, signup = _signed_up(world)
    with pytest.raises(ValidationError, match="not both"):
        services.self_check_in(activity=activity, mobile="13800138000", code=signup.code)
    with pytest.raises(ValidationError, match="or your registration code"):
        services.self_check_in(activity=activity)
    assert _reg(signup.registration.pk).checked_in_at is None


def test_the_code_of_another_activity_is_refused(world):
    activity, _signup = _signed_up(world)
    n = build_network(world)
    other = happening(n.station, minutes_to_start=20, title="绘画")
    foreign = services.public_signup(activity=other, name="李四", mobile="13900139000", consent=True)
    with pytest.raises(ValidationError, match="No registration for this activity with this code"):
        services.self_check_in(activity=activity, code=foreign.code)
    assert _reg(foreign.registration.pk).checked_in_at is None


def test_a_revoked_code_is_refused_and_the_new_one_works(world):
    activity, signup = _signed_up(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        reg = Registration.objects.select_related("activity", "activity__station").get(pk=signup.registration.pk)
        fresh = services.registration_new_link(registration=reg, issued_by=manager)
    with pytest.raises(ValidationError, match="use the newest one"):
        services.self_check_in(activity=activity, code=signup.code)
    assert _reg(signup.registration.pk).checked_in_at is None
    assert not services.self_check_in(activity=activity, code=fresh.code).already


def test_the_code_of_a_cancelled_registration_is_refused(world):
    activity, signup = _signed_up(world)
    with scopes_disabled():
        reg = Registration.all_objects.select_related("activity").get(pk=signup.registration.pk)
    services.registration_cancel_by_resident(registration=reg)
    with pytest.raises(ValidationError, match="was cancelled"):
        services.self_check_in(activity=activity, code=signup.code)
    assert _reg(signup.registration.pk).checked_in_at is None


@pytest.mark.parametrize(("minutes_to_start", "message"), [(61, "Check-in opens at"), (-121, "Check-in closed at")])
def test_a_code_outside_the_window_changes_nothing(world, minutes_to_start, message):
    activity, signup = _signed_up(world, minutes_to_start=minutes_to_start)
    with pytest.raises(ValidationError, match=message):
        services.self_check_in(activity=activity, code=signup.code)
    assert _reg(signup.registration.pk).checked_in_at is None


# --- the desk ----------------------------------------------------------------------------------------------------


def test_the_desk_checks_in_and_undoes(world):
    activity, _people, regs = _world(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        result = services.desk_check_in(registration=_reg(regs[1].pk), checked_in_by=manager)
        assert not result.already
        stored = _reg(regs[1].pk)
        assert stored.check_in_method == "desk"
        assert stored.checked_in_by == manager
        assert services.desk_check_in(registration=_reg(regs[1].pk), checked_in_by=manager).already
        services.desk_undo(registration=_reg(regs[1].pk), undone_by=manager)
        assert _reg(regs[1].pk).checked_in_at is None
        with pytest.raises(ValidationError, match="not checked in"):
            services.desk_undo(registration=_reg(regs[1].pk), undone_by=manager)
    assert _audit_rows(stored) == 2


def test_the_desk_is_for_the_station_only(world):
    activity, _people, regs = _world(world)
    for key in ("other_station_manager", "other_town_admin"):
        user = world.users[key]
        with scope_for(user), pytest.raises(PermissionDenied):
            services.desk_check_in(registration=_reg(regs[0].pk), checked_in_by=user)
    admin = world.users["town_admin"]
    with scope_for(admin):
        assert not services.desk_check_in(registration=_reg(regs[0].pk), checked_in_by=admin).already


def test_the_desk_opens_with_the_window_and_closes_with_completion(world):
    activity, _people, regs = _world(world, minutes_to_start=90)
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError, match="Check-in opens at"):
        services.desk_check_in(registration=_reg(regs[0].pk), checked_in_by=manager)
    with scopes_disabled():
        Activity.all_objects.filter(pk=activity.pk).update(status=ActivityStatus.COMPLETED)
    with scope_for(manager), pytest.raises(ValidationError, match="completed"):
        services.desk_check_in(registration=_reg(regs[0].pk), checked_in_by=manager)
    assert _reg(regs[0].pk).checked_in_at is None


def test_a_walk_in_is_recorded_checked_in_without_taking_a_seat(world):
    activity, _people, _regs = _world(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        walk = services.walk_in_add(activity=activity, name=" 路过的 🌸 ", mobile="13712345678", recorded_by=manager)
    assert walk.walk_in
    assert walk.checked_in_at
    assert walk.name == "路过的 🌸"
    assert walk.position == 4
    assert walk.mobile_hint == "137****5678"
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 3
    with scope_for(manager):
        counts = figures.attendance(activity)
        assert (counts.registered, counts.attended, counts.walk_ins) == (3, 1, 1)
        # the same mobile again is refused; a mistaken walk-in is removed by undo, seats untouched
        with pytest.raises(ValidationError, match="registered already"):
            services.walk_in_add(activity=activity, name="又来", mobile="13712345678", recorded_by=manager)
        services.desk_undo(registration=_reg(walk.pk), undone_by=manager)
        assert _reg(walk.pk).status == Registration.Status.CANCELLED
        assert figures.attendance(activity).walk_ins == 0
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 3


@pytest.mark.parametrize(
    ("name", "mobile", "field"),
    [("", "", "name"), ("长" * 51, "", "name"), ("坏\u0007名", "", "name"), ("好名", "99", "mobile")],
)
def test_bad_walk_ins_change_nothing(world, name, mobile, field):
    activity, _people, _regs = _world(world)
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.walk_in_add(activity=activity, name=name, mobile=mobile, recorded_by=manager)
    assert field in exc.value.message_dict
    with scopes_disabled():
        assert Registration.all_objects.filter(activity=activity).count() == 3


def test_cancelling_a_walk_in_keeps_the_seat_count(world):
    activity, _people, _regs = _world(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        walk = services.walk_in_add(activity=activity, name="路人", recorded_by=manager)
        services.registration_cancel(registration=_reg(walk.pk), cancelled_by=manager)
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == 3


# --- attendance and the desk's search ----------------------------------------------------------------------------


def test_attendance_by_gender_age_and_group(world):
    activity, people, regs = _world(world, minutes_to_start=-10)
    day = timezone.localdate()
    with scopes_disabled():
        Person.all_objects.filter(pk=people[0].pk).update(gender="female", birth_date=date(day.year - 8, 1, 1))
        Person.all_objects.filter(pk=people[1].pk).update(gender="male", birth_date=date(day.year - 40, 1, 1))
        group = TargetGroup.objects.create(code="left_behind_test", name="测试留守儿童")
        TargetGroupMembership.all_objects.create(person=people[0], group=group, start_date=day - timedelta(days=30))
    manager = world.users["station_manager"]
    with scope_for(manager):
        for reg in regs[:2]:
            services.desk_check_in(registration=_reg(reg.pk), checked_in_by=manager)
        services.walk_in_add(activity=activity, name="路人", recorded_by=manager)
        counts = figures.attendance(activity)
    assert (counts.registered, counts.attended, counts.no_shows, counts.walk_ins) == (3, 3, 1, 1)
    genders = dict(counts.by_gender)
    assert genders["Female"] == 1
    assert genders["Male"] == 1
    assert genders["Not stated or unknown"] == 1
    ages = dict(counts.by_age)
    assert ages["0–13"] == 1
    assert ages["35–59"] == 1
    assert ages["Unknown"] == 1
    groups = dict(counts.by_group)
    assert groups["测试留守儿童"] == 1
    assert groups["In no target group"] == 1
    assert groups["Unknown (not in the registry)"] == 1


def test_no_shows_count_only_once_started(world):
    activity, _people, _regs = _world(world, minutes_to_start=30)
    with scope_for(world.users["station_manager"]):
        assert figures.attendance(activity).no_shows == 0


def test_the_desk_finds_by_name_last_four_digits_full_mobile_and_number(world):
    activity, people, regs = _world(world)
    with scope_for(world.users["station_manager"]):
        assert [r.pk for r in figures.desk_search(activity, "居民101")] == [regs[1].pk]
        assert [r.pk for r in figures.desk_search(activity, people[2].mobile[-4:])] == [regs[2].pk]
        assert [r.pk for r in figures.desk_search(activity, people[0].mobile)] == [regs[0].pk]
        assert [r.pk for r in figures.desk_search(activity, "2")] == [regs[1].pk]
        assert figures.desk_search(activity, "nobody") == []


def test_attendance_costs_the_same_queries_at_any_size(world, django_assert_num_queries):
    n = build_network(world)
    small = happening(n.station)
    big = happening(n.station, minutes_to_start=40, title="大活动", seats=100)
    small_regs = register(small, residents(world.regions["330109113001"], 2, start=300))
    big_regs = register(big, residents(world.regions["330109113001"], 30, start=400))
    with scopes_disabled():
        Registration.all_objects.filter(pk__in=[r.pk for r in big_regs + small_regs]).update(
            checked_in_at=timezone.now()
        )
    with scope_for(world.users["station_manager"]):
        with django_assert_num_queries(4):
            figures.attendance(small)
        with django_assert_num_queries(4):
            figures.attendance(big)


def test_a_draft_activity_has_no_check_in(world):
    n = build_network(world)
    draft = make_activity(n.station, status=ActivityStatus.DRAFT)
    with pytest.raises(ValidationError, match="not open"):
        services.self_check_in(activity=draft, mobile="13510000001")
