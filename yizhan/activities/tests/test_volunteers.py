"""Volunteer services and selectors: profiles, shifts never over their slots, sign-up and cancel, check-in and
check-out, corrections (audited) and confirmation; only confirmed hours count; bad input changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yizhan.accounts.models import Role
from yizhan.activities import selectors_volunteers as sel
from yizhan.activities import services
from yizhan.activities.models import (
    ActivityStatus,
    HoursStatus,
    Shift,
    ShiftRole,
    ShiftSignup,
    SignupStatus,
    VolunteerProfile,
)
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.tests.factories import user_with_role

from .helpers import build_activities, make_activity
from .volunteers import build_volunteers, make_shift, make_signup

pytestmark = pytest.mark.django_db


def _signup(user, shift):
    with scope_for(user):
        return services.shift_signup(
            shift=Shift.objects.select_related("activity__station__region").get(pk=shift.pk), volunteer=user
        )


def _counts(shift):
    with scopes_disabled():
        shift.refresh_from_db()
        return shift.taken_count, ShiftSignup.all_objects.filter(shift=shift, status=SignupStatus.SIGNED_UP).count()


# --- shifts and sign-ups ------------------------------------------------------------------------------------------


def test_manager_adds_a_shift_with_the_activity_times_by_default(world):
    a = build_activities(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        shift = services.shift_create(activity=a.activity, created_by=manager, role=ShiftRole.PHOTO, slots=2)
    assert (shift.starts_at, shift.ends_at) == (a.activity.starts_at, a.activity.ends_at)
    with scopes_disabled():
        assert AuditLog.all_objects.filter(target_type="activities.shift", target_id=str(shift.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"slots": 0}, "slots"),
        ({"slots": 51}, "slots"),
        ({"slots": -3}, "slots"),
        ({"role": "juggling"}, "role"),
        ({"ends_at_offset": -1}, "ends_at"),
        ({"note": "很" * 501}, "note"),
    ],
)
def test_bad_shifts_are_refused(world, kwargs, field):
    a = build_activities(world)
    manager = world.users["station_manager"]
    data = {"role": ShiftRole.GUIDE, "slots": 2, **kwargs}
    if data.pop("ends_at_offset", None):
        data["starts_at"], data["ends_at"] = a.activity.starts_at, a.activity.starts_at - timedelta(hours=1)
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.shift_create(activity=a.activity, created_by=manager, **data)
    assert field in exc.value.message_dict
    with scopes_disabled():
        assert Shift.all_objects.filter(activity=a.activity).count() == 0


def test_others_cannot_add_shifts(world):
    a = build_activities(world)
    for key in ("other_station_manager", "volunteer"):
        with scope_for(world.users[key]), pytest.raises(PermissionDenied):
            services.shift_create(activity=a.activity, created_by=world.users[key], role=ShiftRole.GUIDE, slots=1)


def test_volunteers_sign_up_until_the_shift_is_full(world):
    v = build_volunteers(world)
    signup = _signup(v.volunteer, v.shift)
    assert signup.status == SignupStatus.SIGNED_UP
    with scopes_disabled():
        assert VolunteerProfile.all_objects.filter(user=v.volunteer).exists()  # made on the first sign-up
    with pytest.raises(ValidationError, match="已经报名|already"):
        _signup(v.volunteer, v.shift)
    with scopes_disabled():
        second = user_with_role(Role.VOLUNTEER, world.regions["330109113001"], username="vol2")
        third = user_with_role(Role.VOLUNTEER, world.regions["330109113001"], username="vol3")
    _signup(second, v.shift)
    with pytest.raises(ValidationError) as exc:
        _signup(third, v.shift)
    assert "满" in " ".join(exc.value.messages) or "full" in " ".join(exc.value.messages)
    assert _counts(v.shift) == (2, 2)


def test_only_the_village_volunteers_sign_up(world):
    v = build_volunteers(world)
    for key in ("volunteer", "station_manager", "town_admin"):  # 友谊村's volunteer, not volunteers at all
        with scope_for(world.users[key]), pytest.raises((PermissionDenied, Shift.DoesNotExist)):
            services.shift_signup(shift=Shift.objects.get(pk=v.shift.pk), volunteer=world.users[key])
    assert _counts(v.shift) == (0, 0)


def test_no_sign_up_for_a_started_shift_or_an_unpublished_activity(world):
    v = build_volunteers(world)
    a = build_activities(world)
    with pytest.raises(ValidationError):
        _signup(v.volunteer, v.past_shift)
    draft_shift = make_shift(a.draft)
    with pytest.raises(ValidationError):
        _signup(v.volunteer, draft_shift)
    assert _counts(draft_shift) == (0, 0)


def test_cancel_before_the_shift_frees_the_slot(world):
    v = build_volunteers(world)
    signup = _signup(v.volunteer, v.shift)
    with scope_for(v.volunteer):
        services.shift_signup_cancel(signup=sel.signup_get(signup.pk), cancelled_by=v.volunteer)
        with pytest.raises(ValidationError):
            services.shift_signup_cancel(signup=sel.signup_get(signup.pk), cancelled_by=v.volunteer)
    assert _counts(v.shift) == (0, 0)
    _signup(v.volunteer, v.shift)  # and sign up again
    assert _counts(v.shift) == (1, 1)


def test_no_cancel_after_the_shift_started_nor_of_someone_else(world):
    v = build_volunteers(world)
    with scope_for(v.volunteer), pytest.raises(ValidationError):
        services.shift_signup_cancel(signup=sel.signup_get(v.pending.pk), cancelled_by=v.volunteer)
    with scope_for(world.users["volunteer"]), pytest.raises(ShiftSignup.DoesNotExist):
        sel.signup_get(v.pending.pk)  # another volunteer's sign-up: not in scope


# --- hours --------------------------------------------------------------------------------------------------------


def test_check_in_and_out_give_pending_hours(world):
    v = build_volunteers(world)
    signup = v.youyi_signup
    volunteer = world.users["volunteer"]
    now = timezone.now()
    with scope_for(volunteer):
        s = sel.signup_get(signup.pk)
        with pytest.raises(ValidationError, match="签到|Check in first"):
            services.shift_check_out(signup=s, actor=volunteer)
        services.shift_check_in(signup=s, actor=volunteer, now=now - timedelta(minutes=30))
        with pytest.raises(ValidationError):
            services.shift_check_in(signup=s, actor=volunteer)
        with pytest.raises(ValidationError):  # check-out before check-in
            services.shift_check_out(signup=s, actor=volunteer, now=now - timedelta(minutes=40))
        services.shift_check_out(signup=s, actor=volunteer, now=now)
    assert (s.minutes, s.hours_status) == (30, HoursStatus.PENDING)
    with scopes_disabled():
        assert AuditLog.all_objects.filter(target_type="activities.shiftsignup", target_id=str(s.pk)).count() == 2


def test_check_in_window(world):
    v = build_volunteers(world)
    with scope_for(v.volunteer):
        signup = _signup(v.volunteer, v.shift)  # a week ahead
        with pytest.raises(ValidationError):
            services.shift_check_in(signup=sel.signup_get(signup.pk), actor=v.volunteer)
    with scopes_disabled():
        assert ShiftSignup.all_objects.get(pk=signup.pk).checked_in_at is None


def test_manager_corrects_with_a_reason_and_confirms(world):
    v = build_volunteers(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        s = sel.signup_get(v.pending.pk)
        with pytest.raises(ValidationError):
            services.hours_correct(signup=s, corrected_by=manager, minutes=120, reason="  ", version=s.version)
        with pytest.raises(ValidationError):
            services.hours_correct(signup=s, corrected_by=manager, minutes=-5, reason="记错", version=s.version)
        with pytest.raises(ValidationError):
            services.hours_correct(signup=s, corrected_by=manager, minutes=25 * 60, reason="记错", version=s.version)
        with pytest.raises(ValidationError):  # stale version
            services.hours_correct(signup=s, corrected_by=manager, minutes=120, reason="记错", version=s.version + 5)
        services.hours_correct(signup=s, corrected_by=manager, minutes=120, reason="提前到场布置 🎈", version=s.version)
        services.hours_confirm(signup=s, confirmed_by=manager)
        with pytest.raises(ValidationError):
            services.hours_confirm(signup=s, confirmed_by=manager)
    with scopes_disabled():
        stored = ShiftSignup.all_objects.get(pk=s.pk)
        row = AuditLog.all_objects.filter(target_type="activities.shiftsignup", target_id=str(s.pk)).first()
    assert (stored.minutes, stored.hours_status, stored.correction_reason) == (120, "confirmed", "提前到场布置 🎈")
    assert row is not None


def test_volunteers_never_confirm_hours(world):
    v = build_volunteers(world)
    with scope_for(v.volunteer), pytest.raises(PermissionDenied):
        services.hours_confirm(signup=sel.signup_get(v.pending.pk), confirmed_by=v.volunteer)
    with scope_for(world.users["other_station_manager"]), pytest.raises(ShiftSignup.DoesNotExist):
        sel.signup_get(v.pending.pk)


def test_only_confirmed_hours_count(world):
    v = build_volunteers(world)
    today = timezone.localdate()
    start = today - timedelta(days=30)
    with scope_for(v.volunteer):
        summary = sel.hours_summary(v.volunteer, start=start, end=today)
        assert (summary.confirmed_minutes, summary.pending_minutes) == (0, 90)
        assert list(sel.confirmed_signups(v.volunteer, start=start, end=today)) == []
    with scope_for(world.users["station_manager"]):
        services.hours_confirm(signup=sel.signup_get(v.pending.pk), confirmed_by=world.users["station_manager"])
        rows = sel.confirmed_hours_by_station(date_from=start, date_to=today)
    assert [(r["shift__activity__station__brand_name"], r["minutes"]) for r in rows] == [("四融驿站", 90)]
    with scope_for(v.volunteer):
        assert sel.hours_summary(v.volunteer, start=start, end=today).confirmed_hours == 1.5


# --- profile ------------------------------------------------------------------------------------------------------


def test_volunteer_edits_the_profile(world):
    v = build_volunteers(world)
    with scope_for(v.volunteer):
        profile = services.ensure_profile(user=v.volunteer)
        services.volunteer_profile_update(
            user=v.volunteer,
            version=profile.version,
            skills=["photo", "checkin", "photo"],
            availability=["weekend_am"],
            phone="13900001111",
            note="周末上午有空 😊",
        )
        with pytest.raises(ValidationError):
            services.volunteer_profile_update(user=v.volunteer, version=profile.version, skills=["flying"])
        with pytest.raises(ValidationError):
            services.volunteer_profile_update(user=v.volunteer, version=profile.version, note="长" * 501)
        with pytest.raises(ValidationError):
            services.volunteer_profile_update(user=v.volunteer, version=profile.version, phone="12345")
    with scopes_disabled():
        stored = VolunteerProfile.all_objects.get(user=v.volunteer)
    assert stored.skills == ["checkin", "photo"]
    assert stored.masked("phone") == "139****1111"
    with scope_for(world.users["station_manager"]):  # the village's manager sees the station's volunteers
        assert [p.pk for p in sel.profiles()] == [stored.pk]
    with scope_for(world.users["other_station_manager"]):
        assert list(sel.profiles()) == []


def test_non_volunteers_have_no_profile(world):
    with scope_for(world.users["station_manager"]), pytest.raises(PermissionDenied):
        services.volunteer_profile_update(user=world.users["station_manager"], version=1)


# --- selectors for the home panels --------------------------------------------------------------------------------


def test_open_shifts_are_the_village_ones_with_slots_left(world):
    v = build_volunteers(world)
    a = build_activities(world)
    full = make_shift(a.activity, slots=1, role=ShiftRole.SAFETY)
    with scopes_disabled():
        other = user_with_role(Role.VOLUNTEER, world.regions["330109113001"], username="vol9")
    make_signup(full, other)
    with scope_for(v.volunteer):
        assert [s.pk for s in sel.open_shifts(v.volunteer)] == [v.shift.pk]
    with scope_for(world.users["volunteer"]):
        assert [s.pk for s in sel.open_shifts(world.users["volunteer"])] == [v.youyi_shift.pk]
    cancelled = make_activity(a.activity.station, status=ActivityStatus.CANCELLED, days=3)
    make_shift(cancelled)
    with scope_for(v.volunteer):
        assert len(sel.open_shifts(v.volunteer)) == 1
