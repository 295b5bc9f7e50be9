"""The demo's rollout plan for the 瓜沥镇 villages without an operating station (fictional dates).

``seed()`` is declared as ``InsightsConfig.demo`` (yizhan/core/demo.py), and writes as 瓜沥镇's admin, in her
scope. Idempotent.
"""

from datetime import date

from yizhan.accounts.demo import demo_actor
from yizhan.core.scoping import scope_for
from yizhan.regions.models import Region

from . import rollups, services
from .models import CoveragePlan

# Rollout plan for the villages without an operating station (fictional dates).
PLAN = {
    "330109113003": (date(2026, 12, 31), None, "与调解工作室同址建设"),
    "330109113004": (date(2026, 12, 31), None, "主体装修中"),
    "330109113005": (date(2027, 3, 31), None, ""),
    "330109113006": (date(2027, 3, 31), None, ""),
    "330109113007": (date(2027, 6, 30), None, ""),
    "330109113008": (date(2027, 6, 30), date(2027, 12, 31), ""),
    "330109113009": (date(2027, 6, 30), None, ""),
    "330109113010": (date(2027, 9, 30), None, ""),
    "330109113011": (date(2027, 9, 30), None, ""),
    "330109113012": (date(2027, 9, 30), None, ""),
    "330109113013": (date(2027, 12, 31), None, ""),
    "330109113014": (date(2027, 12, 31), None, ""),
    "330109113015": (date(2027, 12, 31), None, ""),
    "330109113016": (date(2027, 12, 31), None, ""),
    "330109113017": (date(2026, 12, 31), date(2027, 6, 30), "选址已确定"),
    "330109113018": (date(2027, 12, 31), None, ""),
}


def seed_plan(*, by):
    """The plan of each demo village that has none yet, recorded through the service by ``by`` (an admin over
    瓜沥镇, whose scope is active)."""
    for code, (station_target, studio_target, note) in PLAN.items():
        village = Region.all_objects.filter(code=code).first()
        if village is not None and not CoveragePlan.all_objects.filter(region=village).exists():
            services.coverage_plan_set(
                region=village, updated_by=by, station_target=station_target, studio_target=studio_target, note=note
            )


def seed() -> str:
    actor = demo_actor()
    with scope_for(actor):
        seed_plan(by=actor)
    # Last of the demo parts (INSTALLED_APPS order): the figures of every region from the demo's rows.
    rollups.rebuild()
    return f"rollout plans for {len(PLAN)} villages, rolled-up figures rebuilt"
