"""This app's section on a station's staff page (``YizhanAppConfig.place_panels``): its activity figures and the
link to its activities."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from yizhan.core.permissions import allows

from .figures import station_activity_figures
from .permissions import uses_activity_pages


def station_panel(request, station) -> SafeString | str:
    if not allows(uses_activity_pages):
        return ""
    return render_to_string(
        "activities/_station_figures.html",
        {"station": station, "figures": station_activity_figures(station), "staff": True},
        request=request,
    )
