"""The app contract is enforced: an unscoped model fails `manage.py check`, a scoped one gets everything."""

import ast
from pathlib import Path

from django.apps import apps
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from yizhan.accounts.models import RoleMembership
from yizhan.audit import services as audit
from yizhan.audit.models import AuditLog
from yizhan.core import registry
from yizhan.core.checks import UNSCOPED_MODELS, check_models_are_scoped, place_kind_errors, scoping_errors
from yizhan.core.scoping import (
    InRegion,
    OwnedBy,
    ScopedManager,
    ScopedModel,
    anonymous_scope,
    scope_for,
    scope_for_user,
    scopes_disabled,
)
from yizhan.regions.models import Region


def test_every_project_model_is_scoped_or_allowed():
    assert check_models_are_scoped() == []


def test_allow_list_names_real_models_with_reasons():
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert set(UNSCOPED_MODELS) <= labels
    assert all(len(reason) > 10 for reason in UNSCOPED_MODELS.values())


@isolate_apps("yizhan.core")
def test_a_model_without_a_scope_fails_the_check():
    class Forgotten(models.Model):  # noqa: DJ008
        region = models.ForeignKey(Region, on_delete=models.CASCADE)

        class Meta:
            app_label = "core"

    Forgotten.__module__ = "yizhan.core.models"
    errors = scoping_errors([Forgotten])
    assert [e.id for e in errors] == ["yizhan.E001"]
    assert isinstance(errors[0], checks.Error)
    assert "core.forgotten is not scoped" in errors[0].msg


@isolate_apps("yizhan.core")
def test_a_scoped_model_without_a_rule_or_with_its_own_plain_manager_fails():
    class NoRule(ScopedModel):  # noqa: DJ008
        class Meta:
            app_label = "core"

    class PlainManager(ScopedModel):  # noqa: DJ008
        scoped_by = OwnedBy("user")
        user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
        objects = models.Manager()

        class Meta:
            app_label = "core"

    for model in (NoRule, PlainManager):
        model.__module__ = "yizhan.core.models"
    assert [e.id for e in scoping_errors([NoRule, PlainManager])] == ["yizhan.E001", "yizhan.E003"]


@isolate_apps("yizhan.core")
def test_one_declaration_gives_managers_filter_and_audit_region():
    class Thing(ScopedModel):  # noqa: DJ008
        region = models.ForeignKey(Region, on_delete=models.CASCADE)
        scoped_by = InRegion("region__code")

        class Meta:
            app_label = "core"

    assert isinstance(Thing._default_manager, ScopedManager)
    assert isinstance(Thing.all_objects, models.Manager)
    assert not isinstance(Thing.all_objects, ScopedManager)
    assert Thing(region=Region(code="330109113001")).audit_region_code() == "330109113001"


def test_owned_rows_never_match_the_anonymous_scope(world):
    """A row with no owner (e.g. an audit row of a failed anonymous login) is not the anonymous scope's."""
    with scopes_disabled():
        audit.record(actor=None, action=AuditLog.Action.LOGIN_FAILED, target_repr="nobody")
    with anonymous_scope():
        assert AuditLog.objects.count() == 0
    with scope_for(world.users["volunteer"]):
        assert not AuditLog.objects.filter(target_repr="nobody").exists()


# --- layers: no imports hidden inside functions ------------------------------------------------------------------

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _function_level_imports(tree: ast.AST) -> list[int]:
    """Lines of imports inside functions, except in ``AppConfig.ready`` (Django's place to register checks and
    signals) and under ``if TYPE_CHECKING:``."""
    found = []

    def visit(node, in_function=False, in_ready=False):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and getattr(child.test, "id", "") == "TYPE_CHECKING":
                continue
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, True, child.name == "ready")
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                if in_function and not in_ready:
                    found.append(child.lineno)
            else:
                visit(child, in_function, in_ready)

    visit(tree)
    return found


def test_no_imports_inside_functions_to_dodge_cycles():
    """Layers point down (lint-imports checks the direction); an import inside a function would hide a cycle."""
    offenders = []
    for path in sorted(PROJECT_DIR.rglob("*.py")):
        relative = path.relative_to(PROJECT_DIR.parent)
        if {"tests", "migrations"} & set(relative.parts) or relative.parts[1] == "settings":
            continue
        for line in _function_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{relative}:{line}")
    assert offenders == []


def test_the_import_guard_sees_a_function_level_import():
    source = "def f():\n    from yizhan import x\n\nclass C:\n    def ready(self):\n        from . import checks\n"
    assert _function_level_imports(ast.parse(source)) == [2]


# --- scoping: views, API and selectors read through the scoped managers ---------------------------------------------
# ruff's TID251 (banned-api) would need every model's dotted name listed (`yizhan.people.models.Person.all_objects`,
# …), so a new model would slip through; this walks the syntax tree and catches `<anything>.all_objects`.

UNSCOPED_MARK = "# unscoped:"


def _is_read_layer(relative: Path) -> bool:
    names = {"views", "api", "selectors"}
    return relative.stem in names or bool(names & set(relative.parts[2:-1]))


def _unmarked_system_reads(source: str) -> list[int]:
    """Lines using ``.all_objects`` without an ``# unscoped: <why>`` comment on that line or just above it."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "all_objects":
            here, above = lines[node.lineno - 1], lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            reason = here.partition(UNSCOPED_MARK)[2] or (above.partition(UNSCOPED_MARK)[2] if above[:1] == "#" else "")
            if len(reason.strip()) < 10:
                found.append(node.lineno)
    return sorted(set(found))


def test_views_api_and_selectors_read_through_the_scope():
    """`all_objects` skips the scope: in a view, an API operation or a selector each use says why, in the code."""
    offenders = []
    for path in sorted(PROJECT_DIR.rglob("*.py")):
        relative = path.relative_to(PROJECT_DIR.parent)
        if {"tests", "migrations"} & set(relative.parts) or not _is_read_layer(relative):
            continue
        offenders += [f"{relative}:{line}" for line in _unmarked_system_reads(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_scope_guard_sees_an_unexplained_system_read():
    source = (
        "a = Person.all_objects.get(pk=1)\n"
        "# unscoped: place names are public\n"
        "b = Region.all_objects.all()\n"
        "c = Region.all_objects.all()  # unscoped: place names are public\n"
        "d = Region.all_objects.all()  # unscoped:\n"
    )
    assert _unmarked_system_reads(source) == [1, 5]
    assert _is_read_layer(Path("yizhan/people/views/visits.py"))
    assert _is_read_layer(Path("yizhan/people/selectors.py"))
    assert not _is_read_layer(Path("yizhan/people/services/visits.py"))


# --- places: apps declare where roles are held ------------------------------------------------------------------


def test_place_kinds_come_from_the_apps():
    assert {kind: place.model for kind, place in registry.place_kinds().items()} == {
        "station": "stations.Station",
        "studio": "mediation.Studio",
    }
    twice = [registry.PlaceKind("team", "stations.Station", "x"), registry.PlaceKind("team", "nowhere.Team", "x")]
    assert [e.msg for e in place_kind_errors(twice)] == [
        "The place kind 'team' is declared twice.",
        "The place kind 'team' names no model: nowhere.Team.",
    ]


def test_a_new_kind_of_place_reaches_the_scope_without_a_new_column(world):
    user = world.users["volunteer"]
    with scopes_disabled():
        RoleMembership.all_objects.filter(user=user).update(place_kind="team", place_id=7)
    user.__dict__.pop("_memberships_cache", None)
    user.__dict__.pop("_yizhan_scope", None)
    assert scope_for_user(user).place_ids("team") == frozenset({7})


def test_home_panels_come_from_the_apps_in_order_and_skip_empty_ones(monkeypatch, rf):
    seen = []

    def queue(request):
        seen.append(request)
        return registry.Panel(title="我的案件", template="x.html", context={"n": 1}, order=20)

    def figures(request):
        return registry.Panel(title="本月数字", template="y.html", context={}, order=10)

    def nothing(request):
        return None

    monkeypatch.setattr(registry, "_home_panel_builders", lambda: [queue, nothing, figures])
    request = rf.get("/")
    panels = registry.home_panels(request)
    assert [panel.title for panel in panels] == ["本月数字", "我的案件"]
    assert seen == [request]


def test_place_panels_are_panels_of_that_kind_of_place_only(monkeypatch, rf):
    def figures(request, place):
        return registry.Panel(title=f"活动 {place}", template="y.html", context={}, order=20)

    def notes(request, place):
        return registry.Panel(title="备注", template="z.html", context={}, order=10)

    def nothing(request, place):
        return None

    builders = {"station": [figures, nothing, notes], "studio": []}
    monkeypatch.setattr(registry, "_place_panel_builders", lambda kind: builders[kind])
    request = rf.get("/")
    assert [panel.title for panel in registry.place_panels("station", request, "四融驿站")] == ["备注", "活动 四融驿站"]
    assert registry.place_panels("studio", request, "东灵") == []


def test_messages_join_as_one_text_in_the_readers_language():
    from django.utils import translation

    from yizhan.core.text import join_sentences

    with translation.override("zh-hans"):
        assert join_sentences(["身份证号校验码不对，请核实。", "手机号应为 11 位数字。", ""]) == (
            "身份证号校验码不对，请核实；手机号应为 11 位数字。"
        )
        assert join_sentences([]) == ""
    with translation.override("en"):
        assert join_sentences(["Check the ID number.", "A mobile number has 11 digits."]) == (
            "Check the ID number. A mobile number has 11 digits."
        )


def test_a_label_colon_follows_the_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load yizhan %}{{ label }}{% colon %}{{ value }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"label": "地点", "value": "家中"})) == "地点：家中"
    with translation.override("en"):
        assert template.render(Context({"label": "Place", "value": "home"})) == "Place: home"
