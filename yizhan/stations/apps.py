from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class StationsConfig(registry.YizhanAppConfig):
    name = "yizhan.stations"
    verbose_name = _("Stations and studios")
    urls = (("stations/", "yizhan.stations.urls"),)
    api_routers = (
        ("/stations/", "yizhan.stations.api.stations_router"),
        ("/studios/", "yizhan.stations.api.studios_router"),
        ("/catalogue/", "yizhan.stations.api.catalogue_router"),
    )
    navigation = (
        NavEntry("stations:list", _("Stations"), "yizhan.stations.permissions.uses_station_pages", order=40),
        NavEntry("stations:studio_list", _("Studios"), "yizhan.stations.permissions.uses_studio_pages", order=50),
    )
