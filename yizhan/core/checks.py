"""System checks for the app contract: every project model is scoped, or on the allow-list below with a reason.

``manage.py check`` runs them (so ``runserver``, ``migrate`` and the test suite fail loudly); a model that forgets
``ScopedModel`` / ``scoped_by`` would otherwise be silently unscoped.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.core import checks
from django.db import models

from .registry import PlaceKind, YizhanAppConfig, project_apps
from .scoping import ScopedManager, ScopedModel, ScopeRule

# Project models that are deliberately not scoped, each with the reason. Keep this list short.
UNSCOPED_MODELS = {
    # Reference data the same for every place and every user (names of types, no personal data).
    "stations.positiontype": "reference data: federation positions a station can integrate",
    "stations.roomtype": "reference data: kinds of function room",
    "stations.serviceline": "reference data: the five standard service lines of 5+X",
    "people.targetgroup": "reference data: names of target groups (留守儿童 …), no members",
    "mediation.disputetype": "reference data: kinds of family dispute (离婚, 赡养 …), no cases",
    "mediation.riskitem": "reference data: the questions and weights of the risk screening, no answers",
    "mediation.riskband": "reference data: the lowest score of each risk colour level",
    # Bookkeeping of the scheduler: job names and days, no personal data.
    "core.scheduledrun": "scheduler bookkeeping: which daily job was queued on which day",
}


def _is_project_model(model: type[models.Model]) -> bool:
    return model.__module__.startswith("yizhan.")


@checks.register()
def check_models_are_scoped(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.Error]:
    return scoping_errors(apps.get_models())


def scoping_errors(model_classes: Iterable[type[models.Model]]) -> list[checks.Error]:
    errors = []
    for model in model_classes:
        if not _is_project_model(model) or model._meta.proxy:
            continue
        label = model._meta.label_lower
        if label in UNSCOPED_MODELS:
            if issubclass(model, ScopedModel):
                errors.append(
                    checks.Error(
                        f"{label} is scoped but also on the unscoped allow-list.",
                        hint="Remove it from UNSCOPED_MODELS in yizhan/core/checks.py.",
                        obj=model,
                        id="yizhan.E002",
                    )
                )
            continue
        rule = getattr(model, "scoped_by", None)
        if not issubclass(model, ScopedModel) or not isinstance(rule, ScopeRule):
            errors.append(
                checks.Error(
                    f"{label} is not scoped: a query through it would show every row to every user.",
                    hint="Inherit yizhan.core.scoping.ScopedModel and declare `scoped_by = …` (or, for reference "
                    "data only, add it with a reason to UNSCOPED_MODELS in yizhan/core/checks.py).",
                    obj=model,
                    id="yizhan.E001",
                )
            )
        elif not isinstance(model.objects, ScopedManager):
            errors.append(
                checks.Error(
                    f"{label}.objects is not a ScopedManager.",
                    hint="Let `objects` come from ScopedModel (or subclass ScopedManager).",
                    obj=model,
                    id="yizhan.E003",
                )
            )
    return errors


@checks.register()
def check_apps_plug_in(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.Error]:
    """Every project app (but core) declares what it contributes through a YizhanAppConfig."""
    return [
        checks.Error(
            f"The app {config.name} does not use YizhanAppConfig, so its pages, API and navigation are not mounted.",
            hint="Make its AppConfig a subclass of yizhan.core.registry.YizhanAppConfig.",
            obj=config,
            id="yizhan.E004",
        )
        for config in apps.get_app_configs()
        if config.name.startswith("yizhan.")
        and config.name != "yizhan.core"
        and not isinstance(config, YizhanAppConfig)
    ]


@checks.register()
def check_place_kinds(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.Error]:
    """Each kind of place is declared once, by a model that exists."""
    return place_kind_errors([place for config in project_apps() for place in config.scope_places])


def place_kind_errors(places: Sequence[PlaceKind]) -> list[checks.Error]:
    errors = []
    seen: set[str] = set()
    for place in places:
        if place.kind in seen:
            errors.append(checks.Error(f"The place kind {place.kind!r} is declared twice.", id="yizhan.E005"))
        seen.add(place.kind)
        try:
            place.model_class()
        except LookupError:
            errors.append(
                checks.Error(f"The place kind {place.kind!r} names no model: {place.model}.", id="yizhan.E005")
            )
    return errors
