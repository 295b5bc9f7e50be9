"""Passwords in line with 等保 2.0 level 3: personal information, common Chinese weak passwords, the change an admin's
password requires, the optional maximum age."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from yizhan.accounts import demo as accounts_demo
from yizhan.accounts import services
from yizhan.accounts.demo import DEMO_PASSWORD
from yizhan.accounts.models import User
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.regions import demo as regions_demo
from yizhan.tests.factories import PASSWORD

MUST_CHANGE = "您的密码由管理员设置，请先设置您自己的新密码再继续。"


def _codes(password, user=None):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    return [e.code for e in exc.value.error_list]


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("13800000007Aa", "password_has_mobile"),  # finding 7: the user's own mobile number plus letters
        ("Zx#00000007q", "password_has_mobile"),  # its last 6 digits
        ("Volunteer@2026x", "password_has_username"),
        ("赵红Lovely#2026", "password_has_name"),
    ],
)
def test_personal_information_is_refused(password, code):
    user = User(username="volunteer", name="赵红", mobile="13800000007")  # unsaved: the mobile number in plain text
    assert code in _codes(password, user)


def test_personal_information_is_compared_for_a_saved_user_with_an_encrypted_mobile(world):
    user = User.all_objects.get(pk=world.users["volunteer"].pk)
    assert "password_has_mobile" in _codes(f"{user.mobile}Aa", user)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Aa111111", "password_weak"),  # finding 7
        ("Yizhan2026", "password_weak"),  # finding 7: the product's name with a year
        ("Woaini@1314", "password_weak"),
        ("Qwerty!2026", "password_weak"),
        ("1qaz@WSX", "password_weak"),
        ("Zhang#19880808", "password_weak"),
        ("Lt#8888xyz", "password_repeated"),
        ("Hz!12345xy", "password_sequence"),
        ("Pt@asdfgh7", "password_sequence"),
    ],
)
def test_common_chinese_weak_passwords_are_refused(password, code):
    assert code in _codes(password)


def test_weak_password_message_is_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_password("Yizhan2026")
    assert exc.value.messages == ["该密码属于常见弱密码（常用词、拼音或名称加上数字、符号），请换一个。"]
    user = User(username="volunteer", name="赵红", mobile="13897052641")
    with pytest.raises(ValidationError) as exc:
        validate_password("Qm#13897052641x", user)
    assert exc.value.messages == ["密码不能包含您的手机号或其后 6 位。"]


@pytest.mark.parametrize("password", ["Guali@2026", "Lanting-River-7", PASSWORD, "Neu@Pass2026x", "七月Rain#58"])
def test_good_passwords_pass(password):
    validate_password(password, User(username="volunteer", name="赵红", mobile="13800000007"))


def _reset_by_admin(world, user, password="Neu@Pass2026x"):
    admin = world.users["town_admin"]
    client = Client()
    client.force_login(admin)
    response = client.post(f"/accounts/users/{user.pk}/password/", {"password": password})
    assert response.status_code == 302
    user.refresh_from_db()
    return password


def test_a_password_reset_by_an_admin_must_be_changed_at_the_next_login(world):
    user = world.users["station_manager"]
    password = _reset_by_admin(world, user)
    assert user.password_change_required
    client = Client()
    login = client.post("/accounts/login/", {"username": "station_manager", "password": password})
    assert login.status_code == 302
    home = client.get("/accounts/home/")
    assert home.status_code == 302
    assert home["Location"] == "/accounts/password/"
    assert client.get("/api/accounts/me").json() == {"detail": MUST_CHANGE}
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert MUST_CHANGE in page.content.decode()
    # the admin's password again is refused, and changes nothing
    same = client.post(
        "/accounts/password/", {"old_password": password, "new_password1": password, "new_password2": password}
    )
    assert same.status_code == 200
    assert "新密码不能与当前密码相同。" in same.content.decode()
    user.refresh_from_db()
    assert user.password_change_required
    assert user.check_password(password)
    changed = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "Mine#Own2026q", "new_password2": "Mine#Own2026q"},
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.password_change_required
    assert user.password_changed_at is not None
    assert client.get("/accounts/home/").status_code == 200
    row = AuditLog.all_objects.filter(action="update", target_type="accounts.user").latest("id")
    assert row.changes == {"password": ["******", "******"], "password_change_required": [True, False]}


def test_an_account_created_by_an_admin_must_change_its_initial_password(world):
    admin = world.users["town_admin"]
    with scope_for(admin):
        user = services.user_create(
            created_by=admin,
            username="new_volunteer",
            name="孙丽",
            password="Start#Pass2026q",
            role="volunteer",
            region=world.regions["330109113002"],
        )
    assert user.password_change_required
    client = Client()
    client.post("/accounts/login/", {"username": "new_volunteer", "password": "Start#Pass2026q"})
    assert client.get("/accounts/home/")["Location"] == "/accounts/password/"


def test_the_users_own_change_needs_no_further_change(world, client_for):
    user = world.users["volunteer"]
    client = client_for(user)
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Mine#Own2026q", "new_password2": "Mine#Own2026q"},
    )
    user.refresh_from_db()
    assert not user.password_change_required
    assert user.check_password("Mine#Own2026q")


def test_the_forced_change_still_allows_logout_and_language(world):
    user = world.users["volunteer"]
    User.all_objects.filter(pk=user.pk).update(password_change_required=True)
    client = Client()
    client.force_login(user)
    assert client.post("/accounts/language/", {"language": "en", "next": "/accounts/password/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_older_than_the_maximum_age_must_be_changed(world, client_for):
    user = world.users["volunteer"]
    User.all_objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client = client_for(user)
    assert client.get("/accounts/home/")["Location"] == "/accounts/password/"
    assert "您的密码已超过 90 天未修改" in client.get("/accounts/password/").content.decode()
    User.all_objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client.get("/accounts/home/").status_code == 200


def test_no_maximum_age_by_default(world, client_for):
    user = world.users["volunteer"]
    User.all_objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=3000), date_joined=timezone.now() - timedelta(days=3000)
    )
    assert client_for(user).get("/accounts/home/").status_code == 200


def test_demo_logins_need_no_password_change(db):
    """The demo accounts are seeded by the system (not set by an admin), so they log in straight to their home page;
    `manage.py demo_logins` keeps working."""
    with scopes_disabled():
        regions_demo.seed()
        accounts_demo.seed()
    assert not User.all_objects.filter(password_change_required=True).exists()
    client = Client()
    assert client.post("/accounts/login/", {"username": "volunteer", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/accounts/home/").status_code == 200


def test_demo_logins_print_the_address_the_server_runs_on(db, monkeypatch):
    from io import StringIO

    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    from django.core.management import call_command

    out = StringIO()
    call_command("demo_logins", "--port", "8080", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("Demo logins at http://127.0.0.1:8080/")
    out = StringIO()
    call_command("demo_logins", "--host", "0.0.0.0", stdout=out)  # noqa: S104 - what a user types to share it
    assert "http://0.0.0.0:8000/" in out.getvalue()
