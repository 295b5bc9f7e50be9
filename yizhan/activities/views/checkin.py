"""Check-in and after-the-activity pages.

Public (no account): the check-in page a participant's phone opens from the QR code, and the satisfaction page
opened from the QR code or link shown at the end. Both are reached only with a signed token, and their POSTs are
rate-limited per client address and activity (``core/throttling.py``, the anonymous rate).

Staff: the QR codes and the A4 poster, the check-in desk (htmx: one tap checks a person in), walk-ins, the summary
with photos and the actual counts, and the satisfaction averages per town and station.
"""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from ninja.throttling import AnonRateThrottle

from yizhan.core.forms import add_errors
from yizhan.core.masking import mask
from yizhan.core.pdf import PdfDocument, pdf_response
from yizhan.core.permissions import require, requires
from yizhan.core.text import SEARCH_MAX_LENGTH
from yizhan.core.throttling import SettingsRateThrottle
from yizhan.stations.views import serve_photo

from .. import figures, qr, selectors, services, tokens
from ..forms_checkin import CheckInForm, DeskSearchForm, FeedbackForm, SummaryForm, WalkInForm
from ..models import Activity, ActivityPhoto, ActivityStatus, Registration
from ..permissions import can_run_desk, uses_activity_pages
from ..services.checkin import activity_for_checkin, checkin_window, desk_window_error, mobile_or_code
from ..services.feedback import FEEDBACK_DAYS, activity_for_feedback, feedback_error, feedback_window

DEVICE_COOKIE = "yz_device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365


class PublicFormThrottle(SettingsRateThrottle, AnonRateThrottle):
    """The anonymous rate, counted per client address and activity (a crowd behind one Wi-Fi checks in together)."""

    scope = "anon"

    def __init__(self, activity: Activity, purpose: str) -> None:
        super().__init__()
        self.suffix = f"{purpose}_{activity.pk}"

    def get_cache_key(self, request):
        key = super().get_cache_key(request)
        return f"{key}_{self.suffix}" if key else None


def _throttled(request, activity: Activity, purpose: str) -> HttpResponse | None:
    throttle = PublicFormThrottle(activity, purpose)
    if throttle.allow_request(request):
        return None
    wait = int(throttle.wait() or 60) + 1
    response = render(
        request,
        "activities/public_message.html",
        {"title": _("Too many attempts"), "message": _("Too many attempts: please wait a minute and try again.")},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _activity(pk, *, desk=True) -> Activity:
    try:
        activity = selectors.activity_get(pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    if desk:
        require(can_run_desk, activity)
    return activity


def _token_refused(request, error: tokens.TokenError) -> HttpResponse:
    return render(
        request,
        "activities/public_message.html",
        {"title": _("QR code not valid"), "message": error.message},
        status=400,
    )


# --- public: check-in --------------------------------------------------------------------------------------------


def checkin(request, token):
    """A participant checks in on their phone with the mobile number they registered with or the registration code
    given at sign-up (one box: 8 digits are a code)."""
    try:
        activity = activity_for_checkin(token)
    except tokens.TokenError as error:
        return _token_refused(request, error)
    form = CheckInForm(request.POST or None)
    opens, closes = checkin_window(activity)
    context = {"activity": activity, "form": form, "opens": opens, "closes": closes, "done": None}
    if request.method == "POST":
        refused = _throttled(request, activity, "checkin")
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                result = services.self_check_in(
                    activity=activity, **mobile_or_code(form.cleaned_data["mobile_or_code"])
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                context["done"] = {"name": mask("name", result.registration.name), "already": result.already}
    return render(request, "activities/checkin_public.html", context, status=400 if form.errors else 200)


# --- public: satisfaction ----------------------------------------------------------------------------------------


def _device_key(request) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if services.feedback.DEVICE_KEY.match(value) else ""


def feedback(request, token):
    """An anonymous satisfaction answer; one per device (a random key in a cookie, kept only as a hash)."""
    try:
        activity = activity_for_feedback(token)
    except tokens.TokenError as error:
        return _token_refused(request, error)
    device = _device_key(request)
    new_device = not device
    form = FeedbackForm(request.POST or None)
    context = {"activity": activity, "form": form, "closed": feedback_error(activity), "done": False}
    status = 200
    if request.method == "POST":
        refused = _throttled(request, activity, "feedback")
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                services.feedback_submit(
                    activity=activity,
                    device_key=device,
                    participation=form.cleaned_data["participation"],
                    safety=form.cleaned_data["safety"],
                    happiness=form.cleaned_data["happiness"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                context["done"] = True
        status = 400 if form.errors else 200
    response = render(request, "activities/feedback_public.html", context, status=status)
    if new_device:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


# --- staff: QR codes and the poster -----------------------------------------------------------------------------


def _checkin_url(request, activity: Activity) -> str:
    return request.build_absolute_uri(reverse("activities:checkin", args=[tokens.checkin_token(activity)]))


def _feedback_url(request, activity: Activity) -> str:
    return request.build_absolute_uri(reverse("activities:feedback", args=[tokens.feedback_token(activity)]))


@requires(uses_activity_pages)
def checkin_qr(request, pk):
    activity = _activity(pk)
    url = _checkin_url(request, activity)
    opens, closes = checkin_window(activity)
    return render(
        request,
        "activities/checkin_qr.html",
        {"activity": activity, "url": url, "qr": qr.svg_data_uri(url), "opens": opens, "closes": closes},
    )


@requires(uses_activity_pages)
@require_GET
def checkin_poster(request, pk):
    """The check-in QR code as an A4 poster to print and put up at the door."""
    activity = _activity(pk)
    url = _checkin_url(request, activity)
    opens, closes = checkin_window(activity)
    station = activity.station
    doc = PdfDocument(title=_("Check-in: %(title)s") % {"title": activity.title}, author=station.display_name)
    doc.paragraph(f"{station.region.name} · {station.display_name}", size=16, align="center")
    doc.heading(activity.title)
    doc.paragraph(f"{_local(activity.starts_at)} – {_local(activity.ends_at)}", size=13, align="center")
    doc.spacer(6)
    doc.image(qr.png(url), width_mm=120)
    doc.spacer(4)
    doc.paragraph(_("Scan to check in with your mobile number"), size=20, align="center")
    doc.paragraph(
        _("Check-in is open from %(opens)s to %(closes)s.") % {"opens": _local(opens), "closes": _local(closes)},
        align="center",
    )
    doc.small(url)
    return pdf_response(doc.build(), f"checkin-{activity.pk}.pdf")


@requires(uses_activity_pages)
def feedback_qr(request, pk):
    activity = _activity(pk)
    url = _feedback_url(request, activity)
    opens, closes = feedback_window(activity)
    return render(
        request,
        "activities/feedback_qr.html",
        {
            "activity": activity,
            "url": url,
            "qr": qr.svg_data_uri(url),
            "opens": opens,
            "closes": closes,
            "days": FEEDBACK_DAYS,
        },
    )


# --- staff: the desk ---------------------------------------------------------------------------------------------


def _desk_context(activity: Activity, search: DeskSearchForm) -> dict:
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    return {
        "activity": activity,
        "search": search,
        "results": figures.desk_search(activity, query) if query else [],
        "searched": bool(query),
        "query": query,
        "recent": figures.desk_recent(activity),
        "counts": figures.attendance(activity),
        "closed": desk_window_error(activity),
    }


@requires(uses_activity_pages)
def desk(request, pk):
    """The check-in desk on a tablet: search registrants, one tap to check in, walk-ins, undo."""
    activity = _activity(pk)
    search = DeskSearchForm(request.GET or None)
    context = {**_desk_context(activity, search), "walk_in_form": WalkInForm()}
    template = "activities/_desk_results.html" if request.headers.get("HX-Request") else "activities/desk.html"
    return render(request, template, context, status=400 if search.errors else 200)


def _back_to_desk(request, activity: Activity):
    query = request.POST.get("q", "")[:SEARCH_MAX_LENGTH]
    url = reverse("activities:desk", args=[activity.pk])
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


def _desk_registration(activity: Activity, registration_pk: int) -> Registration:
    try:
        return Registration.objects.select_related("activity", "activity__station").get(
            activity=activity, pk=registration_pk
        )
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


def _desk_answer(request, activity: Activity, registration: Registration, message: str, *, error: bool = False):
    if request.headers.get("HX-Request"):
        return render(
            request,
            "activities/_desk_row.html",
            {
                "activity": activity,
                "r": registration,
                "message": message,
                "error": error,
                "query": request.POST.get("q", "")[:SEARCH_MAX_LENGTH],
            },
            status=400 if error else 200,
        )
    (messages.error if error else messages.success)(request, message)
    return _back_to_desk(request, activity)


@requires(uses_activity_pages)
@require_POST
def desk_check_in(request, pk, registration_pk):
    activity = _activity(pk)
    registration = _desk_registration(activity, registration_pk)
    try:
        result = services.desk_check_in(registration=registration, checked_in_by=request.user)
    except ValidationError as exc:
        return _desk_answer(request, activity, registration, " ".join(exc.messages), error=True)
    text = _("%(name)s had checked in already.") if result.already else _("%(name)s is checked in.")
    return _desk_answer(request, activity, registration, text % {"name": registration.name})


@requires(uses_activity_pages)
@require_POST
def desk_undo(request, pk, registration_pk):
    activity = _activity(pk)
    registration = _desk_registration(activity, registration_pk)
    try:
        services.desk_undo(registration=registration, undone_by=request.user)
    except ValidationError as exc:
        return _desk_answer(request, activity, registration, " ".join(exc.messages), error=True)
    return _desk_answer(
        request, activity, registration, _("Check-in of %(name)s undone.") % {"name": registration.name}
    )


@requires(uses_activity_pages)
@require_POST
def walk_in(request, pk):
    activity = _activity(pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            registration = services.walk_in_add(
                activity=activity,
                name=form.cleaned_data["name"],
                mobile=form.cleaned_data["mobile"],
                recorded_by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Walk-in %(name)s recorded and checked in.") % {"name": registration.name})
            return redirect("activities:desk", pk=activity.pk)
    context = {**_desk_context(activity, DeskSearchForm()), "walk_in_form": form}
    return render(request, "activities/desk.html", context, status=400)


# --- staff: summary and photos ----------------------------------------------------------------------------------


@requires(uses_activity_pages)
def summary(request, pk):
    """Complete the activity with a summary, the actual counts (prefilled from the attendance) and photos; or
    correct the summary of a completed one."""
    activity = _activity(pk)
    current = figures.activity_summary(activity)
    counts = figures.attendance(activity)
    if current is not None:
        initial = {
            "text": current.text,
            "participants": current.participants,
            "walk_ins": current.walk_ins,
            "version": current.version,
        }
    else:
        initial = {"participants": counts.attended, "walk_ins": counts.walk_ins}
    form = SummaryForm(request.POST or None, request.FILES or None, initial=initial)
    can_write = activity.status == ActivityStatus.COMPLETED or (
        activity.status == ActivityStatus.PUBLISHED and activity.starts_at <= timezone.now()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.summary_save(
                activity=activity,
                written_by=request.user,
                text=data["text"],
                participants=data["participants"],
                walk_ins=data["walk_ins"],
                version=data.get("version"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            problems = []
            for upload in data["photos"]:
                try:
                    services.photo_add(activity=activity, upload=upload, uploaded_by=request.user)
                except ValidationError as exc:
                    problems.append(f"{upload.name}: {' '.join(exc.messages)}")
            for problem in problems:
                messages.error(request, problem)
            messages.success(request, _("Summary saved: the activity is completed."))
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/summary_form.html",
        {
            "activity": activity,
            "form": form,
            "summary": current,
            "counts": counts,
            "photos": figures.activity_photos(activity),
            "can_write": can_write,
        },
        status=400 if form.errors else 200,
    )


@requires(uses_activity_pages)
@require_POST
def photo_delete(request, pk, photo_pk):
    activity = _activity(pk)
    try:
        photo = ActivityPhoto.objects.select_related("activity__station").get(activity=activity, pk=photo_pk)
    except ActivityPhoto.DoesNotExist as exc:
        raise Http404 from exc
    services.photo_delete(photo=photo, deleted_by=request.user)
    messages.success(request, _("Photo removed."))
    return redirect("activities:summary", pk=activity.pk)


@requires(uses_activity_pages)
def photo_file(request, photo_pk, variant):
    try:
        photo = figures.photo_get(photo_pk)
    except ActivityPhoto.DoesNotExist as exc:
        raise Http404 from exc
    if variant not in ("thumb", "full"):
        raise Http404
    return serve_photo(photo, variant)


# --- staff: satisfaction averages --------------------------------------------------------------------------------


@requires(uses_activity_pages)
def satisfaction(request):
    """Satisfaction averages per town and per station in the user's scope."""
    return render(
        request,
        "activities/satisfaction.html",
        {"towns": figures.feedback_by_town(), "stations": figures.feedback_by_station()},
    )
