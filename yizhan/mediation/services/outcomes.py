"""What follows a case's outcome (issue 11): the written agreement (人民调解协议书, People's Mediation Law art. 29)
in versions locked by the signed scan, judicial confirmation within 30 days (art. 33), extension of the time limit
with every party's consent, and follow-up visits (回访) that can reopen the case or record a referral to court.

Keyword-only, atomic, audited, ``require(...)``-checked like ``services/cases.py``; every write is version-checked on
the case (``bump_version``), so two mediators acting on one case at once cannot both win. Alerts are tasks
(``mediation/tasks.py``) planned after commit.

Follow-up visits are planned ``settings.MEDIATION_FOLLOW_UP_DAYS`` days after the agreement (default 15 and 90: after
15 days and after about three months): one setting for the whole install, not per studio, since the practice is the
district's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core import images
from yizhan.core.permissions import require
from yizhan.core.text import has_control_characters
from yizhan.core.versioning import StaleVersionError, bump_version

from ..models import (
    CONFIRMATION_DAYS,
    Agreement,
    AgreementParty,
    Case,
    CaseExtension,
    CaseParty,
    FollowUp,
    JudicialConfirmation,
)
from ..permissions import can_work_on_case
from ..tasks import plan_confirmation_alert, plan_deadline_alerts

if TYPE_CHECKING:
    from yizhan.core.types import User

TEXT_MAX_LENGTH = 5000
ADDRESS_MAX_LENGTH = 200
REASON_MAX_LENGTH = 500
COURT_MAX_LENGTH = 100
RULING_MAX_LENGTH = 80
REFERRAL_MAX_LENGTH = 200
MAX_COPIES = 20
MAX_TIME_LIMIT_DAYS = 365
SCAN_MAX_BYTES = 10 * 1024 * 1024
PDF_TAIL = 2048  # "%%EOF" must be within the last bytes of a complete PDF
EARLIEST = date(2000, 1, 1)
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"RIFF")  # JPEG, PNG, WebP (Pillow then checks the whole file)

AGREEMENT_TEXTS = ("facts", "matters", "responsibilities", "terms", "performance")


def follow_up_days() -> tuple[int, ...]:
    return tuple(getattr(settings, "MEDIATION_FOLLOW_UP_DAYS", (15, 90)))


# --- checks -------------------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_text(
    errors: dict[str, list[str]],
    field: str,
    value: str,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
    message: str = "",
) -> None:
    if required and not value:
        errors.setdefault(field, []).append(message or _("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(field, []).append(_("Use at most %(max_length)d characters.") % {"max_length": max_length})
    elif has_control_characters(value, multiline=multiline):
        errors.setdefault(field, []).append(_("This text may not contain control characters."))


def _check_date(errors: dict[str, list[str]], field: str, value: date | None, *, required: bool, message: str):
    today = timezone.localdate()
    if value is None:
        if required:
            errors.setdefault(field, []).append(message)
    elif value > today or value < EARLIEST:
        errors.setdefault(field, []).append(_("The date cannot be in the future."))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_version(case: Case, version: object) -> None:
    if str(case.version) != str(version):
        raise StaleVersionError


# --- the agreement (art. 29) --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyDetails:
    """A party's basic details for the agreement: gender, age and address (the name and relation are the case's)."""

    party: CaseParty
    gender: str = ""
    age: int | None = None
    address: str = ""


def current_agreement(case: Case) -> Agreement | None:
    return Agreement.objects.filter(case=case, superseded_at__isnull=True).order_by("-revision").first()


def agreement_missing(agreement: Agreement | None, parties: Sequence[CaseParty]) -> list[str]:
    """What art. 29 requires and the agreement lacks, named for the mediator (empty: it can be generated)."""
    if agreement is None:
        return [_("the agreement's content")]
    missing: list[str] = []
    if len(parties) < 2:
        missing.append(_("at least two parties"))
    details = {row.party_id: row for row in agreement.party_details.all()}
    for party in parties:
        row = details.get(party.pk)
        lacking = []
        if row is None or not row.gender:
            lacking.append(_("gender"))
        if row is None or row.age is None:
            lacking.append(_("age"))
        if row is None or not row.address:
            lacking.append(_("address"))
        if lacking:
            missing.append(
                _("basic details of %(name)s (%(items)s)") % {"name": party.name, "items": _("、").join(lacking)}
            )
    labels = {
        "facts": _("the main facts"),
        "matters": _("the disputed matters"),
        "responsibilities": _("each party's responsibility"),
        "terms": _("the agreed terms"),
        "performance": _("how the terms are performed"),
    }
    missing += [label for field, label in labels.items() if not getattr(agreement, field)]
    if agreement.perform_by is None:
        missing.append(_("the date by which the terms are performed"))
    needed = len(parties) + 1
    if not agreement.copies:
        missing.append(_("the number of copies"))
    elif agreement.copies < needed:
        missing.append(_("at least %(count)d copies (one for each party and one for the archive)") % {"count": needed})
    return missing


def missing_message(missing: Sequence[str]) -> str:
    return _("The agreement cannot be generated yet. Missing: %(items)s.") % {"items": _("; ").join(missing)}


def _check_agreement_case(case: Case) -> None:
    if case.status != Case.Status.AGREEMENT:
        raise ValidationError(_("An agreement can only be written for a case closed with an agreement."))
    if case.agreement_form != Case.AgreementForm.WRITTEN:
        raise ValidationError(_("This agreement was oral (art. 28): it is recorded on the case, without a document."))


def _checked_details(
    case: Case, parties: Sequence[PartyDetails], errors: dict[str, list[str]]
) -> list[tuple[CaseParty, str, int | None, str]]:
    own = {party.pk for party in CaseParty.all_objects.filter(case=case)}  # the caller sees the case: its parties
    details = []
    for item in parties:
        address = _text(item.address)
        if item.party.pk not in own:
            errors.setdefault("parties", []).append(_("Give the details of this case's parties only."))
            continue
        if item.gender and item.gender not in AgreementParty.Gender.values:
            errors.setdefault("parties", []).append(_("Choose the party's gender."))
        if item.age is not None and not (0 <= item.age <= 130):
            errors.setdefault("parties", []).append(_("Give an age between 0 and 130."))
        _check_text(errors, "parties", address, max_length=ADDRESS_MAX_LENGTH)
        details.append((item.party, item.gender or "", item.age, address))
    return details


def _save_details(
    agreement: Agreement, details: Sequence[tuple[CaseParty, str, int | None, str]], saved_by: User
) -> None:
    existing = {row.party_id: row for row in AgreementParty.all_objects.filter(agreement=agreement)}
    for party, gender, age, address in details:
        row = existing.get(party.pk)
        if row is None:
            row = AgreementParty(agreement=agreement, party=party, gender=gender, age=age, address=address)
            row.save()
            audit.log_create(saved_by, row)
            continue
        if (row.gender, row.age, row.address) == (gender, age, address):
            continue
        before = audit.snapshot(row, fields=["gender", "age", "address"])
        row.gender, row.age, row.address = gender, age, address
        row.save()
        if audit.log_update(saved_by, row, before) is None:  # only the address changed, within its masked form
            audit.record(actor=saved_by, action=audit.Action.UPDATE, target=row, field="address")


def agreement_save(
    *,
    case: Case,
    saved_by: User,
    version: int,
    facts: str = "",
    matters: str = "",
    responsibilities: str = "",
    terms: str = "",
    performance: str = "",
    perform_by: date | None = None,
    copies: int | None = None,
    parties: Sequence[PartyDetails] = (),
) -> Agreement:
    """Write the agreement's content. A draft may be incomplete (the PDF names what is missing); once the current
    version is locked by its signed scan, saving makes a new version and the old one is kept."""
    require(can_work_on_case, case)
    _check_version(case, version)
    _check_agreement_case(case)
    values = {
        "facts": _text(facts),
        "matters": _text(matters),
        "responsibilities": _text(responsibilities),
        "terms": _text(terms),
        "performance": _text(performance),
    }
    errors: dict[str, list[str]] = {}
    for field, value in values.items():
        _check_text(errors, field, value, max_length=TEXT_MAX_LENGTH, multiline=True)
    if perform_by is not None and not (EARLIEST <= perform_by <= date(2100, 12, 31)):
        errors["perform_by"] = [_("Give a date between 2000 and 2100.")]
    if copies is not None and not (1 <= copies <= MAX_COPIES):
        errors["copies"] = [_("Give between 1 and %(count)d copies.") % {"count": MAX_COPIES}]
    details = _checked_details(case, parties, errors)
    _raise(errors)
    with transaction.atomic():
        bump_version(case, version)
        current = Agreement.all_objects.select_for_update().filter(case=case, superseded_at__isnull=True).first()
        if current is None or current.is_locked:
            if current is not None:
                before = audit.snapshot(current, fields=["superseded_at"])
                current.superseded_at = timezone.now()
                current.save(update_fields=["superseded_at"])
                audit.log_update(saved_by, current, before)
            last = Agreement.all_objects.filter(case=case).aggregate(last=Max("revision"))["last"] or 0
            agreement = Agreement(case=case, revision=last + 1, created_by=saved_by)
            for field, value in values.items():
                setattr(agreement, field, value)
            agreement.perform_by, agreement.copies = perform_by, copies
            agreement.save()
            audit.log_create(saved_by, agreement)
        else:
            agreement = current
            fields = [*AGREEMENT_TEXTS, "perform_by", "copies"]
            wanted = {**values, "perform_by": perform_by, "copies": copies}
            changed = sorted(field for field in fields if getattr(agreement, field) != wanted[field])
            if changed:
                before = audit.snapshot(agreement, fields=fields)
                for field in changed:
                    setattr(agreement, field, wanted[field])
                agreement.updated_at = timezone.now()
                agreement.save()
                if audit.log_update(saved_by, agreement, before) is None:  # texts differ within their masked form
                    audit.record(actor=saved_by, action=audit.Action.UPDATE, target=agreement, field=",".join(changed))
        _save_details(agreement, details, saved_by)
    return agreement


def _scan_kind(upload: File[bytes]) -> str:
    """ "pdf" or "image"; ValidationError (on ``scan``) for anything else."""
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        size = upload.size or 0
        upload.seek(max(0, size - PDF_TAIL))
        if b"%%EOF" not in upload.read(PDF_TAIL):
            raise ValidationError({"scan": _("This PDF is damaged or incomplete: scan the agreement again.")})
        return "pdf"
    if not head.startswith(IMAGE_MAGIC):
        raise ValidationError({"scan": _("Upload the scan as a PDF or an image (JPEG, PNG or WebP).")})
    images.validate_image(upload, field="scan")
    return "image"


def agreement_upload_scan(
    *, case: Case, uploaded_by: User, version: int, upload: File[bytes] | None, signed_on: date | None
) -> Agreement:
    """Keep the signed and sealed agreement (PDF or image, at most 10 MB). From then on the agreement is locked and in
    effect from the day it was signed (the 30 days for judicial confirmation count from there)."""
    require(can_work_on_case, case)
    _check_version(case, version)
    _check_agreement_case(case)
    agreement = current_agreement(case)
    if agreement is None:
        raise ValidationError(_("Write the agreement first."))
    if agreement.is_locked:
        raise ValidationError(
            _("This version is signed and locked. To change the agreement, save a new version and upload its scan.")
        )
    missing = agreement_missing(agreement, list(CaseParty.objects.filter(case=case)))
    if missing:
        raise ValidationError(missing_message(missing))
    errors: dict[str, list[str]] = {}
    _check_date(errors, "signed_on", signed_on, required=True, message=_("Give the day the agreement was signed."))
    if signed_on is not None and case.closed_at is not None and signed_on < timezone.localdate(case.closed_at):
        errors.setdefault("signed_on", []).append(_("The agreement cannot be signed before the case was closed."))
    if upload is None:
        errors["scan"] = [_("Choose the scan of the signed agreement (PDF or image).")]
    elif (upload.size or 0) > SCAN_MAX_BYTES:
        errors["scan"] = [_("The file is too large: at most %(mb)d MB.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)}]
    elif (upload.size or 0) == 0:
        errors["scan"] = [_("The file is empty.")]
    _raise(errors)
    assert upload is not None  # noqa: S101 - refused above
    try:
        kind = _scan_kind(upload)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError({"scan": [m for ms in exc.message_dict.values() for m in ms]}) from exc
        raise
    if kind == "pdf":
        upload.seek(0)
        content: File[bytes] = ContentFile(upload.read())
        extension, content_type = "pdf", "application/pdf"
    else:
        content = images.clean_image(upload, field="scan")  # re-encoded without metadata
        extension = content.name.rsplit(".", 1)[-1] if content.name else "jpg"
        content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[extension]
    name = default_storage.save(f"mediation/agreements/{case.pk}/{uuid.uuid4().hex}.{extension}", content)
    try:
        with transaction.atomic():
            bump_version(case, version)
            locked = Agreement.all_objects.select_for_update().get(pk=agreement.pk)
            if locked.is_locked:
                raise ValidationError(_("This version is signed and locked."))
            before = audit.snapshot(locked, fields=["scan", "scan_content_type", "signed_on", "scan_uploaded_at"])
            locked.scan, locked.scan_content_type, locked.signed_on = name, content_type, signed_on
            locked.scan_uploaded_at, locked.scan_uploaded_by = timezone.now(), uploaded_by
            locked.save()
            audit.log_update(uploaded_by, locked, before)
            plan_confirmation_alert(locked)
    except Exception:
        default_storage.delete(name)
        raise
    return locked


# --- judicial confirmation (art. 33) ------------------------------------------------------------------------------


def confirmation_days_left(agreement: Agreement | None, *, today: date | None = None) -> int | None:
    """Days left to apply (0 on the last day, negative after it); None before the agreement takes effect."""
    if agreement is None or agreement.confirmation_last_day is None:
        return None
    return (agreement.confirmation_last_day - (today or timezone.localdate())).days


def confirmation_apply(
    *, case: Case, recorded_by: User, version: int, applied_on: date | None, court: str, joint: bool
) -> JudicialConfirmation:
    """Record the parties' joint application for judicial confirmation, within 30 days of the agreement taking
    effect (art. 33)."""
    require(can_work_on_case, case)
    _check_version(case, version)
    _check_agreement_case(case)
    agreement = current_agreement(case)
    if agreement is None or not agreement.is_locked or agreement.signed_on is None:
        raise ValidationError(_("Judicial confirmation needs the signed agreement: upload its scan first."))
    if JudicialConfirmation.all_objects.filter(agreement=agreement).exists():
        raise ValidationError(_("The application for this agreement is already recorded."))
    court = _text(court)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "applied_on", applied_on, required=True, message=_("Give the day the parties applied."))
    _check_text(
        errors, "court", court, max_length=COURT_MAX_LENGTH, required=True, message=_("Name the court applied to.")
    )
    if not joint:
        errors["joint"] = [_("The parties apply for judicial confirmation jointly (art. 33).")]
    if applied_on is not None and "applied_on" not in errors:
        last_day = agreement.confirmation_last_day
        assert last_day is not None  # noqa: S101 - signed_on checked above
        if applied_on < agreement.signed_on:
            errors["applied_on"] = [_("The application cannot be before the agreement was signed.")]
        elif applied_on > last_day:
            errors["applied_on"] = [
                _(
                    "Too late: the parties may apply within %(days)d days of the agreement taking effect "
                    "(People's Mediation Law art. 33); the last day was %(last)s, this is day %(day)d."
                )
                % {
                    "days": CONFIRMATION_DAYS,
                    "last": last_day.isoformat(),
                    "day": (applied_on - agreement.signed_on).days,
                }
            ]
    _raise(errors)
    assert applied_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        bump_version(case, version)
        confirmation = JudicialConfirmation(
            case=case, agreement=agreement, applied_on=applied_on, court=court, recorded_by=recorded_by
        )
        confirmation.save()
        audit.log_create(recorded_by, confirmation)
    return confirmation


def confirmation_decide(
    *, case: Case, recorded_by: User, version: int, decision: str, decided_on: date | None, ruling_number: str
) -> JudicialConfirmation:
    """Record the court's decision: confirmed (with the ruling number, 调确字) or not confirmed."""
    require(can_work_on_case, case)
    _check_version(case, version)
    agreement = current_agreement(case)
    confirmation = JudicialConfirmation.all_objects.filter(case=case, agreement=agreement).first()
    if agreement is None or confirmation is None:
        raise ValidationError(_("Record the application for judicial confirmation first."))
    if confirmation.decision != JudicialConfirmation.Decision.PENDING:
        raise ValidationError(_("The court's decision is already recorded."))
    ruling_number = _text(ruling_number)
    errors: dict[str, list[str]] = {}
    if decision not in (JudicialConfirmation.Decision.CONFIRMED, JudicialConfirmation.Decision.NOT_CONFIRMED):
        errors["decision"] = [_("Choose the court's decision.")]
    _check_date(errors, "decided_on", decided_on, required=True, message=_("Give the day of the court's decision."))
    if decided_on is not None and decided_on < confirmation.applied_on:
        errors.setdefault("decided_on", []).append(_("The decision cannot be before the application."))
    _check_text(
        errors,
        "ruling_number",
        ruling_number,
        max_length=RULING_MAX_LENGTH,
        required=decision == JudicialConfirmation.Decision.CONFIRMED,
        message=_("Give the ruling number (调确字)."),
    )
    _raise(errors)
    with transaction.atomic():
        bump_version(case, version)
        before = audit.snapshot(confirmation, fields=["decision", "decided_on", "ruling_number"])
        confirmation.decision, confirmation.decided_on = decision, decided_on
        confirmation.ruling_number = ruling_number
        confirmation.save()
        audit.log_update(recorded_by, confirmation, before)
    return confirmation


# --- time limit ---------------------------------------------------------------------------------------------------


def case_extend(
    *,
    case: Case,
    extended_by: User,
    version: int,
    new_deadline: date | None,
    reason: str,
    consented_on: date | None,
    consenting_parties: Sequence[CaseParty],
) -> CaseExtension:
    """Extend the time limit of an accepted case: only with the consent of every party (who, when), to a later
    day, with the reason. The alerts are planned again for the new deadline."""
    require(can_work_on_case, case)
    _check_version(case, version)
    if case.status != Case.Status.ACCEPTED or case.deadline is None or case.accepted_at is None:
        raise ValidationError(_("Only the time limit of an accepted case can be extended."))
    reason = _text(reason)
    errors: dict[str, list[str]] = {}
    parties = list(CaseParty.all_objects.filter(case=case).order_by("role", "pk"))
    consenting = {party.pk for party in consenting_parties}
    missing = [party.name for party in parties if party.pk not in consenting]
    if missing or consenting - {party.pk for party in parties}:
        errors["consenting_parties"] = [
            _("The time limit can only be extended with the consent of every party; missing: %(names)s.")
            % {"names": _("、").join(missing) or "—"}
        ]
    _check_date(errors, "consented_on", consented_on, required=True, message=_("Give the day the parties consented."))
    _check_text(
        errors,
        "reason",
        reason,
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_("Give the reason for the extension."),
    )
    old_deadline = case.deadline
    accepted_on = timezone.localdate(case.accepted_at)
    if new_deadline is None:
        errors["new_deadline"] = [_("Give the new deadline.")]
    elif new_deadline <= old_deadline:
        errors["new_deadline"] = [
            _("The new deadline must be after the current one (%(date)s).") % {"date": old_deadline.isoformat()}
        ]
    elif (new_deadline - accepted_on).days > MAX_TIME_LIMIT_DAYS:
        errors["new_deadline"] = [
            _("A case's time limit is at most %(days)d days from acceptance.") % {"days": MAX_TIME_LIMIT_DAYS}
        ]
    _raise(errors)
    assert new_deadline is not None  # noqa: S101 - checked above
    assert consented_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        bump_version(case, version)
        before = audit.snapshot(case, fields=["time_limit_days"])
        case.time_limit_days = (new_deadline - accepted_on).days
        case.save()
        audit.log_update(extended_by, case, before)
        extension = CaseExtension(
            case=case,
            old_deadline=old_deadline,
            new_deadline=new_deadline,
            reason=reason,
            consented_on=consented_on,
            recorded_by=extended_by,
        )
        extension.save()
        extension.consenting_parties.set(parties)
        audit.record(
            actor=extended_by,
            action=audit.Action.CREATE,
            target=extension,
            changes={
                **audit.diff({}, audit.snapshot(extension)),
                "consenting_parties": [None, [party.name for party in parties]],
            },
        )
        plan_deadline_alerts(case)
    return extension


# --- follow-up visits (回访) ---------------------------------------------------------------------------------------


def schedule_follow_ups(*, case: Case, by: User | None) -> list[FollowUp]:
    """Plan the follow-up visits after an agreement (``follow_up_days()`` after the day it was reached). Called by
    ``case_close`` inside its transaction (and by the daily sweep, ``by=None``: the system, for agreements reached
    before visits were planned); visits already planned and not yet made are kept."""
    start = timezone.localdate(case.closed_at) if case.closed_at else timezone.localdate()
    planned = set(FollowUp.all_objects.filter(case=case, performed_on__isnull=True).values_list("due_on", flat=True))
    rows = []
    for days in follow_up_days():
        due = start + timedelta(days=days)
        if due in planned:
            continue
        row = FollowUp(case=case, due_on=due)
        row.save()
        audit.log_create(by, row)
        rows.append(row)
    return rows


def follow_up_record(
    *,
    follow_up: FollowUp,
    recorded_by: User,
    version: int,
    performed_on: date | None,
    performance: str,
    satisfaction: str,
    escalation: bool,
    notes: str = "",
) -> FollowUp:
    """Record a follow-up visit: when, by whom (the recording mediator), whether the agreement is performed,
    satisfaction, signs of escalation, notes (encrypted). Refused before the agreement."""
    case = follow_up.case
    require(can_work_on_case, case)
    _check_version(case, version)
    if case.status != Case.Status.AGREEMENT or case.closed_at is None:
        raise ValidationError(_("A follow-up visit is made after an agreement; this case has none."))
    if follow_up.is_done:
        raise ValidationError(_("This follow-up visit is already recorded."))
    notes = _text(notes)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "performed_on", performed_on, required=True, message=_("Give the day of the visit."))
    if performed_on is not None and performed_on < timezone.localdate(case.closed_at):
        errors.setdefault("performed_on", []).append(
            _("A follow-up visit cannot be before the agreement (%(date)s).")
            % {"date": timezone.localdate(case.closed_at).isoformat()}
        )
    if performance not in FollowUp.Performance.values:
        errors["performance"] = [_("Say whether the agreement is performed.")]
    if satisfaction not in FollowUp.Satisfaction.values:
        errors["satisfaction"] = [_("Record the parties' satisfaction.")]
    _check_text(errors, "notes", notes, max_length=TEXT_MAX_LENGTH, multiline=True)
    _raise(errors)
    fields = ["performed_on", "performed_by", "performance", "satisfaction", "escalation", "notes"]
    with transaction.atomic():
        bump_version(case, version)
        before = audit.snapshot(follow_up, fields=fields)
        follow_up.performed_on, follow_up.performed_by = performed_on, recorded_by
        follow_up.performance, follow_up.satisfaction = performance, satisfaction
        follow_up.escalation, follow_up.notes = bool(escalation), notes
        follow_up.save()
        audit.log_update(recorded_by, follow_up, before)
    return follow_up


def follow_up_act(
    *, follow_up: FollowUp, acted_by: User, version: int, action: str, reason: str, referral: str = ""
) -> FollowUp:
    """After a visit that found the agreement not (fully) performed: reopen the case (back to accepted, with a new
    time limit from today) or record the referral to court. Both need the reason."""
    case = follow_up.case
    require(can_work_on_case, case)
    _check_version(case, version)
    if not follow_up.is_done:
        raise ValidationError(_("Record the follow-up visit first."))
    if follow_up.performance == FollowUp.Performance.FULL:
        raise ValidationError(_("The agreement is performed: there is nothing to reopen or refer."))
    if follow_up.action:
        raise ValidationError(_("A step is already recorded for this visit."))
    if case.status != Case.Status.AGREEMENT:
        raise ValidationError(_("Only a case closed with an agreement can be reopened or referred from a visit."))
    reason, referral = _text(reason), _text(referral)
    errors: dict[str, list[str]] = {}
    if action not in (FollowUp.Action.REOPENED, FollowUp.Action.COURT):
        errors["action"] = [_("Choose the step: reopen the case or refer the parties to court.")]
    _check_text(
        errors,
        "reason",
        reason,
        max_length=REASON_MAX_LENGTH,
        required=True,
        multiline=True,
        message=_("Give the reason for the step."),
    )
    _check_text(
        errors,
        "referral",
        referral,
        max_length=REFERRAL_MAX_LENGTH,
        required=action == FollowUp.Action.COURT,
        message=_("Name the court the parties were referred to."),
    )
    _raise(errors)
    with transaction.atomic():
        bump_version(case, version)
        before = audit.snapshot(follow_up, fields=["action", "action_reason", "referral"])
        follow_up.action, follow_up.action_reason = action, reason
        follow_up.referral = referral if action == FollowUp.Action.COURT else ""
        follow_up.save()
        audit.log_update(acted_by, follow_up, before)
        if action == FollowUp.Action.REOPENED:
            case_fields = ["status", "closed_at", "time_limit_days"]
            before = audit.snapshot(case, fields=case_fields)
            assert case.accepted_at is not None  # noqa: S101 - an agreement was reached on an accepted case
            today = timezone.localdate()
            since = (today - timezone.localdate(case.accepted_at)).days
            case.status, case.closed_at = Case.Status.ACCEPTED, None
            case.time_limit_days = min(since + case.studio.case_time_limit_days, 32767)
            case.save()
            audit.log_update(acted_by, case, before, reason=reason)
            # Visits planned after the agreement that was not kept are no longer due.
            for row in FollowUp.all_objects.filter(case=case, performed_on__isnull=True):
                audit.log_delete(acted_by, row, reason=reason)
                row.delete()
            plan_deadline_alerts(case)
    return follow_up
