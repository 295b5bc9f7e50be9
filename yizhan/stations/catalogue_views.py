"""The shared catalogue: the five service lines (fixed) and the room and position types admins can extend."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.forms import add_errors
from yizhan.core.permissions import allows, is_admin, requires

from . import selectors, services
from .forms import LookupTypeForm
from .models import PositionType, RoomType
from .permissions import can_manage_catalogue

KINDS = {"room-types": RoomType, "position-types": PositionType}


@requires(is_admin)
def catalogue(request, form=None, kind=None):
    can_manage = allows(can_manage_catalogue)
    return render(
        request,
        "stations/catalogue.html",
        {
            "lines": selectors.service_lines(),
            "room_types": RoomType.objects.order_by("sort_order", "code"),
            "position_types": PositionType.objects.order_by("sort_order", "code"),
            "can_manage": can_manage,
            "room_form": form if kind == "room-types" else LookupTypeForm(),
            "position_form": form if kind == "position-types" else LookupTypeForm(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@requires(is_admin)
@require_POST
def lookup_save(request, kind):
    model = KINDS.get(kind)
    if model is None or not allows(can_manage_catalogue):
        raise PermissionDenied
    form = LookupTypeForm(request.POST)
    if form.is_valid():
        try:
            obj = services.lookup_type_save(model=model, saved_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": obj.name})
            return redirect("stations:catalogue")
    return catalogue(request, form=form, kind=kind)
