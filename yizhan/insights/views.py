"""Rollout coverage: which villages have a station or studio, the plan, a chart and an Excel export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.audit import services as audit
from yizhan.core.documents import xlsx_response
from yizhan.core.permissions import allows, requires
from yizhan.core.pickers import picker_response, region_search
from yizhan.core.scoping import require_scope
from yizhan.core.text import SEARCH_MAX_LENGTH
from yizhan.regions.models import Region
from yizhan.regions.selectors import region_top_level

from . import exports, selectors, services
from .forms import CoveragePlanForm, CoverageRegionForm, region_label
from .permissions import can_plan_rollout, sees_coverage


def _coverage_region(request) -> Region:
    """The region asked for (``?region=code``; a village shows its town), else the user's own top region."""
    typed = [v.strip() for v in request.GET.getlist("region") if v.strip()]  # a typed name comes last (no JS)
    code = (typed[-1] if typed else "") or request.POST.get("region") or ""
    if code and not code.isdigit() and len(code) <= SEARCH_MAX_LENGTH:
        found = region_search(selectors.coverage_regions(), code).first()
        code = found.code if found else code
    try:
        if code:
            region = Region.objects.get(code=code)
        else:
            region = region_top_level(require_scope()).first()
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    if region is None:
        raise Http404
    if region.level == Region.Level.VILLAGE:
        region = Region.objects.get(pk=region.parent_id)
    return region


@requires(sees_coverage)
def coverage(request):
    region = _coverage_region(request)
    data = selectors.coverage(region)
    return render(
        request,
        "insights/coverage.html",
        {
            "coverage": data,
            "chart": data.chart_data(),
            "region_form": CoverageRegionForm(initial={"region": region.code}, regions=selectors.coverage_regions()),
            "can_plan": data.is_town and allows(can_plan_rollout, region),
            "plan_form": CoveragePlanForm(),
            "export_url": reverse("insights:coverage_export") + f"?region={region.code}",
        },
    )


@requires(sees_coverage)
def coverage_export(request):
    region = _coverage_region(request)
    data = selectors.coverage(region)
    towns = None if data.is_town else selectors.town_figures(region)
    content = exports.coverage_workbook(data, towns)
    audit.record(
        actor=request.user,
        action=audit.Action.EXPORT,
        target=region,
        target_repr=_("Coverage of %(region)s") % {"region": region.name},
    )
    return xlsx_response(content, f"coverage-{region.code}.xlsx")


@requires(sees_coverage)
@require_POST
def coverage_plan(request):
    form = CoveragePlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("insights:coverage")
    try:
        village = Region.objects.select_related("parent").get(code=form.cleaned_data["village"])
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    data = dict(form.cleaned_data)
    data.pop("village")
    try:
        services.coverage_plan_set(region=village, updated_by=request.user, **data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Plan for %(village)s saved.") % {"village": village.name})
    town = village.parent.code if village.parent_id else village.code
    return redirect(reverse("insights:coverage") + f"?region={town}#v-{village.code}")


@requires(sees_coverage)
def pick_regions(request):
    """A page of the towns and districts in scope for the region picker (``core/pickers.py``)."""
    return picker_response(
        request, selectors.coverage_regions(), search=region_search, label=region_label, value=lambda r: r.code
    )
