"""The one scoping mechanism (DESIGN.md §2, §4).

Every request (and every task or command) runs inside a *scope*: what the acting user may see. A scoped model
inherits ``ScopedModel`` and declares once how its rows meet a scope — ``scoped_by = InRegion("region__code")``,
``scoped_by = PlaceRule("station")`` … (in the spirit of pretix's ``ScopedManager(organizer=...)``). From that one
declaration follow the scoped default manager ``objects``, the system manager ``all_objects``, ``scope_filter`` and
the region its audit rows are filed under. Querying ``Model.objects`` with no active scope raises ``ScopeError``
when the query runs, instead of leaking everything. System code that must see everything (migrations, imports, the
task worker) says so with ``scopes_disabled()``. A project model that is not scoped must be on the commented
allow-list in ``yizhan/core/checks.py``; ``manage.py check`` (and so the test suite) fails otherwise.

Scope comes from role memberships: a federation admin at region R sees everything whose region code starts with
R's code (statistical codes are prefixes of each other); other roles see their own place (exact region, later
their station or studio). Objects outside the scope answer the same 404 as missing ones because views fetch them
through the scoped manager.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase

if TYPE_CHECKING:
    from .types import AnyUser, User

_M = TypeVar("_M", bound="ScopedModel")


class ScopeError(Exception):
    """A scoped model was queried without an active scope."""


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    # Region codes under which the user is a federation admin: everything below is visible.
    admin_regions: frozenset[str] = field(default_factory=frozenset)
    # Region codes of the places where the user holds a non-admin role: exactly those places.
    member_regions: frozenset[str] = field(default_factory=frozenset)
    # Places more precise than a region (stations, studios) as {kind: ids}; filled by later apps.
    places: dict[str, frozenset[int]] = field(default_factory=dict)
    # The member regions again, per role ({role: codes}): for data only some roles may see (residents).
    role_regions: dict[str, frozenset[str]] = field(default_factory=dict)
    unrestricted: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.unrestricted

    def region_q(self, lookup: str = "region__code", *, include_member: bool = True) -> Q:
        """Rows whose region code (at ``lookup``) lies in this scope. Empty scope → matches nothing."""
        q = Q(pk__in=[])
        for code in sorted(self.admin_regions):
            q |= Q(**{f"{lookup}__startswith": code})
        if include_member and self.member_regions:
            q |= Q(**{f"{lookup}__in": sorted(self.member_regions)})
        return q

    def covers_region(self, code: str, *, admin_only: bool = False) -> bool:
        if self.unrestricted:
            return True
        if any(code.startswith(prefix) for prefix in self.admin_regions):
            return True
        return not admin_only and code in self.member_regions

    def place_ids(self, kind: str) -> frozenset[int]:
        return self.places.get(kind, frozenset())

    def regions_for(self, *roles: str) -> frozenset[str]:
        """Exact region codes where the user holds one of these non-admin roles."""
        return frozenset().union(*(self.role_regions.get(role, frozenset()) for role in roles))


_ANONYMOUS = Scope()
_UNRESTRICTED = Scope(unrestricted=True)
_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("yizhan_scope", default=None)


def get_scope() -> Scope | None:
    return _current.get()


def require_scope() -> Scope:
    scope = _current.get()
    if scope is None:
        raise ScopeError("No scope is active. Wrap the code in scope_for(user) or scopes_disabled().")
    return scope


@contextmanager
def activate(scope: Scope) -> Iterator[Scope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def scopes_disabled() -> AbstractContextManager[Scope]:
    """System work that must see every row (imports, migrations data, the task worker, retention)."""
    return activate(_UNRESTRICTED)


def anonymous_scope() -> AbstractContextManager[Scope]:
    return activate(_ANONYMOUS)


class _ScopeMissingQuerySet(models.QuerySet[_M]):
    """Returned when no scope is active: building it is fine, running it raises."""

    def _fetch_all(self) -> NoReturn:
        raise ScopeError(f"{self.model.__name__} queried without a scope.")

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ScopeError(f"{self.model.__name__} queried without a scope.")

    count = exists = aggregate = update = delete = iterator = in_bulk = contains = _refuse
    explain = _refuse


class ScopedManager(models.Manager[_M]):
    """Default-looking manager that limits every query to the active scope (``Model.scope_filter(scope)``)."""

    def get_queryset(self) -> models.QuerySet[_M]:
        scope = _current.get()
        if scope is None:
            return _ScopeMissingQuerySet(self.model, using=self._db)
        qs = super().get_queryset()
        if scope.unrestricted:
            return qs
        return qs.filter(self.model.scope_filter(scope))


# --- declaring how a model's rows meet a scope -------------------------------------------------------------------


def _follow(obj: Any, path: str) -> Any:
    """``obj.a.b.c`` for the lookup path ``a__b__c`` (None as soon as a link is empty)."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


class ScopeRule:
    """How the rows of one model meet a scope. A model names one rule once: ``scoped_by = InRegion(...)``.

    ``q(scope)`` is the filter the scoped manager applies; ``region_code(obj)`` is the region code its audit rows
    are filed under (so that the admins of that region see them), read along ``region_path``.
    """

    region_path = ""

    def q(self, scope: Scope) -> Q:
        raise NotImplementedError

    def region_code(self, obj: models.Model) -> str:
        if not self.region_path:
            return ""
        code: str | None = _follow(obj, self.region_path)
        return code or ""

    def __or__(self, other: ScopeRule) -> ScopeRule:
        return AnyOf(self, other)


class InRegion(ScopeRule):
    """Rows whose region code (at ``path``) lies under one of the user's admin regions; with ``members=True`` also
    rows of exactly the regions where the user holds any other role."""

    def __init__(self, path: str = "region__code", *, members: bool = False) -> None:
        self.region_path = path
        self.members = members

    def q(self, scope: Scope) -> Q:
        return scope.region_q(self.region_path, include_member=self.members)


class OwnedBy(ScopeRule):
    """Rows that belong to the acting user (``path`` is the foreign key to the user). Anonymous: none."""

    def __init__(self, path: str = "user", *, region_path: str = "") -> None:
        self.path = path
        self.region_path = region_path

    def q(self, scope: Scope) -> Q:
        if scope.user_id is None:
            return Q(pk__in=[])
        return Q(**{self.path: scope.user_id})


class AnyOf(ScopeRule):
    """Rows that meet any of the rules; audit rows go to the first region one of them names."""

    def __init__(self, *rules: ScopeRule) -> None:
        self.rules = rules

    def q(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        for rule in self.rules:
            q |= rule.q(scope)
        return q

    def region_code(self, obj: models.Model) -> str:
        for rule in self.rules:
            code = rule.region_code(obj)
            if code:
                return code
        return ""


class ScopedModel(models.Model):
    """Base of every scoped model: it declares ``scoped_by`` once and gets the rest.

    ``objects`` (scoped, and the default manager, so reverse relations such as ``region.children`` are scoped too)
    and ``all_objects`` (the system manager: uniqueness checks, auth, commands, tasks) come from here.

    ``audit_via`` names the foreign keys whose audit rows also record this row's changes, for rows that are part of
    their parent (a station's opening hours are logged as a change of the station's ``hours``); otherwise each
    write of the row leaves an audit row of its own (the test suite's audit guard checks it: tests/audit_guard.py).
    """

    scoped_by: ClassVar[ScopeRule]
    audit_via: ClassVar[tuple[str, ...]] = ()

    objects = ScopedManager()
    all_objects = models.Manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q:
        return cls.scoped_by.q(scope)

    def audit_region_code(self) -> str:
        return self.scoped_by.region_code(self)


_CACHE_ATTRIBUTE = "_yizhan_scope"  # where scope_for_user keeps a user's scope (tests drop it after role changes)


# --- the scope kept between requests (SCOPE_CACHE_SECONDS) ---------------------------------------------------------
# A signed-in request would otherwise read the user's memberships each time. With a shared cache (Redis: the
# production settings), the scope is kept under a per-user generation; a change to a user's memberships bumps the
# generation (accounts' signal receivers, on every save and delete and again after the commit), so the next request
# builds the scope afresh: a role removed takes effect at once. Keyed by generation, a request that read the old
# memberships just before a change can only fill an entry no later request looks at. Off (0) where the cache is
# per process (the default local-memory cache): a change in one process could not reach the others.


def _generation_key(user_id: int) -> str:
    return f"yizhan:scope-generation:{user_id}"


def forget_scope(user_id: int) -> None:
    """The user's memberships changed: the next request builds her scope afresh."""
    if not settings.SCOPE_CACHE_SECONDS:
        return
    key = _generation_key(user_id)
    try:
        cache.incr(key)
    except ValueError:  # no generation yet: start one that no entry was filled under
        cache.set(key, time.time_ns(), None)


def _cached_scope(user: User) -> tuple[Scope | None, str]:
    """(the kept scope or None, the key to keep a new one under)."""
    generation = cache.get(_generation_key(user.pk))
    if generation is None:
        generation = time.time_ns()
        if not cache.add(_generation_key(user.pk), generation, None):
            generation = cache.get(_generation_key(user.pk))
    key = f"yizhan:scope:{user.pk}:{generation}:{int(user.is_superuser)}"
    kept = cache.get(key)
    return (kept if isinstance(kept, Scope) and kept.user_id == user.pk else None), key


def _build_scope(user: User) -> Scope:
    if user.is_superuser:
        return Scope(user_id=user.pk, unrestricted=True)
    admin: set[str] = set()
    member: set[str] = set()
    places: dict[str, set[int]] = {}
    by_role: dict[str, set[str]] = {}
    for membership in user.active_memberships():
        code = membership.region_code
        if membership.is_admin_role:
            admin.add(code)
        else:
            member.add(code)
            by_role.setdefault(membership.role, set()).add(code)
        for kind, place_id in membership.place_ids():
            places.setdefault(kind, set()).add(place_id)
    return Scope(
        user_id=user.pk,
        admin_regions=frozenset(admin),
        member_regions=frozenset(member),
        places={kind: frozenset(ids) for kind, ids in places.items()},
        role_regions={role: frozenset(codes) for role, codes in by_role.items()},
    )


def scope_for_user(user: AnyUser | None) -> Scope:
    """Build the scope of a user from their active role memberships (one query, cached on the user, and between
    requests when ``SCOPE_CACHE_SECONDS`` is set)."""
    if user is None or not user.is_authenticated:
        return _ANONYMOUS
    cached: Scope | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    seconds = settings.SCOPE_CACHE_SECONDS
    scope, key = _cached_scope(user) if seconds else (None, "")
    if scope is None:
        scope = _build_scope(user)
        if seconds:
            cache.set(key, scope, seconds)
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


@contextmanager
def scope_for(user: AnyUser | None) -> Iterator[Scope]:
    with activate(scope_for_user(user)) as scope:
        yield scope


class ScopeMiddleware:
    """Activates the request user's scope for the whole request (pages, API, exports alike)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with activate(scope_for_user(getattr(request, "user", None))):
            return self.get_response(request)
