"""What the case page shows and offers about the outcome: the agreement's versions and what it still lacks, the
judicial-confirmation clock, extensions of the time limit and the follow-up visits, with their forms for the studio's
mediators. Called by ``views.cases._detail``; kept apart from ``views.outcomes`` (which imports the case views)."""

from django.utils import timezone

from .. import selectors
from ..forms import (
    AgreementScanForm,
    CaseExtensionForm,
    ConfirmationApplyForm,
    ConfirmationDecideForm,
    FollowUpActionForm,
    FollowUpForm,
)
from ..models import Case, FollowUp, JudicialConfirmation
from ..services.outcomes import agreement_missing, confirmation_days_left


def outcome_context(case: Case, can_work: bool, forms: dict) -> dict:
    """The outcome sections' data; adds the outcome forms the acting user may use to ``forms`` (bound forms with
    errors, already there, are kept)."""
    version = {"version": case.version}
    agreements = selectors.case_agreements(case)
    current = next((a for a in agreements if a.is_current), None)
    parties = selectors.case_parties(case)
    missing = agreement_missing(current, parties) if current is not None else []
    confirmations = selectors.case_confirmations(case)
    confirmation = next((c for c in confirmations if current is not None and c.agreement_id == current.pk), None)
    written = case.status == Case.Status.AGREEMENT and case.agreement_form == Case.AgreementForm.WRITTEN
    follow_ups = selectors.case_follow_ups(case)
    if can_work:
        if written and current is not None and not current.is_locked:
            forms.setdefault("scan_form", AgreementScanForm(initial={**version, "signed_on": timezone.localdate()}))
        if written and current is not None and current.is_locked and confirmation is None:
            forms.setdefault(
                "confirm_form",
                ConfirmationApplyForm(initial={**version, "applied_on": timezone.localdate(), "joint": True}),
            )
        if confirmation is not None and confirmation.decision == JudicialConfirmation.Decision.PENDING:
            forms.setdefault("decide_form", ConfirmationDecideForm(initial=version))
        if case.status == Case.Status.ACCEPTED:
            forms.setdefault("extension_form", CaseExtensionForm(case=case, initial={**version}))
        bound = forms.pop("follow_up_form", None)
        bound_action = forms.pop("follow_up_action_form", None)
        bound_pk = forms.pop("follow_up_pk", None)
        for row in follow_ups:
            if case.status != Case.Status.AGREEMENT:
                continue
            if not row.is_done:
                row.form = bound if bound is not None and row.pk == bound_pk else FollowUpForm(initial=version)
            elif row.performance != FollowUp.Performance.FULL and not row.action:
                row.action_form = (
                    bound_action
                    if bound_action is not None and row.pk == bound_pk
                    else FollowUpActionForm(initial=version)
                )
    return {
        "agreements": agreements,
        "agreement": current,
        "agreement_missing": missing,
        "agreement_written": written,
        "confirmation": confirmation,
        "confirmation_days_left": confirmation_days_left(current),
        "extensions": selectors.case_extensions(case),
        "follow_ups": follow_ups,
    }
