"""The one permission vocabulary (DESIGN.md §4): named predicates on the scope, and one guard for pages and API.

A predicate answers "may the user of this scope do this?" — for the page or endpoint as a whole
(``is_admin(scope)``) or for one object (``can_edit_place(scope, station)``). Predicates combine with ``&``, ``|``
and ``~`` and keep readable names, so navigation entries, pages and API operations name the same rule:

    uses_station_pages = is_admin | holds_place("station")

    @requires(uses_station_pages)          # a page: anonymous → login; refused → 403
    def station_list(request): ...

    @router.get("/")                       # an API operation: anonymous → 401 (ninja); refused → 403
    @requires(uses_station_pages)
    def list_stations(request): ...

    require(can_edit_place, station)       # one object, after fetching it through the scoped manager

Visibility is the scope's job (an object outside the scope is a 404 because the scoped manager does not find it);
these rules decide what a user may *do* with what they can see. Apps keep their predicates in ``permissions.py``,
built from the generic ones below; no other place decides who may do what.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .scoping import Scope, require_scope

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


class Coded(Protocol):
    """A place with a region code (a Region)."""

    @property
    def code(self) -> str: ...


class Predicate:
    """A named rule ``fn(scope)`` or ``fn(scope, obj)`` returning a bool."""

    def __init__(self, fn: Callable[..., bool], name: str | None = None) -> None:
        self.fn = fn
        self.name = name or fn.__name__
        self.takes_object = len(inspect.signature(fn).parameters) > 1

    def __call__(self, scope: Scope, obj: Any = None) -> bool:
        return bool(self.fn(scope, obj) if self.takes_object else self.fn(scope))

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(lambda scope, obj=None: self(scope, obj) and other(scope, obj), f"({self} & {other})")

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(lambda scope, obj=None: self(scope, obj) or other(scope, obj), f"({self} | {other})")

    def __invert__(self) -> Predicate:
        return Predicate(lambda scope, obj=None: not self(scope, obj), f"~{self}")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"

    def __str__(self) -> str:
        return self.name


def predicate(fn: Callable[..., bool]) -> Predicate:
    """Decorator: ``@predicate def is_admin(scope): ...``."""
    return Predicate(fn)


# --- the generic vocabulary -----------------------------------------------------------------------------------


@predicate
def is_signed_in(scope: Scope) -> bool:
    return scope.unrestricted or scope.user_id is not None


@predicate
def is_platform_admin(scope: Scope) -> bool:
    """A platform superuser (unrestricted scope)."""
    return scope.unrestricted


@predicate
def is_admin(scope: Scope) -> bool:
    """A federation admin at some level (or a platform superuser)."""
    return scope.unrestricted or bool(scope.admin_regions)


@predicate
def is_admin_over(scope: Scope, region: Coded | str) -> bool:
    """A federation admin at or above ``region`` (a Region or a region code)."""
    code = region if isinstance(region, str) else region.code
    return scope.covers_region(code, admin_only=True)


@predicate
def is_admin_strictly_above(scope: Scope, region: Coded | str) -> bool:
    """A federation admin of a region above ``region`` (not a peer): may appoint admins there."""
    code = region if isinstance(region, str) else region.code
    return scope.unrestricted or any(code.startswith(own) and code != own for own in scope.admin_regions)


@predicate
def is_province_admin_or_above(scope: Scope) -> bool:
    """Admins of a province (2-digit code) and platform admins: those who may change platform-wide lists."""
    return scope.unrestricted or any(len(code) <= 2 for code in scope.admin_regions)


@predicate
def is_district_admin_or_above(scope: Scope) -> bool:
    """Admins of a county/district or higher (codes of at most 6 digits), and platform admins."""
    return scope.unrestricted or any(len(code) <= 6 for code in scope.admin_regions)


def holds_place(kind: str) -> Predicate:
    """Holds a role at some place of ``kind`` ("station", "studio" …)."""
    return Predicate(lambda scope: bool(scope.place_ids(kind)), f"holds_place({kind!r})")


def holds_this_place(kind: str) -> Predicate:
    """Holds a role at exactly this place (the object is a station, studio …)."""
    return Predicate(lambda scope, place: place.pk in scope.place_ids(kind), f"holds_this_place({kind!r})")


def holds_role(*roles: str) -> Predicate:
    """Holds one of these (non-admin) roles somewhere."""
    return Predicate(lambda scope: bool(scope.regions_for(*roles)), f"holds_role({', '.join(roles)})")


def holds_role_in(*roles: str) -> Predicate:
    """Holds one of these (non-admin) roles in exactly this region (a Region or a region code)."""

    def check(scope: Scope, region: Coded | str) -> bool:
        code = region if isinstance(region, str) else region.code
        return code in scope.regions_for(*roles)

    return Predicate(check, f"holds_role_in({', '.join(roles)})")


# --- using them -----------------------------------------------------------------------------------------------


def allows(rule: Predicate, obj: Any = None, *, scope: Scope | None = None) -> bool:
    """Whether the active scope (or ``scope``) passes ``rule`` (for ``obj``)."""
    return rule(scope if scope is not None else require_scope(), obj)


def require(rule: Predicate, obj: Any = None) -> Scope:
    """Raise PermissionDenied (403) unless the active scope passes ``rule``; return the scope."""
    scope = require_scope()
    if not rule(scope, obj):
        raise PermissionDenied
    return scope


class Guarded(Protocol, Generic[_P, _R_co]):
    """A page or API operation guarded by ``requires``: the view, with its rule on ``permission``."""

    permission: Predicate

    def __call__(self, request: HttpRequest, /, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...


def requires(
    rule: Predicate,
) -> Callable[[Callable[Concatenate[HttpRequest, _P], _R]], Guarded[_P, _R]]:
    """Guard a page or an API operation with ``rule``.

    Pages: an anonymous visitor is sent to the login page; a signed-in user the rule refuses gets 403.
    API operations (put it under the router's decorator): django-ninja answers 401 before this runs; refused → 403.
    The rule is kept on the view as ``view.permission``, for introspection.
    """

    def decorator(view: Callable[Concatenate[HttpRequest, _P], _R]) -> Guarded[_P, _R]:
        @wraps(view)
        def checked(request: HttpRequest, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            require(rule)
            return view(request, *args, **kwargs)

        # django-stubs accepts only views that return an HttpResponse here; API operations return data for
        # django-ninja to serialise (and never reach the login redirect: ninja answers 401 first).
        guarded = cast("Guarded[_P, _R]", login_required(checked))  # type: ignore[type-var]
        guarded.permission = rule
        return guarded

    return decorator
