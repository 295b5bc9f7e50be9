import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from yizhan.audit.models import AuditLog
from yizhan.tests.factories import PASSWORD

WRONG_LOGIN = "用户名/手机号或密码错误。在同一台电脑上连续失败 5 次后，账户在这台电脑上将被锁定 15 分钟。"


def _login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_by_username_and_by_mobile(world):
    assert _login(Client(), "town_admin").status_code == 302
    mobile = world.users["town_admin"].mobile
    response = _login(Client(), mobile)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"
    assert AuditLog.all_objects.filter(action="login", actor=world.users["town_admin"]).count() == 2


def test_wrong_password_says_so_and_warns_of_lockout(world):
    response = _login(Client(), "town_admin", "Wrong@Pass1")
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert AuditLog.all_objects.filter(action="login_failed").count() == 1


def test_lockout_never_stores_a_typed_mobile_number(world):
    from axes.models import AccessAttempt

    _login(Client(), "13912345678", "Wrong@Pass1")
    stored = " ".join(str(v) for v in AccessAttempt.objects.values_list("username", "get_data", "post_data"))
    assert "13912345678" not in stored


def test_inactive_user_cannot_log_in(world):
    user = world.users["volunteer"]
    user.is_active = False
    user.save()
    client = Client()
    response = _login(client, "volunteer")
    # the same answer as a wrong password: whether the account exists and is switched off is not told
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert client.get("/accounts/home/").status_code == 302


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Xq7!", ["password_too_short"]),
        ("alllowercase", ["password_classes"]),
        (
            "12345678901",
            ["password_too_common", "password_sequence", "password_entirely_numeric", "password_classes"],
        ),
        ("password1", ["password_too_common", "password_weak", "password_classes"]),
        ("ALLUPPER99", ["password_classes"]),
        ("guali2026", ["password_classes"]),
    ],
)
def test_password_policy_rejects(password, codes):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert [e.code for e in exc.value.error_list] == codes


def test_password_policy_explains_itself_in_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_password("alllowercase")
    assert exc.value.messages == ["密码须至少包含以下 3 类字符：小写字母、大写字母、数字、符号。"]


def test_too_short_password_is_explained_in_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_password("Xq7!")
    assert exc.value.messages == ["密码长度太短。密码必须包含至少 8 个字符。"]


def test_password_policy_accepts_mixed():
    validate_password("Guali@2026")
    validate_password("Lanting-River-7")


def test_session_idle_timeout_and_renewal(world, client_for):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = client_for(world.users["town_admin"])
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))  # almost idle for 30 minutes
    assert client.get("/accounts/home/").status_code == 200
    expires = Session.objects.get().expire_date  # each request pushes the end 30 minutes out again
    assert timedelta(minutes=29) < expires - timezone.now() <= timedelta(minutes=30)


def test_expired_session_logs_out(world):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.force_login(world.users["town_admin"])
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/accounts/home/").status_code == 302


def test_logout_needs_post(world, client_for):
    client = client_for(world.users["town_admin"])
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/home/").status_code == 302
    assert AuditLog.all_objects.filter(action="logout").count() == 1


def test_login_redirect_ignores_foreign_next(world):
    response = Client().post(
        "/accounts/login/?next=https://evil.example/", {"username": "town_admin", "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/home/"


def test_own_password_change_enforces_policy(world, client_for):
    client = client_for(world.users["station_manager"])
    weak = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"}
    )
    assert weak.status_code == 200
    assert "密码须至少包含" in weak.content.decode()
    ok = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "New#Secret88", "new_password2": "New#Secret88"},
    )
    assert ok.status_code == 302
    assert _login(Client(), "station_manager", "New#Secret88").status_code == 302
    row = AuditLog.all_objects.get(action="update", target_type="accounts.user")
    assert row.changes == {"password": ["******", "******"]}


def test_language_switch_is_remembered_on_the_account(world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.post("/accounts/language/", {"language": "en", "next": "/accounts/home/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    world.users["town_admin"].refresh_from_db()
    assert world.users["town_admin"].language == "en"
    other_device = client_for(world.users["town_admin"])
    assert "Welcome" in other_device.get("/accounts/home/").content.decode()
    assert client.post("/accounts/language/", {"language": "xx", "next": "https://evil.example/"})["Location"] == "/"


def test_chinese_by_default_whatever_the_browser_says(db):
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Log in" in english.get("/accounts/login/").content.decode()
