"""Apps plug themselves in (DESIGN.md §4): each domain app's ``AppConfig`` declares what it contributes — its
pages (URL module and prefix), API routers, navigation entries, notification kinds — so that adding an app edits no
central file beyond ``INSTALLED_APPS``. ``yizhan/urls.py``, ``yizhan/api.py``, the navigation and the notifications
app read them from here.

Declarations are dotted paths (strings): an ``apps.py`` module may not import models, and permission predicates
live next to the models they talk about. They are resolved once, after the app registry is ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
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


class YizhanAppConfig(AppConfig):
    """Base of every project app's config. Everything is optional; an app declares what it has.

    - ``urls``: ``(prefix, "dotted.urls.module")`` pairs mounted under the site root, in order.
    - ``api_routers``: ``(prefix, "dotted.path.to.router")`` pairs added to the API.
    - ``navigation``: ``NavEntry`` items.
    - ``notification_kinds``: dotted path to a ``{kind: (title, body)}`` dict of this app's notification texts.
    - ``demo``: dotted path to this app's part of the demo, a ``seed()`` returning a one-line summary (or None);
      ``manage.py seed_demo`` runs them in ``INSTALLED_APPS`` order (yizhan/core/demo.py).
    """

    urls: tuple[tuple[str, str], ...] = ()
    api_routers: tuple[tuple[str, str], ...] = ()
    navigation: tuple[NavEntry, ...] = ()
    notification_kinds: str | None = None
    demo: str | None = None


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


def demo_seeds() -> list[str]:
    return [config.demo for config in project_apps() if config.demo]


@cache
def notification_kinds() -> dict[str, tuple[Any, Any]]:
    kinds: dict[str, tuple[Any, Any]] = {}
    for config in project_apps():
        if config.notification_kinds:
            kinds.update(import_string(config.notification_kinds))
    return kinds
