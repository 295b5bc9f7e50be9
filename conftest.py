"""Shared test fixtures: a small region tree with one user per role, logged-in clients, scope helpers."""

import pytest

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.tests.factories import build_world


@pytest.fixture
def world(db):
    """Two towns under 萧山区; 瓜沥镇 has villages 隆园社区 and 友谊村; 党湾镇 has 梅西村. One user per role."""
    with scopes_disabled():
        return build_world()


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def as_user():
    """Run code as a user: ``with as_user(user): ...`` activates that user's scope."""
    return scope_for


@pytest.fixture
def client_for(client):
    """A fresh logged-in test client per call: ``client_for(world.users["town_admin"])``."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make
