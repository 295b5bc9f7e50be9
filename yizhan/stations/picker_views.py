"""The station network's picker endpoints (``core/pickers.py``): a page of villages or stations in scope."""

from yizhan.core.permissions import is_admin, requires
from yizhan.core.pickers import picker_response, region_search

from . import selectors
from .forms import search_stations, station_label, village_label
from .permissions import uses_station_pages


@requires(is_admin)
def pick_villages(request):
    return picker_response(
        request, selectors.villages_for_places(), search=region_search, label=village_label, value=lambda r: r.code
    )


@requires(uses_station_pages)
def pick_stations(request):
    return picker_response(request, selectors.stations_in_scope(), search=search_stations, label=station_label)
