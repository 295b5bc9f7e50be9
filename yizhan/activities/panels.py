"""This app's section on a station's staff page (``YizhanAppConfig.place_panels``): its activity figures and the
link to its activities."""

from django.utils.translation import gettext as _

from yizhan.core.permissions import allows
from yizhan.core.registry import Panel

from .figures import station_activity_figures
from .permissions import uses_activity_pages


def station_panel(request, station) -> Panel | None:
    if not allows(uses_activity_pages):
        return None
    return Panel(
        title=_("Activities"),
        template="activities/_station_panel.html",
        context={"station": station, "figures": station_activity_figures(station)},
    )
