from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class PeopleConfig(registry.YizhanAppConfig):
    name = "yizhan.people"
    verbose_name = _("People")
    reference = "yizhan.people.reference.load"
    demo = "yizhan.people.demo.seed"
    urls = (("people/", "yizhan.people.urls"),)
    api_routers = (("/people/", "yizhan.people.api.router"),)
    navigation = (NavEntry("people:list", _("Residents"), "yizhan.people.permissions.works_with_residents", order=70),)
    notification_kinds = "yizhan.people.notifications.PEOPLE_KINDS"
    home_panels = ("yizhan.people.home.residents_panel",)
    # a village's region page: its residents (the regions app, below this one, shows what the apps add)
    place_panels = (("region", "yizhan.people.panels.region_panel"),)
