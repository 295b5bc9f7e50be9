"""Online requests for mediation (an intake source, issue 11): a resident sends one from a studio's public page, with
no account; the studio's mediators are told, and take it in as a case (the case number is given only then, so a
request that comes to nothing leaves no gap in the register) or decline it with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import validate_mobile
from yizhan.audit import services as audit
from yizhan.core.permissions import require
from yizhan.core.versioning import bump_version
from yizhan.notifications.services import notify

from ..models import Case, CaseParty, DisputeType, OnlineRequest, Studio, StudioMember
from ..permissions import can_take_intake
from .cases import PartyData, _check_text, _raise, _text, case_intake

if TYPE_CHECKING:
    from yizhan.core.types import User

NAME_MAX = 50
DESCRIPTION_MAX = 2000
CONTACT_TIME_MAX = 50
REASON_MAX = 200


def online_request_submit(
    *,
    studio: Studio,
    name: str,
    mobile: str,
    dispute_type: DisputeType | None,
    description: str,
    contact_time: str = "",
    consent: bool,
) -> OnlineRequest:
    """A resident's request (no account): checked, stored with the number and the account encrypted, and the
    studio's mediators notified after commit (the notification names no one)."""
    errors: dict[str, list[str]] = {}
    name, description, contact_time = _text(name), _text(description), _text(contact_time)
    mobile = _text(mobile).replace(" ", "").replace("-", "")
    _check_text(errors, "name", name, max_length=NAME_MAX, required=True, message=_("Enter your name."))
    try:
        validate_mobile(mobile)
    except ValidationError:
        errors["mobile"] = [_("Enter an 11-digit mobile number starting with 1, so that the mediator can call you.")]
    _check_text(
        errors,
        "narrative",
        description,
        max_length=DESCRIPTION_MAX,
        required=True,
        message=_("Say briefly what the dispute is about."),
    )
    if "narrative" in errors:
        errors["description"] = errors.pop("narrative")
    _check_text(errors, "contact_time", contact_time, max_length=CONTACT_TIME_MAX, required=False)
    if dispute_type is not None and not dispute_type.is_active:
        errors["dispute_type"] = [_("Choose a type of dispute from the list.")]
    if not consent:
        errors["consent"] = [_("Agree to how the studio will use what you send, or call or visit the studio instead.")]
    _raise(errors)
    with transaction.atomic():
        request = OnlineRequest.all_objects.create(
            studio=studio,
            name=name,
            mobile=mobile,
            dispute_type=dispute_type,
            description=description,
            contact_time=contact_time,
        )
        audit.log_create(None, request)
        mediators = list(
            # unscoped: the studio's mediators are told of a request sent to it, whoever sent it
            StudioMember.all_objects.filter(studio=studio, kind=StudioMember.Kind.MEDIATOR, is_active=True)
            .select_related("user")
            .order_by("pk")
        )

        def tell() -> None:
            for member in mediators:
                notify(
                    user=member.user,
                    kind="online_request",
                    params={"studio": studio.display_name, "date": f"{timezone.localdate():%Y-%m-%d}"},
                    dedup_key=f"online_request:{request.pk}:{member.user_id}",
                    link=("mediation:requests", [studio.pk]),
                )

        transaction.on_commit(tell)
    return request


def _check_new(request: OnlineRequest) -> None:
    if request.status != OnlineRequest.Status.NEW:
        raise ValidationError({"status": [_("This request was handled already.")]})


def online_request_take_in(*, request: OnlineRequest, taken_by: User, version: int) -> Case:
    """Take the request in as a case: intake with the source "online request", the applicant as a party (name and
    number), the account as the case's narrative, the type the resident chose or 其他 (the mediator corrects it on
    the case); the request then points at its case."""
    require(can_take_intake, request.studio)
    _check_new(request)
    with transaction.atomic():
        bump_version(request, version)
        case = case_intake(
            studio=request.studio,
            taken_by=taken_by,
            source=Case.Source.ONLINE,
            dispute_type=request.dispute_type or DisputeType.objects.get(code="other"),
            narrative=request.description,
            parties=[PartyData(role=CaseParty.Role.APPLICANT, name=request.name, mobile=request.mobile)],
        )
        before = audit.snapshot(request, fields=["status", "case", "handled_by", "handled_at"])
        request.refresh_from_db(fields=["version"])
        request.status, request.case = OnlineRequest.Status.TAKEN_IN, case
        request.handled_by, request.handled_at = taken_by, timezone.now()
        request.save(update_fields=["status", "case", "handled_by", "handled_at"])
        audit.log_update(taken_by, request, before)
    return case


def online_request_decline(*, request: OnlineRequest, declined_by: User, version: int, reason: str) -> OnlineRequest:
    """Decline with a reason (not for this studio, not a family dispute, could not be reached …)."""
    require(can_take_intake, request.studio)
    _check_new(request)
    errors: dict[str, list[str]] = {}
    reason = _text(reason)
    _check_text(errors, "reason", reason, max_length=REASON_MAX, required=True, message=_("Say why it is declined."))
    _raise(errors)
    with transaction.atomic():
        bump_version(request, version)
        before = audit.snapshot(request, fields=["status", "decline_reason", "handled_by", "handled_at"])
        request.refresh_from_db(fields=["version"])
        request.status, request.decline_reason = OnlineRequest.Status.DECLINED, reason
        request.handled_by, request.handled_at = declined_by, timezone.now()
        request.save(update_fields=["status", "decline_reason", "handled_by", "handled_at"])
        audit.log_update(declined_by, request, before)
    return request
