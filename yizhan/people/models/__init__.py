from .imports import ImportBatch
from .people import (
    Consent,
    Household,
    Person,
    Relation,
    TargetGroup,
    TargetGroupMembership,
    person_scope_q,
)
from .visits import FollowUpAction, Need, ScheduledVisit, Visit, VisitPhoto, VisitPlan

__all__ = [
    "Consent",
    "FollowUpAction",
    "Household",
    "ImportBatch",
    "Need",
    "Person",
    "Relation",
    "ScheduledVisit",
    "TargetGroup",
    "TargetGroupMembership",
    "Visit",
    "VisitPhoto",
    "VisitPlan",
    "person_scope_q",
]
