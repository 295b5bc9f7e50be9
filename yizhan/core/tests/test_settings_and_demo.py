import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from yizhan.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from yizhan.accounts.models import User
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.regions.demo import VILLAGES
from yizhan.regions.models import Region

ROOT = Path(__file__).resolve().parents[3]
GOOD_ENV = {
    "SECRET_KEY": "x" * 20 + "prod-secret-key-that-is-long-enough-1234567890",
    "FIELD_ENCRYPTION_KEYS": "cHJvZC1maWVsZC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "BLIND_INDEX_KEY": "prod-blind-index-key-0123456789abcdef",
    "ALLOWED_HOSTS": "yizhan.example.org",
    "DATABASE_URL": "sqlite:////tmp/yizhan-deploy-check.sqlite3",
}


def _manage(*args, env):
    inherited = {k: v for k, v in os.environ.items() if k not in GOOD_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = inherited | env
    full_env["DJANGO_SETTINGS_MODULE"] = "yizhan.settings.production"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_production_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"])
def test_production_refuses_default_secrets(missing):
    env = {k: v for k, v in GOOD_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_seed_demo_refuses_production(settings):
    settings.YIZHAN_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")


def test_seed_demo_builds_guali_and_is_idempotent(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    call_command("seed_demo", "--if-empty", stdout=open(os.devnull, "w"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with scopes_disabled():
        town = Region.objects.get(code="330109113")
        villages = Region.objects.filter(parent=town)
        assert town.name == "瓜沥镇"
        assert town.parent.name == "萧山区"
        assert sorted(villages.values_list("code", "name")) == sorted(VILLAGES)
        assert User.objects.count() == len(DEMO_USERS)
        roles = {m.role for u in User.objects.all() for m in u.active_memberships()}
    assert roles == {"federation_admin", "station_manager", "mediator", "advisor", "volunteer"}
    for username, *_ in DEMO_USERS:
        with scopes_disabled():
            assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_demo_town_admin_sees_only_guali(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with scopes_disabled():
        admin = User.objects.get(username="town_admin")
    with scope_for(admin):
        assert {r.code[:9] for r in Region.objects.all()} == {"330109113"}


def test_seed_demo_again_changes_nothing(db):
    """Every project table has the same rows after a second run, the audit log included (nothing is written)."""

    def tables():
        with scopes_disabled():
            return {
                model._meta.label: list(model._base_manager.order_by("pk").values())
                for model in apps.get_models()
                if model.__module__.startswith("yizhan.") and not model._meta.proxy
            }

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    first = tables()
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert tables() == first
    assert len(first["audit.AuditLog"]) > 100
    assert len(first["mediation.StudioMember"]) == 5
