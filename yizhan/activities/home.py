"""The activities app's panels on the signed-in home page (``ActivitiesConfig.home_panels``): a volunteer's shifts and
hours, a station manager's week and the hours waiting for confirmation. Fixed queries each."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.core.permissions import allows
from yizhan.core.registry import Panel

from . import selectors_volunteers as selectors
from .permissions import is_station_manager, is_volunteer


def volunteer_panel(request: HttpRequest) -> Panel | None:
    if not allows(is_volunteer):
        return None
    user = request.user
    today = timezone.localdate()
    return Panel(
        title=_("My volunteering"),
        template="activities/home_volunteer.html",
        context={
            "upcoming": list(selectors.my_signups(user, upcoming=True)[: selectors.PANEL_ROWS]),
            "open_shifts": list(selectors.open_shifts(user)[: selectors.PANEL_ROWS]),
            "hours": selectors.hours_summary(user, start=date(today.year, 1, 1), end=today),
            "year": today.year,
        },
        order=30,
    )


def manager_panel(request: HttpRequest) -> Panel | None:
    if not allows(is_station_manager):
        return None
    to_confirm = selectors.hours_to_confirm()
    return Panel(
        title=_("My station this week"),
        template="activities/home_manager.html",
        context={
            "activities": list(selectors.manager_activities_this_week()[:10]),
            "to_confirm": list(to_confirm[: selectors.PANEL_ROWS]),
            "to_confirm_count": to_confirm.count(),
        },
        order=31,
    )
