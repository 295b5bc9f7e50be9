import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from yizhan.accounts import services
from yizhan.accounts.models import Role, User
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.tests.factories import build_world


def _create(world, results):
    try:
        with scope_for(world.users["town_admin"]):
            services.user_create(
                created_by=world.users["town_admin"],
                username="racer",
                name="抢注",
                password="Race#2026ok",
                role=Role.VOLUNTEER,
                region=world.regions["330109113002"],
            )
        results.append("ok")
    except ValidationError as exc:
        results.append(exc.message_dict)
    finally:
        connection.close()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database for real concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_admins_creating_the_same_username_at_once():
    with scopes_disabled():
        world = build_world()
    results = []
    threads = [threading.Thread(target=_create, args=(world, results)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == sorted(["ok", str({"username": ["该用户名已被使用。"]})])
    with scopes_disabled():
        assert User.objects.filter(username="racer").count() == 1


def test_a_lost_race_becomes_a_clear_message(world, monkeypatch):
    """The database constraint is the last word: when the pre-check passes but the insert collides."""
    with scopes_disabled():
        User.objects.create_user("racer", "Race#2026ok", name="先到")
    monkeypatch.setattr(User, "validate_unique", lambda self, exclude=None: None)
    with scope_for(world.users["town_admin"]), pytest.raises(ValidationError) as exc:
        services.user_create(
            created_by=world.users["town_admin"],
            username="racer",
            name="后到",
            password="Race#2026ok",
            role=Role.VOLUNTEER,
            region=world.regions["330109113002"],
        )
    assert exc.value.message_dict == {"username": ["该用户名已被使用。"]}
    with scopes_disabled():
        assert User.objects.filter(username="racer").count() == 1
