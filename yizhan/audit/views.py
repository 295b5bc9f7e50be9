from django.shortcuts import render

from yizhan.core.pagination import paginate
from yizhan.core.permissions import is_admin, requires

from . import selectors
from .forms import AuditFilterForm
from .models import AuditLog


@requires(is_admin)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        rows = selectors.audit_list(**form.cleaned_data)
    else:
        rows = selectors.audit_list() if not form.is_bound else AuditLog.objects.none()
    page = paginate(request, rows.select_related(None))
    return render(
        request,
        "audit/audit_list.html",
        {"form": form, "page": page},
        status=400 if form.is_bound and form.errors else 200,
    )
