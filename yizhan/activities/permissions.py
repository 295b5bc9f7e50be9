"""Who may plan activities and register people, in the vocabulary of ``yizhan.core.permissions``.

Scope decides which activities are visible (admins under their region, the managers of the station); these rules
decide what may be done with them: a station's manager plans its activities, federation admins plan for any station
in their scope.
"""

from yizhan.accounts.roles import Role
from yizhan.core.permissions import Predicate, holds_place, holds_role, is_admin
from yizhan.stations.permissions import can_edit_station

# The activity pages and endpoints: federation admins and station managers.
uses_activity_pages = is_admin | holds_place("station")

# Plan activities at this station (a Station): its admins and its own manager.
can_plan_at = can_edit_station

# Change, publish, cancel, complete this activity and manage its registrations.
can_manage_activity = Predicate(
    lambda scope, activity: can_edit_station(scope, activity.station), "can_manage_activity"
)

# The check-in desk, attendance, QR codes, the summary and the satisfaction answers of this activity: whoever may
# manage it — the station's admins and anyone holding a role at the station (its manager, a volunteer placed there).
can_run_desk = can_manage_activity


# --- volunteers, shifts and hours ---------------------------------------------------------------------------------

# Volunteers (巾帼志愿者): their own profile, shifts, hours and certificate.
is_volunteer = holds_role(Role.VOLUNTEER)

# Volunteer at this station (a Station): the volunteer role held in its village.
can_volunteer_at = Predicate(
    lambda scope, station: station.region.code in scope.regions_for(Role.VOLUNTEER), "can_volunteer_at"
)

# Station managers (their home panel).
is_station_manager = holds_role(Role.STATION_MANAGER)

# The station's volunteers and their hours (lists, confirmation, Excel): federation admins and station managers.
manages_volunteers = is_admin | holds_role(Role.STATION_MANAGER)


# Confirm or correct hours of a sign-up (a ShiftSignup), record check-in and check-out for a volunteer.
# A volunteer never confirms their own hours; holding a place at the station is not enough, it takes the manager role
# there (or an admin's region above it).
def _manages_signup(scope, signup) -> bool:
    station = signup.shift.activity.station
    code = station.region.code
    manager = scope.covers_region(code, admin_only=True) or code in scope.regions_for(Role.STATION_MANAGER)
    return signup.volunteer_id != scope.user_id and manager and can_edit_station(scope, station)


can_manage_signup = Predicate(_manages_signup, "can_manage_signup")

# The volunteer's own sign-up (a ShiftSignup).
is_own_signup = Predicate(lambda scope, signup: signup.volunteer_id == scope.user_id, "is_own_signup")

# The calendar pages: the activity pages' users.
uses_calendar = uses_activity_pages
