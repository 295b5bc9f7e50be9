from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class AuditConfig(registry.YizhanAppConfig):
    name = "yizhan.audit"
    verbose_name = _("Audit log")
    urls = (("audit/", "yizhan.audit.urls"), ("reveal/", "yizhan.audit.reveal_urls"))
    api_routers = (("/audit/", "yizhan.audit.api.router"),)
    navigation = (NavEntry("audit:list", _("Audit log"), "yizhan.core.permissions.is_admin", order=80),)

    def ready(self) -> None:
        # Django's documented place to register system checks.
        from . import checks  # noqa: F401
