"""Who may see and change studios and their teams, in the vocabulary of ``yizhan.core.permissions``.

Scope decides which studios are visible (admins under their region, the team members of the studio); these rules
decide what may be done with them.
"""

from yizhan.accounts.roles import Role
from yizhan.core.permissions import Predicate, holds_place, holds_this_place, is_admin, is_admin_over
from yizhan.core.scoping import Scope
from yizhan.stations.permissions import can_admin_place

# The studio pages: federation admins, and the mediators and advisors of a studio.
uses_studio_pages = is_admin | holds_place("studio")
# A studio's profile, contacts and team are the federation's.
can_edit_studio = can_admin_place
can_view_studio_team = can_admin_place | holds_this_place("studio")


# --- cases ------------------------------------------------------------------------------------------------------
# Who sees which case is the scope's job (``models.InStudioCases``): admins under their region, the mediators of the
# studio, advisors only the cases they are on. These rules decide what they may do with what they see.


def _mediator_at(scope: Scope, studio) -> bool:
    """Holds the mediator role at this studio (the role's village and the studio as its place)."""
    return studio.pk in scope.place_ids("studio") and studio.region.code in scope.regions_for(Role.MEDIATOR)


# The case pages: federation admins (oversight), mediators (their studio's cases), advisors (the cases they are on).
uses_case_pages = is_admin | holds_place("studio")
# A studio's mediators take in cases there.
is_studio_mediator = Predicate(_mediator_at, "is_studio_mediator")
can_take_intake = is_studio_mediator
# The studio's mediators run its cases: accept or not, put the team together, correct, close.
can_work_on_case = Predicate(lambda scope, case: _mediator_at(scope, case.studio), "can_work_on_case")
# Federation admins over the studio's village oversee its cases: they open a narrative only with a reason (audited).
can_oversee_case = Predicate(lambda scope, case: is_admin_over(scope, case.studio.region), "can_oversee_case")


# --- the overview: early warning and statistics ------------------------------------------------------------------
# For the studio's mediators (their studio) and federation admins (the studios under their region). Advisors work on
# the cases they are put on and see those in their work queue; the studio-wide figures and warnings are not theirs.


def _mediates_somewhere(scope: Scope) -> bool:
    return bool(scope.place_ids("studio")) and bool(scope.regions_for(Role.MEDIATOR))


is_a_studio_mediator = Predicate(_mediates_somewhere, "is_a_studio_mediator")
sees_case_overview = is_admin | is_a_studio_mediator
