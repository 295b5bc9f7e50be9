"""The rollout plan: when each village or community should have its station (and its studio)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.core.scoping import InRegion, ScopedModel


class CoveragePlan(ScopedModel):
    """The rollout plan for one village or community: when a station (and a studio) should be there."""

    region = models.OneToOneField(
        "regions.Region", verbose_name=_("village or community"), on_delete=models.CASCADE, related_name="+"
    )
    station_target = models.DateField(_("station target date"), null=True, blank=True)
    studio_target = models.DateField(_("studio target date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    # Rollout plans are the federation's: admins of the region only.
    scoped_by = InRegion("region__code")

    class Meta:
        verbose_name = _("rollout plan")
        verbose_name_plural = _("rollout plans")

    def __str__(self):
        return str(self.region)
