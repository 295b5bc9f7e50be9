"""Writes of the people app: atomic and audited. Split by topic; import from here."""

from ..selectors import has_active_consent
from .consents import consent_record, consent_withdraw
from .people import (
    DuplicatePersonError,
    find_duplicate,
    group_add,
    group_end,
    household_create,
    household_set,
    person_create,
    person_update,
    relation_add,
    relation_remove,
    target_group_create,
    target_group_set_active,
)
from .privacy import ErasureResult, apply_retention, person_erase, subject_export
from .visits import (
    action_add,
    action_done,
    need_set_status,
    schedule_due_visits,
    visit_plan_create,
    visit_plan_set_active,
    visit_record,
)

__all__ = [
    "DuplicatePersonError",
    "ErasureResult",
    "action_add",
    "action_done",
    "apply_retention",
    "consent_record",
    "consent_withdraw",
    "find_duplicate",
    "group_add",
    "group_end",
    "has_active_consent",
    "household_create",
    "household_set",
    "person_create",
    "person_erase",
    "person_update",
    "relation_add",
    "relation_remove",
    "schedule_due_visits",
    "subject_export",
    "target_group_create",
    "target_group_set_active",
    "need_set_status",
    "visit_plan_create",
    "visit_plan_set_active",
    "visit_record",
]
