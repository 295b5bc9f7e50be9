"""Who may look at and plan the rollout, in the vocabulary of ``yizhan.core.permissions``."""

from yizhan.core.permissions import is_admin
from yizhan.stations.permissions import can_admin_region

# Coverage figures are the federation's: admins at any level (each sees the regions of their scope).
sees_coverage = is_admin
# Admins of the village's region (or above) record when it should have its station and studio.
can_plan_rollout = can_admin_region
