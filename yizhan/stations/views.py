"""Station pages for federation admins and station managers. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.accounts.models import User
from yizhan.core import registry
from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import allows, is_admin, require, requires

from . import selectors, services
from .forms import (
    BrandItemForm,
    ContactForm,
    HoursExceptionForm,
    HoursForm,
    ManagerAssignForm,
    PhotoForm,
    PlaceFilterForm,
    RoomForm,
    StationAdminForm,
    StationCreateForm,
    StationProfileForm,
)
from .models import BrandItem, Contact, HoursException, Photo, Room, Station, Status
from .permissions import can_admin_place, can_edit_station, uses_station_pages


def _station(pk, *, edit=False) -> Station:
    try:
        station = selectors.station_get(pk)
    except Station.DoesNotExist as exc:
        raise Http404 from exc
    if edit:
        require(can_edit_station, station)
    return station


def _child(model, station, pk):
    try:
        return model.objects.select_related("station__region").get(station=station, pk=pk)
    except (model.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _status(form):
    return 400 if form is not None and form.errors else 200


@requires(uses_station_pages)
def station_list(request):
    form = PlaceFilterForm(request.GET or None)
    stations = selectors.station_list(**form.filters()) if not form.errors else Station.objects.none()
    return render(
        request,
        "stations/station_list.html",
        {"page": paginate(request, stations), "form": form, "can_create": allows(is_admin)},
        status=_status(form),
    )


@requires(is_admin)
def station_create(request):
    form = StationCreateForm(request.POST or None, initial={"status": Status.PLANNED, "is_public": True})
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("You cannot add a station in this village."))
        else:
            messages.success(request, _("Station %(name)s created.") % {"name": station.display_name})
            return redirect("stations:detail", pk=station.pk)
    return render(request, "stations/station_create.html", {"form": form}, status=_status(form))


@requires(uses_station_pages)
def station_detail(request, pk):
    station = _station(pk)
    return render(
        request,
        "stations/station_detail.html",
        {
            "station": station,
            "profile": selectors.station_profile(station),
            "can_edit": allows(can_edit_station, station),
            "can_admin": allows(can_admin_place, station),
            "manager_form": ManagerAssignForm() if allows(can_admin_place, station) else None,
            "managers": selectors.station_managers(station),
            "panels": registry.place_panels("station", request, station),
        },
    )


@requires(uses_station_pages)
def station_edit(request, pk):
    station = _station(pk, edit=True)
    is_admin = allows(can_admin_place, station)
    form_class = StationAdminForm if is_admin else StationProfileForm
    initial = {
        "name": station.name,
        "brand_name": station.brand_name,
        "address": station.address,
        "floor_area": station.floor_area,
        "introduction": station.introduction,
        "is_public": station.is_public,
        "positions": list(station.positions.all()),
        "version": station.version,
        "region": station.region.code,
        "status": station.status,
        "status_since": station.status_since,
        "opened_on": station.opened_on,
    }
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, positions = data.pop("version"), data.pop("positions")
        try:
            services.station_update(
                station=station, updated_by=request.user, version=version, positions=positions, **data
            )
        except ValidationError as exc:
            add_errors(form, exc)
            station.refresh_from_db()
        except PermissionDenied:
            form.add_error(None, _("You cannot move this station or change its status."))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("stations:detail", pk=station.pk)
    return render(
        request,
        "stations/station_edit.html",
        {"station": station, "form": form, "is_admin": is_admin},
        status=_status(form),
    )


@requires(uses_station_pages)
def station_hours(request, pk):
    station = _station(pk, edit=True)
    form = HoursForm(request.POST or None, intervals=selectors.station_intervals(station))
    exception_form = HoursExceptionForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_set(station=station, intervals=form.intervals(), updated_by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("stations:hours", pk=station.pk)
    return _hours_page(request, station, form, exception_form)


def _hours_page(request, station, form, exception_form):
    return render(
        request,
        "stations/station_hours.html",
        {
            "station": station,
            "form": form,
            "exception_form": exception_form,
            "profile": selectors.station_profile(station),
        },
        status=400 if form.errors or exception_form.errors else 200,
    )


@requires(uses_station_pages)
@require_POST
def hours_exception_add(request, pk):
    station = _station(pk, edit=True)
    exception_form = HoursExceptionForm(request.POST)
    if exception_form.is_valid():
        try:
            services.hours_exception_set(station=station, updated_by=request.user, **exception_form.cleaned_data)
        except ValidationError as exc:
            add_errors(exception_form, exc)
        else:
            messages.success(request, _("Exception saved."))
            return redirect("stations:hours", pk=station.pk)
    form = HoursForm(intervals=selectors.station_intervals(station))
    return _hours_page(request, station, form, exception_form)


@requires(uses_station_pages)
@require_POST
def hours_exception_delete(request, pk, item_pk):
    station = _station(pk, edit=True)
    services.hours_exception_delete(exception=_child(HoursException, station, item_pk), deleted_by=request.user)
    messages.success(request, _("Exception removed."))
    return redirect("stations:hours", pk=station.pk)


@requires(uses_station_pages)
def room_list(request, pk):
    station = _station(pk, edit=True)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            services.room_create(station=station, created_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Room added."))
            return redirect("stations:rooms", pk=station.pk)
    return render(
        request,
        "stations/room_list.html",
        {"station": station, "rooms": selectors.station_rooms(station), "form": form},
        status=_status(form),
    )


@requires(uses_station_pages)
def room_edit(request, pk, item_pk):
    station = _station(pk, edit=True)
    room = _child(Room, station, item_pk)
    initial = {**{f: getattr(room, f) for f in services.ROOM_FIELDS}, "version": room.version}
    form = RoomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["sort_order"] = data["sort_order"] or 0
        data["version"] = data["version"] or 0  # a form without the version it was loaded with is stale
        try:
            services.room_update(room=room, updated_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
            room.refresh_from_db()
        else:
            messages.success(request, _("Changes saved."))
            return redirect("stations:rooms", pk=station.pk)
    return render(
        request, "stations/room_edit.html", {"station": station, "room": room, "form": form}, status=_status(form)
    )


@requires(uses_station_pages)
@require_POST
def room_delete(request, pk, item_pk):
    station = _station(pk, edit=True)
    services.room_delete(room=_child(Room, station, item_pk), deleted_by=request.user)
    messages.success(request, _("Room removed."))
    return redirect("stations:rooms", pk=station.pk)


@requires(uses_station_pages)
def item_list(request, pk):
    station = _station(pk, edit=True)
    form = BrandItemForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            services.brand_item_create(station=station, created_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Brand item added."))
            return redirect("stations:items", pk=station.pk)
    return render(
        request,
        "stations/item_list.html",
        {"station": station, "items": selectors.station_brand_items(station), "form": form},
        status=_status(form),
    )


@requires(uses_station_pages)
def item_edit(request, pk, item_pk):
    station = _station(pk, edit=True)
    item = _child(BrandItem, station, item_pk)
    initial = {
        "name": item.name,
        "description": item.description,
        "is_active": item.is_active,
        "service_lines": list(item.service_lines.all()),
        "version": item.version,
    }
    form = BrandItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = {**form.cleaned_data, "version": form.cleaned_data["version"] or 0}
            services.brand_item_update(item=item, updated_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
            item.refresh_from_db()
        else:
            messages.success(request, _("Changes saved."))
            return redirect("stations:items", pk=station.pk)
    return render(
        request, "stations/item_edit.html", {"station": station, "item": item, "form": form}, status=_status(form)
    )


@requires(uses_station_pages)
def contact_list(request, pk):
    station = _station(pk, edit=True)
    form = ContactForm(request.POST or None, initial={"is_public": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(station=station, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("stations:contacts", pk=station.pk)
    return render(
        request,
        "stations/contact_list.html",
        {"station": station, "contacts": selectors.station_profile(station).contacts, "form": form},
        status=_status(form),
    )


@requires(uses_station_pages)
@require_POST
def contact_delete(request, pk, item_pk):
    station = _station(pk, edit=True)
    services.contact_delete(contact=_child(Contact, station, item_pk), deleted_by=request.user)
    messages.success(request, _("Contact removed."))
    return redirect("stations:contacts", pk=station.pk)


@requires(uses_station_pages)
def photo_list(request, pk):
    station = _station(pk, edit=True)
    form = PhotoForm(request.POST or None, request.FILES or None, initial={"is_public": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_add(
                station=station,
                upload=form.cleaned_data["image"],
                uploaded_by=request.user,
                caption=form.cleaned_data["caption"],
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Photo uploaded."))
            return redirect("stations:photos", pk=station.pk)
    return render(
        request,
        "stations/photo_list.html",
        {"station": station, "photos": selectors.station_profile(station).photos, "form": form},
        status=_status(form),
    )


@requires(uses_station_pages)
@require_POST
def photo_delete(request, pk, item_pk):
    station = _station(pk, edit=True)
    services.photo_delete(photo=_child(Photo, station, item_pk), deleted_by=request.user)
    messages.success(request, _("Photo removed."))
    return redirect("stations:photos", pk=station.pk)


def serve_photo(photo: Photo, variant: str):
    name = photo.thumbnail if variant == "thumb" else photo.image
    if not name or not default_storage.exists(name):
        raise Http404
    content_type = "image/jpeg" if variant == "thumb" else photo.content_type
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(uses_station_pages)
def photo_file(request, pk, variant):
    try:
        photo = Photo.objects.get(pk=pk)
    except Photo.DoesNotExist as exc:
        raise Http404 from exc
    return serve_photo(photo, variant)


@requires(is_admin)
@require_POST
def manager_assign(request, pk):
    station = _station(pk)
    if not allows(can_admin_place, station):
        raise PermissionDenied
    form = ManagerAssignForm(request.POST)
    user = None
    if form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
    if user is None:
        messages.error(request, _("No account with this username in your region."))
    else:
        services.station_manager_assign(station=station, user=user, assigned_by=request.user)
        messages.success(request, _("%(name)s now manages this station.") % {"name": user.name or user.username})
    return redirect("stations:detail", pk=station.pk)
