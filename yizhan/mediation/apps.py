from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry, PlaceKind


class MediationConfig(registry.YizhanAppConfig):
    """Family mediation studios: their profile, joint-mediation team and contacts and their mediation cases."""

    name = "yizhan.mediation"
    verbose_name = _("Family mediation")
    reference = "yizhan.mediation.reference.load"
    demo = "yizhan.mediation.demo.seed"
    notification_kinds = "yizhan.mediation.notifications.MEDIATION_KINDS"
    # Same addresses as when studios were part of the stations app: /stations/studios/…
    urls = (("stations/studios/", "yizhan.mediation.urls"),)
    api_routers = (
        ("/studios/", "yizhan.mediation.api.studios_router"),
        ("/cases/", "yizhan.mediation.api.cases_router"),
        ("/cases/", "yizhan.mediation.api_outcomes.outcomes_router"),
        ("/cases/overview/", "yizhan.mediation.api.case_overview_router"),
        ("/studios/", "yizhan.mediation.api_requests.requests_router"),
        ("/public/studios/", "yizhan.mediation.api_requests.public_requests_router"),
    )
    scope_places = (PlaceKind("studio", "mediation.Studio", "mediation:studio_detail"),)
    navigation = (
        NavEntry("mediation:studio_list", _("Studios"), "yizhan.mediation.permissions.uses_studio_pages", order=50),
        NavEntry("mediation:case_list", _("Mediation cases"), "yizhan.mediation.permissions.uses_case_pages", order=51),
        NavEntry(
            "mediation:case_statistics",
            _("Case statistics"),
            "yizhan.mediation.permissions.sees_case_overview",
            order=52,
        ),
        NavEntry(
            "mediation:appointment_list", _("Appointments"), "yizhan.mediation.permissions.uses_appointments", order=53
        ),
    )
    home_panels = ("yizhan.mediation.home.my_cases_panel",)
