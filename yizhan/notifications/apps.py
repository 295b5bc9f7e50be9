from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class NotificationsConfig(registry.YizhanAppConfig):
    name = "yizhan.notifications"
    verbose_name = _("Notifications")
    urls = (("notifications/", "yizhan.notifications.urls"),)
    api_routers = (("/notifications/", "yizhan.notifications.api.router"),)
    navigation = (NavEntry("notifications:list", _("Notifications"), "yizhan.core.permissions.is_signed_in", order=90),)
    notification_kinds = "yizhan.notifications.models.KINDS"
