"""Public pages (no login): operating stations and studios marked public, and only their public parts.

Every read here goes through the ``public_*`` selectors, which run under the anonymous scope whoever is signed in.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from yizhan.activities.figures import station_activity_figures
from yizhan.core.forms import add_errors
from yizhan.core.throttling import SignupThrottle
from yizhan.mediation.forms_requests import OnlineRequestForm
from yizhan.mediation.models import Studio
from yizhan.mediation.services.requests import online_request_submit
from yizhan.regions.models import Region
from yizhan.stations.models import Photo, Station
from yizhan.stations.views import serve_photo

from . import selectors

_throttle = SignupThrottle()  # requests count with the public sign-ups, per client address


def index(request):
    return render(request, "portal/index.html", {"areas": selectors.public_areas()})


def area(request, code):
    """A city's or district's page: its districts or towns, drilled down from the front page."""
    try:
        region = selectors.public_area(code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "portal/index.html", {"area": region, "areas": selectors.public_areas(region)})


def town(request, code):
    try:
        region = selectors.public_town(code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    stations, studios = selectors.public_places_in_town(region)
    villages = selectors.villages_of_town(region, stations, studios)
    return render(
        request, "portal/town.html", {"town": region, "stations": stations, "studios": studios, "villages": villages}
    )


def station(request, pk):
    try:
        profile = selectors.public_station(pk)
    except Station.DoesNotExist as exc:
        raise Http404 from exc
    figures = station_activity_figures(profile.station)  # counts and averages only, the same for everyone
    return render(request, "portal/station.html", {"profile": profile, "station": profile.station, "figures": figures})


def studio(request, pk):
    try:
        context = selectors.public_studio(pk)
    except Studio.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "portal/studio.html", context)


def studio_request(request, pk):
    """A resident asks the studio for mediation (no account): stored encrypted, the studio's mediators are told.
    Rate-limited per client address like the public sign-ups."""
    try:
        studio = selectors.public_studio(pk)["studio"]
    except Studio.DoesNotExist as exc:
        raise Http404 from exc
    form = OnlineRequestForm(request.POST or None)
    if request.method == "POST":
        if not _throttle.allow_request(request):
            return render(
                request, "portal/studio_request.html", {"studio": studio, "form": form, "throttled": True}, status=429
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                online_request_submit(
                    studio=studio,
                    name=data["name"],
                    mobile=data["mobile"],
                    dispute_type=data["dispute_type"],
                    description=data["description"],
                    contact_time=data["contact_time"],
                    consent=data["consent"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return render(request, "portal/studio_request.html", {"studio": studio, "sent": True})
        return render(request, "portal/studio_request.html", {"studio": studio, "form": form}, status=400)
    return render(request, "portal/studio_request.html", {"studio": studio, "form": form})


def photo(request, pk, variant):
    try:
        public_photo = selectors.public_photo(pk)
    except Photo.DoesNotExist as exc:
        raise Http404 from exc
    return serve_photo(public_photo, variant)
