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


class Rollup(ScopedModel):
    """One figure of one region for one period: ``(region, key, period) → value``.

    Figures above village level (coverage today; activities, cases, ratings later) are kept here, summed up the
    region tree, so a province's page reads as many rows as a town's. A figure is a ``key`` such as
    ``coverage.operating`` (yizhan/insights/rollups.py lists them); ``period`` is ``""`` for a state figure (how
    things stand now) or a period such as ``2026-11`` for a count per month. New figures are new keys, not new tables
    or columns. Rows are written only by ``yizhan.insights.rollups`` (F() updates, a rebuild that fixes drift)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("figure"), max_length=64)
    period = models.CharField(_("period"), max_length=10, blank=True, default="")
    value = models.BigIntegerField(_("value"), default=0)

    # The figures of a region are its admins': a town admin reads her town's and her villages' rows only.
    scoped_by = InRegion("region__code")

    class Meta:
        verbose_name = _("rolled-up figure")
        verbose_name_plural = _("rolled-up figures")
        constraints = [models.UniqueConstraint(fields=["region", "period", "key"], name="rollup_region_period_key")]

    def __str__(self):
        return f"{self.region_id} {self.key} {self.period}: {self.value}"
