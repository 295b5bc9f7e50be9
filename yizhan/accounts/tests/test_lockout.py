"""Login lockout that protects accounts without locking offices (yizhan/accounts/lockout.py, yizhan/core/http.py)."""

import pytest
from axes.models import AccessAttempt
from captcha.models import CaptchaStore
from django.test import Client, override_settings

from yizhan.audit.models import AuditLog
from yizhan.tests.factories import PASSWORD

WRONG = "Wrong@Pass1"
LOCKED = "登录失败次数过多"
CAPTCHA_ASKED = "请输入图中显示的字符。"


def _login(client, username, password=PASSWORD, ip="10.0.0.1", captcha=None, **headers):
    data = {"username": username, "password": password, **(captcha or {})}
    return client.post("/accounts/login/", data, REMOTE_ADDR=ip, **headers)


def _captcha_answer():
    """What a person reads off the picture: the challenge the login page just drew."""
    store = CaptchaStore.objects.order_by("-id").first()
    return {"captcha_0": store.hashkey, "captcha_1": store.response}


def test_one_user_failing_does_not_lock_out_the_office(world):
    """Finding 3: five wrong passwords for user A, then user B with the right password from the same address."""
    for _ in range(5):
        _login(Client(), "town_admin", WRONG, ip="10.0.0.7")
    assert _login(Client(), "town_admin", ip="10.0.0.7").status_code == 429  # A from here is locked
    assert _login(Client(), "station_manager", ip="10.0.0.7").status_code == 302  # B from the same NAT is not


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(world):
    for _ in range(5):
        _login(Client(), "district_admin", WRONG, ip="203.0.113.9")
    assert _login(Client(), "district_admin", ip="203.0.113.9").status_code == 429
    # the owner, at her office: not locked, but the account was attacked, so a CAPTCHA comes before the password
    client = Client()
    asked = _login(client, "district_admin", ip="10.0.0.1")
    assert asked.status_code == 200
    assert CAPTCHA_ASKED in asked.content.decode()
    assert client.get("/accounts/home/").status_code == 302  # not signed in without the CAPTCHA
    page = client.get("/accounts/login/")  # (the form she is shown draws a picture)
    assert page.status_code == 200
    answered = _login(client, "district_admin", ip="10.0.0.1", captcha=_captcha_answer())
    assert answered.status_code == 302
    assert answered["Location"] == "/accounts/home/"


def test_an_account_attacked_from_many_addresses_needs_a_captcha_not_a_lock(world):
    for n in range(5):
        _login(Client(), "town_admin", WRONG, ip=f"198.51.100.{n}")  # one try from each of five addresses
    client = Client()
    first = _login(client, "town_admin", ip="198.51.100.200")  # the right password, but no CAPTCHA
    assert first.status_code == 200
    assert CAPTCHA_ASKED in first.content.decode()
    assert 'src="/accounts/captcha/image/' in first.content.decode()
    # the password was not even checked: no failure recorded, nothing counted
    assert AuditLog.all_objects.filter(action="login_failed").count() == 5
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5
    tried = {"captcha_0": _captcha_answer()["captcha_0"], "captcha_1": "x"}
    wrong = _login(client, "town_admin", ip="198.51.100.200", captcha=tried)
    assert "字符与图片不符" in wrong.content.decode()
    assert client.get("/accounts/home/").status_code == 302
    # a challenge is answered once only: the one just tried is gone, even with the right characters
    assert not CaptchaStore.objects.filter(hashkey=tried["captcha_0"]).exists()
    ok = _login(client, "town_admin", ip="198.51.100.200", captcha=_captcha_answer())
    assert ok.status_code == 302
    assert client.get("/accounts/home/").status_code == 200
    # other accounts need no CAPTCHA
    assert _login(Client(), "station_manager", ip="198.51.100.200").status_code == 302


def test_the_captcha_picture_is_drawn_here(world):
    client = Client()
    for n in range(5):
        _login(Client(), "town_admin", WRONG, ip=f"198.51.100.{n}")
    _login(client, "town_admin", ip="198.51.100.9")
    picture = client.get(f"/accounts/captcha/image/{_captcha_answer()['captcha_0']}/")
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")


def test_typing_the_mobile_number_counts_for_the_same_account(world):
    mobile = world.users["town_admin"].mobile
    for _ in range(3):
        _login(Client(), "town_admin", WRONG, ip="10.0.3.1")
    for _ in range(2):
        _login(Client(), mobile, WRONG, ip="10.0.3.1")
    assert _login(Client(), "town_admin", ip="10.0.3.1").status_code == 429
    assert _login(Client(), mobile, ip="10.0.3.1").status_code == 429


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=12, LOGIN_CAPTCHA_AFTER=100)
def test_many_accounts_failing_from_one_address_lock_that_address(world):
    for n in range(11):
        assert _login(Client(), f"guess{n % 4}", WRONG, ip="10.9.9.9").status_code == 200  # ≤ 3 per name: no pair lock
    assert _login(Client(), "guess3", WRONG, ip="10.9.9.9").status_code == 429  # the 12th failure reaches the limit
    assert _login(Client(), "town_admin", ip="10.9.9.9").status_code == 429
    assert LOCKED in _login(Client(), "station_manager", ip="10.9.9.9").content.decode()
    assert _login(Client(), "town_admin", ip="10.9.9.10").status_code == 302  # other addresses are not affected


def test_the_address_limit_is_much_higher_than_the_account_limit(world):
    from django.conf import settings

    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 50
    for n in range(20):
        _login(Client(), f"colleague{n}", WRONG, ip="10.0.5.5")  # a busy office: 20 typos across 20 accounts
    assert _login(Client(), "town_admin", ip="10.0.5.5").status_code == 302


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(world):
    for n in range(5):
        _login(Client(), "town_admin", WRONG, ip="10.0.0.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.66"}
    assert _login(Client(), "town_admin", ip="10.0.0.66", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@override_settings(TRUSTED_PROXIES=["10.0.0.2", "10.1.0.0/16"])
def test_behind_a_trusted_proxy_the_client_address_is_read_from_forwarded_for(world):
    proxy = "10.0.0.2"
    # every request comes from the proxy; the clients are told apart by the address the proxy appended
    for _ in range(5):
        _login(Client(), "town_admin", WRONG, ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.10"}
    assert _login(Client(), "town_admin", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10").status_code == 429
    assert _login(Client(), "station_manager", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10").status_code == 302
    # a client that writes its own header cannot pretend to be elsewhere: the proxy appends the real address
    forged = _login(Client(), "town_admin", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.77, 192.0.2.10")
    assert forged.status_code == 429
    # a chain of trusted proxies is walked from the right
    chained = _login(Client(), "town_admin", ip="10.1.3.4", HTTP_X_FORWARDED_FOR="192.0.2.10, 10.0.0.2")
    assert chained.status_code == 429
    # a request that does not come through the proxy is taken at its own address, whatever it claims
    direct = _login(Client(), "station_manager", WRONG, ip="192.0.2.200", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert direct.status_code == 200
    assert AccessAttempt.objects.filter(ip_address="192.0.2.200").exists()


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "10.0.0.1", "192.0.2.1", "10.0.0.1"),
        (["10.0.0.2"], "10.0.0.1", "192.0.2.1", "10.0.0.1"),
        (["10.0.0.2"], "10.0.0.2", "192.0.2.1", "192.0.2.1"),
        (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "not-an-address", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "192.0.2.1, 10.3.3.3", "192.0.2.1"),
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", "2001:db8:1::5, 2001:db8::9", "2001:db8:1::5"),
    ],
)
def test_client_ip(rf, proxies, remote, forwarded, expected):
    from yizhan.core.http import client_ip

    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected
