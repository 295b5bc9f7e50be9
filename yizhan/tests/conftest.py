"""Fixtures of the project-wide tests in this folder (the permission matrix)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.tests.permission_matrix import prepare_world


@pytest.fixture(scope="module")
def module_world(module_world, django_db_blocker):
    """Here the module world also holds every object the permission-matrix rows use (each app's ``prepare``) and a
    signed-in session per user (``world.session_keys``), so that a case does not log in again."""
    with django_db_blocker.unblock():
        with scopes_disabled():
            prepare_world(module_world)
        module_world.session_keys = {}
        for key, user in module_world.users.items():
            client = Client()
            client.force_login(user)
            module_world.session_keys[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
        # Sessions end after 30 idle minutes; these must outlive the module, however slow the machine.
        Session.objects.filter(session_key__in=module_world.session_keys.values()).update(
            expire_date=timezone.now() + timedelta(days=1)
        )
    return module_world


@pytest.fixture
def client_of(shared_world):
    """``client_of(role)``: a test client signed in as the world's user for that role (no one for "anonymous")."""

    def make(role):
        client = Client()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = shared_world.session_keys[role]
        return client

    return make
