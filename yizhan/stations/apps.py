from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "yizhan.stations"
    verbose_name = _("Stations and studios")


# Labels this app adds to the shared navigation (yizhan/core/context_processors.py); listed here so that
# makemessages puts them in this app's catalogue.
NAV_LABELS = (_("Stations"), _("Studios"), _("Coverage"))
