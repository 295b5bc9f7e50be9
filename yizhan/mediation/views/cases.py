"""Mediation case pages: the list (scope decides whose cases), intake at a studio, the case page and its actions.

The case page holds the actions (accept, not accept, team, close) as forms carrying the case's version; a refused
action shows the page again with the form's errors (400), and nothing is changed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import allows, require, requires
from yizhan.core.scoping import require_scope

from .. import selectors, selectors_safety, services
from ..forms import (
    CaseAcceptForm,
    CaseCloseForm,
    CaseEditForm,
    CaseFilterForm,
    CaseIntakeForm,
    CaseNotAcceptForm,
    CaseTeamForm,
)
from ..models import Case, Studio
from ..permissions import can_take_intake, can_work_on_case, uses_case_pages
from . import insight
from .outcome_sections import outcome_context


def _case(case_pk) -> Case:
    try:
        return selectors.case_get(case_pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


@requires(uses_case_pages)
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list(**form.filters()) if not form.errors else Case.objects.none()
    return render(
        request,
        "mediation/case_list.html",
        {"page": paginate(request, cases), "form": form, "intake_studios": selectors.intake_studios()},
        status=400 if form.errors else 200,
    )


@requires(uses_case_pages)
def case_intake(request, pk):
    try:
        studio = selectors.studio_get(pk)
    except Studio.DoesNotExist as exc:
        raise Http404 from exc
    require(can_take_intake, studio)
    if request.method == "POST" and request.POST.get("lookup"):
        return insight.intake_lookup(request, studio)  # the registry picker: look up one party, show the form again
    form = CaseIntakeForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and insight.link_parties(request, studio, form):
        data = form.cleaned_data
        try:
            case = services.case_intake(
                studio=studio,
                taken_by=request.user,
                source=data["source"],
                dispute_type=data["dispute_type"],
                narrative=data["narrative"],
                received_on=data["received_on"],
                parties=form.parties(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s taken in.") % {"number": case.number})
            return redirect("mediation:case_detail", case_pk=case.pk)
    return render(
        request,
        "mediation/case_intake.html",
        {"form": form, "studio": studio, "lookup_cards": insight.intake_cards(request, studio, request.POST)},
        status=400 if form.errors else 200,
    )


def _detail(request, case: Case, status=200, **forms):
    team = selectors.case_team(case)
    can_work = allows(can_work_on_case, case)
    version = {"version": case.version}
    if can_work and case.status == Case.Status.INTAKE:
        forms.setdefault("accept_form", CaseAcceptForm(initial=version))
        forms.setdefault("not_accept_form", CaseNotAcceptForm(initial=version))
    if can_work and case.is_open:
        lead = next((row.member_id for row in team if row.role == row.Role.LEAD), None)
        members = [row.member_id for row in team if row.role != row.Role.LEAD]
        forms.setdefault(
            "team_form", CaseTeamForm(studio=case.studio, initial={**version, "lead": lead, "members": members})
        )
    if can_work and case.status == Case.Status.ACCEPTED:
        forms.setdefault("close_form", CaseCloseForm(initial=version))
    team_users = {row.member.user_id for row in team}
    outcomes = outcome_context(case, can_work, forms)
    return render(
        request,
        "mediation/case_detail.html",
        {
            "case": case,
            "parties": selectors.case_parties(case),
            "team": team,
            "can_work": can_work,
            "shows_narrative": case.shows_narrative(require_scope(), team_users),
            "today": timezone.localdate(),
            **outcomes,
            "safety": selectors_safety.case_safety(case),
            **forms,
        },
        status=status,
    )


@requires(uses_case_pages)
def case_detail(request, case_pk):
    return _detail(request, _case(case_pk))


def _act(request, case_pk, form_class, name, call, done):
    """POST an action of the case page: the form, then the service; errors show the page again (400)."""
    case = _case(case_pk)
    require(can_work_on_case, case)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            case = _case(case_pk)
        else:
            messages.success(request, done)
            return redirect("mediation:case_detail", case_pk=case.pk)
    return _detail(request, case, status=400, **{name: form})


@requires(uses_case_pages)
@require_POST
def case_accept(request, case_pk):
    def call(case, data):
        services.case_accept(
            case=case,
            accepted_by=request.user,
            version=data["version"],
            willingness_recorded=data["willingness_recorded"],
            notice_given=data["notice_given"],
        )

    return _act(request, case_pk, CaseAcceptForm, "accept_form", call, _("Case accepted."))


@requires(uses_case_pages)
@require_POST
def case_not_accept(request, case_pk):
    def call(case, data):
        services.case_not_accept(
            case=case,
            decided_by=request.user,
            version=data["version"],
            reason=data["reason"],
            referral=data["referral"],
        )

    return _act(request, case_pk, CaseNotAcceptForm, "not_accept_form", call, _("Recorded as not accepted."))


@requires(uses_case_pages)
@require_POST
def case_team(request, case_pk):
    case = _case(case_pk)
    require(can_work_on_case, case)
    form = CaseTeamForm(request.POST, studio=case.studio)
    if form.is_valid():
        try:
            services.case_assign_team(
                case=case,
                assigned_by=request.user,
                version=form.cleaned_data["version"],
                lead=form.cleaned_data["lead"],
                members=list(form.cleaned_data["members"]),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            case = _case(case_pk)
        else:
            messages.success(request, _("Case team saved."))
            return redirect("mediation:case_detail", case_pk=case.pk)
    return _detail(request, case, status=400, team_form=form)


@requires(uses_case_pages)
@require_POST
def case_close(request, case_pk):
    def call(case, data):
        services.case_close(
            case=case,
            closed_by=request.user,
            version=data["version"],
            outcome=data["outcome"],
            agreement_form=data["agreement_form"],
            reason=data["reason"],
            advice=data["advice"],
        )

    return _act(request, case_pk, CaseCloseForm, "close_form", call, _("Case closed."))


@requires(uses_case_pages)
def case_edit(request, case_pk):
    case = _case(case_pk)
    require(can_work_on_case, case)
    initial = {
        "source": case.source,
        "dispute_type": case.dispute_type_id,
        "narrative": case.narrative,
        "version": case.version,
    }
    form = CaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.case_update(case=case, updated_by=request.user, version=version, **data)
        except ValidationError as exc:
            add_errors(form, exc)
            case = _case(case_pk)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("mediation:case_detail", case_pk=case.pk)
    return render(request, "mediation/case_edit.html", {"form": form, "case": case}, status=400 if form.errors else 200)
