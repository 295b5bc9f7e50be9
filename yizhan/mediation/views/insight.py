"""The overview of mediation cases: the early-warning list, the statistics page and its Excel download, and the
registry picker of the intake page (a lookup by a full mobile or ID number, ``services/lookup.py``).

Warnings and statistics are for the studio's mediators and for federation admins (``sees_case_overview``); the
scope decides whose cases they count.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.documents import xlsx_response
from yizhan.core.forms import add_errors
from yizhan.core.permissions import requires
from yizhan.core.pickers import picker_response

from .. import selectors_insight
from ..exports import statistics_workbook
from ..forms import (
    INTAKE_LOOKUP_PARTIES,
    CaseIntakeForm,
    CaseStatisticsForm,
    RegistryLookupForm,
    search_studios,
    studio_label,
    studios_to_pick,
)
from ..models import Studio
from ..permissions import sees_case_overview
from ..services.lookup import match_of, person_from_token, registry_lookup
from ..throttling import lookup_wait


@requires(sees_case_overview)
def case_warnings(request):
    return render(
        request,
        "mediation/insight_warnings.html",
        {"groups": selectors_insight.case_warnings(), "near_days": selectors_insight.NEAR_DEADLINE_DAYS},
    )


def _statistics(request):
    form = CaseStatisticsForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    stats = selectors_insight.case_statistics(year=data.get("year"), studio=data.get("studio"))
    return form, stats


def chart_data(stats) -> dict:
    """What the page's charts draw (json_script; the tables beside them show the same figures)."""
    return {
        "month": {
            "labels": [row["label"] for row in stats.by_month],
            "values": [row["count"] for row in stats.by_month],
        },
        "type": [{"name": row["name"], "value": row["count"]} for row in stats.by_type],
        "source": [{"name": row["name"], "value": row["count"]} for row in stats.by_source if row["count"]],
        "outcome": [{"name": row["name"], "value": row["count"]} for row in stats.by_outcome if row["count"]],
    }


@requires(sees_case_overview)
def case_statistics(request):
    form, stats = _statistics(request)
    return render(
        request,
        "mediation/insight_statistics.html",
        {
            "form": form,
            "stats": stats,
            "chart": chart_data(stats) if stats else {},
            "export_query": request.GET.urlencode(),
        },
        status=400 if stats is None else 200,
    )


@requires(sees_case_overview)
def case_statistics_export(request):
    form, stats = _statistics(request)
    if stats is None:
        return HttpResponse(_("Choose a valid year and studio."), status=400, content_type="text/plain; charset=utf-8")
    audit.record(
        actor=request.user,
        action=audit.Action.EXPORT,
        target=stats.studio,
        target_repr=_("Mediation case statistics %(year)s %(studio)s")
        % {"year": stats.year or "", "studio": stats.studio.display_name if stats.studio else ""},
    )
    name = f"case-statistics-{stats.year or 'all'}{f'-{stats.studio.pk}' if stats.studio else ''}.xlsx"
    return xlsx_response(statistics_workbook(stats), name)


# --- the registry picker of the intake page ------------------------------------------------------------------------


def link_parties(request, studio: Studio, form: CaseIntakeForm) -> bool:
    """Resolve the intake form's registry links (tokens of this user's lookups here) into ``form.linked``."""
    linked = {}
    for party in INTAKE_LOOKUP_PARTIES:
        token = form.cleaned_data.get(f"{party}_person") or ""
        if token:
            try:
                linked[party] = person_from_token(token, studio=studio, user=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
                return False
    form.linked = linked
    return True


def intake_cards(request, studio: Studio, data) -> dict:
    """The registry matches to show per party: the tokens the page carries (already looked up)."""
    cards = {}
    for party in INTAKE_LOOKUP_PARTIES:
        token = (data.get(f"{party}_person") or "")[:500]
        match = match_of(token, studio=studio, user=request.user) if token else None
        if match is not None:
            cards[party] = {"matches": [match], "chosen": token}
    return cards


def intake_lookup(request, studio: Studio):
    """The intake page posted with "look up" for one party: the lookup (rate-limited, audited), then the page again
    with everything typed so far and the matches to confirm. Nothing of the case is saved."""
    party = request.POST.get("lookup", "")
    lookup = RegistryLookupForm({"lookup": party, "number": request.POST.get(f"{party}_lookup_number", "")})
    initial = {k: v for k, v in request.POST.items() if k in CaseIntakeForm.base_fields}
    initial.setdefault("received_on", timezone.localdate())
    form = CaseIntakeForm(initial=initial)
    cards = intake_cards(request, studio, request.POST)
    status = 200
    if lookup.is_valid():
        party = lookup.cleaned_data["lookup"]
        wait = lookup_wait(request)
        if wait is not None:
            messages.error(
                request,
                _("Too many registry lookups; try again in %(minutes)d minutes.")
                % {"minutes": max(1, round(wait / 60))},
            )
            status = 429
        else:
            try:
                matches = registry_lookup(studio=studio, user=request.user, number=lookup.cleaned_data["number"])
            except ValidationError as exc:
                cards[party] = {"error": " ".join(exc.messages)}
                status = 400
            else:
                cards[party] = {
                    "matches": matches,
                    "chosen": matches[0].token if len(matches) == 1 else "",
                    "new": True,
                }
    else:
        status = 400
        messages.error(
            request, _("Enter a full mobile number (11 digits) or a full resident ID number (18 characters).")
        )
    return render(
        request, "mediation/case_intake.html", {"form": form, "studio": studio, "lookup_cards": cards}, status=status
    )


@requires(sees_case_overview)
def pick_studios(request):
    """A page of the studios in scope for the statistics' studio picker (``core/pickers.py``)."""
    return picker_response(request, studios_to_pick(), search=search_studios, label=studio_label)
