from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class RegionsConfig(registry.YizhanAppConfig):
    name = "yizhan.regions"
    verbose_name = _("Regions")
    demo = "yizhan.regions.demo.seed"
    urls = (("regions/", "yizhan.regions.urls"),)
    api_routers = (("/regions/", "yizhan.regions.api.router"),)
    navigation = (NavEntry("regions:index", _("Regions"), "yizhan.core.permissions.is_admin", order=30),)
