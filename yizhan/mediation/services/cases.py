"""Mediation case writes (issue 11, first slice): intake with a gapless case number, acceptance under the People's
Mediation Law (art. 17), the case team (团队联调), corrections and the outcome (art. 26, 28).

Keyword-only, atomic, audited; each checks the acting scope with ``require(...)`` and refuses bad input with a
translated ValidationError before anything is written. Every change of a case after intake is version-checked
(``bump_version``): two mediators acting on the same case at once cannot both win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import validate_mobile
from yizhan.audit import services as audit
from yizhan.core.permissions import require
from yizhan.core.text import has_control_characters
from yizhan.core.versioning import StaleVersionError, bump_version

from ..models import Case, CaseMember, CaseNumberCounter, CaseParty, DisputeType, Studio, StudioMember
from ..permissions import can_take_intake, can_work_on_case
from ..tasks import plan_deadline_alerts
from .outcomes import schedule_follow_ups
from .safety import require_mandatory_reports

if TYPE_CHECKING:
    from yizhan.core.types import User
    from yizhan.people.models import Person

NARRATIVE_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 500
REFERRAL_MAX_LENGTH = 200
MAX_PARTIES = 10
EARLIEST_INTAKE = date(2000, 1, 1)


@dataclass(frozen=True)
class PartyData:
    """A party as intake receives it: a person of the registry (``person``), or a name and a mobile number."""

    role: str
    name: str = ""
    mobile: str = ""
    relation: str = ""
    person: Person | None = None


# --- checks -------------------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_text(errors: dict[str, list[str]], field: str, value: str, *, max_length: int, required: bool, message=""):
    if required and not value:
        errors.setdefault(field, []).append(message or _("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(field, []).append(_("Use at most %(max_length)d characters.") % {"max_length": max_length})
    elif has_control_characters(value, multiline=field == "narrative"):
        errors.setdefault(field, []).append(_("This text may not contain control characters."))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_version(case: Case, version: object) -> None:
    """A form or request from an older version of the case is told so first (the transaction checks again)."""
    if str(case.version) != str(version):
        raise StaleVersionError


def _check_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This case is closed; it can no longer be changed."))


def _dispute_type(value: DisputeType | None) -> DisputeType:
    if value is None or not value.is_active:
        raise ValidationError({"dispute_type": _("Choose a dispute type in use.")})
    return value


def _party_rows(case: Case, parties: Sequence[PartyData], errors: dict[str, list[str]]) -> list[CaseParty]:
    if not parties:
        errors.setdefault("parties", []).append(_("Give at least the applicant."))
        return []
    if len(parties) > MAX_PARTIES:
        errors.setdefault("parties", []).append(_("At most %(count)d parties.") % {"count": MAX_PARTIES})
        return []
    rows = []
    for party in parties:
        name = _text(party.name) or (party.person.name if party.person is not None else "")
        mobile = _text(party.mobile) or (party.person.mobile if party.person is not None else "")
        relation = _text(party.relation)
        if party.role not in CaseParty.Role.values:
            errors.setdefault("parties", []).append(_("Choose the party's role."))
        _check_text(errors, "parties", name, max_length=100, required=True, message=_("Give each party's name."))
        _check_text(errors, "parties", relation, max_length=50, required=False)
        if mobile:
            try:
                validate_mobile(mobile)
            except ValidationError as exc:
                errors.setdefault("parties", []).extend(exc.messages)
        rows.append(
            CaseParty(case=case, role=party.role, person=party.person, name=name, mobile=mobile, relation=relation)
        )
    if not any(row.role == CaseParty.Role.APPLICANT for row in rows):
        errors.setdefault("parties", []).append(_("Give at least the applicant."))
    return rows


# --- case numbers -------------------------------------------------------------------------------------------------


def _next_sequence(studio: Studio, year: int) -> int:
    """The studio's next number in ``year``, inside the caller's transaction.

    The counter row is made if missing (``ON CONFLICT DO NOTHING``: concurrent first intakes of a year do not fail),
    then raised by one UPDATE. On PostgreSQL the UPDATE locks the row until the transaction ends, so a concurrent
    intake waits and then counts on from the committed value; on SQLite every transaction begins IMMEDIATE
    (settings), which serialises writers. If the intake fails later, the rollback gives the number back: no gaps.
    """
    counters = CaseNumberCounter.all_objects  # system bookkeeping: the caller's permission was checked
    counters.bulk_create([CaseNumberCounter(studio=studio, year=year, last=0)], ignore_conflicts=True)
    counters.filter(studio=studio, year=year).update(last=F("last") + 1)
    return counters.filter(studio=studio, year=year).values_list("last", flat=True).get()


# --- intake -------------------------------------------------------------------------------------------------------


def case_intake(
    *,
    studio: Studio,
    taken_by: User,
    source: str,
    dispute_type: DisputeType | None,
    narrative: str,
    parties: Sequence[PartyData],
    received_on: date | None = None,
) -> Case:
    """Take in a dispute at a studio: the case, its parties and the studio's next case number, in one transaction."""
    require(can_take_intake, studio)
    errors: dict[str, list[str]] = {}
    if source not in Case.Source.values:
        errors["source"] = [_("Choose where the case came from.")]
    try:
        dispute_type = _dispute_type(dispute_type)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    narrative = _text(narrative)
    _check_text(
        errors,
        "narrative",
        narrative,
        max_length=NARRATIVE_MAX_LENGTH,
        required=True,
        message=_("Say briefly what the dispute is about."),
    )
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today or received_on < EARLIEST_INTAKE:
        errors["received_on"] = [_("The date of intake cannot be in the future.")]
    case = Case(
        studio=studio,
        source=source,
        dispute_type=dispute_type,
        narrative=narrative,
        received_on=received_on,
        year=received_on.year,
        time_limit_days=studio.case_time_limit_days,
        created_by=taken_by,
    )
    rows = _party_rows(case, parties, errors)
    _raise(errors)
    with transaction.atomic():
        case.sequence = _next_sequence(studio, case.year)
        case.number = studio.case_number_format.format(year=case.year, seq=case.sequence)
        case.save()
        audit.log_create(taken_by, case)
        for row in rows:
            row.case = case
            row.save()
            audit.log_create(taken_by, row)
    return case


# --- acceptance (People's Mediation Law art. 17) -----------------------------------------------------------------


def case_accept(*, case: Case, accepted_by: User, version: int, willingness_recorded: bool, notice_given: bool) -> Case:
    """Accept a case: both parties agree to mediation and were told their rights and duties (recorded)."""
    require(can_work_on_case, case)
    _check_version(case, version)
    if case.status != Case.Status.INTAKE:
        raise ValidationError(_("Only a case in intake can be accepted."))
    require_mandatory_reports(case)
    errors: dict[str, list[str]] = {}
    if not willingness_recorded:
        errors["willingness_recorded"] = [
            _(
                "Mediation needs the willingness of both parties (People's Mediation Law art. 17). "
                "If a party refuses, record the case as not accepted."
            )
        ]
    if not notice_given:
        errors["notice_given"] = [_("Record that the notice of rights and duties was given to the parties.")]
    _raise(errors)
    before = audit.snapshot(case, fields=["status", "willingness_recorded", "notice_given", "accepted_at"])
    with transaction.atomic():
        bump_version(case, version)
        case.status = Case.Status.ACCEPTED
        case.willingness_recorded = case.notice_given = True
        case.accepted_at = timezone.now()
        case.save()
        audit.log_update(accepted_by, case, before)
        plan_deadline_alerts(case)
    return case


def case_not_accept(*, case: Case, decided_by: User, version: int, reason: str, referral: str) -> Case:
    """End intake without mediation (a party refuses, or the dispute is not for mediation): the reason and where
    the parties were referred are recorded."""
    require(can_work_on_case, case)
    _check_version(case, version)
    if case.status != Case.Status.INTAKE:
        raise ValidationError(_("Only a case in intake can be recorded as not accepted."))
    reason, referral = _text(reason), _text(referral)
    errors: dict[str, list[str]] = {}
    _check_text(
        errors,
        "reason",
        reason,
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_("Give the reason the case is not accepted."),
    )
    _check_text(
        errors,
        "referral",
        referral,
        max_length=REFERRAL_MAX_LENGTH,
        required=True,
        message=_("Say where the parties were referred (court, police, another committee …)."),
    )
    _raise(errors)
    before = audit.snapshot(case, fields=["status", "close_reason", "referral", "closed_at"])
    with transaction.atomic():
        bump_version(case, version)
        case.status = Case.Status.NOT_ACCEPTED
        case.close_reason, case.referral = reason, referral
        case.closed_at = timezone.now()
        case.save()
        audit.log_update(decided_by, case, before)
    return case


# --- the team (团队联调) -------------------------------------------------------------------------------------------


def case_assign_team(
    *, case: Case, assigned_by: User, version: int, lead: StudioMember | None, members: Sequence[StudioMember] = ()
) -> Case:
    """Set the lead mediator (a mediator of the studio who can lead) and the other members from the studio's roster.
    Members no longer named leave the case (and so stop seeing it, if they are advisors)."""
    require(can_work_on_case, case)
    _check_version(case, version)
    _check_open(case)
    errors: dict[str, list[str]] = {}
    if (
        lead is None
        or lead.studio_id != case.studio_id
        or not lead.is_active
        or lead.kind != StudioMember.Kind.MEDIATOR
        or not lead.can_lead
    ):
        errors["lead"] = [_("Choose a mediator of this studio who can lead a mediation.")]
    chosen = {m.pk: m for m in members if lead is None or m.pk != lead.pk}
    if any(m.studio_id != case.studio_id or not m.is_active for m in chosen.values()):
        errors["members"] = [_("Choose the members from this studio's team.")]
    if lead is None:
        raise ValidationError(errors)
    _raise(errors)
    wanted = {lead.pk: CaseMember.Role.LEAD} | {
        pk: CaseMember.Role.MEDIATOR if m.kind == StudioMember.Kind.MEDIATOR else CaseMember.Role.ADVISOR
        for pk, m in chosen.items()
    }
    with transaction.atomic():
        current = {row.member_id: row for row in CaseMember.all_objects.filter(case=case)}
        changed = case.lead_id != lead.user_id
        for member_id, row in current.items():
            if member_id not in wanted:
                audit.log_delete(assigned_by, row)
                row.delete()
                changed = True
            elif row.role != wanted[member_id]:
                before = audit.snapshot(row, fields=["role"])
                row.role = wanted[member_id]
                row.save(update_fields=["role"])
                audit.log_update(assigned_by, row, before)
                changed = True
        for member_id, role in wanted.items():
            if member_id not in current:
                row = CaseMember(case=case, member_id=member_id, role=role)
                row.save()
                audit.log_create(assigned_by, row)
                changed = True
        if changed:
            before = audit.snapshot(case, fields=["lead"])
            bump_version(case, version)
            case.lead_id = lead.user_id
            case.save()
            audit.log_update(assigned_by, case, before)
        elif case.version != version:
            raise StaleVersionError  # nothing to change, but a stale form is still told
    return case


# --- corrections --------------------------------------------------------------------------------------------------

UPDATABLE_FIELDS = ("source", "dispute_type", "narrative")


def case_update(*, case: Case, updated_by: User, version: int, **changes) -> Case:
    """Correct an open case's source, dispute type or narrative (version-checked; no change → nothing written)."""
    require(can_work_on_case, case)
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _check_open(case)
    errors: dict[str, list[str]] = {}
    if "source" in changes and changes["source"] not in Case.Source.values:
        errors["source"] = [_("Choose where the case came from.")]
    if "dispute_type" in changes:
        try:
            changes["dispute_type"] = _dispute_type(changes["dispute_type"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "narrative" in changes:
        changes["narrative"] = _text(changes["narrative"])
        _check_text(
            errors,
            "narrative",
            changes["narrative"],
            max_length=NARRATIVE_MAX_LENGTH,
            required=True,
            message=_("Say briefly what the dispute is about."),
        )
    _raise(errors)
    before = audit.snapshot(case, fields=list(UPDATABLE_FIELDS))
    for field, value in changes.items():
        setattr(case, field, value)
    if audit.snapshot(case, fields=list(UPDATABLE_FIELDS)) == before:
        if case.version != version:
            raise StaleVersionError  # a stale form is told even when it changes nothing
        return case
    with transaction.atomic():
        bump_version(case, version)
        case.save()
        audit.log_update(updated_by, case, before)
    return case


# --- outcome (art. 26, 28) ----------------------------------------------------------------------------------------

OUTCOMES = (Case.Status.AGREEMENT, Case.Status.NO_AGREEMENT, Case.Status.WITHDRAWN)


def case_close(
    *,
    case: Case,
    closed_by: User,
    version: int,
    outcome: str,
    agreement_form: str = "",
    reason: str = "",
    advice: str = "",
) -> Case:
    """Close an accepted case: agreement reached (written, or oral and recorded: art. 28), not reached (with the
    reason and the advice given on arbitration or litigation: art. 26), or withdrawn (with the reason)."""
    require(can_work_on_case, case)
    _check_version(case, version)
    if case.status != Case.Status.ACCEPTED:
        raise ValidationError(
            _("Only an accepted case can be closed with an outcome; a case in intake is recorded as not accepted.")
        )
    if case.lead_id is None:
        raise ValidationError(_("Put the lead mediator on the case first."))
    require_mandatory_reports(case)
    reason, advice = _text(reason), _text(advice)
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Choose the outcome.")]
    elif outcome == Case.Status.AGREEMENT:
        if agreement_form not in Case.AgreementForm.values:
            errors["agreement_form"] = [_("Say whether the agreement is written or oral.")]
        reason = advice = ""
    elif outcome == Case.Status.NO_AGREEMENT:
        _check_text(
            errors,
            "reason",
            reason,
            max_length=REASON_MAX_LENGTH,
            required=True,
            message=_("Give the reason mediation ended without agreement."),
        )
        _check_text(
            errors,
            "advice",
            advice,
            max_length=REASON_MAX_LENGTH,
            required=True,
            message=_(
                "Record the advice given on arbitration, administrative or judicial remedies "
                "(People's Mediation Law art. 26)."
            ),
        )
        agreement_form = ""
    else:
        _check_text(
            errors,
            "reason",
            reason,
            max_length=REASON_MAX_LENGTH,
            required=True,
            message=_("Give the reason the case was withdrawn."),
        )
        agreement_form = advice = ""
    _raise(errors)
    before = audit.snapshot(case, fields=["status", "agreement_form", "close_reason", "advice", "closed_at"])
    with transaction.atomic():
        bump_version(case, version)
        case.status = outcome
        case.agreement_form, case.close_reason, case.advice = agreement_form, reason, advice
        case.closed_at = timezone.now()
        case.save()
        audit.log_update(closed_by, case, before)
        if outcome == Case.Status.AGREEMENT:
            schedule_follow_ups(case=case, by=closed_by)
    return case
