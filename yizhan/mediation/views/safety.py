"""The safety page of a case: risk screenings (latest level and history), the block on joint sessions and its
override, police referrals, protection orders and mandatory reports.

Every action is a form posted to its own address; it redirects to the page, or shows the page again with the form's
errors (400) and nothing changed. The forms post with htmx into the page's section (the same answer without script).
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.forms import Form, add_errors
from yizhan.core.permissions import allows, require, requires

from .. import selectors, selectors_safety
from ..forms_safety import (
    OverrideForm,
    PoliceReferralForm,
    ProtectionOrderForm,
    ReportOpenForm,
    ReportRecordForm,
    RulingForm,
    ScreeningForm,
)
from ..models import Case, MandatoryReport, ProtectionOrder
from ..permissions import can_override_joint_block, can_screen_case, uses_case_pages
from ..services import safety


def case_or_404(case_pk) -> Case:
    try:
        return selectors.case_get(case_pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def _page(request: HttpRequest, case: Case, status: int = 200, **forms: Form) -> HttpResponse:
    info = selectors_safety.case_safety(case)
    can_act = allows(can_screen_case, case) and case.is_open
    parties = selectors.case_parties(case)
    if can_act:
        forms.setdefault("screen_form", ScreeningForm(items=selectors_safety.risk_items()))
        forms.setdefault("police_form", PoliceReferralForm())
        forms.setdefault("order_form", ProtectionOrderForm(parties=parties))
        forms.setdefault("report_form", ReportOpenForm())
    if info.blocking is not None and case.is_open and allows(can_override_joint_block, case):
        forms.setdefault("override_form", OverrideForm())
    ruling_forms = {
        order.pk: forms.get(f"ruling_form_{order.pk}") or RulingForm(initial={"version": order.version})
        for order in info.orders
        if can_act and order.ruling == ProtectionOrder.Ruling.PENDING
    }
    record_forms = {
        report.pk: forms.get(f"record_form_{report.pk}") or ReportRecordForm()
        for report in info.pending_reports
        if allows(can_screen_case, case)
    }
    items = {item.code: item for item in selectors_safety.risk_items()}
    shows_answers = allows(can_screen_case, case)
    screenings = [
        {
            "screening": s,
            "answers": [items[c].name for c in safety.answer_codes(s) if c in items] if shows_answers else None,
        }
        for s in info.screenings
    ]
    return render(
        request,
        "mediation/safety_page.html",
        {
            "case": case,
            "safety": info,
            "screenings": screenings,
            "can_act": can_act,
            "shows_answers": shows_answers,
            "orders": [{"order": o, "form": ruling_forms.get(o.pk)} for o in info.orders],
            "reports": [{"report": r, "form": record_forms.get(r.pk)} for r in info.reports],
            **forms,
        },
        status=status,
    )


@requires(uses_case_pages)
def case_safety(request, case_pk):
    return _page(request, case_or_404(case_pk))


def _act(
    request: HttpRequest,
    case_pk,
    form: Form,
    name: str,
    call: Callable[[Case, dict], object],
    done: str,
    rule=can_screen_case,
) -> HttpResponse:
    case = case_or_404(case_pk)
    require(rule, case)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            case = case_or_404(case_pk)
        else:
            messages.success(request, done)
            return redirect("mediation:case_safety", case_pk=case.pk)
    return _page(request, case, status=400, **{name: form})


@requires(uses_case_pages)
@require_POST
def safety_screen(request, case_pk):
    form = ScreeningForm(request.POST, items=selectors_safety.risk_items())

    def call(case, data):
        screening = safety.screening_record(
            case=case, screened_by=request.user, answers=data["answers"], note=data["note"]
        )
        messages.info(request, _("Risk level: %(level)s.") % {"level": screening.get_level_display()})

    return _act(request, case_pk, form, "screen_form", call, _("Screening recorded."))


@requires(uses_case_pages)
@require_POST
def safety_override(request, case_pk):
    def call(case, data):
        safety.joint_override_grant(case=case, granted_by=request.user, reason=data["reason"])

    return _act(
        request,
        case_pk,
        OverrideForm(request.POST),
        "override_form",
        call,
        _("Joint sessions allowed despite the risk (recorded)."),
        rule=can_override_joint_block,
    )


@requires(uses_case_pages)
@require_POST
def safety_police(request, case_pk):
    def call(case, data):
        safety.police_referral_record(
            case=case,
            referred_by=request.user,
            referred_at=data["referred_at"],
            station=data["station"],
            note=data["note"],
        )

    return _act(request, case_pk, PoliceReferralForm(request.POST), "police_form", call, _("Police referral recorded."))


@requires(uses_case_pages)
@require_POST
def safety_order(request, case_pk):
    case = case_or_404(case_pk)
    form = ProtectionOrderForm(request.POST, parties=selectors.case_parties(case))

    def call(case, data):
        safety.protection_order_apply(
            case=case,
            recorded_by=request.user,
            protected_party=data["protected_party"],
            applied_at=data["applied_at"],
            court=data["court"],
            urgent=data["urgent"],
        )

    return _act(request, case_pk, form, "order_form", call, _("Application for a protection order recorded."))


@requires(uses_case_pages)
@require_POST
def safety_ruling(request, case_pk, order_pk):
    case = case_or_404(case_pk)
    order = ProtectionOrder.objects.filter(case=case, pk=order_pk).first()
    if order is None:
        raise Http404

    def call(case, data):
        safety.protection_order_rule(
            order=order,
            recorded_by=request.user,
            version=data["version"],
            ruling=data["ruling"],
            ruling_on=data["ruling_on"],
            expires_on=data["expires_on"],
        )

    return _act(request, case_pk, RulingForm(request.POST), f"ruling_form_{order.pk}", call, _("Ruling recorded."))


@requires(uses_case_pages)
@require_POST
def safety_report_open(request, case_pk):
    def call(case, data):
        safety.mandatory_report_open(case=case, opened_by=request.user, grounds=data["grounds"])

    return _act(
        request,
        case_pk,
        ReportOpenForm(request.POST),
        "report_form",
        call,
        _("Mandatory report opened: the case cannot proceed until it is recorded."),
    )


@requires(uses_case_pages)
@require_POST
def safety_report_record(request, case_pk, report_pk):
    case = case_or_404(case_pk)
    report = MandatoryReport.objects.filter(case=case, pk=report_pk).first()
    if report is None:
        raise Http404

    def call(case, data):
        safety.mandatory_report_record(
            report=report, reported_by=request.user, reported_to=data["reported_to"], reported_at=data["reported_at"]
        )

    return _act(
        request, case_pk, ReportRecordForm(request.POST), f"record_form_{report.pk}", call, _("Report recorded.")
    )
