"""The coverage figure on a federation admin's home page (``YizhanAppConfig.home_panels``)."""

from django.utils.translation import gettext_lazy as _

from yizhan.core.permissions import allows
from yizhan.core.registry import Panel

from . import selectors
from .permissions import sees_coverage


def coverage_panel(request) -> Panel | None:
    if not allows(sees_coverage):
        return None
    summary = selectors.coverage_summary()
    rate = round(100 * summary["covered"] / summary["villages"]) if summary["villages"] else 0
    return Panel(
        title=_("Station coverage"),
        template="insights/_home_panel.html",
        context={**summary, "rate": rate},
        order=20,
    )
