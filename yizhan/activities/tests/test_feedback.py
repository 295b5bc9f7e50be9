"""After the activity: the summary with the actual counts and photos, satisfaction answers (one per device, never
more than took part, scores 1–5), low-score flags to the managers, averages per activity, station and town, and the
station's figures at a query count that does not grow with the number of activities."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from yizhan.activities import figures, services, tokens
from yizhan.activities.models import Activity, ActivityPhoto, ActivityStatus, ActivitySummary, Feedback, Registration
from yizhan.activities.services.feedback import activity_for_feedback
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.notifications.models import Notification
from yizhan.stations.tests.network import build_network

from .helpers import happening, make_activity, register, residents

pytestmark = pytest.mark.django_db

DEVICE = "device-key-0123456789"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _attended(world, n_people=3, **kwargs):
    n = build_network(world)
    activity = happening(n.station, minutes_to_start=-30, **kwargs)
    regs = register(activity, residents(world.regions["330109113001"], n_people, start=500))
    with scopes_disabled():
        Registration.all_objects.filter(pk__in=[r.pk for r in regs]).update(checked_in_at=timezone.now())
    return activity


def _answer(activity, device=DEVICE, scores=(5, 4, 5), comment=""):
    return services.feedback_submit(
        activity=activity,
        device_key=device,
        participation=scores[0],
        safety=scores[1],
        happiness=scores[2],
        comment=comment,
    )


def _feedback_count(activity) -> int:
    with scopes_disabled():
        return Feedback.all_objects.filter(activity=activity).count()


def png(size=(120, 90)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 120)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


# --- satisfaction ----------------------------------------------------------------------------------------------


def test_an_answer_is_anonymous_and_one_per_device(world):
    activity = _attended(world)
    answer = _answer(activity, comment="很开心 😊\n谢谢")
    assert answer.comment == "很开心 😊\n谢谢"
    assert not answer.is_low
    assert DEVICE not in answer.device_guard
    assert len(answer.device_guard) == 64
    assert not hasattr(answer, "person")
    assert not hasattr(answer, "registration")
    with pytest.raises(ValidationError, match="answered about this activity already"):
        _answer(activity)
    assert _feedback_count(activity) == 1
    _answer(activity, device="another-device-0123456")
    assert _feedback_count(activity) == 2


def test_never_more_answers_than_people_took_part(world):
    activity = _attended(world, n_people=2)
    _answer(activity, device="a" * 20)
    _answer(activity, device="b" * 20)
    with pytest.raises(ValidationError, match="Everyone who took part"):
        _answer(activity, device="c" * 20)
    assert _feedback_count(activity) == 2


def test_nobody_checked_in_no_answers(world):
    n = build_network(world)
    activity = happening(n.station, minutes_to_start=-30)
    with pytest.raises(ValidationError, match="once participants have checked in"):
        _answer(activity)


@pytest.mark.parametrize(
    ("scores", "comment", "device", "field"),
    [
        ((0, 3, 3), "", DEVICE, "participation"),
        ((3, 6, 3), "", DEVICE, "safety"),
        ((3, 3, "五"), "", DEVICE, "happiness"),
        ((3, 3, True), "", DEVICE, "happiness"),
        ((3, 3, 3), "长" * 1001, DEVICE, "comment"),
        ((3, 3, 3), "坏\u0007", DEVICE, "comment"),
        ((3, 3, 3), "", "short", "device"),
        ((3, 3, 3), "", "bad key with spaces!!", "device"),
    ],
)
def test_bad_answers_change_nothing(world, scores, comment, device, field):
    activity = _attended(world)
    with pytest.raises(ValidationError) as exc:
        _answer(activity, device=device, scores=scores, comment=comment)
    assert field in exc.value.message_dict
    assert _feedback_count(activity) == 0


def test_answers_open_at_the_start_and_close_a_week_after_the_end(world):
    n = build_network(world)
    soon = happening(n.station, minutes_to_start=30)
    with pytest.raises(ValidationError, match="opens when the activity starts"):
        _answer(soon)
    old = make_activity(n.station, days=-9)
    with scopes_disabled():
        Activity.all_objects.filter(pk=old.pk).update(status=ActivityStatus.COMPLETED)
        old.refresh_from_db()
    with pytest.raises(ValidationError, match="closed on"):
        _answer(old)
    cancelled = make_activity(n.station, days=-1, status=ActivityStatus.CANCELLED)
    with pytest.raises(ValidationError, match="takes no feedback"):
        _answer(cancelled)


def test_feedback_tokens(world):
    activity = _attended(world)
    assert activity_for_feedback(tokens.feedback_token(activity)) == activity
    with pytest.raises(tokens.TokenError):
        activity_for_feedback(tokens.checkin_token(activity))
    with pytest.raises(tokens.TokenError):
        activity_for_feedback("forged:token")


def test_a_low_answer_flags_the_activity_to_the_managers_once(world, django_capture_on_commit_callbacks):
    activity = _attended(world, n_people=4)
    with django_capture_on_commit_callbacks(execute=True):
        _answer(activity, device="a" * 20, scores=(4, 4, 4))
    with scopes_disabled():
        assert not Notification.all_objects.filter(kind="activity_low_score").exists()
    with django_capture_on_commit_callbacks(execute=True):
        _answer(activity, device="b" * 20, scores=(4, 2, 5))
    with django_capture_on_commit_callbacks(execute=True):
        _answer(activity, device="c" * 20, scores=(1, 1, 1))
    with scopes_disabled():
        notes = list(Notification.all_objects.filter(kind="activity_low_score"))
    assert [n.user for n in notes] == [world.users["station_manager"]]
    assert notes[0].params["activity_id"] == activity.pk
    with scope_for(world.users["station_manager"]):
        averages = figures.activity_feedback(activity)
    assert averages == {
        "answers": 3,
        "participation": 3.0,
        "safety": 2.33,
        "happiness": 3.33,
        "overall": 2.89,
        "low": 2,
    }


def test_averages_per_station_and_town_follow_the_scope(world):
    activity = _attended(world)
    _answer(activity, scores=(5, 5, 4))
    n = build_network(world)
    other = happening(n.other_station, minutes_to_start=-30)
    register(other, residents(world.regions["330109114001"], 1, start=700))
    with scopes_disabled():
        Registration.all_objects.filter(activity=other).update(checked_in_at=timezone.now())
    _answer(other, scores=(1, 2, 3))
    with scope_for(world.users["district_admin"]):
        towns = {row["key"]: row for row in figures.feedback_by_town()}
        stations = figures.feedback_by_station()
    assert towns["330109113"]["overall"] == 4.67
    assert towns["330109114"]["low"] == 1
    assert len(stations) == 2
    with scope_for(world.users["station_manager"]):
        assert [row["name"] for row in figures.feedback_by_station()] == ["四融驿站"]
        assert [row["key"] for row in figures.feedback_by_town()] == ["330109113"]


# --- summary and photos ------------------------------------------------------------------------------------------


def test_the_manager_completes_with_a_summary_and_photos(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    activity = _attended(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        summary = services.summary_save(
            activity=activity, written_by=manager, text="  亲子手工很成功 🎨  ", participants=5, walk_ins=2
        )
        assert activity.status == ActivityStatus.COMPLETED
        assert summary.text == "亲子手工很成功 🎨"
        photo = services.photo_add(activity=activity, upload=png(), uploaded_by=manager, caption="合影")
        assert default_storage.exists(photo.image)
        assert default_storage.exists(photo.thumbnail)
        # corrected later, version-checked
        services.summary_save(
            activity=activity, written_by=manager, text="改", participants=6, walk_ins=2, version=summary.version
        )
        with pytest.raises(StaleVersionError):
            services.summary_save(activity=activity, written_by=manager, text="再改", participants=6, version=1)
        services.photo_delete(photo=photo, deleted_by=manager)
    with scopes_disabled():
        assert ActivitySummary.all_objects.get(activity=activity).participants == 6
        assert not ActivityPhoto.all_objects.exists()


@pytest.mark.parametrize(
    ("text", "participants", "walk_ins", "field"),
    [
        ("", 3, 0, "text"),
        ("长" * 4001, 3, 0, "text"),
        ("好", -1, 0, "participants"),
        ("好", 100_001, 0, "participants"),
        ("好", 3, 4, "walk_ins"),
    ],
)
def test_bad_summaries_change_nothing(world, text, participants, walk_ins, field):
    activity = _attended(world)
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.summary_save(
            activity=activity, written_by=manager, text=text, participants=participants, walk_ins=walk_ins
        )
    assert field in exc.value.message_dict
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).status == ActivityStatus.PUBLISHED
        assert not ActivitySummary.all_objects.exists()


def test_a_summary_needs_a_started_activity_and_the_station(world):
    n = build_network(world)
    future = happening(n.station, minutes_to_start=60 * 24)
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError, match="once it has started"):
        services.summary_save(activity=future, written_by=manager, text="好", participants=1)
    other = world.users["other_station_manager"]
    with scope_for(other), pytest.raises(PermissionDenied):
        services.summary_save(activity=future, written_by=other, text="好", participants=1)


def test_a_bad_photo_is_refused(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    activity = _attended(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        with pytest.raises(ValidationError, match="once the activity is completed"):
            services.photo_add(activity=activity, upload=png(), uploaded_by=manager)
        services.summary_save(activity=activity, written_by=manager, text="好", participants=3)
        fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
        with pytest.raises(ValidationError):
            services.photo_add(activity=activity, upload=fake, uploaded_by=manager)
    with scopes_disabled():
        assert not ActivityPhoto.all_objects.exists()


# --- the station's figures ---------------------------------------------------------------------------------------


def test_station_figures(world):
    n = build_network(world)
    manager = world.users["station_manager"]
    summarised = _attended(world)
    with scope_for(manager):
        services.summary_save(activity=summarised, written_by=manager, text="好", participants=10, walk_ins=1)
    _answer(summarised, scores=(5, 4, 3))
    counted = _attended(world, title="按签到计")  # completed without a summary: its 3 check-ins count
    with scopes_disabled():
        Activity.all_objects.filter(pk=counted.pk).update(status=ActivityStatus.COMPLETED)
    old = make_activity(n.station, days=-400)  # more than 12 months ago
    with scopes_disabled():
        Activity.all_objects.filter(pk=old.pk).update(status=ActivityStatus.COMPLETED)
    make_activity(n.station, days=-3)  # published, never completed: not counted
    figures_ = figures.station_activity_figures(n.station)
    assert figures_ == {
        "activities": 2,
        "participants": 13,
        "answers": 1,
        "satisfaction": 4.0,
        "participation": 5.0,
        "safety": 4.0,
        "happiness": 3.0,
    }
    assert figures.station_activity_figures(n.other_station)["activities"] == 0


def test_station_figures_cost_the_same_queries_at_any_number_of_activities(world, django_assert_num_queries):
    n = build_network(world)

    def completed(k):
        with scopes_disabled():
            for i in range(k):
                a = make_activity(n.station, days=-(i % 300) - 1, title=f"活动{i}")
                Activity.all_objects.filter(pk=a.pk).update(status=ActivityStatus.COMPLETED)

    completed(2)
    with django_assert_num_queries(3):
        figures.station_activity_figures(n.station)
    completed(40)
    with django_assert_num_queries(3):
        assert figures.station_activity_figures(n.station)["activities"] == 42


def test_the_summary_defaults_come_from_the_attendance(world):
    activity = _attended(world)
    with scope_for(world.users["station_manager"]):
        counts = figures.attendance(activity)
    assert (counts.attended, counts.walk_ins) == (3, 0)
    assert activity.ends_at > timezone.now() - timedelta(hours=3)
