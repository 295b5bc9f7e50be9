from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry, PlaceKind


class StationsConfig(registry.YizhanAppConfig):
    name = "yizhan.stations"
    verbose_name = _("Stations")
    reference = "yizhan.stations.reference.load"
    demo = "yizhan.stations.demo.seed"
    urls = (("stations/", "yizhan.stations.urls"),)
    api_routers = (
        ("/stations/", "yizhan.stations.api.stations_router"),
        ("/catalogue/", "yizhan.stations.api.catalogue_router"),
    )
    scope_places = (PlaceKind("station", "stations.Station", "stations:detail"),)
    navigation = (NavEntry("stations:list", _("Stations"), "yizhan.stations.permissions.uses_station_pages", order=40),)
