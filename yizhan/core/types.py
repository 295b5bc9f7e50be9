"""Names for annotations only: import them under ``if TYPE_CHECKING:`` (they do not exist at run time)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, _User

    # The AUTH_USER_MODEL (accounts.User), named without importing accounts: django-stubs' plugin resolves its
    # private alias ``_User`` from the settings, as it does for ``request.user``.
    User: TypeAlias = _User
    # What ``request.user`` is: a signed-in user or the anonymous one.
    AnyUser: TypeAlias = _User | AnonymousUser
