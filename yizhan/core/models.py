from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One row per daily job and day: makes sure each day's run is queued once, however often the app starts."""

    job = models.CharField(_("job"), max_length=100)
    run_on = models.DateField(_("day"))
    enqueued_at = models.DateTimeField(_("queued"), default=timezone.now)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["job", "run_on"], name="scheduled_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_on}"
