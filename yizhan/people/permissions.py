"""Who works with residents: federation admins (their regions) and station managers (their village)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from yizhan.core.scoping import require_scope

from .models import can_see_people


def people_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_see_people(require_scope()):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def is_admin(scope) -> bool:
    return scope.unrestricted or bool(scope.admin_regions)


def require_people_api():
    scope = require_scope()
    if not can_see_people(scope):
        raise PermissionDenied
    return scope
