import os

from django.core.management import call_command

from yizhan.core.scoping import scopes_disabled
from yizhan.insights.models import CoveragePlan


def test_demo_plans_the_rollout_of_the_other_villages(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with scopes_disabled():
        plans = {p.region.code: p for p in CoveragePlan.objects.select_related("region")}
    assert len(plans) >= 15
    assert plans["330109113017"].note == "选址已确定"
    assert plans["330109113008"].studio_target is not None
