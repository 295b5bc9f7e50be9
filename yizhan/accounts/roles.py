"""The roles a user can hold at a place (DESIGN.md §2). Kept apart from the models so that permission rules can name
them without importing the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FEDERATION_ADMIN = "federation_admin", _("Federation admin")
    STATION_MANAGER = "station_manager", _("Station manager")
    MEDIATOR = "mediator", _("Mediator")
    ADVISOR = "advisor", _("Advisor")
    VOLUNTEER = "volunteer", _("Volunteer")
