from django.utils.translation import gettext_lazy as _

from yizhan.core import registry


class PortalConfig(registry.YizhanAppConfig):
    """The public pages (no login): find a station or a studio, see what it offers and how to reach it."""

    name = "yizhan.portal"
    verbose_name = _("Public portal")
    urls = (("public/", "yizhan.portal.urls"),)
