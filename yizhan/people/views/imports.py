from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.documents import xlsx_response
from yizhan.core.pagination import paginate
from yizhan.core.permissions import requires

from ..forms import ImportUploadForm
from ..models import ImportBatch
from ..permissions import works_with_residents
from ..services import imports as import_services


def _batch_or_404(pk) -> ImportBatch:
    try:
        return ImportBatch.objects.get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@requires(works_with_residents)
def import_template(request):
    return xlsx_response(import_services.template_workbook(), "residents-template.xlsx")


@requires(works_with_residents)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > import_services.MAX_FILE_BYTES:
            form.add_error("file", _("The file is larger than 10 MB."))
        else:
            try:
                batch = import_services.import_preview(actor=request.user, file_name=upload.name, data=upload.read())
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                return redirect("people:import_preview", pk=batch.pk)
    recent = ImportBatch.objects.order_by("-created_at")[:10]
    return render(
        request, "people/import_upload.html", {"form": form, "recent": recent}, status=400 if form.errors else 200
    )


@requires(works_with_residents)
def import_preview(request, pk):
    batch = _batch_or_404(pk)
    if request.method == "POST":
        try:
            count = import_services.import_confirm(actor=request.user, batch=batch)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)s resident(s) imported.") % {"count": count})
        return redirect("people:import_preview", pk=batch.pk)
    rows = batch.rows
    problem_rows = [r for r in rows if r["status"] != "ok"]
    return render(
        request, "people/import_preview.html", {"batch": batch, "page": paginate(request, problem_rows, per_page=100)}
    )


@requires(works_with_residents)
def import_errors(request, pk):
    batch = _batch_or_404(pk)
    return xlsx_response(import_services.error_report_workbook(batch), f"import-{batch.pk}-check.xlsx")


@requires(works_with_residents)
@require_POST
def import_discard(request, pk):
    batch = _batch_or_404(pk)
    try:
        import_services.import_discard(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The upload was discarded."))
    return redirect("people:import")
