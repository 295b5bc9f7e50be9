from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import requires
from yizhan.core.scoping import require_scope

from .. import selectors, services
from ..forms import ActionForm, VillageFilterForm, VisitForm, VisitPlanForm
from ..forms_calendar import CalendarAreaForm, CalendarDayForm
from ..models import Consent, FollowUpAction, Need, ScheduledVisit, Visit, VisitPhoto, VisitPlan
from ..permissions import can_manage_visit_plan, works_with_residents
from .common import consent_form_for, get_person_or_404, staff_for


@requires(works_with_residents)
def visit_create(request, pk):
    person = get_person_or_404(pk)
    if not person.is_anonymised and not selectors.has_active_consent(person, Consent.Purpose.CARE):
        # the precondition first: record the consent here, then the form opens (issue 9, finding 2)
        context = {"person": person, "consent_form": consent_form_for(person, purpose=Consent.Purpose.CARE)}
        return render(
            request, "people/visit_consent_needed.html", context, status=409 if request.method == "POST" else 200
        )
    staff = staff_for(person.region.code)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        staff=staff,
        initial={"visit_date": timezone.localdate(), "visitors": [request.user.pk], "action_owner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        needs = [(data["need_category"], data["need_detail"])] if data["need_category"] else []
        actions = [(data["action"], data["action_owner"], data["action_due"])] if data["action"] else []
        try:
            visit = services.visit_record(
                created_by=request.user,
                person=person,
                kind=data["kind"],
                visit_date=data["visit_date"],
                visitors=list(data["visitors"]),
                other_visitors=data["other_visitors"],
                place=data["place"],
                findings=data["findings"],
                needs=needs,
                actions=actions,
                photos=data["photos"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("people:visit_detail", pk=visit.pk)
    return render(
        request, "people/visit_form.html", {"form": form, "person": person}, status=400 if form.errors else 200
    )


def _visit_or_404(pk) -> Visit:
    try:
        return selectors.visit_get(pk)
    except (Visit.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@requires(works_with_residents)
def visit_detail(request, pk):
    visit = _visit_or_404(pk)
    return render(
        request,
        "people/visit_detail.html",
        {
            "visit": visit,
            "findings_in_full": visit.shown_in_full_to(request.user),
            "needs": [(need, need.shown_in_full_to(request.user)) for need in visit.needs.all()],
            "actions": visit.actions.select_related("owner", "done_by"),
            "photos": visit.photos.all(),
            "visitors": visit.visitors.all(),
            "need_statuses": Need.Status.choices,
            "action_form": ActionForm(staff=staff_for(visit.person.region.code)),
        },
    )


@requires(works_with_residents)
def visit_photo(request, pk):
    """Photos are served only through the scope (never from a public media URL)."""
    photo = VisitPhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, ValueError) as exc:  # the file was removed (retention, storage cleanup)
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, no-store"
    return response


@requires(works_with_residents)
@require_POST
def action_add(request, pk):
    visit = _visit_or_404(pk)
    form = ActionForm(request.POST, staff=staff_for(visit.person.region.code))
    if form.is_valid():
        try:
            services.action_add(created_by=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Follow-up action added."))
    else:
        messages.error(request, _("Give the action a description, an owner and a due date."))
    return redirect("people:visit_detail", pk=visit.pk)


@requires(works_with_residents)
@require_POST
def need_status(request, pk):
    need = Need.objects.select_related("person__region").filter(pk=pk).first()
    if need is None:
        raise Http404
    try:
        services.need_set_status(need=need, status=request.POST.get("status", ""), changed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Need updated."))
    return (
        redirect("people:visit_detail", pk=need.visit_id)
        if need.visit_id
        else redirect("people:detail", pk=need.person_id)
    )


@requires(works_with_residents)
@require_POST
def action_done(request, pk):
    action = FollowUpAction.objects.select_related("visit__person__region").filter(pk=pk).first()
    if action is None:
        raise Http404
    try:
        services.action_done(action=action, done_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Action marked as done."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("people:visit_detail", pk=action.visit_id)


@requires(works_with_residents)
def overdue(request):
    form = VillageFilterForm(request.GET or None, villages=selectors.villages_in_scope())
    if form.is_bound and not form.is_valid():  # the filter says why; nothing is listed
        visits, actions = ScheduledVisit.objects.none(), FollowUpAction.objects.none()
    else:
        village = form.cleaned_data["village"].code if form.is_bound and form.cleaned_data["village"] else ""
        visits, actions = selectors.overdue_visits(village=village), selectors.overdue_actions(village=village)
    return render(
        request,
        "people/overdue.html",
        {"form": form, "visits": paginate(request, visits), "actions": actions[:200]},
        status=400 if form.errors else 200,
    )


def _month(request, today: date) -> date:
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:  # a bad month shows this month
        return today.replace(day=1)


@requires(works_with_residents)
def calendar(request):
    """The month's care visits. For one village each visit is named; for a wider scope or a chosen area above one
    village (a town, a district … a province) each day shows how many visits are due, overdue and done — counted in
    the database — and each figure opens that day's list (issue 12: a province's month costs what a town's does)."""
    today = timezone.localdate()
    first = _month(request, today)
    start, end = selectors.month_bounds(first.year, first.month)
    form = CalendarAreaForm(request.GET or None)
    refused = form.is_bound and not form.is_valid()  # the filter says why; nothing is shown
    area = form.chosen_area()
    code = area.code if area else ""
    wide = selectors.calendar_is_wide(area)
    days: dict[date, dict] = {}
    if refused:
        pass
    elif wide:
        for day, counts in selectors.calendar_day_counts(start=start, end=end, area=code, today=today).items():
            days[day] = {"counts": counts, "has_items": True}
    else:
        due, done = selectors.calendar_items(start=start, end=end, area=code)
        for item in due:
            days.setdefault(item.due_date, {"due": [], "done": [], "has_items": True})["due"].append(item)
        for item in done:
            days.setdefault(item.visit_date, {"due": [], "done": [], "has_items": True})["done"].append(item)
    weeks, week = [], [None] * start.weekday()
    day = start
    while day < end:
        week.append({"date": day, "due": [], "done": [], **days.get(day, {}), "today": day == today})
        if len(week) == 7:
            weeks.append(week)
            week = []
        day = day.fromordinal(day.toordinal() + 1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    previous = (start.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    # On a phone the month is a list of the days that have visits (and today, even when it has none): seven columns
    # of 50 px cannot show a name, and a grid scrolled sideways hides the weekend.
    agenda = [day for week in weeks for day in week if day and (day.get("has_items") or day["today"])]
    return render(
        request,
        "people/calendar.html",
        {
            "form": form,
            "area": area,
            "wide": wide,
            "trail": selectors.calendar_trail(area),
            "narrower": [] if refused else selectors.calendar_narrower(area),
            "weeks": weeks,
            "agenda": agenda,
            "shows_today": start <= today < end,
            "month": start,
            "previous": previous,
            "next": end,
        },
        status=400 if refused else 200,
    )


@requires(works_with_residents)
def calendar_day(request):
    """One day of the calendar: the visits due (or overdue) that day, or those recorded that day, a page at a time."""
    form = CalendarDayForm(request.GET)
    if form.is_valid():
        area = form.chosen_area()
        code = area.code if area else ""
        day = form.cleaned_data["day"]
        show = form.cleaned_data["show"] or "due"
        items = (
            selectors.calendar_day_done(day=day, area=code)
            if show == "done"
            else selectors.calendar_day_due(day=day, area=code)
        )
    else:  # the filter says why; nothing is listed
        area, day, show, items = None, None, "due", ScheduledVisit.objects.none()
    return render(
        request,
        "people/calendar_day.html",
        {
            "form": form,
            "area": area,
            "day": day,
            "show": show,
            "overdue": day is not None and day < timezone.localdate(),
            "page": paginate(request, items),
        },
        status=400 if form.errors else 200,
    )


@requires(works_with_residents)
def plans(request):
    scope = require_scope()
    toggle = request.POST.get("toggle", "") if request.method == "POST" else ""
    if toggle:
        plan = VisitPlan.objects.select_related("region").filter(pk=int(toggle)).first() if toggle.isdigit() else None
        if plan is None:
            raise Http404
        try:
            services.visit_plan_set_active(plan=plan, active=not plan.is_active, changed_by=request.user)
        except PermissionDenied:
            # the page offers no button for such a plan; an old page or a second tab still gets a reason
            messages.error(
                request,
                _("Only the federation admins of %(area)s can pause or resume this plan.") % {"area": plan.region.name},
            )
        else:
            messages.success(request, _("Visit plan updated."))
        return redirect("people:plans")
    form = VisitPlanForm(request.POST or None, regions=selectors.plan_areas())
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.visit_plan_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("You cannot plan visits for this area."))
        else:
            messages.success(request, _("Visit plan %(name)s created.") % {"name": plan.name})
            return redirect("people:plans")
    page = paginate(request, selectors.visit_plans())
    rows = [(plan, can_manage_visit_plan(scope, plan)) for plan in page]
    return render(
        request,
        "people/plans.html",
        {"plans": rows, "page": page, "form": form},
        status=400 if form.errors else 200,
    )
