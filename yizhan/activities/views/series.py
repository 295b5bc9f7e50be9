"""Repeating activities: plan a series, change this and all future occurrences, cancel the rest of a series. One
occurrence is changed on the activity's own edit page (``activities:edit``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.forms import add_errors
from yizhan.core.permissions import requires

from .. import selectors, services
from ..forms_volunteers import FutureForm, SeriesCancelForm, SeriesForm
from ..models import ActivitySeries
from ..permissions import uses_activity_pages
from .activities import _activity


@requires(uses_activity_pages)
def series_create(request):
    initial = {"audience": "public", "repeat": "weekly"}
    stations = list(selectors.stations_for_planning()[:2])
    if len(stations) == 1:
        initial["station"] = stations[0].pk
    form = SeriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            series, activities = services.series_create(created_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("station", _("You cannot plan activities at this station."))
        else:
            messages.success(
                request,
                _("Series “%(title)s” planned: %(count)s drafts.") % {"title": series.title, "count": len(activities)},
            )
            return redirect("activities:detail", pk=activities[0].pk)
    return render(request, "activities/series_form.html", {"form": form}, status=400 if form.errors else 200)


def _series_of(activity) -> ActivitySeries:
    if activity.series_id is None:
        raise Http404
    try:
        return ActivitySeries.objects.get(pk=activity.series_id)
    except ActivitySeries.DoesNotExist as exc:
        raise Http404 from exc


@requires(uses_activity_pages)
def series_edit(request, pk):
    activity = _activity(pk, manage=True)
    series = _series_of(activity)
    local_start, local_end = timezone.localtime(activity.starts_at), timezone.localtime(activity.ends_at)
    initial = {
        "title": activity.title,
        "start_time": local_start.time(),
        "end_time": local_end.time(),
        "seats": activity.seats,
        "version": series.version,
    }
    form = FutureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            updated = services.series_update_future(
                series=series, from_activity=activity, updated_by=request.user, version=version, **data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(count)s occurrences changed.") % {"count": len(updated)})
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/series_edit.html",
        {"form": form, "activity": activity, "series": series, "cancel_form": SeriesCancelForm()},
        status=400 if form.errors else 200,
    )


@requires(uses_activity_pages)
@require_POST
def series_cancel(request, pk):
    activity = _activity(pk, manage=True)
    series = _series_of(activity)
    form = SeriesCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling (at most 500 characters)."))
        return redirect("activities:series_edit", pk=activity.pk)
    try:
        cancelled = services.series_cancel_from(
            series=series, from_activity=activity, cancelled_by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("activities:series_edit", pk=activity.pk)
    messages.success(request, _("%(count)s occurrences cancelled.") % {"count": len(cancelled)})
    return redirect("activities:detail", pk=activity.pk)
