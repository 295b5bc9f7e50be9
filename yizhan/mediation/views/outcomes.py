"""Outcome pages and actions of a case: the agreement (its page, PDF, signed scan), judicial confirmation, extension of
the time limit and follow-up visits. The actions are forms on the case page carrying the case's version; a refused
action shows the case page again with the form's errors (400), and nothing is changed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yizhan.audit import services as audit
from yizhan.core.forms import add_errors
from yizhan.core.pdf import pdf_response
from yizhan.core.permissions import require, requires

from .. import selectors, services
from ..documents import agreement_filename, agreement_pdf
from ..forms import (
    AgreementForm,
    AgreementScanForm,
    CaseExtensionForm,
    ConfirmationApplyForm,
    ConfirmationDecideForm,
    FollowUpActionForm,
    FollowUpForm,
)
from ..models import Agreement, Case, FollowUp
from ..permissions import can_work_on_case, uses_case_pages
from ..services.outcomes import AGREEMENT_TEXTS, missing_message
from .cases import _case, _detail


def _agreement(case: Case, revision) -> Agreement:
    try:
        return selectors.agreement_get(case, revision)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc


def _follow_up(case: Case, pk) -> FollowUp:
    try:
        return selectors.follow_up_get(case, pk)
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc


def _initial(case: Case, parties) -> dict:
    """The form's initial values: the current version's content (a locked one's too: the new version starts from
    it), else the parties' details from the registry where a party is linked."""
    agreement = services.current_agreement(case)
    initial: dict = {"version": case.version, "copies": len(parties) + 1}
    details = {}
    if agreement is not None:
        initial.update({field: getattr(agreement, field) for field in AGREEMENT_TEXTS})
        initial.update({"perform_by": agreement.perform_by, "copies": agreement.copies})
        details = {row.party_id: row for row in agreement.party_details.all()}
    for party in parties:
        row = details.get(party.pk)
        if row is not None:
            initial |= {
                f"party_{party.pk}_gender": row.gender,
                f"party_{party.pk}_age": row.age,
                f"party_{party.pk}_address": row.address,
            }
    return initial


@requires(uses_case_pages)
def agreement_edit(request, case_pk):
    case = _case(case_pk)
    require(can_work_on_case, case)
    parties = selectors.case_parties(case)
    form = AgreementForm(request.POST or None, parties=parties, initial=_initial(case, parties))
    current = services.current_agreement(case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_save(
                case=case,
                saved_by=request.user,
                version=data["version"],
                facts=data["facts"],
                matters=data["matters"],
                responsibilities=data["responsibilities"],
                terms=data["terms"],
                performance=data["performance"],
                perform_by=data["perform_by"],
                copies=data["copies"],
                parties=form.party_details(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved (version %(revision)d).") % {"revision": agreement.revision})
            return redirect("mediation:case_detail", case_pk=case.pk)
    return render(
        request,
        "mediation/outcome_agreement.html",
        {"case": case, "form": form, "agreement": current},
        status=400 if form.errors else 200,
    )


@requires(uses_case_pages)
@require_GET
def agreement_pdf_download(request, case_pk, revision):
    """The agreement as a PDF (anyone who sees the case); refused, naming what is missing, while art. 29's content is
    incomplete. Each download is recorded in the audit log."""
    case = _case(case_pk)
    agreement = _agreement(case, revision)
    parties = selectors.case_parties(case)
    missing = services.agreement_missing(agreement, parties)
    if missing:
        return _detail(request, case, status=400, agreement_error=missing_message(missing))
    content = agreement_pdf(agreement, parties, lead_name=case.lead.name if case.lead else "")
    audit.record(actor=request.user, action=audit.Action.EXPORT, target=agreement, field="pdf")
    return pdf_response(content, agreement_filename(agreement))


@requires(uses_case_pages)
@require_GET
def agreement_scan(request, case_pk, revision):
    """The signed scan, to those who see the case (recorded in the audit log); never cached."""
    case = _case(case_pk)
    agreement = _agreement(case, revision)
    if not agreement.scan or not default_storage.exists(agreement.scan):
        raise Http404
    audit.record(actor=request.user, action=audit.Action.EXPORT, target=agreement, field="scan")
    extension = agreement.scan.rsplit(".", 1)[-1]
    response = FileResponse(
        default_storage.open(agreement.scan, "rb"),
        content_type=agreement.scan_content_type,
        as_attachment=True,
        filename=f"agreement-{case.pk}-v{agreement.revision}-signed.{extension}",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _act(request, case_pk, form, name, call, done, **extra):
    """POST an outcome action of the case page: the form, then the service; errors show the page again (400)."""
    case = _case(case_pk)
    require(can_work_on_case, case)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            case = _case(case_pk)
        else:
            messages.success(request, done)
            return redirect("mediation:case_detail", case_pk=case.pk)
    return _detail(request, case, status=400, **{name: form}, **extra)


@requires(uses_case_pages)
@require_POST
def agreement_scan_upload(request, case_pk):
    def call(case, data):
        services.agreement_upload_scan(
            case=case,
            uploaded_by=request.user,
            version=data["version"],
            upload=data["scan"],
            signed_on=data["signed_on"],
        )

    form = AgreementScanForm(request.POST, request.FILES)
    return _act(request, case_pk, form, "scan_form", call, _("Signed agreement kept; this version is now locked."))


@requires(uses_case_pages)
@require_POST
def confirmation_apply(request, case_pk):
    def call(case, data):
        services.confirmation_apply(
            case=case,
            recorded_by=request.user,
            version=data["version"],
            applied_on=data["applied_on"],
            court=data["court"],
            joint=data["joint"],
        )

    form = ConfirmationApplyForm(request.POST)
    return _act(request, case_pk, form, "confirm_form", call, _("Application for judicial confirmation recorded."))


@requires(uses_case_pages)
@require_POST
def confirmation_decide(request, case_pk):
    def call(case, data):
        services.confirmation_decide(
            case=case,
            recorded_by=request.user,
            version=data["version"],
            decision=data["decision"],
            decided_on=data["decided_on"],
            ruling_number=data["ruling_number"],
        )

    form = ConfirmationDecideForm(request.POST)
    return _act(request, case_pk, form, "decide_form", call, _("The court's decision is recorded."))


@requires(uses_case_pages)
@require_POST
def case_extend(request, case_pk):
    def call(case, data):
        services.case_extend(
            case=case,
            extended_by=request.user,
            version=data["version"],
            new_deadline=data["new_deadline"],
            reason=data["reason"],
            consented_on=data["consented_on"],
            consenting_parties=list(data["consenting_parties"]),
        )

    case = _case(case_pk)
    require(can_work_on_case, case)
    form = CaseExtensionForm(request.POST, case=case)
    return _act(request, case_pk, form, "extension_form", call, _("Time limit extended."))


@requires(uses_case_pages)
@require_POST
def follow_up_record(request, case_pk, item_pk):
    case = _case(case_pk)
    require(can_work_on_case, case)
    follow_up = _follow_up(case, item_pk)

    def call(case, data):
        services.follow_up_record(
            follow_up=follow_up,
            recorded_by=request.user,
            version=data["version"],
            performed_on=data["performed_on"],
            performance=data["performance"],
            satisfaction=data["satisfaction"],
            escalation=data["escalation"],
            notes=data["notes"],
        )

    form = FollowUpForm(request.POST)
    return _act(
        request, case_pk, form, "follow_up_form", call, _("Follow-up visit recorded."), follow_up_pk=follow_up.pk
    )


@requires(uses_case_pages)
@require_POST
def follow_up_act(request, case_pk, item_pk):
    case = _case(case_pk)
    require(can_work_on_case, case)
    follow_up = _follow_up(case, item_pk)

    def call(case, data):
        services.follow_up_act(
            follow_up=follow_up,
            acted_by=request.user,
            version=data["version"],
            action=data["action"],
            reason=data["reason"],
            referral=data["referral"],
        )

    form = FollowUpActionForm(request.POST)
    return _act(request, case_pk, form, "follow_up_action_form", call, _("Step recorded."), follow_up_pk=follow_up.pk)
