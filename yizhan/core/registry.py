"""Apps plug themselves in (DESIGN.md §4): each domain app's ``AppConfig`` declares what it contributes — its
pages (URL module and prefix), API routers, navigation entries, notification kinds, scope places — so that adding
an app edits no central file beyond ``INSTALLED_APPS``. ``yizhan/urls.py``, ``yizhan/api.py``, the navigation, the
notifications app and the scope builder read them from here.

Declarations are dotted paths (strings): an ``apps.py`` module may not import models, and permission predicates
live next to the models they talk about. They are resolved once, after the app registry is ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
from django.db.models import Model
from django.urls import URLResolver, include, path
from django.utils.module_loading import import_string

if TYPE_CHECKING:  # apps.py modules import this one before models may be imported
    from .permissions import Predicate


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation, shown to those who pass ``rule`` (a Predicate or its dotted path)."""

    url_name: str
    label: Any  # a lazy translation
    rule: Predicate | str
    order: int = 100

    def resolved_rule(self) -> Predicate:
        if isinstance(self.rule, str):
            rule: Predicate = import_string(self.rule)
            return rule
        return self.rule


@dataclass(frozen=True)
class PlaceKind:
    """A kind of place more precise than a region where a role can be held (a station, a studio, later an activity
    team). A role membership names its place as ``(kind, id)``; the scope lists the ids per kind
    (``scope.place_ids(kind)``), which the app's scope rules and predicates read."""

    kind: str
    model: str  # "app_label.ModelName"
    url_name: str  # the place's page, reversed with its pk

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


@dataclass(frozen=True)
class Panel:
    """A section an app adds to a page it does not own: to a signed-in user's home page (``home_panels``: the day's
    work of that app for this user — a work queue, figures, quick actions) or to the staff page of a place
    (``place_panels``). ``template`` is rendered with ``context`` (as ``panel``) under the heading ``title``, by
    ``core/_panel.html``."""

    title: Any  # a lazy or translated string
    template: str
    context: dict[str, Any]
    order: int = 100


class YizhanAppConfig(AppConfig):
    """Base of every project app's config. Everything is optional; an app declares what it has.

    - ``urls``: ``(prefix, "dotted.urls.module")`` pairs mounted under the site root, in order.
    - ``api_routers``: ``(prefix, "dotted.path.to.router")`` pairs added to the API.
    - ``navigation``: ``NavEntry`` items.
    - ``notification_kinds``: dotted path to a ``{kind: (title, body)}`` dict of this app's notification texts.
    - ``scope_places``: ``PlaceKind`` items, the places of this app where roles are held.
    - ``reference``: dotted path to a ``load()`` that creates this app's reference data where it is missing (what its
      data migrations add); ``manage.py seed_demo`` runs every app's first.
    - ``home_panels``: dotted paths to callables ``(request) -> Panel | None``: what this app shows on the
      signed-in user's home page (``None`` when it has nothing for this user). Each reads through its app's
      selectors, so the home page's query count grows with the number of panels, not with the data.
    - ``demo``: dotted path to this app's part of the demo, a ``seed()`` returning a one-line summary (or None);
      ``manage.py seed_demo`` runs them in ``INSTALLED_APPS`` order (yizhan/core/demo.py).
    - ``place_panels``: ``(place kind, "dotted.path.to.builder")`` pairs: ``builder(request, place) -> Panel | None``,
      the section this app adds to the staff page of that kind of place, so that an app above the stations shows its
      part there without the stations app importing it. Both kinds of panel render through ``core/_panel.html``.
    """

    urls: tuple[tuple[str, str], ...] = ()
    api_routers: tuple[tuple[str, str], ...] = ()
    navigation: tuple[NavEntry, ...] = ()
    notification_kinds: str | None = None
    scope_places: tuple[PlaceKind, ...] = ()
    reference: str | None = None
    home_panels: tuple[str, ...] = ()
    demo: str | None = None
    place_panels: tuple[tuple[str, str], ...] = ()


def project_apps() -> list[YizhanAppConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, YizhanAppConfig)]


def url_patterns() -> list[URLResolver]:
    return [path(prefix, include(module)) for config in project_apps() for prefix, module in config.urls]


def api_routers() -> list[tuple[str, Any]]:
    return [(prefix, import_string(router)) for config in project_apps() for prefix, router in config.api_routers]


@cache
def navigation() -> list[tuple[NavEntry, Predicate]]:
    entries = [entry for config in project_apps() for entry in config.navigation]
    return [(entry, entry.resolved_rule()) for entry in sorted(entries, key=lambda e: e.order)]


@cache
def _home_panel_builders() -> list[Any]:
    return [import_string(path) for config in project_apps() for path in config.home_panels]


def home_panels(request: Any) -> list[Panel]:
    """The home page's panels for this request's user, in ``order``."""
    panels = [panel for build in _home_panel_builders() if (panel := build(request)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def reference_loaders() -> list[str]:
    return [config.reference for config in project_apps() if config.reference]


def demo_seeds() -> list[str]:
    return [config.demo for config in project_apps() if config.demo]


@cache
def notification_kinds() -> dict[str, tuple[Any, Any]]:
    kinds: dict[str, tuple[Any, Any]] = {}
    for config in project_apps():
        if config.notification_kinds:
            kinds.update(import_string(config.notification_kinds))
    return kinds


@cache
def place_kinds() -> dict[str, PlaceKind]:
    """Every kind of place, by its name (``manage.py check`` fails for a name declared twice: yizhan.E005)."""
    return {place.kind: place for config in project_apps() for place in config.scope_places}


def place_kind_of(obj: Model) -> str:
    """The kind name of a place object (a Station → "station")."""
    label = obj._meta.label
    for place in place_kinds().values():
        if place.model == label:
            return place.kind
    raise LookupError(f"{label} is not a registered place kind")


def resolve_places(pairs: list[tuple[str, int]]) -> dict[tuple[str, int], Model]:
    """The place objects of ``(kind, id)`` pairs, one query per kind, through the models' default (scoped)
    managers: a place the caller cannot see is left out."""
    wanted: dict[str, set[int]] = {}
    for kind, place_id in pairs:
        wanted.setdefault(kind, set()).add(place_id)
    found: dict[tuple[str, int], Model] = {}
    for kind, ids in wanted.items():
        model = place_kinds()[kind].model_class()
        found.update({(kind, pk): obj for pk, obj in model._default_manager.in_bulk(ids).items()})
    return found


@cache
def _place_panel_builders(kind: str) -> list[Any]:
    paths = [path for config in project_apps() for panel_kind, path in config.place_panels if panel_kind == kind]
    return [import_string(path) for path in paths]


def place_panels(kind: str, request: Any, place: Model) -> list[Panel]:
    """The sections the apps add to the staff page of ``place`` (a place of ``kind``), in ``order``."""
    panels = [panel for build in _place_panel_builders(kind) if (panel := build(request, place)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
