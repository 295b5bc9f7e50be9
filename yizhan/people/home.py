"""The residents part of a signed-in home page: overdue and coming care visits, the reader's open follow-ups, and the
actions a station manager or admin starts the day with (``YizhanAppConfig.home_panels``)."""

from django.utils.translation import gettext_lazy as _

from yizhan.core.permissions import allows
from yizhan.core.registry import Panel

from . import selectors
from .permissions import works_with_residents


def residents_panel(request) -> Panel | None:
    if not allows(works_with_residents):
        return None
    return Panel(
        title=_("Residents and care visits"),
        template="people/_home_panel.html",
        context={"figures": selectors.home_figures(request.user)},
        order=30,
    )
