from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class InsightsConfig(registry.YizhanAppConfig):
    """Figures across the station network: rollout coverage of stations and studios, planned against built."""

    name = "yizhan.insights"
    verbose_name = _("Insights")
    demo = "yizhan.insights.demo.seed"
    # Same addresses as before the app existed: /stations/coverage/…
    urls = (("stations/coverage/", "yizhan.insights.urls"),)
    api_routers = (("/coverage/", "yizhan.insights.api.coverage_router"),)
    navigation = (NavEntry("insights:coverage", _("Coverage"), "yizhan.insights.permissions.sees_coverage", order=60),)
    home_panels = ("yizhan.insights.home.coverage_panel",)

    def ready(self):
        super().ready()
        from . import rollups

        rollups.connect()  # the rolled-up figures follow the writes of stations, studios, plans and villages
