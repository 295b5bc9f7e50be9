"""Public activity pages (no login, phone first): a station's and a town's upcoming activities, an activity's page
with the sign-up form, and a resident's own registration through the private link or the code. Every read goes
through ``selectors_public`` (the anonymous scope's view, whoever is signed in); sign-ups and look-ups by code are
rate-limited per client address (``core.throttling.SignupThrottle``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yizhan.core.crypto import normalize
from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import requires
from yizhan.core.throttling import SignupThrottle
from yizhan.regions.models import Region
from yizhan.stations.models import Station

from .. import selectors, selectors_public, services
from ..forms_public import FindForm, PublicFilterForm, SignupForm
from ..models import Activity, Registration
from ..permissions import uses_activity_pages
from ..services.signup import consent_text

_throttle = SignupThrottle()


def _list(request, *, station=None, town=None):
    form = PublicFilterForm(request.GET or None)
    activities = (
        selectors_public.public_activities(station=station, town=town, **form.filters())
        if not form.errors
        else Activity.objects.none()
    )
    return render(
        request,
        "activities/public_list.html",
        {"page": paginate(request, activities), "form": form, "station": station, "town": town},
        status=400 if form.errors else 200,
    )


@require_GET
def public_station_activities(request, station_pk):
    try:
        station = selectors_public.public_station(station_pk)
    except Station.DoesNotExist as exc:
        raise Http404 from exc
    return _list(request, station=station)


@require_GET
def public_town_activities(request, code):
    try:
        town = selectors_public.public_town(code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc
    return _list(request, town=town)


def _public_activity(pk) -> Activity:
    try:
        return selectors_public.public_activity(pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request, activity, *, form=None, find=None, status=200):
    return render(
        request,
        "activities/public_detail.html",
        {
            "activity": activity,
            "form": form or SignupForm(),
            "find": find or FindForm(),
            "consent": consent_text(),
        },
        status=status,
    )


def _throttled(request, activity):
    return render(request, "activities/public_throttled.html", {"activity": activity}, status=429)


@require_GET
def public_activity(request, pk):
    return _detail(request, _public_activity(pk))


@require_POST
def public_signup(request, pk):
    activity = _public_activity(pk)
    if not _throttle.allow_request(request):
        return _throttled(request, activity)
    form = SignupForm(request.POST)
    if form.is_valid():
        try:
            signup = services.public_signup(activity=activity, **form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            link = request.build_absolute_uri(reverse("activities:public_registration", args=[signup.token]))
            return render(
                request,
                "activities/public_signed_up.html",
                {
                    "activity": activity,
                    "registration": signup.registration,
                    "link": link,
                    "code": signup.code,
                    "place": selectors_public.waitlist_place(signup.registration),
                },
            )
    return _detail(request, activity, form=form, status=400)


def _mine(request, registration, *, token="", find=None, status=200):
    return render(
        request,
        "activities/public_registration.html",
        {
            "registration": registration,
            "activity": registration.activity,
            "token": token,
            "find": find,
            "place": selectors_public.waitlist_place(registration),
        },
        status=status,
    )


@require_POST
def public_find(request, pk):
    """The mobile number and code given at sign-up: the registration, and (``cancel``) cancel it."""
    activity = _public_activity(pk)
    if not _throttle.allow_request(request):
        return _throttled(request, activity)
    find = FindForm(request.POST)
    if not find.is_valid():
        return _detail(request, activity, find=find, status=400)
    try:
        registration = selectors_public.registration_by_code(
            activity, normalize("mobile", find.cleaned_data["mobile"]), find.cleaned_data["code"]
        )
    except Registration.DoesNotExist:
        find.add_error("code", _("No registration for this activity has this mobile number and code."))
        return _detail(request, activity, find=find, status=404)
    if "cancel" in request.POST:
        try:
            services.registration_cancel_by_resident(registration=registration)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _mine(request, registration, find=find, status=400)
        messages.success(request, _("Your registration is cancelled."))
    return _mine(request, registration, find=find)


def _by_link(token) -> Registration:
    try:
        return selectors_public.registration_by_link(token)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def public_registration(request, token):
    return _mine(request, _by_link(token), token=token)


@require_POST
def public_registration_cancel(request, token):
    registration = _by_link(token)
    try:
        services.registration_cancel_by_resident(registration=registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("activities:public_registration", token=token)


@requires(uses_activity_pages)
@require_POST
def registration_new_link(request, pk, registration_pk):
    """Staff: revoke a resident's private link and code and send new ones to their mobile number."""
    try:
        activity = selectors.activity_get(pk)
        registration = selectors.registration_get(activity, registration_pk)
    except (Activity.DoesNotExist, Registration.DoesNotExist) as exc:
        raise Http404 from exc
    try:
        services.registration_new_link(registration=registration, issued_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new private link and code were sent to %(mobile)s; the old ones no longer work.")
            % {"mobile": registration.masked("mobile")},
        )
    return redirect("activities:detail", pk=activity.pk)
