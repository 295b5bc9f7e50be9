from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from yizhan.core import registry
from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import is_admin, requires
from yizhan.core.scoping import require_scope

from . import selectors, services
from .forms import RegionSearchForm, VillageForm
from .models import Region

# The coverage page, by its URL name: an app above this one declares it in its navigation (insights).
COVERAGE_PAGE = "insights:coverage"


def _coverage_link(region: Region, ancestors: list[Region]) -> tuple[str, str]:
    """The rollout coverage of the region's town (a village's row is on its town's page), if an app offers that page
    to this reader: found through the navigation the apps declare (``registry.navigation``), so this app, below
    them, imports none of them."""
    town = (
        region
        if region.level == Region.Level.TOWN
        else next((a for a in ancestors if a.level == Region.Level.TOWN), None)
    )
    if town is None:
        return "", ""
    scope = require_scope()
    for entry, rule in registry.navigation():
        if entry.url_name == COVERAGE_PAGE and rule(scope):
            return f"{reverse(COVERAGE_PAGE)}?{urlencode({'region': town.code})}", town.name
    return "", ""


@requires(is_admin)
def index(request):
    form = RegionSearchForm(request.GET or None)
    if form.errors:
        regions = Region.objects.none()
    elif form.is_bound and form.cleaned_data["q"]:
        regions = selectors.region_list(search=form.cleaned_data["q"])
    else:
        regions = selectors.region_top_level(require_scope())
    return render(
        request,
        "regions/region_list.html",
        {"page": paginate(request, regions), "form": form},
        status=400 if form.errors else 200,
    )


@requires(is_admin)
def detail(request, code):
    try:
        region = selectors.region_get(code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    scope = require_scope()
    can_add_village = region.level == Region.Level.TOWN and scope.covers_region(region.code, admin_only=True)
    form = VillageForm(request.POST or None) if can_add_village else None
    if request.method == "POST":
        if not can_add_village:
            raise PermissionDenied
        if form.is_valid():
            try:
                village = services.region_create_village(town=region, created_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("%(name)s added.") % {"name": village.name})
                return redirect("regions:detail", code=region.code)
    ancestors = selectors.region_ancestors(region)
    is_village = region.level == Region.Level.VILLAGE
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "ancestors": ancestors,
            "linked": selectors.visible_codes(scope, ancestors),
            # a village has no subdivisions: its page is its places and what the apps add (residents …)
            "page": None if is_village else paginate(request, selectors.region_list(parent=region)),
            "places": selectors.places_in(region) if is_village else None,
            "panels": registry.place_panels("region", request, region),
            "coverage": _coverage_link(region, ancestors),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )
