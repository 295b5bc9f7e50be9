"""Who works with residents, in the vocabulary of ``yizhan.core.permissions``: federation admins (their regions)
and station managers (their village)."""

from yizhan.accounts.models import Role
from yizhan.core.permissions import (
    Predicate,
    holds_role,
    holds_role_in,
    is_admin,
    is_admin_over,
    is_province_admin_or_above,
)
from yizhan.core.scoping import scope_for_user

# Browse residents, households, visits and imports at all.
works_with_residents = is_admin | holds_role(Role.STATION_MANAGER)

# Register, correct and reveal residents of a village (a Region or a region code).
can_write_residents_in = is_admin_over | holds_role_in(Role.STATION_MANAGER)

# Create a visit plan for an area (a Region), and pause or resume one (a VisitPlan): the federation admins of its
# area and above, or the station manager of a village plan. A town-wide plan reaches a manager's village (she sees it)
# but is the town's to run.
can_plan_visits_in = can_write_residents_in
can_manage_visit_plan = Predicate(lambda scope, plan: can_plan_visits_in(scope, plan.region), "can_manage_visit_plan")

# Add or switch off a target group: the list is the same for every place of the platform, so a town or county admin
# may not change it for everyone else; province admins and platform admins may.
can_manage_target_groups = is_province_admin_or_above

# Erase a person (PIPL right to deletion): federation admins of the person's region only.
can_erase_person = Predicate(lambda scope, person: is_admin_over(scope, person.region), "can_erase_person")


def may_reveal_in(user, region_code: str) -> bool:
    """For ``Model.can_reveal(user, field)``: the user may see full values of residents of this village."""
    return can_write_residents_in(scope_for_user(user), region_code)
