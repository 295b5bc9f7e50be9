"""This app's section on a village's region page (``YizhanAppConfig.place_panels`` with the kind "region"): how many
residents are registered there and how many of their care visits are overdue, each a link to the list narrowed to
that village, so that the region page, below this app, leads to them without importing it."""

from django.utils.translation import gettext_lazy as _

from yizhan.core.permissions import allows
from yizhan.core.registry import Panel

from . import selectors
from .permissions import can_write_residents_in, works_with_residents


def region_panel(request, region) -> Panel | None:
    """Only on a village's page, and only for those who work with that village's residents."""
    if region.level != region.Level.VILLAGE or not (
        allows(works_with_residents) and allows(can_write_residents_in, region)
    ):
        return None
    return Panel(
        title=_("Residents"),
        template="people/_region_panel.html",
        context={"region": region, "figures": selectors.village_figures(region)},
        order=30,
    )
