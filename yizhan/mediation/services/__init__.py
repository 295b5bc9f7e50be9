"""Writes of the mediation app: keyword-only, atomic, audited. Split by topic; import from here."""

from .cases import (
    PartyData,
    case_accept,
    case_assign_team,
    case_close,
    case_intake,
    case_not_accept,
    case_update,
)
from .outcomes import (
    PartyDetails,
    agreement_missing,
    agreement_save,
    agreement_upload_scan,
    case_extend,
    confirmation_apply,
    confirmation_decide,
    current_agreement,
    follow_up_act,
    follow_up_record,
)
from .studios import (
    studio_contact_create,
    studio_contact_delete,
    studio_create,
    studio_member_add,
    studio_member_remove,
    studio_update,
)

__all__ = [
    "PartyData",
    "case_accept",
    "case_assign_team",
    "case_close",
    "case_intake",
    "case_not_accept",
    "case_update",
    "studio_contact_create",
    "studio_contact_delete",
    "studio_create",
    "studio_member_add",
    "studio_member_remove",
    "studio_update",
    # outcomes
    "PartyDetails",
    "agreement_missing",
    "agreement_save",
    "agreement_upload_scan",
    "case_extend",
    "confirmation_apply",
    "confirmation_decide",
    "current_agreement",
    "follow_up_act",
    "follow_up_record",
]
