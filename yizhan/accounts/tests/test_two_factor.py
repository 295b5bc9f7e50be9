import pyotp
import pytest
from django.db import connection
from django.test import Client

from yizhan.accounts import twofactor
from yizhan.accounts.models import TwoFactorDevice
from yizhan.audit.models import AuditLog
from yizhan.tests.factories import PASSWORD


def _enable(client, user):
    client.post("/accounts/two-factor/", {"action": "start"})
    device = TwoFactorDevice.all_objects.get(user=user)
    response = client.post("/accounts/two-factor/", {"action": "confirm", "code": pyotp.TOTP(device.secret).now()})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


def _next_code(device):
    """A valid code that has not been used yet (the next 30-second step)."""
    totp = pyotp.TOTP(device.secret)
    return totp.at((device.last_used_step + 1) * totp.interval)


def test_setup_shows_qr_and_needs_a_right_code(world, client_for):
    user = world.users["town_admin"]
    client = client_for(user)
    page = client.post("/accounts/two-factor/", {"action": "start"}).content.decode()
    assert "data:image/svg+xml;base64," in page
    assert 'data-testid="secret"' in page
    bad = client.post("/accounts/two-factor/", {"action": "confirm", "code": "000000"})
    assert bad.status_code == 400
    assert bad.context["code_form"].errors == {"code": ["验证码错误或已过期，请输入 App 当前显示的 6 位数字。"]}
    assert not twofactor.is_enabled(user)
    device = _enable(client, user)
    assert device.is_confirmed
    assert twofactor.is_enabled(user)
    assert AuditLog.all_objects.filter(changes__has_key="two_factor").count() == 1


def test_secret_is_encrypted_at_rest(world, client_for):
    device = _enable(client_for(world.users["town_admin"]), world.users["town_admin"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_twofactordevice WHERE id = %s", [device.pk])
        raw = cursor.fetchone()[0]
    assert device.secret not in raw
    assert raw.startswith("enc1:")


def test_login_needs_the_code_after_the_password(world, client_for):
    device = _enable(client_for(world.users["town_admin"]), world.users["town_admin"])
    client = Client()
    step1 = client.post("/accounts/login/", {"username": "town_admin", "password": PASSWORD})
    assert step1["Location"] == "/accounts/login/verify/"
    assert client.get("/accounts/home/").status_code == 302  # not logged in yet
    wrong = client.post("/accounts/login/verify/", {"code": "123456"})
    assert wrong.status_code == 400
    totp = pyotp.TOTP(device.secret)
    spent = totp.at(device.last_used_step * totp.interval)  # the code typed while enabling: used up
    assert client.post("/accounts/login/verify/", {"code": spent}).status_code == 400
    assert client.get("/accounts/home/").status_code == 302
    ok = client.post("/accounts/login/verify/", {"code": _next_code(device)})  # within the allowed clock drift
    assert (ok.status_code, ok["Location"]) == (302, "/accounts/home/")
    assert client.get("/accounts/home/").status_code == 200


def test_a_code_is_accepted_only_once(world, client_for):
    user = world.users["town_admin"]
    device = _enable(client_for(user), user)
    code = _next_code(device)
    step = device.last_used_step + 1
    device.last_used_step = step - 1
    totp = pyotp.TOTP(device.secret)
    assert totp.at(step * totp.interval) == code
    # both requests see the same device state; only one may pass
    import time as time_module

    original = time_module.time
    try:
        time_module.time = lambda: step * totp.interval + 1
        assert twofactor.verify(user=user, code=code) is True
        assert twofactor.verify(user=user, code=code) is False
    finally:
        time_module.time = original


def test_too_many_wrong_codes_end_the_attempt(world, client_for):
    _enable(client_for(world.users["town_admin"]), world.users["town_admin"])
    client = Client()
    client.post("/accounts/login/", {"username": "town_admin", "password": PASSWORD})
    for _ in range(4):
        assert client.post("/accounts/login/verify/", {"code": "111111"}).status_code == 400
    # the fifth wrong code also reaches the login lockout: wrong codes count like wrong passwords
    assert client.post("/accounts/login/verify/", {"code": "111111"}).status_code == 429
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"
    assert Client().post("/accounts/login/", {"username": "town_admin", "password": PASSWORD}).status_code == 429
    assert AuditLog.all_objects.filter(action="login_failed").count() == 6  # 5 codes + the locked login


def test_turning_off_needs_password_and_code(world, client_for):
    user = world.users["station_manager"]
    client = client_for(user)
    device = _enable(client, user)
    bad = client.post("/accounts/two-factor/", {"action": "disable", "password": "nope", "code": _next_code(device)})
    assert bad.status_code == 400
    assert bad.context["disable_form"].errors == {"password": ["密码错误。"]}
    assert twofactor.is_enabled(user)
    bad = client.post("/accounts/two-factor/", {"action": "disable", "password": PASSWORD, "code": "000000"})
    assert bad.status_code == 400
    assert bad.context["disable_form"].errors == {"code": ["验证码错误或已过期，请输入 App 当前显示的 6 位数字。"]}
    assert twofactor.is_enabled(user)
    ok = client.post("/accounts/two-factor/", {"action": "disable", "password": PASSWORD, "code": _next_code(device)})
    assert ok.status_code == 302
    assert not twofactor.is_enabled(user)


def test_admin_resets_two_factor_for_a_lost_phone(world, client_for):
    user = world.users["station_manager"]
    _enable(client_for(user), user)
    assert (
        client_for(world.users["other_town_admin"]).post(f"/accounts/users/{user.pk}/two-factor/reset/").status_code
        == 404
    )
    assert twofactor.is_enabled(user)
    assert client_for(world.users["town_admin"]).post(f"/accounts/users/{user.pk}/two-factor/reset/").status_code == 302
    assert not twofactor.is_enabled(user)


def test_required_roles_must_set_it_up_first(world, client_for, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["federation_admin"]
    admin = client_for(world.users["town_admin"])
    assert admin.get("/accounts/users/")["Location"] == "/accounts/two-factor/"
    page = admin.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert "您的角色要求" in page.content.decode()
    _enable(admin, world.users["town_admin"])
    assert admin.get("/accounts/users/").status_code == 200
    assert client_for(world.users["volunteer"]).get("/accounts/home/").status_code == 200  # not required


@pytest.mark.parametrize("path", ["/accounts/login/verify/"])
def test_verify_without_password_step_goes_back_to_login(db, path):
    assert Client().get(path)["Location"] == "/accounts/login/"
