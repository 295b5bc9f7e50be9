"""Sessions of a case (separate or joint) with their records, recusal requests, and appointments.

The sessions page is the case team's: it lists every session with its record (confidential ones marked). A joint
session's page shows, beside its own record, only what may be said in front of every party
(``session_records_for(case, audience="shared")``). Admins overseeing the studio see records masked and open one
only through the audited reveal.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.forms import Form, add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import allows, require, requires

from .. import selectors, selectors_safety
from ..forms_safety import (
    AppointmentForm,
    AppointmentStatusForm,
    ConsentForm,
    RecusalDecisionForm,
    RecusalForm,
    SessionForm,
    SessionRecordForm,
)
from ..models import Appointment, Case, CaseSession, Recusal, Studio
from ..permissions import (
    can_decide_recusal,
    can_record_sessions,
    can_update_appointment,
    is_studio_mediator,
    uses_appointments,
    uses_case_pages,
)
from ..services import sessions as services
from .safety import case_or_404


def _session_form(case: Case, data=None) -> SessionForm:
    return SessionForm(
        data,
        parties=selectors.case_parties(case),
        team=selectors.case_team(case),
        rooms=selectors_safety.rooms_for(case),
    )


def _page(request: HttpRequest, case: Case, status: int = 200, **forms: Form) -> HttpResponse:
    can_record = allows(can_record_sessions, case)
    can_decide = allows(can_decide_recusal, case)
    parties, team = selectors.case_parties(case), selectors.case_team(case)
    if can_record and case.status == Case.Status.ACCEPTED:
        forms.setdefault("session_form", _session_form(case))
    if can_record and case.is_open:
        forms.setdefault("recusal_form", RecusalForm(parties=parties, team=team))
    recusals = [
        {
            "recusal": r,
            "form": (forms.get(f"decision_form_{r.pk}") or RecusalDecisionForm(initial={"version": case.version}))
            if can_decide and case.is_open and r.decision == Recusal.Decision.PENDING
            else None,
        }
        for r in selectors_safety.case_recusals(case)
    ]
    return render(
        request,
        "mediation/session_list.html",
        {
            "case": case,
            "sessions": selectors_safety.session_records_for(case, audience="team"),
            "safety": selectors_safety.case_safety(case),
            "can_record": can_record,
            "recusals": recusals,
            **forms,
        },
        status=status,
    )


@requires(uses_case_pages)
def case_sessions(request, case_pk):
    return _page(request, case_or_404(case_pk))


def _act(
    request: HttpRequest, case_pk, form: Form, name: str, call: Callable[[Case, dict], object], done: str, rule
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
            return redirect("mediation:case_sessions", case_pk=case.pk)
    return _page(request, case, status=400, **{name: form})


@requires(uses_case_pages)
@require_POST
def session_create(request, case_pk):
    case = case_or_404(case_pk)

    def call(case, data):
        services.session_record(
            case=case,
            recorded_by=request.user,
            kind=data["kind"],
            starts_at=data["starts_at"],
            room=data["room"],
            place=data["place"],
            heard_party=data["heard_party"],
            parties=list(data["parties"]),
            team=list(data["team"]),
            record=data["record"],
        )

    return _act(
        request,
        case_pk,
        _session_form(case, request.POST),
        "session_form",
        call,
        _("Session recorded."),
        can_record_sessions,
    )


def _session(case: Case, session_pk) -> CaseSession:
    try:
        return selectors_safety.session_get(case, session_pk)
    except CaseSession.DoesNotExist as exc:
        raise Http404 from exc


def _session_page(request, case: Case, session: CaseSession, status=200, **forms: Form) -> HttpResponse:
    can_record = allows(can_record_sessions, case)
    if can_record and case.is_open:
        forms.setdefault(
            "record_form", SessionRecordForm(initial={"record": session.record, "version": session.version})
        )
        if session.is_confidential:
            forms.setdefault("consent_form", ConsentForm(initial={"version": session.version}))
    shared = []
    if session.kind == CaseSession.Kind.JOINT:
        shared = [s for s in selectors_safety.session_records_for(case, audience="shared") if s.pk != session.pk]
    return render(
        request,
        "mediation/session_detail.html",
        {"case": case, "session": session, "shared": shared, "can_record": can_record, **forms},
        status=status,
    )


@requires(uses_case_pages)
def session_detail(request, case_pk, session_pk):
    case = case_or_404(case_pk)
    return _session_page(request, case, _session(case, session_pk))


def _session_act(request, case_pk, session_pk, form: Form, name: str, call, done: str) -> HttpResponse:
    case = case_or_404(case_pk)
    session = _session(case, session_pk)
    require(can_record_sessions, case)
    if form.is_valid():
        try:
            call(session, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            session = _session(case, session_pk)
        else:
            messages.success(request, done)
            return redirect("mediation:session_detail", case_pk=case.pk, session_pk=session.pk)
    return _session_page(request, case, session, status=400, **{name: form})


@requires(uses_case_pages)
@require_POST
def session_record_update(request, case_pk, session_pk):
    def call(session, data):
        services.session_update_record(
            session=session, updated_by=request.user, version=data["version"], record=data["record"]
        )

    return _session_act(
        request, case_pk, session_pk, SessionRecordForm(request.POST), "record_form", call, _("Record saved.")
    )


@requires(uses_case_pages)
@require_POST
def session_consent(request, case_pk, session_pk):
    def call(session, data):
        if not data["confirm"]:
            raise ValidationError({"confirm": _("Confirm that the party agrees to share what they said.")})
        services.session_consent_record(session=session, recorded_by=request.user, version=data["version"])

    return _session_act(
        request,
        case_pk,
        session_pk,
        ConsentForm(request.POST),
        "consent_form",
        call,
        _("The party's consent is recorded."),
    )


# --- recusal ------------------------------------------------------------------------------------------------------


@requires(uses_case_pages)
@require_POST
def recusal_create(request, case_pk):
    case = case_or_404(case_pk)
    form = RecusalForm(request.POST, parties=selectors.case_parties(case), team=selectors.case_team(case))

    def call(case, data):
        services.recusal_request(
            case=case,
            recorded_by=request.user,
            member=data["member"],
            requested_by=data["requested_by"],
            reason=data["reason"],
        )

    return _act(request, case_pk, form, "recusal_form", call, _("Recusal request recorded."), can_record_sessions)


@requires(uses_case_pages)
@require_POST
def recusal_decide(request, case_pk, recusal_pk):
    case = case_or_404(case_pk)
    recusal = Recusal.objects.filter(case=case, pk=recusal_pk).select_related("member").first()
    if recusal is None:
        raise Http404

    def call(case, data):
        services.recusal_decide(
            recusal=recusal,
            decided_by=request.user,
            version=data["version"],
            decision=data["decision"],
            note=data["note"],
        )

    response = _act(
        request,
        case_pk,
        RecusalDecisionForm(request.POST),
        f"decision_form_{recusal.pk}",
        call,
        _("Decision recorded."),
        can_decide_recusal,
    )
    if response.status_code == 302 and not Case.objects.filter(pk=case.pk).exists():
        return redirect("mediation:case_list")  # the decider recused themself out of the case's scope
    return response


# --- appointments -------------------------------------------------------------------------------------------------


def _appointment_studios(request) -> list[Studio]:
    """Studios where the user makes appointments: as a mediator (for any member) or as a member (for themself)."""
    return [s for s in Studio.objects.filter(members__user=request.user, members__is_active=True).distinct()[:20]]


def _appointment_form(request, studio: Studio, data=None) -> AppointmentForm:
    team = selectors.studio_team(studio)
    if not allows(is_studio_mediator, studio):
        team = [m for m in team if m.user_id == request.user.pk]
    return AppointmentForm(data, members=team)


def _appointments_page(request, status=200, form=None, status_forms=None) -> HttpResponse:
    studios = _appointment_studios(request)
    studio = studios[0] if studios else None
    if form is None and studio is not None:
        form = _appointment_form(request, studio)
    page = paginate(request, selectors_safety.appointment_list())
    status_forms = status_forms or {}
    rows = [
        {
            "appointment": a,
            "form": status_forms.get(a.pk)
            or (
                AppointmentStatusForm(initial={"status": a.status, "version": a.version})
                if allows(can_update_appointment, a)
                else None
            ),
        }
        for a in page.object_list
    ]
    return render(
        request,
        "mediation/session_appointments.html",
        {"page": page, "rows": rows, "form": form, "studio": studio},
        status=status,
    )


@requires(uses_appointments)
def appointment_list(request):
    return _appointments_page(request)


@requires(uses_appointments)
@require_POST
def appointment_create(request):
    studios = _appointment_studios(request)
    if not studios:
        raise Http404
    studio = studios[0]
    form = _appointment_form(request, studio, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.appointment_create(
                studio=studio,
                created_by=request.user,
                member=data["member"],
                starts_at=data["starts_at"],
                person_name=data["person_name"],
                mobile=data["mobile"],
                topic=data["topic"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Appointment made."))
            return redirect("mediation:appointment_list")
    return _appointments_page(request, status=400, form=form)


@requires(uses_appointments)
@require_POST
def appointment_status(request, pk):
    try:
        appointment = selectors_safety.appointment_get(pk)
    except Appointment.DoesNotExist as exc:
        raise Http404 from exc
    require(can_update_appointment, appointment)
    form = AppointmentStatusForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_set_status(
                appointment=appointment,
                updated_by=request.user,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Appointment updated."))
            return redirect("mediation:appointment_list")
    return _appointments_page(request, status=400, status_forms={appointment.pk: form})
