"""The coverage figures on a federation admin's home page (``YizhanAppConfig.home_panels``): villages with and without
an operating station, and operating stations that have gone quiet (no change, no activity)."""

from django.utils.translation import gettext_lazy as _

from yizhan.core.permissions import allows
from yizhan.core.registry import Panel

from . import selectors
from .permissions import sees_coverage
from .selectors import QUIET_DAYS


def coverage_panel(request) -> Panel | None:
    if not allows(sees_coverage):
        return None
    summary = selectors.coverage_summary()
    rate = round(100 * summary["covered"] / summary["villages"]) if summary["villages"] else 0
    quiet_count, quiet = selectors.quiet_stations()
    return Panel(
        title=_("Station coverage"),
        template="insights/_home_panel.html",
        context={**summary, "rate": rate, "quiet_count": quiet_count, "quiet": quiet, "quiet_days": QUIET_DAYS},
        order=20,
    )
