"""View guards. Pages a role may not use answer 403; objects outside the scope answer 404 (scoped managers)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .scoping import require_scope


def admin_required(view):
    """Federation admins (at any level) and platform superusers only."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = require_scope()
        if not (scope.unrestricted or scope.admin_regions):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
