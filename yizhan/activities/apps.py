from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class ActivitiesConfig(registry.YizhanAppConfig):
    """Activities of the stations: plan, publish, registrations with capacity and waitlist (DESIGN.md §3.2)."""

    name = "yizhan.activities"
    verbose_name = _("Activities")
    demo = "yizhan.activities.demo.seed"
    urls = (("activities/", "yizhan.activities.urls"),)
    api_routers = (
        ("/activities/", "yizhan.activities.api.activities_router"),
        ("/public/activities/", "yizhan.activities.api_public.public_router"),
        ("/volunteering/", "yizhan.activities.api_volunteers.volunteers_router"),
        ("/activity-series/", "yizhan.activities.api_volunteers.series_router"),
        ("/calendar/", "yizhan.activities.api_volunteers.calendar_router"),
    )
    navigation = (
        NavEntry("activities:list", _("Activities"), "yizhan.activities.permissions.uses_activity_pages", order=45),
        NavEntry("activities:my_shifts", _("My volunteering"), "yizhan.activities.permissions.is_volunteer", order=46),
    )
    notification_kinds = "yizhan.activities.notifications.ACTIVITY_KINDS"
    place_panels = (("station", "yizhan.activities.panels.station_panel"),)
    home_panels = ("yizhan.activities.home.volunteer_panel", "yizhan.activities.home.manager_panel")
