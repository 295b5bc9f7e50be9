"""Mediation studio pages: admins manage studios and their teams; the studio's mediators and advisors view them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.accounts.models import User
from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import allows, is_admin, require, requires
from yizhan.stations.forms import ContactForm, PlaceFilterForm
from yizhan.stations.models import Status

from .. import selectors, services
from ..forms import StudioForm, StudioMemberForm
from ..models import Studio, StudioContact, StudioMember
from ..permissions import can_edit_studio, sees_online_requests, uses_studio_pages


def _studio(pk, *, admin=False) -> Studio:
    try:
        studio = selectors.studio_get(pk)
    except Studio.DoesNotExist as exc:
        raise Http404 from exc
    if admin:
        require(can_edit_studio, studio)
    return studio


@requires(uses_studio_pages)
def studio_list(request):
    form = PlaceFilterForm(request.GET or None)
    studios = selectors.studio_list(**form.filters()) if not form.errors else Studio.objects.none()
    return render(
        request,
        "mediation/studio_list.html",
        {"page": paginate(request, studios), "form": form, "can_create": allows(is_admin)},
        status=400 if form.errors else 200,
    )


@requires(is_admin)
def studio_create(request):
    form = StudioForm(request.POST or None, initial={"status": Status.PLANNED, "is_public": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            studio = services.studio_create(created_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("You cannot add a studio in this village."))
        else:
            messages.success(request, _("Studio %(name)s created.") % {"name": studio.display_name})
            return redirect("mediation:studio_detail", pk=studio.pk)
    return render(
        request, "mediation/studio_form.html", {"form": form, "studio": None}, status=400 if form.errors else 200
    )


@requires(uses_studio_pages)
def studio_detail(request, pk):
    studio = _studio(pk)
    can_admin = allows(can_edit_studio, studio)
    team = selectors.studio_team(studio)
    return render(
        request,
        "mediation/studio_detail.html",
        {
            "studio": studio,
            "team": selectors.team_by_kind(team),
            "has_lead": any(m.can_lead for m in team),
            "contacts": selectors.studio_contacts(studio),
            "new_requests": (
                selectors.new_online_request_count(studio) if allows(sees_online_requests, studio) else None
            ),
            "can_admin": can_admin,
            "member_form": StudioMemberForm() if can_admin else None,
            "contact_form": ContactForm(initial={"is_public": True}) if can_admin else None,
        },
    )


@requires(uses_studio_pages)
def studio_edit(request, pk):
    studio = _studio(pk, admin=True)
    initial = {
        "name": studio.name,
        "brand_name": studio.brand_name,
        "address": studio.address,
        "introduction": studio.introduction,
        "is_public": studio.is_public,
        "region": studio.region.code,
        "status": studio.status,
        "status_since": studio.status_since,
        "opened_on": studio.opened_on,
        "shared_station": studio.shared_station_id,
        "case_number_format": studio.case_number_format,
        "case_time_limit_days": studio.case_time_limit_days,
        "repeat_window_days": studio.repeat_window_days,
        "version": studio.version,
    }
    form = StudioForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.studio_update(studio=studio, updated_by=request.user, version=version, **data)
        except ValidationError as exc:
            add_errors(form, exc)
            studio.refresh_from_db()
        except PermissionDenied:
            studio.refresh_from_db()
            form.add_error("region", _("You cannot move the studio to this village."))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("mediation:studio_detail", pk=studio.pk)
    return render(
        request, "mediation/studio_form.html", {"form": form, "studio": studio}, status=400 if form.errors else 200
    )


@requires(uses_studio_pages)
@require_POST
def member_add(request, pk):
    studio = _studio(pk, admin=True)
    form = StudioMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the username and the capacity."))
        return redirect("mediation:studio_detail", pk=studio.pk)
    data = dict(form.cleaned_data)
    user = User.objects.filter(username=data.pop("username").strip()).first()
    if user is None:
        messages.error(request, _("No account with this username in your region."))
        return redirect("mediation:studio_detail", pk=studio.pk)
    try:
        services.studio_member_add(studio=studio, user=user, added_by=request.user, **data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s joined the team.") % {"name": user.name or user.username})
    return redirect("mediation:studio_detail", pk=studio.pk)


@requires(uses_studio_pages)
@require_POST
def member_remove(request, pk, item_pk):
    studio = _studio(pk, admin=True)
    member = StudioMember.objects.filter(studio=studio, pk=item_pk).select_related("user").first()
    if member is None:
        raise Http404
    try:
        services.studio_member_remove(member=member, removed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed from the team."))
    return redirect("mediation:studio_detail", pk=studio.pk)


@requires(uses_studio_pages)
@require_POST
def studio_contact_add(request, pk):
    studio = _studio(pk, admin=True)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.studio_contact_create(studio=studio, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Contact added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("mediation:studio_detail", pk=studio.pk)


@requires(uses_studio_pages)
@require_POST
def studio_contact_delete(request, pk, item_pk):
    studio = _studio(pk, admin=True)
    contact = StudioContact.objects.filter(studio=studio, pk=item_pk).first()
    if contact is None:
        raise Http404
    services.studio_contact_delete(contact=contact, deleted_by=request.user)
    messages.success(request, _("Contact removed."))
    return redirect("mediation:studio_detail", pk=studio.pk)
