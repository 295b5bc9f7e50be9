from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.core.scoping import scope_for
from yizhan.insights import services
from yizhan.insights.models import CoveragePlan


def test_coverage_plan_set_and_update(world):
    admin = world.users["town_admin"]
    village = world.regions["330109113002"]
    with scope_for(admin):
        services.coverage_plan_set(region=village, updated_by=admin, station_target=date(2027, 6, 30))
        services.coverage_plan_set(region=village, updated_by=admin, station_target=date(2027, 3, 31), note="提前")
        with pytest.raises(ValidationError):
            services.coverage_plan_set(region=world.regions["330109113"], updated_by=admin)
    with scope_for(world.users["other_town_admin"]), pytest.raises(PermissionDenied):
        services.coverage_plan_set(region=village, updated_by=world.users["other_town_admin"])
    plan = CoveragePlan.all_objects.get()
    assert plan.station_target == date(2027, 3, 31)
    assert plan.note == "提前"
