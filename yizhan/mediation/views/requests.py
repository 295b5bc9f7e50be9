"""A studio's online requests for mediation: its mediators take each in as a case or decline it with a reason; the
federation admins over the studio see the list (the account of the dispute masked, opened with a reason)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.forms import Form, add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import allows, require, requires

from .. import selectors
from ..forms_requests import DeclineRequestForm, TakeInRequestForm
from ..models import OnlineRequest, Studio
from ..permissions import can_take_intake, sees_online_requests, uses_case_pages
from ..services import requests as services


def _studio(pk) -> Studio:
    try:
        studio = selectors.studio_get(pk)
    except Studio.DoesNotExist as exc:
        raise Http404 from exc
    require(sees_online_requests, studio)
    return studio


def _page(request: HttpRequest, studio: Studio, status: int = 200, forms: dict[int, Form] | None = None):
    page = paginate(request, selectors.online_requests(studio))
    can_handle = allows(can_take_intake, studio)
    rows = [
        {
            "request": row,
            "decline_form": (forms or {}).get(row.pk) or DeclineRequestForm(initial={"version": row.version}),
            "take_in_form": TakeInRequestForm(initial={"version": row.version}),
        }
        for row in page
    ]
    return render(
        request,
        "mediation/online_requests.html",
        {"studio": studio, "page": page, "rows": rows, "can_handle": can_handle},
        status=status,
    )


@requires(uses_case_pages)
def request_list(request, pk):
    return _page(request, _studio(pk))


def _request(studio: Studio, request_pk) -> OnlineRequest:
    try:
        return selectors.online_request_get(studio, request_pk)
    except OnlineRequest.DoesNotExist as exc:
        raise Http404 from exc


@requires(uses_case_pages)
@require_POST
def request_take_in(request, pk, request_pk):
    studio = _studio(pk)
    online = _request(studio, request_pk)
    form = TakeInRequestForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        case = services.online_request_take_in(request=online, taken_by=request.user, version=version)
    except ValidationError as exc:  # handled already, or by someone else meanwhile (a stale version)
        messages.error(request, " ".join(exc.messages))
        return redirect("mediation:requests", pk=studio.pk)
    messages.success(request, _("Case %(number)s taken in.") % {"number": case.number})
    return redirect("mediation:case_detail", case_pk=case.pk)


@requires(uses_case_pages)
@require_POST
def request_decline(request, pk, request_pk):
    studio = _studio(pk)
    online = _request(studio, request_pk)
    form = DeclineRequestForm(request.POST)
    if form.is_valid():
        try:
            services.online_request_decline(
                request=online,
                declined_by=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The request was declined."))
            return redirect("mediation:requests", pk=studio.pk)
    return _page(request, studio, status=400, forms={online.pk: form})
