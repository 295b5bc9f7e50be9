"""Activity pages for staff: list, plan and change, publish, cancel, complete, register people from the registry."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import allows, require, requires
from yizhan.core.pickers import picker_response
from yizhan.core.text import SEARCH_MAX_LENGTH
from yizhan.people.models import Person
from yizhan.stations.models import Station

from .. import feeds, selectors, services
from ..figures import after_context
from ..forms import (
    ActivityFilterForm,
    ActivityForm,
    CancelForm,
    PersonSearchForm,
    RegisterForm,
    brand_item_label,
    room_label,
    search_brand_items,
    search_rooms,
)
from ..forms_checkin import CoverForm
from ..models import Activity, Registration
from ..permissions import can_manage_activity, uses_activity_pages


def _activity(pk, *, manage=False) -> Activity:
    try:
        activity = selectors.activity_get(pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    if manage:
        require(can_manage_activity, activity)
    return activity


@requires(uses_activity_pages)
def activity_list(request):
    form = ActivityFilterForm(request.GET or None)
    activities = selectors.activity_list(**form.filters()) if not form.errors else Activity.objects.none()
    page = paginate(request, activities)
    page.object_list = selectors.with_waitlist_counts(page.object_list)
    return render(
        request,
        "activities/activity_list.html",
        {"page": page, "form": form},
        status=400 if form.errors else 200,
    )


@requires(uses_activity_pages)
def activity_create(request):
    initial = {"audience": "public"}
    stations = list(selectors.stations_for_planning()[:2])
    if len(stations) == 1:
        initial["station"] = stations[0].pk
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            activity = services.activity_create(created_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("station", _("You cannot plan activities at this station."))
        else:
            messages.success(request, _("Activity “%(title)s” saved as a draft.") % {"title": activity.title})
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "activity": None},
        status=400 if form.errors else 200,
    )


@requires(uses_activity_pages)
def activity_detail(request, pk):
    activity = _activity(pk)
    can_manage = allows(can_manage_activity, activity)
    rows = selectors.registrations_by_status(activity)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "can_manage": can_manage,
            "confirmed": rows["confirmed"],
            "waitlisted": rows["waitlisted"],
            "cancelled": rows["cancelled"],
            "cancel_form": CancelForm() if can_manage and activity.is_open_for_changes else None,
            "cover_form": CoverForm() if can_manage else None,
            **after_context(activity),
        },
    )


def _initial(activity: Activity) -> dict:
    return {
        "title": activity.title,
        "description": activity.description,
        "service_lines": [line.pk for line in activity.service_lines.all()],
        "brand_item": activity.brand_item_id,
        "target_groups": [group.pk for group in activity.target_groups.all()],
        "audience": activity.audience,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "room": activity.room_id,
        "seats": activity.seats,
        "signup_opens_at": activity.signup_opens_at,
        "signup_closes_at": activity.signup_closes_at,
        "children_need_guardian": activity.children_need_guardian,
        "version": activity.version,
    }


@requires(uses_activity_pages)
def activity_edit(request, pk):
    activity = _activity(pk, manage=True)
    if not activity.is_open_for_changes:
        messages.error(request, _("A completed or cancelled activity can no longer be changed."))
        return redirect("activities:detail", pk=activity.pk)
    form = ActivityForm(request.POST or None, initial=_initial(activity), activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        version = form.cleaned_data.get("version")
        try:
            services.activity_update(activity=activity, updated_by=request.user, version=version, **data)
        except ValidationError as exc:
            add_errors(form, exc)
            activity.refresh_from_db()
        else:
            messages.success(request, _("Changes saved."))
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "activity": activity},
        status=400 if form.errors else 200,
    )


def _act(request, pk, action, done_message):
    activity = _activity(pk, manage=True)
    try:
        action(activity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message)
    return redirect("activities:detail", pk=activity.pk)


@requires(uses_activity_pages)
@require_POST
def activity_publish(request, pk):
    return _act(
        request,
        pk,
        lambda a: services.activity_publish(activity=a, published_by=request.user),
        _("Published: registrations are open."),
    )


@requires(uses_activity_pages)
@require_POST
def activity_complete(request, pk):
    return _act(
        request,
        pk,
        lambda a: services.activity_complete(activity=a, completed_by=request.user),
        _("The activity is marked completed."),
    )


@requires(uses_activity_pages)
@require_POST
def activity_cancel(request, pk):
    form = CancelForm(request.POST)
    if not form.is_valid():
        activity = _activity(pk, manage=True)
        messages.error(request, _("Give the reason for cancelling (at most 500 characters)."))
        return redirect("activities:detail", pk=activity.pk)
    reason = form.cleaned_data["reason"]
    return _act(
        request,
        pk,
        lambda a: services.activity_cancel(activity=a, cancelled_by=request.user, reason=reason),
        _("The activity is cancelled. Tell everyone registered (listed below)."),
    )


@requires(uses_activity_pages)
def registration_add(request, pk):
    activity = _activity(pk, manage=True)
    search = PersonSearchForm(request.GET or None)
    if request.method == "POST":
        form = RegisterForm(request.POST)
        person = None
        if form.is_valid():
            person = Person.objects.select_related("region").filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            messages.error(request, _("Choose a person from the registry."))
        else:
            try:
                registration = services.registration_add(activity=activity, person=person, registered_by=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                text = (
                    _("%(name)s is confirmed.")
                    if registration.status == Registration.Status.CONFIRMED
                    else _("The activity is full: %(name)s is on the waitlist.")
                )
                messages.success(request, text % {"name": person.name})
        query = request.POST.get("q", "")[:SEARCH_MAX_LENGTH]
        return redirect(f"{request.path}?{urlencode({'q': query})}" if query else request.path)
    people = selectors.people_to_register(activity, search.cleaned_data["q"]) if search.is_valid() else []
    return render(
        request,
        "activities/registration_add.html",
        {
            "activity": activity,
            "search": search,
            "people": people,
            "registered": selectors.registered_person_ids(activity),
            "searched": search.is_bound and search.is_valid() and bool(search.cleaned_data["q"]),
        },
        status=400 if search.errors else 200,
    )


@requires(uses_activity_pages)
@require_POST
def registration_cancel(request, pk, registration_pk):
    activity = _activity(pk, manage=True)
    try:
        registration = selectors.registration_get(activity, registration_pk)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.registration_cancel(registration=registration, cancelled_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registration cancelled."))
    return redirect("activities:detail", pk=activity.pk)


@require_GET
def station_feed(request, station_pk):
    """A station's public activities as an iCalendar feed, for anyone (a calendar app subscribes without signing in)."""
    try:
        station, activities = selectors.public_feed(station_pk)
    except Station.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(feeds.station_calendar(station, activities), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="station-{station.pk}.ics"'
    return response


@requires(uses_activity_pages)
def pick_rooms(request):
    """A page of the rooms of the stations in scope, for a new activity's room picker (``core/pickers.py``)."""
    return picker_response(request, selectors.rooms_of(), search=search_rooms, label=room_label)


@requires(uses_activity_pages)
def pick_brand_items(request):
    return picker_response(request, selectors.brand_items_of(), search=search_brand_items, label=brand_item_label)
