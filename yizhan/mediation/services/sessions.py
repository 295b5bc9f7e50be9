"""Sessions of a mediation case (separate 背对背 or joint 面对面) with encrypted records and per-party confidentiality;
a party's request for a team member's recusal (回避); appointments for legal advice or counselling.

A joint session cannot be recorded while the latest risk screening is red or orange, unless a town admin granted an
override (``safety.joint_override_grant``); no session at all while a mandatory report is missing. What a party says
in a separate session stays confidential to that party until their consent to share it is recorded
(``session_consent_record``); ``selectors_safety.session_records_for`` applies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import validate_mobile
from yizhan.audit import services as audit
from yizhan.core.permissions import allows, require
from yizhan.core.versioning import StaleVersionError, bump_version
from yizhan.stations.models import Room

from ..models import Appointment, Case, CaseMember, CaseParty, CaseSession, Recusal, Studio, StudioMember
from ..permissions import (
    can_decide_recusal,
    can_make_appointments,
    can_record_sessions,
    can_screen_case,
    can_update_appointment,
)
from .safety import (
    _text,
    active_override,
    aware,
    check_open,
    check_text,
    joint_block,
    raise_errors,
    require_mandatory_reports,
    required,
)

if TYPE_CHECKING:
    from yizhan.core.types import User

RECORD_MAX_LENGTH = 10000
PLACE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 500
FUTURE_LIMIT = timedelta(days=366)


def _check_when(errors: dict[str, list[str]], field: str, value: datetime | None, *, case: Case | None) -> None:
    if value is None:
        errors.setdefault(field, []).append(_("Give the date and time."))
        return
    now = timezone.now()
    if value > now + FUTURE_LIMIT:
        errors.setdefault(field, []).append(_("The date is more than a year ahead."))
    elif case is not None and timezone.localdate(value) < case.received_on:
        errors.setdefault(field, []).append(_("The date is before the case was received."))


def _check_version(obj: Case | CaseSession | Appointment, version: object) -> None:
    if str(obj.version) != str(version):
        raise StaleVersionError


# --- sessions -----------------------------------------------------------------------------------------------------


def session_record(
    *,
    case: Case,
    recorded_by: User,
    kind: str,
    starts_at: datetime | None,
    room: Room | None = None,
    place: str = "",
    heard_party: CaseParty | None = None,
    parties: Sequence[CaseParty] = (),
    team: Sequence[StudioMember] = (),
    record: str = "",
) -> CaseSession:
    """Schedule or record a session of an accepted case. A separate session hears one party (its record is
    confidential to that party); a joint session is refused under red or orange risk without an override."""
    require(can_record_sessions, case)
    check_open(case)
    if case.status != Case.Status.ACCEPTED:
        raise ValidationError(_("Sessions are held once the case is accepted."))
    require_mandatory_reports(case)
    starts_at = aware(starts_at)
    override = None
    if kind == CaseSession.Kind.JOINT:
        blocking = joint_block(case)
        if blocking is not None:
            raise ValidationError(
                {
                    "kind": [
                        _(
                            "The latest risk screening (%(date)s) is %(level)s: only separate sessions can be held "
                            "until a new screening lowers the level or a town admin allows joint sessions."
                        )
                        % {
                            "date": timezone.localdate(blocking.screened_at).isoformat(),
                            "level": blocking.get_level_display(),
                        }
                    ]
                }
            )
        override = active_override(case)
    errors: dict[str, list[str]] = {}
    if kind not in CaseSession.Kind.values:
        errors["kind"] = [_("Choose separate or joint.")]
    _check_when(errors, "starts_at", starts_at, case=case)
    place, record = _text(place), _text(record)
    check_text(errors, "place", place, max_length=PLACE_MAX_LENGTH, required=False)
    check_text(errors, "record", record, max_length=RECORD_MAX_LENGTH, required=False, multiline=True)
    if room is not None and (case.studio.shared_station_id is None or room.station_id != case.studio.shared_station_id):
        errors["room"] = [_("Choose a room of the studio's station.")]
    if room is None and not place:
        errors.setdefault("place", []).append(_("Choose a room or say where the session takes place."))
    present = {party.pk: party for party in parties}
    if any(party.case_id != case.pk for party in present.values()):
        errors["parties"] = [_("Choose the parties of this case.")]
    if kind == CaseSession.Kind.SEPARATE:
        if heard_party is None or heard_party.case_id != case.pk:
            errors["heard_party"] = [_("Choose the party heard in this separate session.")]
        elif any(pk != heard_party.pk for pk in present):
            errors["parties"] = [_("Only the party heard takes part in a separate session.")]
        else:
            present[heard_party.pk] = heard_party
    else:
        heard_party = None
        if len(present) < 2:
            errors.setdefault("parties", []).append(_("A joint session brings together at least two parties."))
    on_case = set(CaseMember.all_objects.filter(case=case).values_list("member_id", flat=True))
    if any(member.pk not in on_case for member in team):
        errors["team"] = [_("Choose members of the case team.")]
    raise_errors(errors)
    with transaction.atomic():
        session = CaseSession.objects.create(
            case=case,
            kind=kind,
            starts_at=required(starts_at),
            room=room,
            place=place,
            heard_party=heard_party,
            record=record,
            override=override,
            recorded_by=recorded_by,
        )
        session.parties.set(list(present.values()))
        session.team.set(list(team))
        audit.log_create(recorded_by, session)
    return session


def session_update_record(*, session: CaseSession, updated_by: User, version: int, record: str) -> CaseSession:
    """Write or correct a session's record (version-checked; no change → nothing written)."""
    require(can_record_sessions, session.case)
    check_open(session.case)
    record = _text(record)
    errors: dict[str, list[str]] = {}
    check_text(errors, "record", record, max_length=RECORD_MAX_LENGTH, required=True, multiline=True)
    raise_errors(errors)
    if record == session.record:
        _check_version(session, version)
        return session
    before = audit.snapshot(session, fields=["record"])
    with transaction.atomic():
        bump_version(session, version)
        session.record = record
        session.save()
        audit.log_update(updated_by, session, before)
    return session


def session_consent_record(*, session: CaseSession, recorded_by: User, version: int) -> CaseSession:
    """The party heard in a separate session consents to share what they said (with the other party, in joint
    sessions and in shared documents): who recorded it and when."""
    require(can_record_sessions, session.case)
    if session.kind != CaseSession.Kind.SEPARATE:
        raise ValidationError(_("Only what was said in a separate session needs the party's consent to be shared."))
    if session.shared_consent_at is not None:
        raise ValidationError(_("The party's consent is already recorded."))
    before = audit.snapshot(session, fields=["shared_consent_at", "shared_consent_recorded_by"])
    with transaction.atomic():
        bump_version(session, version)
        session.shared_consent_at = timezone.now()
        session.shared_consent_recorded_by = recorded_by
        session.save()
        audit.log_update(recorded_by, session, before)
    return session


# --- recusal (回避) -------------------------------------------------------------------------------------------------


def recusal_request(
    *, case: Case, recorded_by: User, member: StudioMember | None, requested_by: CaseParty | None, reason: str
) -> Recusal:
    """Record a party's request that a member of the case team step aside, with the reason."""
    require(can_screen_case, case)
    check_open(case)
    reason = _text(reason)
    errors: dict[str, list[str]] = {}
    if member is None or not CaseMember.all_objects.filter(case=case, member=member).exists():
        errors["member"] = [_("Choose a member of the case team.")]
    elif Recusal.all_objects.filter(case=case, member=member, decision=Recusal.Decision.PENDING).exists():
        errors["member"] = [_("A request about this member is already awaiting decision.")]
    if requested_by is None or requested_by.case_id != case.pk:
        errors["requested_by"] = [_("Choose the party who asks.")]
    check_text(
        errors,
        "reason",
        reason,
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_("Give the reason the party asks for the recusal."),
        multiline=True,
    )
    raise_errors(errors)
    with transaction.atomic():
        recusal = Recusal.objects.create(
            case=case,
            member=required(member),
            requested_by=required(requested_by),
            reason=reason,
            recorded_by=recorded_by,
        )
        audit.log_create(recorded_by, recusal)
    return recusal


def recusal_decide(*, recusal: Recusal, decided_by: User, version: int, decision: str, note: str = "") -> Recusal:
    """The lead mediator or a town admin decides. Granted: the member leaves the case team (and loses access to the
    case); if they were the lead, the case has no lead until a new one is set. The case's version is checked."""
    case = recusal.case
    require(can_decide_recusal, case)
    check_open(case)
    _check_version(case, version)
    if recusal.decision != Recusal.Decision.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if recusal.member.user_id == decided_by.pk:
        raise ValidationError(_("A member cannot decide on their own recusal."))
    note = _text(note)
    errors: dict[str, list[str]] = {}
    if decision not in (Recusal.Decision.GRANTED, Recusal.Decision.REFUSED):
        errors["decision"] = [_("Grant or refuse the request.")]
    check_text(
        errors,
        "decision_note",
        note,
        max_length=REASON_MAX_LENGTH,
        required=decision == Recusal.Decision.REFUSED,
        message=_("Give the grounds for refusing."),
        multiline=True,
    )
    raise_errors(errors)
    before = audit.snapshot(recusal, fields=["decision", "decision_note", "decided_by", "decided_at"])
    with transaction.atomic():
        bump_version(case, version)
        recusal.decision, recusal.decision_note = decision, note
        recusal.decided_by, recusal.decided_at = decided_by, timezone.now()
        recusal.save()
        audit.log_update(decided_by, recusal, before)
        if decision == Recusal.Decision.GRANTED:
            for row in CaseMember.all_objects.filter(case=case, member=recusal.member):
                audit.log_delete(decided_by, row, reason=_("Recusal granted"))  # its grounds stay encrypted
                row.delete()
            if case.lead_id == recusal.member.user_id:
                case_before = audit.snapshot(case, fields=["lead"])
                case.lead = None
                case.save()
                audit.log_update(decided_by, case, case_before)
    return recusal


# --- appointments ---------------------------------------------------------------------------------------------------


def appointment_create(
    *,
    studio: Studio,
    created_by: User,
    member: StudioMember | None,
    starts_at: datetime | None,
    person_name: str,
    mobile: str = "",
    topic: str,
    case: Case | None = None,
) -> Appointment:
    """An appointment with a team member of the studio, for a case or for anyone who asks. The studio's mediators
    make them for any member; a member for themself."""
    own = member is not None and member.user_id == created_by.pk and member.studio_id == studio.pk
    if not own:
        require(can_make_appointments, studio)
    person_name, mobile, starts_at = _text(person_name), _text(mobile), aware(starts_at)
    errors: dict[str, list[str]] = {}
    if member is None or member.studio_id != studio.pk or not member.is_active:
        errors["member"] = [_("Choose a member of this studio's team.")]
    _check_when(errors, "starts_at", starts_at, case=None)
    if starts_at is not None and starts_at < timezone.now() - timedelta(days=1):
        errors.setdefault("starts_at", []).append(_("An appointment cannot be made in the past."))
    check_text(errors, "person_name", person_name, max_length=100, required=True, message=_("Give the person's name."))
    if mobile:
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.messages)
    if topic not in Appointment.Topic.values:
        errors["topic"] = [_("Choose the topic.")]
    if case is not None and case.studio_id != studio.pk:
        errors["case"] = [_("Choose a case of this studio.")]
    raise_errors(errors)
    with transaction.atomic():
        appointment = Appointment.objects.create(
            studio=studio,
            case=case,
            member=required(member),
            starts_at=required(starts_at),
            person_name=person_name,
            mobile=mobile,
            topic=topic,
            created_by=created_by,
        )
        audit.log_create(created_by, appointment)
    return appointment


def appointment_set_status(*, appointment: Appointment, updated_by: User, version: int, status: str) -> Appointment:
    require(can_update_appointment, appointment)
    if status not in Appointment.Status.values:
        raise ValidationError({"status": [_("Choose the status.")]})
    if status == appointment.status:
        _check_version(appointment, version)
        return appointment
    before = audit.snapshot(appointment, fields=["status"])
    with transaction.atomic():
        bump_version(appointment, version)
        appointment.status = status
        appointment.save()
        audit.log_update(updated_by, appointment, before)
    return appointment


def may_record_sessions(case: Case) -> bool:
    return allows(can_record_sessions, case)
