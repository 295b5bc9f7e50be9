"""Volunteer pages: a volunteer's shifts, profile, hours and certificate; an activity's shifts and their rosters;
the station's volunteers and the hours to confirm, as a list and as Excel."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.documents import xlsx_response
from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.pdf import pdf_response
from yizhan.core.permissions import allows, require, requires

from .. import documents, selectors_volunteers, services
from ..forms_volunteers import (
    CorrectHoursForm,
    HoursFilterForm,
    PeriodForm,
    ProfileForm,
    ShiftEditForm,
    ShiftForm,
    StationFilterForm,
)
from ..models import Shift, ShiftSignup
from ..permissions import (
    can_manage_activity,
    can_manage_signup,
    is_own_signup,
    is_volunteer,
    manages_volunteers,
    uses_activity_pages,
)
from .activities import _activity


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _signup(pk) -> ShiftSignup:
    try:
        return selectors_volunteers.signup_get(pk)
    except ShiftSignup.DoesNotExist as exc:
        raise Http404 from exc


# --- the volunteer's own pages ------------------------------------------------------------------------------------


@requires(is_volunteer)
def my_shifts(request):
    user = request.user
    return render(
        request,
        "activities/volunteer_shifts.html",
        {
            "upcoming": list(selectors_volunteers.my_signups(user, upcoming=True)[:50]),
            "open_shifts": list(selectors_volunteers.open_shifts(user)[:50]),
        },
    )


@requires(is_volunteer)
def my_profile(request):
    profile = selectors_volunteers.profile_of(request.user) or services.ensure_profile(user=request.user)
    initial = {
        "skills": profile.skills,
        "availability": profile.availability,
        "phone": profile.phone,
        "note": profile.note,
        "version": profile.version,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.volunteer_profile_update(user=request.user, version=version, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("activities:my_profile")
    return render(
        request,
        "activities/volunteer_profile.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


@requires(is_volunteer)
def my_hours(request):
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    user = request.user
    return render(
        request,
        "activities/volunteer_hours.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "summary": selectors_volunteers.hours_summary(user, start=start, end=end),
            "signups": paginate(request, selectors_volunteers.my_signups(user, upcoming=False)),
        },
        status=400 if form.errors else 200,
    )


@requires(is_volunteer)
def my_certificate(request):
    form = PeriodForm(request.GET or None)
    if form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("activities:my_hours")
    start, end = form.period()
    signups = list(selectors_volunteers.confirmed_signups(request.user, start=start, end=end))
    content = documents.certificate_pdf(user=request.user, signups=signups, start=start, end=end)
    return pdf_response(content, f"volunteer-hours-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


@requires(is_volunteer)
@require_POST
def shift_signup(request, shift_pk):
    try:
        shift = selectors_volunteers.shift_get(shift_pk)
    except Shift.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.shift_signup(shift=shift, volunteer=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        messages.error(request, _("Only the village's volunteers sign up for this shift."))
    else:
        messages.success(
            request,
            _("You are signed up: %(title)s · %(role)s.")
            % {"title": shift.activity.title, "role": shift.get_role_display()},
        )
    return _back(request, "activities:my_shifts")


def _signup_action(request, pk, action, done):
    signup = _signup(pk)
    if not (allows(is_own_signup, signup) or allows(can_manage_signup, signup)):
        raise PermissionDenied
    try:
        action(signup)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    default = "activities:my_shifts" if signup.volunteer_id == request.user.pk else "activities:hours"
    return _back(request, default)


@requires(is_volunteer | manages_volunteers)
@require_POST
def signup_cancel(request, pk):
    return _signup_action(
        request,
        pk,
        lambda s: services.shift_signup_cancel(signup=s, cancelled_by=request.user),
        _("Sign-up cancelled: the slot is free again."),
    )


@requires(is_volunteer | manages_volunteers)
@require_POST
def signup_check_in(request, pk):
    return _signup_action(
        request, pk, lambda s: services.shift_check_in(signup=s, actor=request.user), _("Checked in. Thank you!")
    )


@requires(is_volunteer | manages_volunteers)
@require_POST
def signup_check_out(request, pk):
    return _signup_action(
        request,
        pk,
        lambda s: services.shift_check_out(signup=s, actor=request.user),
        _("Checked out: the station's manager confirms your hours."),
    )


# --- managers: shifts, rosters, hours -----------------------------------------------------------------------------


@requires(manages_volunteers)
def activity_shifts(request, pk):
    activity = _activity(pk)
    can_manage = allows(can_manage_activity, activity)
    form = ShiftForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.shift_create(activity=activity, created_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Shift added."))
                return redirect("activities:shifts", pk=activity.pk)
    return render(
        request,
        "activities/activity_shifts.html",
        {
            "activity": activity,
            "shifts": selectors_volunteers.shifts_of(activity),
            "form": form if can_manage and activity.is_open_for_changes else None,
            "can_manage": can_manage,
        },
        status=400 if form.errors else 200,
    )


def _managed_shift(shift_pk) -> Shift:
    try:
        shift = selectors_volunteers.shift_get(shift_pk)
    except Shift.DoesNotExist as exc:
        raise Http404 from exc
    require(can_manage_activity, shift.activity)
    return shift


@requires(uses_activity_pages)
def shift_edit(request, shift_pk):
    """Change a shift; the volunteers signed up are told (``services.shift_update``). Deleting is on this page too."""
    shift = _managed_shift(shift_pk)
    initial = {
        "role": shift.role,
        "slots": shift.slots,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "note": shift.note,
        "version": shift.version,
    }
    form = ShiftEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.shift_update(shift=shift, changed_by=request.user, version=version, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Shift saved. The volunteers signed up are told of a new time or role."))
            return redirect("activities:shifts", pk=shift.activity_id)
    return render(
        request,
        "activities/shift_form.html",
        {"shift": shift, "activity": shift.activity, "form": form},
        status=400 if form.errors else 200,
    )


@requires(uses_activity_pages)
@require_POST
def shift_delete(request, shift_pk):
    shift = _managed_shift(shift_pk)
    try:
        services.shift_delete(shift=shift, deleted_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("activities:shift_edit", shift_pk=shift.pk)
    messages.success(request, _("Shift deleted. The volunteers signed up for it are told."))
    return redirect("activities:shifts", pk=shift.activity_id)


@requires(manages_volunteers)
def hours_list(request):
    form = HoursFilterForm(request.GET or None)
    rows = selectors_volunteers.signups_for_hours(**form.filters()) if not form.errors else ShiftSignup.objects.none()
    page = paginate(request, rows)
    for signup in page:
        signup.can_manage = allows(can_manage_signup, signup)
        signup.correct_form = CorrectHoursForm(
            initial={"hours": round((signup.minutes or 0) / 60, 2), "version": signup.version},
            auto_id=f"id_{signup.pk}_%s",
        )
    return render(
        request,
        "activities/hours_list.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@requires(manages_volunteers)
@require_POST
def hours_confirm(request, pk):
    signup = _signup(pk)
    try:
        services.hours_confirm(signup=signup, confirmed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Hours confirmed."))
    return _back(request, "activities:hours")


@requires(manages_volunteers)
@require_POST
def hours_correct(request, pk):
    signup = _signup(pk)
    form = CorrectHoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(request, "activities:hours")
    try:
        services.hours_correct(
            signup=signup,
            corrected_by=request.user,
            minutes=form.minutes(),
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Hours corrected: confirm them when they are right."))
    return _back(request, "activities:hours")


@requires(manages_volunteers)
def hours_export(request):
    form = PeriodForm(request.GET or None)
    if form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("activities:hours")
    start, end = form.period()
    content = documents.hours_workbook(
        by_station=selectors_volunteers.confirmed_hours_by_station(date_from=start, date_to=end),
        by_volunteer=selectors_volunteers.confirmed_hours_by_volunteer(date_from=start, date_to=end),
        start=start,
        end=end,
    )
    return xlsx_response(content, f"volunteer-hours-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")


@requires(manages_volunteers)
def volunteer_list(request):
    form = StationFilterForm(request.GET or None)
    station = form.cleaned_data.get("station") if form.is_valid() else None
    rows = selectors_volunteers.profiles(station=station) if not form.errors else []
    return render(
        request,
        "activities/volunteer_list.html",
        {"form": form, "page": paginate(request, rows)},
        status=400 if form.errors else 200,
    )
