import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.documents import ExportTooLargeError
from yizhan.core.pagination import paginate
from yizhan.core.permissions import is_admin, is_signed_in, requires
from yizhan.core.pickers import picker_response

from . import display, selectors
from .exports import audit_export
from .forms import AuditFilterForm, RevealForm, account_label, search_accounts
from .models import AuditLog
from .reveal import is_revealable_field, reveal, revealable_model

# Fewer rows per page than elsewhere: a record can carry many changed fields.
AUDIT_PAGE_SIZE = 25


def _filter_form(data: QueryDict | None) -> AuditFilterForm:
    return AuditFilterForm(data, people=selectors.audit_accounts())


@requires(is_admin)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request.GET or None)
    if form.is_bound and form.is_valid():
        rows = selectors.audit_list(**form.cleaned_data)
    else:
        rows = selectors.audit_list() if not form.is_bound else AuditLog.objects.none()
    page = paginate(request, rows.select_related("actor"), per_page=AUDIT_PAGE_SIZE)
    return render(
        request,
        "audit/audit_list.html",
        {"form": form, "page": page, "groups": display.grouped(list(page.object_list))},
        status=400 if form.is_bound and form.errors else 200,
    )


@requires(is_admin)
def pick_accounts(request: HttpRequest) -> HttpResponse:
    """A page of the accounts in scope for the "by" picker (``core/pickers.py``)."""
    return picker_response(
        request, selectors.audit_accounts(), search=search_accounts, label=account_label, value=lambda u: u.username
    )


@requires(is_admin)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record as it is stored, for auditors: the raw kind, ids, region code and changes."""
    try:
        row = selectors.audit_get(pk)
    except AuditLog.DoesNotExist as exc:
        raise Http404 from exc
    (entry,) = display.entries([row])
    raw = json.dumps(row.changes, ensure_ascii=False, indent=2, sort_keys=True)
    return render(request, "audit/audit_detail.html", {"row": row, "entry": entry, "raw": raw})


@requires(is_admin)
def audit_list_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered audit log (the list's filters) as an Excel file; the export is logged."""
    form = _filter_form(request.GET)
    if not form.is_valid():
        page = paginate(request, AuditLog.objects.none())
        return render(request, "audit/audit_list.html", {"form": form, "page": page}, status=400)
    try:
        return audit_export(
            rows=selectors.audit_list(**form.cleaned_data), actor=request.user, filters=form.cleaned_data
        )
    except ExportTooLargeError as exc:
        messages.error(
            request,
            _("%(count)s records match, more than one file holds (%(limit)s); narrow the dates or the region.")
            % {"count": exc.count, "limit": exc.limit},
        )
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")


@requires(is_signed_in)
@require_POST
def reveal_value(request: HttpRequest, label: str, pk: int, field: str) -> HttpResponse:
    """Show one sensitive value in full: scope (404), an encrypted field (404), a reason and the permission, and an
    audit row every time (``yizhan.audit.reveal``)."""
    model = revealable_model(label)
    if model is None or not is_revealable_field(model, field):
        raise Http404
    try:
        obj = model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    context: dict[str, object] = {"label": label, "pk": pk, "field": field, "masked": obj.masked(field), "value": None}
    form = RevealForm(request.POST)
    if not form.is_valid():
        context["errors"] = [m for messages in form.errors.values() for m in messages]
        return render(request, "audit/reveal.html", context, status=400)
    try:
        context["value"] = reveal(actor=request.user, obj=obj, field_name=field, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        context["errors"] = [m for messages in exc.message_dict.values() for m in messages]
        return render(request, "audit/reveal.html", context, status=400)
    return render(request, "audit/reveal.html", context)
