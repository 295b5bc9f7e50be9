"""Rollout plan writes. Keyword-only, atomic, audited; permission checks against the active scope."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.permissions import require
from yizhan.regions.models import Region

from .models import CoveragePlan
from .permissions import can_plan_rollout


def coverage_plan_set(*, region, updated_by, station_target=None, studio_target=None, note="") -> CoveragePlan:
    """A town (or district) admin records when a village should have its station and studio."""
    require(can_plan_rollout, region)
    if region.level != Region.Level.VILLAGE:
        raise ValidationError({"region": _("Choose a village or community.")})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("Keep the note under 200 characters.")})
    with transaction.atomic():
        plan = CoveragePlan.all_objects.select_for_update().filter(region=region).first()
        if plan is None:
            plan = CoveragePlan.all_objects.create(
                region=region, station_target=station_target, studio_target=studio_target, note=note
            )
            audit.log_create(updated_by, plan)
        else:
            before = audit.snapshot(plan, fields=["station_target", "studio_target", "note"])
            plan.station_target, plan.studio_target, plan.note = station_target, studio_target, note
            plan.updated_at = timezone.now()
            plan.save()
            audit.log_update(updated_by, plan, before)
    return plan
