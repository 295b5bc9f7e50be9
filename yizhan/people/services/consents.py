"""Consent records (PIPL): given, withdrawn, honoured."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.permissions import require

from ..models import Consent, Person, ScheduledVisit, TargetGroupMembership
from ..permissions import can_write_residents_in


def consent_record(
    *,
    recorded_by,
    person: Person,
    purpose: str,
    data_scope: str,
    given_on: date | None = None,
    given_by: str = Consent.GivenBy.SELF,
    guardian: Person | None = None,
    separate: bool = False,
) -> Consent:
    """Record a consent. Under 14: only a recorded guardian may consent, separately. Refused otherwise."""
    require(can_write_residents_in, person.region)
    if person.is_anonymised:
        raise ValidationError(_("This person has been anonymised."))
    consent = Consent(
        person=person,
        purpose=purpose,
        data_scope=(data_scope or "").strip(),
        given_on=given_on or timezone.localdate(),
        given_by=given_by,
        guardian=guardian,
        separate=bool(separate),
        recorded_by=recorded_by,
    )
    consent.full_clean()
    with transaction.atomic():
        consent.save()
        audit.log_create(recorded_by, consent)
        if person.consent_withdrawn_at is not None:
            before = audit.snapshot(person, fields=["consent_withdrawn_at"])
            person.consent_withdrawn_at = None
            person.save(update_fields=["consent_withdrawn_at", "updated_at"])
            audit.log_update(recorded_by, person, before)
    return consent


def consent_withdraw(*, consent: Consent, withdrawn_by, note: str = "", withdrawn_on: date | None = None) -> Consent:
    """Withdrawal is honoured at once: care consent gone → group memberships end and due visits are cancelled;
    no consent left → the person is marked restricted and later anonymised by the retention policy."""
    person = consent.person
    require(can_write_residents_in, person.region)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    today = timezone.localdate()
    withdrawn_on = withdrawn_on or today
    if withdrawn_on > today or withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("The withdrawal date must lie between the consent and today.")})
    with transaction.atomic():
        before = audit.snapshot(consent, fields=["withdrawn_on", "withdrawal_note"])
        consent.withdrawn_on = withdrawn_on
        consent.withdrawn_recorded_by = withdrawn_by
        consent.withdrawal_note = (note or "").strip()[:200]
        consent.save(update_fields=["withdrawn_on", "withdrawn_recorded_by", "withdrawal_note"])
        audit.log_update(withdrawn_by, consent, before)
        if (
            consent.purpose == Consent.Purpose.CARE
            and not Consent.all_objects.filter(
                person=person, purpose=Consent.Purpose.CARE, withdrawn_on__isnull=True
            ).exists()
        ):
            for membership in TargetGroupMembership.all_objects.filter(person=person, end_date__isnull=True):
                before_m = audit.snapshot(membership, fields=["end_date"])
                membership.end_date = max(withdrawn_on, membership.start_date)
                membership.save(update_fields=["end_date"])
                audit.log_update(withdrawn_by, membership, before_m)
            ScheduledVisit.all_objects.filter(person=person, visit__isnull=True, cancelled=False).update(cancelled=True)
        if not Consent.all_objects.filter(person=person, withdrawn_on__isnull=True).exists():
            before_p = audit.snapshot(person, fields=["consent_withdrawn_at"])
            person.consent_withdrawn_at = timezone.now()
            person.save(update_fields=["consent_withdrawn_at", "updated_at"])
            audit.log_update(withdrawn_by, person, before_p)
    return consent
