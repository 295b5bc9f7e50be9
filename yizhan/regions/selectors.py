"""Reads of the region tree, always through the scoped manager."""

from django.db.models import Count

from .models import Region


def region_list(*, parent: Region | None = None, search: str = "", level: int | None = None):
    qs = Region.objects.select_related("parent").annotate(child_count=Count("children"))
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
