"""An activity's cover photo: set or replace it and remove it (staff who may manage the activity), and its file,
served like the other photos (``stations.views.serve_photo``): to staff for an activity in their scope, and to
anyone for an activity the public may see."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yizhan.core.permissions import requires
from yizhan.stations.views import serve_photo

from .. import selectors_public, services
from ..forms_checkin import CoverForm
from ..models import Activity
from ..permissions import uses_activity_pages
from .activities import _activity

VARIANTS = ("thumb", "full")


@requires(uses_activity_pages)
@require_POST
def cover_set(request, pk):
    activity = _activity(pk, manage=True)
    form = CoverForm(request.POST, request.FILES)
    if not form.is_valid():
        for problem in form.errors.get("image", []):
            messages.error(request, problem)
        return redirect("activities:detail", pk=activity.pk)
    try:
        services.cover_set(activity=activity, upload=form.cleaned_data["image"], set_by=request.user)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Cover photo saved."))
    return redirect("activities:detail", pk=activity.pk)


@requires(uses_activity_pages)
@require_POST
def cover_remove(request, pk):
    activity = _activity(pk, manage=True)
    services.cover_remove(activity=activity, removed_by=request.user)
    messages.success(request, _("Cover photo removed."))
    return redirect("activities:detail", pk=activity.pk)


def _serve(activity: Activity, variant: str):
    if variant not in VARIANTS or activity.cover is None:
        raise Http404
    return serve_photo(activity.cover, variant)


@requires(uses_activity_pages)
@require_GET
def cover_file(request, pk, variant):
    return _serve(_activity(pk), variant)


@require_GET
def public_cover_file(request, pk, variant):
    try:
        activity = selectors_public.public_activity(pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    return _serve(activity, variant)
