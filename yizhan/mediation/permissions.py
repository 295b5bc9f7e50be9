"""Who may see and change studios and their teams, in the vocabulary of ``yizhan.core.permissions``.

Scope decides which studios are visible (admins under their region, the team members of the studio); these rules
decide what may be done with them.
"""

from yizhan.core.permissions import holds_place, holds_this_place, is_admin
from yizhan.stations.permissions import can_admin_place

# The studio pages: federation admins, and the mediators and advisors of a studio.
uses_studio_pages = is_admin | holds_place("studio")
# A studio's profile, contacts and team are the federation's.
can_edit_studio = can_admin_place
can_view_studio_team = can_admin_place | holds_this_place("studio")
