"""Who may plan activities and register people, in the vocabulary of ``yizhan.core.permissions``.

Scope decides which activities are visible (admins under their region, the managers of the station); these rules
decide what may be done with them: a station's manager plans its activities, federation admins plan for any station
in their scope.
"""

from yizhan.core.permissions import Predicate, holds_place, is_admin
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
