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
# Online requests for mediation sent to a studio: its mediators handle them; the admins over it see them (oversight).
sees_online_requests = Predicate(
    lambda scope, studio: _mediator_at(scope, studio) or is_admin_over(scope, studio.region), "sees_online_requests"
)


# --- the overview: early warning and statistics ------------------------------------------------------------------
# For the studio's mediators (their studio) and federation admins (the studios under their region). Advisors work on
# the cases they are put on and see those in their work queue; the studio-wide figures and warnings are not theirs.


def _mediates_somewhere(scope: Scope) -> bool:
    return bool(scope.place_ids("studio")) and bool(scope.regions_for(Role.MEDIATOR))


is_a_studio_mediator = Predicate(_mediates_somewhere, "is_a_studio_mediator")
sees_case_overview = is_admin | is_a_studio_mediator


# --- safety, sessions, recusal, appointments ----------------------------------------------------------------------


def _on_case_team(scope: Scope, case) -> bool:
    """A member of the case's team (``CaseMember``): the lead, the mediators and advisors put on it."""
    return scope.user_id is not None and case.team.filter(member__user_id=scope.user_id).exists()


is_on_case_team = Predicate(_on_case_team, "is_on_case_team")
# Screenings, safety steps and session records are the work of the studio's mediators and the case team.
can_screen_case = Predicate(
    lambda scope, case: can_work_on_case(scope, case) or _on_case_team(scope, case), "can_screen_case"
)
can_record_sessions = can_screen_case
# Lifting the block on joint sessions under red or orange risk: a federation admin of the studio's town or above.
can_override_joint_block = Predicate(
    lambda scope, case: is_admin_over(scope, case.studio.region.parent or case.studio.region),
    "can_override_joint_block",
)


def _is_case_lead(scope: Scope, case) -> bool:
    return scope.user_id is not None and case.lead_id == scope.user_id


# A recusal is decided by the case's lead mediator or a federation admin of the town or above.
can_decide_recusal = Predicate(
    lambda scope, case: _is_case_lead(scope, case) or can_override_joint_block(scope, case), "can_decide_recusal"
)
# Appointments: the studio's mediators make them for any member; a member sees and updates their own.
can_make_appointments = is_studio_mediator


def _own_appointment(scope: Scope, appointment) -> bool:
    return scope.user_id is not None and appointment.member.user_id == scope.user_id


can_update_appointment = Predicate(
    lambda scope, appointment: _mediator_at(scope, appointment.studio) or _own_appointment(scope, appointment),
    "can_update_appointment",
)
uses_appointments = holds_place("studio")


# --- the case file (卷宗) ------------------------------------------------------------------------------------------
# The studio's mediators and the case team download it; admins over the studio open it with a reason (audited).
can_open_case_file = can_screen_case | can_oversee_case
