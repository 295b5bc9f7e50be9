"""Permission-matrix rows for account pages and endpoints (see yizhan/tests/permission_matrix.py)."""

from types import SimpleNamespace

from captcha.models import CaptchaStore

from yizhan.accounts import services
from yizhan.accounts.models import Role
from yizhan.core.scoping import scope_for
from yizhan.tests.factories import ADMINS_OK, NON_ADMINS_403, grant, user_with_role


def prepare(w):
    """Two accounts with two roles each (a role can only be revoked while another one is left): one in 瓜沥镇, one
    in 党湾镇."""
    r = w.regions
    guali = user_with_role(Role.VOLUNTEER, r["330109113002"], username="two_roles_guali")
    grant(guali, Role.VOLUNTEER, r["330109113003"])
    dangwan = user_with_role(Role.VOLUNTEER, r["330109114001"], username="two_roles_dangwan")
    grant(dangwan, Role.VOLUNTEER, r["330109114"])
    with scope_for(w.users["station_manager"]):
        token, _key = services.api_token_create(user=w.users["station_manager"], name="小程序", access="read", days=30)
    w.accounts = SimpleNamespace(two_roles_guali=guali, two_roles_dangwan=dangwan, token=token)


def _user(key):
    return lambda w: f"/accounts/users/{w.users[key].pk}/"


def _revoke(key):
    def url(w):
        user = getattr(w.accounts, key)
        return f"/accounts/users/{user.pk}/roles/{user.active_memberships()[0].pk}/revoke/"

    return url


# Admin pages about one account: its town's and the district's admins; the other town's admin does not see it.
GUALI_ACCOUNT = {"district_admin": 302, "town_admin": 302, "other_town_admin": 404, **NON_ADMINS_403}
DANGWAN_ACCOUNT = {"district_admin": 302, "town_admin": 404, "other_town_admin": 302, **NON_ADMINS_403}


ROWS = [
    ("home", "GET", lambda w: "/accounts/home/", {"anonymous": 302, "default": 200}),
    ("login page", "GET", lambda w: "/accounts/login/", {"anonymous": 200, "default": 302}),
    ("password change", "GET", lambda w: "/accounts/password/", {"anonymous": 302, "default": 200}),
    ("user list", "GET", lambda w: "/accounts/users/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("user create form", "GET", lambda w: "/accounts/users/new/", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    ("place picker", "GET", lambda w: "/accounts/pick/places/?q=镇", {"anonymous": 302, **ADMINS_OK, **NON_ADMINS_403}),
    (
        "user detail (瓜沥 station manager)",
        "GET",
        _user("station_manager"),
        {"anonymous": 302, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "user detail (党湾 station manager)",
        "GET",
        _user("other_station_manager"),
        {"anonymous": 302, "district_admin": 200, "town_admin": 404, "other_town_admin": 200, **NON_ADMINS_403},
    ),
    (
        "user detail (district admin)",
        "GET",
        _user("district_admin"),
        {"anonymous": 302, "district_admin": 200, "town_admin": 404, "other_town_admin": 404, **NON_ADMINS_403},
    ),
    (
        "reveal mobile (瓜沥 station manager)",
        "POST",
        lambda w: f"/reveal/accounts.user/{w.users['station_manager'].pk}/mobile/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 200,  # their own number
            "other_station_manager": 404,
            "mediator": 404,
            "advisor": 404,
            "volunteer": 404,
        },
        lambda w: {"reason": "核实联系方式"},
    ),
    ("API me", "GET", lambda w: "/api/accounts/me", {"anonymous": 401, "default": 200}),
    ("API users", "GET", lambda w: "/api/accounts/users", {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403}),
    (
        "API user (瓜沥 station manager)",
        "GET",
        lambda w: f"/api/accounts/users/{w.users['station_manager'].pk}",
        {"anonymous": 401, "district_admin": 200, "town_admin": 200, "other_town_admin": 404, **NON_ADMINS_403},
    ),
]

ROWS += [
    ("two-factor settings", "GET", lambda w: "/accounts/two-factor/", {"anonymous": 302, "default": 200}),
    ("login code step without password step", "GET", lambda w: "/accounts/login/verify/", {"default": 302}),
    (
        "reset two-factor (瓜沥 station manager)",
        "POST",
        lambda w: f"/accounts/users/{w.users['station_manager'].pk}/two-factor/reset/",
        {"anonymous": 302, "district_admin": 302, "town_admin": 302, "other_town_admin": 404, **NON_ADMINS_403},
    ),
]

ROWS += [
    (
        "API user search",
        "POST",
        lambda w: "/api/accounts/users/search",
        {"anonymous": 401, **ADMINS_OK, **NON_ADMINS_403},
        lambda w: {"q": w.users["station_manager"].mobile},
    ),
]

ROWS += [
    ("root redirects to home or login", "GET", lambda w: "/", {"anonymous": 302, "default": 302}),
    (
        "user edit (POST) 瓜沥 station manager",
        "POST",
        _user("station_manager"),
        {"anonymous": 302, **GUALI_ACCOUNT},
        lambda w: {"name": "陈芳", "email": "chenfang@example.com", "is_active": "on"},
    ),
    (
        "give a role (瓜沥 station manager)",
        "POST",
        lambda w: f"/accounts/users/{w.users['station_manager'].pk}/roles/",
        {"anonymous": 302, **GUALI_ACCOUNT},
        lambda w: {"role": "volunteer", "region": "330109113001"},
    ),
    (
        "give a role (党湾 station manager)",
        "POST",
        lambda w: f"/accounts/users/{w.users['other_station_manager'].pk}/roles/",
        {"anonymous": 302, **DANGWAN_ACCOUNT},
        lambda w: {"role": "volunteer", "region": "330109114001"},
    ),
    (
        "revoke a role (瓜沥 volunteer with two roles)",
        "POST",
        _revoke("two_roles_guali"),
        {"anonymous": 302, **GUALI_ACCOUNT},
    ),
    (
        "revoke a role (党湾 volunteer with two roles)",
        "POST",
        _revoke("two_roles_dangwan"),
        {"anonymous": 302, **DANGWAN_ACCOUNT},
    ),
    (
        "reset password (瓜沥 station manager)",
        "POST",
        lambda w: f"/accounts/users/{w.users['station_manager'].pk}/password/",
        {"anonymous": 302, **GUALI_ACCOUNT},
        lambda w: {"password": "Neu@Pass2026x"},
    ),
    (
        "reset password (党湾 station manager)",
        "POST",
        lambda w: f"/accounts/users/{w.users['other_station_manager'].pk}/password/",
        {"anonymous": 302, **DANGWAN_ACCOUNT},
        lambda w: {"password": "Neu@Pass2026x"},
    ),
]

ROWS += [
    # The login CAPTCHA's picture: public (it is shown before the login), the same for everyone; an unknown or used
    # challenge is gone (410).
    (
        "login CAPTCHA picture",
        "GET",
        lambda w: f"/accounts/captcha/image/{CaptchaStore.generate_key()}/",
        {"default": 200},
    ),
    ("login CAPTCHA picture (unknown)", "GET", lambda w: "/accounts/captcha/image/0000/", {"default": 410}),
]

ROWS += [
    # Every signed-in user has her own API tokens page; a token is only ever its owner's (others: 404).
    ("API tokens page", "GET", lambda w: "/accounts/tokens/", {"anonymous": 302, "default": 200}),
    (
        "make an API token",
        "POST",
        lambda w: "/accounts/tokens/",
        {"anonymous": 302, "default": 200},
        lambda w: {"name": "微信小程序", "access": "read", "days": "90"},
    ),
    (
        "revoke an API token (瓜沥 station manager's)",
        "POST",
        lambda w: f"/accounts/tokens/{w.accounts.token.pk}/revoke/",
        {"anonymous": 302, "station_manager": 302, "default": 404},
    ),
]
