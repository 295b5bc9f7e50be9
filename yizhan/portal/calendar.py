"""The public calendar of a town's and a station's activities (published, open to the public), as a month grid or
a phone-friendly list. Reads run under the anonymous scope whoever is signed in (``activities.selectors_calendar``)."""

from django.http import Http404
from django.shortcuts import render

from yizhan.activities import selectors_calendar
from yizhan.activities.forms_volunteers import CalendarForm
from yizhan.activities.views.calendar import list_context, month_context
from yizhan.regions.models import Region
from yizhan.stations.models import Station


def _context(request, **fixed) -> tuple[dict, int]:
    form = CalendarForm(request.GET or None, public=True)
    view = "list" if request.GET.get("view") == "list" else "month"
    build = list_context if view == "list" else month_context
    return {**build(form, public=True, **fixed), "view": view}, 400 if form.errors else 200


def town_calendar(request, code):
    try:
        town = selectors_calendar.public_town(code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    context, status = _context(request, town=town.code)
    return render(request, "portal/calendar.html", {**context, "town": town, "station": None}, status=status)


def station_calendar(request, pk):
    try:
        station = selectors_calendar.public_station(pk)
    except Station.DoesNotExist as exc:
        raise Http404 from exc
    context, status = _context(request, station=station.pk)
    return render(request, "portal/calendar.html", {**context, "town": None, "station": station}, status=status)
