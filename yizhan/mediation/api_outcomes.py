"""REST endpoints for a case's outcome (under ``/api/cases/``): the agreement and its versions, its PDF and signed
scan, judicial confirmation, extension of the time limit and follow-up visits — the same selectors, services and
scope as the pages."""

import base64
import binascii
from datetime import date
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.audit import services as audit
from yizhan.core.api import MULTI_LINE, InputSchema
from yizhan.core.pdf import pdf_response
from yizhan.core.permissions import require, requires
from yizhan.core.scoping import require_scope

from . import selectors, services
from .case_file import ARCHIVE, FORMATS, case_file_response
from .documents import agreement_filename, agreement_pdf
from .models import Agreement, Case, CaseExtension, FollowUp
from .permissions import can_open_case_file, can_screen_case, can_work_on_case, uses_case_pages
from .services.outcomes import (
    ADDRESS_MAX_LENGTH,
    COURT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REFERRAL_MAX_LENGTH,
    RULING_MAX_LENGTH,
    SCAN_MAX_BYTES,
    TEXT_MAX_LENGTH,
    confirmation_days_left,
    missing_message,
)

outcomes_router = Router(tags=["mediation cases"])
SCAN_BASE64_MAX_LENGTH = (SCAN_MAX_BYTES + 2) // 3 * 4 + 4  # a file of the largest size, base64-encoded

PDF_ANSWER = {
    "responses": {
        "200": {
            "description": "The agreement as a PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
SCAN_ANSWER = {
    "responses": {
        "200": {
            "description": "The signed scan (PDF or image)",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in ("application/pdf", "image/jpeg", "image/png", "image/webp")
            },
        }
    }
}


# --- schemas ----------------------------------------------------------------------------------------------------


class AgreementPartyOut(Schema):
    party: int = Field(..., alias="party_id")
    gender: str
    age: int | None
    address: str = Field(..., description="Masked up to the village")

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.masked("address")


class AgreementOut(Schema):
    revision: int
    facts: str
    matters: str
    responsibilities: str
    terms: str
    performance: str
    perform_by: date | None
    copies: int | None
    locked: bool = Field(..., alias="is_locked")
    current: bool = Field(..., alias="is_current")
    signed_on: date | None
    confirmation_last_day: date | None
    missing: list[str] = Field(..., alias="missing_items", description="What art. 29 requires and is not there yet")
    parties: list[AgreementPartyOut] = Field(..., alias="party_details_list")


class ConfirmationOut(Schema):
    id: int
    agreement_revision: int = Field(..., alias="agreement.revision")
    applied_on: date
    court: str
    decision: str
    decided_on: date | None
    ruling_number: str


class ExtensionOut(Schema):
    old_deadline: date
    new_deadline: date
    reason: str
    consented_on: date
    consenting_parties: list[int]
    recorded_by: str = Field(..., alias="recorded_by.username")

    @staticmethod
    def resolve_consenting_parties(obj: CaseExtension) -> list[int]:
        return [party.pk for party in obj.consenting_parties.all()]


class FollowUpOut(Schema):
    id: int
    due_on: date
    performed_on: date | None
    performed_by: str | None = Field(None, alias="performed_by.username")
    performance: str
    satisfaction: str
    escalation: bool
    notes: str = Field(..., alias="notes_shown", description="In full for the studio's mediators and the case team")
    action: str
    action_reason: str
    referral: str


class OutcomeOut(Schema):
    case: int
    status: str
    version: int
    deadline: date | None
    agreements: list[AgreementOut]
    confirmation: ConfirmationOut | None
    confirmation_days_left: int | None = Field(None, description="Days left to apply (0 on the last day)")
    extensions: list[ExtensionOut]
    follow_ups: list[FollowUpOut]


class AgreementPartyIn(InputSchema):
    party: int
    gender: Literal["", "female", "male"] = ""
    age: int | None = Field(None, ge=0, le=130)
    address: str = Field("", max_length=ADDRESS_MAX_LENGTH)


class AgreementIn(InputSchema):
    version: int
    facts: Annotated[str, MULTI_LINE] = Field("", max_length=TEXT_MAX_LENGTH)
    matters: Annotated[str, MULTI_LINE] = Field("", max_length=TEXT_MAX_LENGTH)
    responsibilities: Annotated[str, MULTI_LINE] = Field("", max_length=TEXT_MAX_LENGTH)
    terms: Annotated[str, MULTI_LINE] = Field("", max_length=TEXT_MAX_LENGTH)
    performance: Annotated[str, MULTI_LINE] = Field("", max_length=TEXT_MAX_LENGTH)
    perform_by: date | None = None
    copies: int | None = Field(None, ge=1, le=20)
    parties: list[AgreementPartyIn] = Field([], max_length=10)


class ScanIn(InputSchema):
    version: int
    signed_on: date
    content: str = Field(
        ...,
        max_length=SCAN_BASE64_MAX_LENGTH,
        description="The signed agreement's scan, base64-encoded: PDF, JPEG, PNG or WebP, at most 10 MB",
    )


class ConfirmationIn(InputSchema):
    version: int
    applied_on: date
    court: str = Field(..., max_length=COURT_MAX_LENGTH)
    joint: bool


class DecisionIn(InputSchema):
    version: int
    decision: Literal["confirmed", "not_confirmed"]
    decided_on: date
    ruling_number: str = Field("", max_length=RULING_MAX_LENGTH)


class ExtensionIn(InputSchema):
    version: int
    new_deadline: date
    consented_on: date
    consenting_parties: list[int] = Field(..., max_length=10, description="Ids of the parties who consented")
    reason: Annotated[str, MULTI_LINE] = Field(..., max_length=REASON_MAX_LENGTH)


class FollowUpIn(InputSchema):
    version: int
    performed_on: date
    performance: FollowUp.Performance
    satisfaction: FollowUp.Satisfaction
    escalation: bool = False
    notes: Annotated[str, MULTI_LINE] = Field("", max_length=TEXT_MAX_LENGTH)


class FollowUpStepIn(InputSchema):
    version: int
    action: Literal["reopened", "court"]
    reason: Annotated[str, MULTI_LINE] = Field(..., max_length=REASON_MAX_LENGTH)
    referral: str = Field("", max_length=REFERRAL_MAX_LENGTH)


# --- helpers ----------------------------------------------------------------------------------------------------


def _case(case_id: int) -> Case:
    try:
        return selectors.case_get(case_id)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def _agreement(case: Case, revision: int) -> Agreement:
    try:
        return selectors.agreement_get(case, revision)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc


def _outcome(case: Case) -> dict:
    parties = selectors.case_parties(case)
    agreements = selectors.case_agreements(case)
    for agreement in agreements:
        agreement.missing_items = services.agreement_missing(agreement, parties)
        agreement.party_details_list = list(agreement.party_details.all())
    current = next((a for a in agreements if a.is_current), None)
    confirmation = next(
        (c for c in selectors.case_confirmations(case) if current is not None and c.agreement_id == current.pk), None
    )
    team = selectors.case_team(case)
    shows = case.shows_narrative(require_scope(), {row.member.user_id for row in team})
    follow_ups = selectors.case_follow_ups(case)
    for row in follow_ups:
        row.notes_shown = row.notes if shows else row.masked("notes")
    return {
        "case": case.pk,
        "status": case.status,
        "version": case.version,
        "deadline": case.deadline,
        "agreements": agreements,
        "confirmation": confirmation,
        "confirmation_days_left": confirmation_days_left(current) if confirmation is None else None,
        "extensions": selectors.case_extensions(case),
        "follow_ups": follow_ups,
    }


def _working_case(case_id: int) -> Case:
    case = _case(case_id)
    require(can_work_on_case, case)
    return case


# --- operations -------------------------------------------------------------------------------------------------


@outcomes_router.get("/{case_id}/outcome", response=OutcomeOut, summary="A case's agreement, confirmation, follow-ups")
@requires(uses_case_pages)
def get_case_outcome(request, case_id: int):
    return _outcome(_case(case_id))


@outcomes_router.post(
    "/{case_id}/agreement", response=OutcomeOut, summary="Write the agreement (a new version once signed)"
)
@requires(uses_case_pages)
def save_case_agreement(request, case_id: int, payload: AgreementIn):
    case = _working_case(case_id)
    parties = {party.pk: party for party in selectors.case_parties(case)}
    details = []
    for item in payload.parties:
        if item.party not in parties:
            raise ValidationError({"parties": _("Give the details of this case's parties only.")})
        details.append(
            services.PartyDetails(party=parties[item.party], gender=item.gender, age=item.age, address=item.address)
        )
    data = payload.dict(exclude={"parties"})
    services.agreement_save(case=case, saved_by=request.user, parties=details, **data)
    return _outcome(_case(case_id))


@outcomes_router.get(
    "/{case_id}/agreement/{revision}/pdf",
    response={200: None},
    summary="The agreement as a PDF (art. 29); 400 naming what is missing",
    openapi_extra=PDF_ANSWER,
)
@requires(uses_case_pages)
def get_case_agreement_pdf(request, case_id: int, revision: int):
    case = _case(case_id)
    agreement = _agreement(case, revision)
    parties = selectors.case_parties(case)
    missing = services.agreement_missing(agreement, parties)
    if missing:
        raise ValidationError(missing_message(missing))
    content = agreement_pdf(agreement, parties, lead_name=case.lead.name if case.lead else "")
    audit.record(actor=request.user, action=audit.Action.EXPORT, target=agreement, field="pdf")
    return pdf_response(content, agreement_filename(agreement))


@outcomes_router.get(
    "/{case_id}/agreement/{revision}/scan",
    response={200: None},
    summary="The signed scan of an agreement",
    openapi_extra=SCAN_ANSWER,
)
@requires(uses_case_pages)
def get_case_agreement_scan(request, case_id: int, revision: int):
    case = _case(case_id)
    agreement = _agreement(case, revision)
    if not agreement.scan or not default_storage.exists(agreement.scan):
        raise Http404
    audit.record(actor=request.user, action=audit.Action.EXPORT, target=agreement, field="scan")
    response = FileResponse(
        default_storage.open(agreement.scan, "rb"),
        content_type=agreement.scan_content_type,
        as_attachment=True,
        filename=f"agreement-{case.pk}-v{agreement.revision}-signed.{agreement.scan.rsplit('.', 1)[-1]}",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@outcomes_router.post(
    "/{case_id}/agreement/scan", response=OutcomeOut, summary="Upload the signed agreement (locks the version)"
)
@requires(uses_case_pages)
def upload_case_agreement_scan(request, case_id: int, payload: ScanIn):
    case = _working_case(case_id)
    try:
        content = base64.b64decode(payload.content, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"content": _("The file is not valid base64.")}) from exc
    services.agreement_upload_scan(
        case=case,
        uploaded_by=request.user,
        version=payload.version,
        upload=ContentFile(content, name="scan"),
        signed_on=payload.signed_on,
    )
    return _outcome(_case(case_id))


@outcomes_router.post(
    "/{case_id}/confirmation", response={201: OutcomeOut}, summary="Record the application for judicial confirmation"
)
@requires(uses_case_pages)
def apply_case_confirmation(request, case_id: int, payload: ConfirmationIn):
    case = _working_case(case_id)
    services.confirmation_apply(case=case, recorded_by=request.user, **payload.dict())
    return HttpStatus(201, _outcome(_case(case_id)))


@outcomes_router.post("/{case_id}/confirmation/decision", response=OutcomeOut, summary="Record the court's decision")
@requires(uses_case_pages)
def decide_case_confirmation(request, case_id: int, payload: DecisionIn):
    case = _working_case(case_id)
    services.confirmation_decide(case=case, recorded_by=request.user, **payload.dict())
    return _outcome(_case(case_id))


@outcomes_router.post(
    "/{case_id}/extension", response={201: OutcomeOut}, summary="Extend the time limit (every party's consent)"
)
@requires(uses_case_pages)
def extend_case(request, case_id: int, payload: ExtensionIn):
    case = _working_case(case_id)
    parties = {party.pk: party for party in selectors.case_parties(case)}
    if set(payload.consenting_parties) - set(parties):
        raise ValidationError({"consenting_parties": _("Choose parties of this case.")})
    data = payload.dict(exclude={"consenting_parties"})
    services.case_extend(
        case=case,
        extended_by=request.user,
        consenting_parties=[parties[pk] for pk in payload.consenting_parties],
        **data,
    )
    return HttpStatus(201, _outcome(_case(case_id)))


def _follow_up(case: Case, follow_up_id: int) -> FollowUp:
    try:
        return selectors.follow_up_get(case, follow_up_id)
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc


@outcomes_router.post("/{case_id}/follow-ups/{follow_up_id}", response=OutcomeOut, summary="Record a follow-up visit")
@requires(uses_case_pages)
def record_case_follow_up(request, case_id: int, follow_up_id: int, payload: FollowUpIn):
    case = _working_case(case_id)
    services.follow_up_record(follow_up=_follow_up(case, follow_up_id), recorded_by=request.user, **payload.dict())
    return _outcome(_case(case_id))


@outcomes_router.post(
    "/{case_id}/follow-ups/{follow_up_id}/step",
    response=OutcomeOut,
    summary="After a failed performance: reopen the case or record a referral to court",
)
@requires(uses_case_pages)
def act_on_case_follow_up(request, case_id: int, follow_up_id: int, payload: FollowUpStepIn):
    case = _working_case(case_id)
    services.follow_up_act(follow_up=_follow_up(case, follow_up_id), acted_by=request.user, **payload.dict())
    return _outcome(_case(case_id))


# --- the case file (卷宗) ------------------------------------------------------------------------------------------

CASE_FILE_ANSWER = {
    "responses": {
        "200": {
            "description": "The case file as a PDF, or the ZIP of its attachments",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in ("application/pdf", "application/zip")
            },
        }
    }
}


class CaseFileIn(InputSchema):
    recipient: str = Field(..., max_length=20, description='"archive" or the id of a party of the case')
    format: Literal["pdf", "zip"] = "pdf"
    reason: Annotated[str, MULTI_LINE] = Field(
        "", max_length=REASON_MAX_LENGTH, description="Required from those who oversee the case (admins)"
    )


@outcomes_router.post(
    "/{case_id}/file",
    response={200: None},
    summary="The case file (卷宗) for the archive or one party, or the ZIP of its attachments",
    openapi_extra=CASE_FILE_ANSWER,
)
@requires(uses_case_pages)
def post_case_file(request, case_id: int, payload: CaseFileIn):
    """The same file and audit rows as the case file page: the studio's mediators and the case team; admins over the
    studio with a reason (a ``REVEAL`` row); a party's copy leaves out the other party's confidential records."""
    case = _case(case_id)
    require(can_open_case_file, case)
    needs_reason = not can_screen_case(require_scope(), case)
    parties = {str(party.pk): party for party in selectors.case_parties(case)}
    recipient = ARCHIVE if payload.recipient == ARCHIVE else parties.get(payload.recipient)
    if recipient is None:
        raise ValidationError(
            {"recipient": _("Choose who the case file is for: the studio's archive or one of the case's parties.")}
        )
    reason = payload.reason.strip()
    if needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason for opening this case file; it is kept in the audit log.")})
    assert payload.format in FORMATS  # noqa: S101 - the schema's Literal
    return case_file_response(
        user=request.user, case=case, recipient=recipient, what=payload.format, reason=reason if needs_reason else ""
    )
