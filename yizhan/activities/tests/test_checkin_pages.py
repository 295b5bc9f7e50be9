"""Check-in and after-the-activity pages and API as people use them: the participant's phone, the desk with htmx,
the poster PDF, walk-ins, the summary with photos, anonymous satisfaction answers, averages, the station's figures;
bad input answers with a clear (Chinese) message and changes nothing."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from yizhan.activities import services, tokens
from yizhan.activities.models import Activity, ActivityPhoto, ActivityStatus, ActivitySummary, Feedback, Registration
from yizhan.core.scoping import scopes_disabled
from yizhan.stations.tests.network import build_network
from yizhan.tests.pdf import pdf_text

from .helpers import happening, make_activity, register, residents
from .test_feedback import png

pytestmark = pytest.mark.django_db


def _setup(world, minutes_to_start=30, n_people=3):
    n = build_network(world)
    activity = happening(n.station, minutes_to_start=minutes_to_start, title="亲子绘本")
    people = residents(world.regions["330109113001"], n_people, start=800)
    regs = register(activity, people)
    return activity, people, regs


def _reg(pk):
    with scopes_disabled():
        return Registration.all_objects.get(pk=pk)


def _checkin_url(activity):
    return f"/activities/checkin/{tokens.checkin_token(activity)}/"


def _feedback_url(activity):
    return f"/activities/feedback/{tokens.feedback_token(activity)}/"


# --- the participant's phone -------------------------------------------------------------------------------------


def test_a_participant_checks_in_from_the_qr_page(world):
    activity, people, regs = _setup(world)
    client = Client()
    page = client.get(_checkin_url(activity))
    assert page.status_code == 200
    assert "亲子绘本" in page.content.decode()
    assert "四融驿站" in page.content.decode()
    done = client.post(_checkin_url(activity), {"mobile_or_code": people[0].mobile})
    assert done.status_code == 200
    text = done.content.decode()
    assert "签到成功" in text
    assert "居**" in text
    assert people[0].name not in text
    assert _reg(regs[0].pk).checked_in_at is not None
    again = client.post(_checkin_url(activity), {"mobile_or_code": people[0].mobile})
    assert "已签到过" in again.content.decode()


def _public_signup(activity, mobile="13800138000"):
    return services.public_signup(activity=activity, name="王小红", mobile=mobile, consent=True)


def test_a_participant_checks_in_with_the_registration_code_on_the_qr_page(world):
    activity, _people, _regs = _setup(world)
    signup = _public_signup(activity)
    client = Client()
    page = client.get(_checkin_url(activity)).content.decode()
    assert "报名码" in page
    wrong = client.post(_checkin_url(activity), {"mobile_or_code": f"{(int(signup.code) + 1) % 10**8:08d}"})
    assert wrong.status_code == 400
    assert "没有找到使用该报名码的本活动报名" in wrong.content.decode()
    assert _reg(signup.registration.pk).checked_in_at is None
    short = client.post(_checkin_url(activity), {"mobile_or_code": "1234"})
    assert short.status_code == 400
    assert "11 位" in short.content.decode()  # neither a code nor a mobile number: read as a mobile number
    done = client.post(_checkin_url(activity), {"mobile_or_code": f"{signup.code[:4]} {signup.code[4:]}"})
    assert done.status_code == 200
    assert "签到成功" in done.content.decode()
    assert "王**" in done.content.decode()
    assert _reg(signup.registration.pk).checked_in_at is not None


def test_the_code_of_a_cancelled_registration_or_another_activity_is_refused_on_the_qr_page(world):
    activity, _people, _regs = _setup(world)
    signup = _public_signup(activity)
    other = happening(build_network(world).station, minutes_to_start=20, title="绘画")
    foreign = _public_signup(other, mobile="13900139000")
    client = Client()
    response = client.post(_checkin_url(activity), {"mobile_or_code": foreign.code})
    assert response.status_code == 400
    assert "没有找到使用该报名码的本活动报名" in response.content.decode()
    with scopes_disabled():
        reg = Registration.all_objects.select_related("activity").get(pk=signup.registration.pk)
    services.registration_cancel_by_resident(registration=reg)
    cancelled = client.post(_checkin_url(activity), {"mobile_or_code": signup.code})
    assert cancelled.status_code == 400
    assert "此报名已取消" in cancelled.content.decode()
    assert _reg(signup.registration.pk).checked_in_at is None
    assert _reg(foreign.registration.pk).checked_in_at is None


@pytest.mark.parametrize(
    ("mobile", "message"),
    [("13900009999", "没有找到使用该手机号的报名"), ("123", "11 位"), ("", ""), ("1" * 21, "")],
)
def test_the_qr_page_refuses_bad_numbers(world, mobile, message):
    activity, _people, regs = _setup(world)
    response = Client().post(_checkin_url(activity), {"mobile_or_code": mobile})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _reg(regs[0].pk).checked_in_at is None


def test_a_forged_or_old_qr_code_is_refused(world):
    activity, people, regs = _setup(world)
    forged = tokens.checkin_token(activity)[:-3] + "abc"
    for url in (f"/activities/checkin/{forged}/", f"/activities/checkin/{'x' * 300}/", "/activities/checkin/🎉/"):
        response = Client().post(url, {"mobile_or_code": people[0].mobile})
        assert response.status_code == 400
        assert "该二维码无效" in response.content.decode()
    old = _checkin_url(activity)
    with scopes_disabled():
        Activity.all_objects.filter(pk=activity.pk).update(ends_at=activity.ends_at + timezone.timedelta(minutes=5))
    response = Client().get(old)
    assert response.status_code == 400
    assert "已过期" in response.content.decode()
    assert _reg(regs[0].pk).checked_in_at is None


def test_outside_the_window_the_qr_page_says_when(world):
    activity, people, regs = _setup(world, minutes_to_start=120)
    response = Client().post(_checkin_url(activity), {"mobile_or_code": people[0].mobile})
    assert response.status_code == 400
    assert "签到于" in response.content.decode()
    assert "开放" in response.content.decode()
    assert _reg(regs[0].pk).checked_in_at is None


@override_settings(API_THROTTLE_RATES={"user": "", "anon": "2/min"})
def test_the_qr_page_is_rate_limited(world):
    cache.clear()
    activity, people, _regs = _setup(world)
    client = Client()
    for _ in range(2):
        assert client.post(_checkin_url(activity), {"mobile_or_code": "13900009999"}).status_code == 400
    response = client.post(_checkin_url(activity), {"mobile_or_code": people[0].mobile})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "尝试次数过多" in response.content.decode()
    cache.clear()


# --- staff: QR, poster, desk ---------------------------------------------------------------------------------


def test_the_poster_is_an_a4_pdf_with_the_names_and_the_code(world, client_for):
    activity, _people, _regs = _setup(world)
    client = client_for(world.users["station_manager"])
    page = client.get(f"/activities/{activity.pk}/checkin-qr/")
    assert page.status_code == 200
    assert 'data-testid="checkin-qr"' in page.content.decode()
    response = client.get(f"/activities/{activity.pk}/checkin-poster.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for item in ("四融驿站", "隆园社区", "亲子绘本", "扫码输入手机号签到", "/activities/checkin/"):
        assert item in text.replace("\n", ""), item


def test_the_desk_searches_checks_in_with_htmx_and_undoes(world, client_for):
    activity, people, regs = _setup(world)
    client = client_for(world.users["station_manager"])
    page = client.get(f"/activities/{activity.pk}/desk/?q={people[1].mobile[-4:]}")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="desk-row"') == 1
    assert people[1].mobile not in page.content.decode()  # masked
    partial = client.get(f"/activities/{activity.pk}/desk/?q=居民", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().count('data-testid="desk-row"') == 3
    row = client.post(f"/activities/{activity.pk}/desk/{regs[1].pk}/check-in/", {"q": "居民"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert 'data-testid="checked-in"' in row.content.decode()
    assert "签到成功" in row.content.decode()
    assert _reg(regs[1].pk).check_in_method == "desk"
    undo = client.post(f"/activities/{activity.pk}/desk/{regs[1].pk}/undo/", HTTP_HX_REQUEST="true")
    assert undo.status_code == 200
    assert 'data-testid="desk-check-in"' in undo.content.decode()
    assert _reg(regs[1].pk).checked_in_at is None
    plain = client.post(f"/activities/{activity.pk}/desk/{regs[2].pk}/check-in/", {"q": "居民"})
    assert plain.status_code == 302
    assert plain["Location"].endswith("/desk/?q=%E5%B1%85%E6%B0%91")
    twice = client.post(f"/activities/{activity.pk}/desk/{regs[2].pk}/undo/", HTTP_HX_REQUEST="true")
    again = client.post(f"/activities/{activity.pk}/desk/{regs[2].pk}/undo/", HTTP_HX_REQUEST="true")
    assert twice.status_code == 200
    assert again.status_code == 400
    assert "尚未签到" in again.content.decode()


def test_walk_ins_at_the_desk(world, client_for):
    activity, _people, _regs = _setup(world)
    client = client_for(world.users["station_manager"])
    assert client.post(f"/activities/{activity.pk}/desk/walk-in/", {"name": "路过的阿姨 🌸"}).status_code == 302
    bad = client.post(f"/activities/{activity.pk}/desk/walk-in/", {"name": "长" * 60, "mobile": "abc"})
    assert bad.status_code == 400
    with scopes_disabled():
        walk_ins = list(Registration.all_objects.filter(activity=activity, walk_in=True))
    assert [w.name for w in walk_ins] == ["路过的阿姨 🌸"]
    detail = client.get(f"/activities/{activity.pk}/")
    assert 'data-testid="att-walk-ins">1<' in detail.content.decode()


def test_a_closed_desk_says_so(world, client_for):
    activity, _people, regs = _setup(world, minutes_to_start=180)
    client = client_for(world.users["station_manager"])
    assert 'data-testid="desk-closed"' in client.get(f"/activities/{activity.pk}/desk/").content.decode()
    response = client.post(f"/activities/{activity.pk}/desk/{regs[0].pk}/check-in/", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "签到于" in response.content.decode()
    assert _reg(regs[0].pk).checked_in_at is None


# --- summary and satisfaction -----------------------------------------------------------------------------------


def test_the_manager_completes_with_a_summary_and_sees_the_averages(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity, people, regs = _setup(world, minutes_to_start=-60)
    client = client_for(world.users["station_manager"])
    for reg in regs[:2]:
        client.post(f"/activities/{activity.pk}/desk/{reg.pk}/check-in/")
    form = client.get(f"/activities/{activity.pk}/summary/")
    assert form.status_code == 200
    assert 'name="participants" value="2"' in form.content.decode()  # prefilled from the attendance
    response = client.post(
        f"/activities/{activity.pk}/summary/",
        {"text": "大家一起读绘本 📚", "participants": "4", "walk_ins": "0", "photos": [png(), png((80, 60))]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Activity.all_objects.get(pk=activity.pk).status == ActivityStatus.COMPLETED
        assert ActivityPhoto.all_objects.filter(activity=activity).count() == 2
        photo = ActivityPhoto.all_objects.filter(activity=activity).first()
    assert client.get(f"/activities/photos/{photo.pk}/thumb/").status_code == 200
    assert Client().get(f"/activities/photos/{photo.pk}/thumb/").status_code == 302  # staff only
    # two attendees answer on their phones
    for scores in ((5, 4, 5), (3, 2, 4)):
        phone = Client()
        assert phone.get(_feedback_url(activity)).status_code == 200
        answer = phone.post(
            _feedback_url(activity),
            {"participation": scores[0], "safety": scores[1], "happiness": scores[2], "comment": "好 👍"},
        )
        assert answer.status_code == 200
        assert "感谢您的回答" in answer.content.decode()
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "大家一起读绘本 📚" in detail
    assert 'data-testid="avg-participation">4.0<' in detail
    assert 'data-testid="avg-safety">3.0<' in detail
    assert 'data-testid="low-flag"' in detail
    assert people[0].name not in detail.split('data-testid="satisfaction"')[1].split("</section>")[0]  # no names
    averages = client.get("/activities/satisfaction/").content.decode()
    assert averages.count('data-testid="station-row"') == 1
    assert "四融驿站" in averages


def test_one_answer_per_device_and_bad_scores(world):
    activity, _people, regs = _setup(world, minutes_to_start=-30)
    with scopes_disabled():
        Registration.all_objects.filter(activity=activity).update(checked_in_at=timezone.now())
    phone = Client()
    phone.get(_feedback_url(activity))
    for bad in ({"participation": 0, "safety": 3, "happiness": 3}, {"participation": 6, "safety": 3, "happiness": 3}):
        response = phone.post(_feedback_url(activity), bad)
        assert response.status_code == 400
    huge = phone.post(
        _feedback_url(activity), {"participation": 3, "safety": 3, "happiness": 3, "comment": "长" * 1001}
    )
    assert huge.status_code == 400
    ok = {"participation": 4, "safety": 4, "happiness": 4, "comment": "🎉"}
    assert phone.post(_feedback_url(activity), ok).status_code == 200
    twice = phone.post(_feedback_url(activity), ok)
    assert twice.status_code == 400
    assert "已在本设备上评价过" in twice.content.decode()
    no_cookie = Client().post(_feedback_url(activity), ok)
    assert no_cookie.status_code == 400
    assert "重新打开评价链接" in no_cookie.content.decode()
    with scopes_disabled():
        assert Feedback.all_objects.filter(activity=activity).count() == 1
    forged = Client().get(f"/activities/feedback/{tokens.checkin_token(activity)}/")
    assert forged.status_code == 400
    assert "该二维码无效" in forged.content.decode()


# --- the station's figures --------------------------------------------------------------------------------------


def test_the_station_pages_show_the_figures_and_link_the_activities(world, client_for):
    n = build_network(world)
    activity = make_activity(n.station, days=-5)
    with scopes_disabled():
        Activity.all_objects.filter(pk=activity.pk).update(status=ActivityStatus.COMPLETED)
        ActivitySummary.all_objects.create(activity=activity, text="好", participants=17)
    staff = client_for(world.users["station_manager"]).get(f"/stations/{n.station.pk}/").content.decode()
    assert 'data-testid="fig-activities">1<' in staff
    assert 'data-testid="fig-participants">17<' in staff
    assert f'href="/activities/?station={n.station.pk}"' in staff
    public = Client().get(f"/public/stations/{n.station.pk}/").content.decode()
    assert 'data-testid="fig-activities">1<' in public
    assert "近 12 个月活动" in public
    assert "/activities/?station=" not in public
    # roles that do not use the activity pages see the station page without the section
    assert (
        'data-testid="station-figures"'
        not in client_for(world.users["volunteer"]).get(f"/stations/{n.station.pk}/").content.decode()
    )


# --- API ---------------------------------------------------------------------------------------------------------


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_public_check_in_and_feedback(world):
    activity, people, regs = _setup(world, minutes_to_start=-10)
    client = Client()
    response = _post(
        client, "/api/activities/public/check-in", {"token": tokens.checkin_token(activity), "mobile": people[0].mobile}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["already"] is False
    assert body["name_masked"] == "居**"
    assert body["activity"] == activity.pk
    forged = _post(client, "/api/activities/public/check-in", {"token": "a:b:c", "mobile": people[0].mobile})
    assert forged.status_code == 400
    assert "token" in forged.json()["errors"]
    unknown = _post(
        client, "/api/activities/public/check-in", {"token": tokens.checkin_token(activity), "mobile": "13900009999"}
    )
    assert unknown.status_code == 400
    coded = happening(build_network(world).station, minutes_to_start=20, title="绘画")
    signup = _public_signup(coded)
    token = tokens.checkin_token(coded)
    wrong = _post(client, "/api/activities/public/check-in", {"token": token, "code": "0000000"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["code"] == ["报名码为 8 位数字。"]
    both = _post(
        client, "/api/activities/public/check-in", {"token": token, "code": signup.code, "mobile": "13800138000"}
    )
    assert both.status_code == 400
    neither = _post(client, "/api/activities/public/check-in", {"token": token})
    assert neither.status_code == 400
    assert _reg(signup.registration.pk).checked_in_at is None
    by_code = _post(client, "/api/activities/public/check-in", {"token": token, "code": signup.code})
    assert by_code.status_code == 200
    assert by_code.json()["name_masked"] == "王**"
    assert by_code.json()["already"] is False
    assert _reg(signup.registration.pk).checked_in_at is not None
    answer = {
        "token": tokens.feedback_token(activity),
        "device": "api-device-0123456789",
        "participation": 5,
        "safety": 5,
        "happiness": 4,
        "comment": "谢谢 🙏",
    }
    assert _post(client, "/api/activities/public/feedback", answer).status_code == 201
    assert _post(client, "/api/activities/public/feedback", answer).status_code == 400
    for score in (0, 6):
        assert (
            _post(
                client, "/api/activities/public/feedback", {**answer, "device": "x" * 20, "safety": score}
            ).status_code
            == 422
        )
    short_key = _post(client, "/api/activities/public/feedback", {**answer, "device": "short"})
    assert short_key.status_code == 400
    assert "device" in short_key.json()["errors"]
    with scopes_disabled():
        assert Feedback.all_objects.filter(activity=activity).count() == 1


def test_api_desk_walk_ins_attendance_and_averages(world, client_for):
    activity, _people, regs = _setup(world, minutes_to_start=-10)
    client = client_for(world.users["station_manager"])
    base = f"/api/activities/{activity.pk}"
    checked = client.post(f"{base}/registrations/{regs[0].pk}/check-in")
    assert checked.status_code == 200
    assert checked.json()["checked_in_at"]
    assert checked.json()["check_in_method"] == "desk"
    walk = _post(client, f"{base}/walk-ins", {"name": "路人 🌼", "mobile": "13712340000"})
    assert walk.status_code == 201
    assert walk.json()["walk_in"] is True
    assert walk.json()["mobile_masked"] == "137****0000"
    assert _post(client, f"{base}/walk-ins", {"name": "", "mobile": ""}).status_code == 422
    undo = client.post(f"{base}/registrations/{regs[0].pk}/undo-check-in")
    assert undo.status_code == 200
    assert undo.json()["checked_in_at"] is None
    attendance = client.get(f"{base}/attendance").json()
    assert (attendance["registered"], attendance["attended"], attendance["walk_ins"], attendance["no_shows"]) == (
        3,
        1,
        1,
        3,
    )
    assert client.get(f"{base}/feedback").json()["answers"] == 0
    averages = client.get("/api/activities/feedback/averages?town=330109113")
    assert averages.status_code == 200
    assert averages.json() == {"towns": [], "stations": []}
    assert client.get("/api/activities/feedback/averages?town=" + "1" * 50).status_code == 422
