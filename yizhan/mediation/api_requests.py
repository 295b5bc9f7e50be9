"""Online requests for mediation in the API: a resident sends one (anonymous, for a mini-program; rate-limited per
client address with the public sign-ups), the studio's mediators list them, take one in as a case or decline it.
The same services, selectors and scope as the pages: the mobile number is always masked here; the account of the
dispute is in clear for the studio's mediators and masked for the admins over it."""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.core.api import InputSchema, MultiLine, PageMeta, PageQuery, page_of
from yizhan.core.permissions import allows, require
from yizhan.core.scoping import anonymous_scope
from yizhan.core.throttling import AnonThrottle, SignupThrottle, UserThrottle

from . import selectors
from .models import DisputeType, OnlineRequest, Studio
from .permissions import can_take_intake, sees_online_requests, uses_case_pages
from .services import requests as services

public_requests_router = Router(tags=["public mediation requests"], auth=None)
requests_router = Router(tags=["mediation requests"])


class OnlineRequestIn(InputSchema):
    name: str
    mobile: str
    dispute_type: str = ""  # a code of GET /api/cases/dispute-types; empty when the resident does not know
    description: Annotated[str, MultiLine()]
    contact_time: str = ""
    consent: bool = False


class OnlineRequestSentOut(Schema):
    sent: bool
    studio: str


@public_requests_router.post(
    "/{studio_id}/requests",
    response={201: OnlineRequestSentOut},
    throttle=[AnonThrottle(), UserThrottle(), SignupThrottle()],
    summary="Ask a studio for mediation (a mediator calls back)",
)
def send_request(request, studio_id: int, payload: OnlineRequestIn):
    with anonymous_scope():
        try:
            studio = Studio.objects.get(pk=studio_id)
        except Studio.DoesNotExist as exc:
            raise Http404 from exc
    dispute_type = None
    if payload.dispute_type:
        dispute_type = DisputeType.objects.filter(code=payload.dispute_type, is_active=True).first()
        if dispute_type is None:
            raise ValidationError({"dispute_type": [_("Choose a type of dispute from the list.")]})
    services.online_request_submit(
        studio=studio,
        name=payload.name,
        mobile=payload.mobile,
        dispute_type=dispute_type,
        description=payload.description,
        contact_time=payload.contact_time,
        consent=payload.consent,
    )
    return HttpStatus(201, {"sent": True, "studio": studio.display_name})


class OnlineRequestOut(Schema):
    id: int
    name: str
    mobile_masked: str
    dispute_type: str | None
    description: str
    contact_time: str
    status: str
    case: int | None
    decline_reason: str
    created_at: str
    version: int


class TakenInOut(Schema):
    case: int
    number: str


class OnlineRequestPage(Schema):
    meta: PageMeta
    items: list[OnlineRequestOut]


class RequestVersionIn(InputSchema):
    version: int


class RequestDeclineIn(InputSchema):
    version: int
    reason: str


def _out(row: OnlineRequest, *, in_clear: bool) -> dict:
    return {
        "id": row.pk,
        "name": row.name,
        "mobile_masked": row.masked("mobile"),
        "dispute_type": row.dispute_type.code if row.dispute_type else None,
        "description": row.description if in_clear else row.masked("description"),
        "contact_time": row.contact_time,
        "status": row.status,
        "case": row.case_id,
        "decline_reason": row.decline_reason,
        "created_at": row.created_at.isoformat(),
        "version": row.version,
    }


def _studio(studio_id: int) -> Studio:
    require(uses_case_pages)  # roles without case pages: 403 before any lookup, as on the pages
    try:
        studio = selectors.studio_get(studio_id)
    except Studio.DoesNotExist as exc:
        raise Http404 from exc
    if not allows(sees_online_requests, studio):
        raise PermissionDenied
    return studio


def _request(studio: Studio, request_id: int) -> OnlineRequest:
    try:
        return selectors.online_request_get(studio, request_id)
    except OnlineRequest.DoesNotExist as exc:
        raise Http404 from exc


@requests_router.get("/{studio_id}/requests", response=OnlineRequestPage, summary="A studio's online requests")
def list_requests(request, studio_id: int, paging: Query[PageQuery]):
    studio = _studio(studio_id)
    meta, rows = page_of(selectors.online_requests(studio), paging.offset, paging.limit)
    in_clear = allows(can_take_intake, studio)
    return {"meta": meta, "items": [_out(row, in_clear=in_clear) for row in rows]}


@requests_router.post(
    "/{studio_id}/requests/{request_id}/take-in", response={201: TakenInOut}, summary="Take a request in as a case"
)
def take_in(request, studio_id: int, request_id: int, payload: RequestVersionIn):
    studio = _studio(studio_id)
    require(can_take_intake, studio)
    case = services.online_request_take_in(
        request=_request(studio, request_id), taken_by=request.user, version=payload.version
    )
    return HttpStatus(201, {"case": case.pk, "number": case.number})


@requests_router.post(
    "/{studio_id}/requests/{request_id}/decline", response=OnlineRequestOut, summary="Decline a request (reason)"
)
def decline(request, studio_id: int, request_id: int, payload: RequestDeclineIn):
    studio = _studio(studio_id)
    require(can_take_intake, studio)
    row = services.online_request_decline(
        request=_request(studio, request_id), declined_by=request.user, version=payload.version, reason=payload.reason
    )
    return _out(row, in_clear=True)
