"""Reads of the region tree, always through the scoped manager."""

from dataclasses import dataclass

from django.db.models import Model
from django.urls import reverse

from yizhan.core import registry
from yizhan.core.queries import count_of
from yizhan.core.scoping import Scope, ScopedModel

from .models import Region


@dataclass(frozen=True)
class PlaceLink:
    """A place in a village (a station, a studio …), as a village's page lists it."""

    kind_label: str  # the kind's verbose name: 驿站, 调解工作室
    name: str
    status: str  # its stage, as its own pages show it ("" for a kind of place without one)
    url: str


def places_in(region: Region) -> list[PlaceLink]:
    """The places of every registered kind (``YizhanAppConfig.scope_places``) in this village, those the reader may
    see (scoped managers), one query per kind. Read through the registry, so that this app, below the ones that own
    the places, names no model of theirs: a kind's model files its rows under a region along its scope rule's
    ``region_path``."""
    found: list[PlaceLink] = []
    for kind in registry.place_kinds().values():
        model = kind.model_class()
        path = model.scoped_by.region_path if issubclass(model, ScopedModel) else ""
        if not path:
            continue
        places: list[Model] = list(model._default_manager.filter(**{path: region.code}))
        for place in places:
            status = getattr(place, "get_status_display", None)
            found.append(
                PlaceLink(
                    kind_label=str(model._meta.verbose_name),
                    name=str(place),
                    status=str(status()) if callable(status) else "",
                    url=reverse(kind.url_name, args=[place.pk]),
                )
            )
    return found


def visible_codes(scope: Scope, regions: list[Region]) -> set[str]:
    """The codes of these regions whose pages the reader may open (for links in a breadcrumb of public names)."""
    return {r.code for r in regions if scope.covers_region(r.code)}


def region_list(*, parent: Region | None = None, search: str = "", level: int | None = None):
    # unscoped: the children of regions already read through the scope (a subquery: counted for the page only)
    qs = Region.objects.select_related("parent").annotate(child_count=count_of(Region.all_objects, "parent"))
    if parent is not None:
        qs = qs.filter(parent=parent)
    if level is not None:
        qs = qs.filter(level=level)
    if search:
        qs = qs.filter(name__contains=search) | qs.filter(code__startswith=search)
    return qs.order_by("code")


def region_top_level(scope):
    """The highest regions visible to the user: the roots of their scope."""
    codes = sorted(scope.admin_regions | scope.member_regions)
    roots = [c for c in codes if not any(c != o and c.startswith(o) for o in codes)]
    if scope.unrestricted:
        return Region.objects.filter(parent__isnull=True).order_by("code")
    return Region.objects.filter(code__in=roots).order_by("code")


def region_get(code: str) -> Region:
    """The region with this code if it is in scope; raises Region.DoesNotExist otherwise (→ 404)."""
    return Region.objects.select_related("parent").get(code=code)


def region_ancestors(region: Region) -> list[Region]:
    """Breadcrumb: ancestors are shown by name even above the user's scope (names of places are public)."""
    codes = region.ancestor_codes()
    # unscoped: breadcrumb names above the user's scope (place names are public)
    found = {r.code: r for r in Region.all_objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def villages_of(town: Region):
    return Region.objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("code")
