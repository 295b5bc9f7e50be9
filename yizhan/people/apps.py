from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "yizhan.people"
    verbose_name = _("People")

    def ready(self):
        from yizhan.notifications.models import KINDS

        from .notifications import PEOPLE_KINDS

        KINDS.update(PEOPLE_KINDS)
