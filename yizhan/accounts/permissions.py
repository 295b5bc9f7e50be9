"""Who may do what with accounts, in the vocabulary of ``yizhan.core.permissions``. Scope decides what is visible;
these rules decide what may be changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from yizhan.core.permissions import is_admin, is_admin_over, is_admin_strictly_above, predicate
from yizhan.core.scoping import Scope

from .roles import Role

if TYPE_CHECKING:
    from yizhan.regions.models import Region

    from .models import User


def can_grant(scope: Scope, role: str, region: Region) -> bool:
    """Admins give roles at or below their region; admin roles only strictly below it (no peers)."""
    if role == Role.FEDERATION_ADMIN:
        return is_admin_strictly_above(scope, region)
    return is_admin_over(scope, region)


@predicate
def can_manage_user(scope: Scope, target: User) -> bool:
    """An admin manages a user when every role the user holds is one the admin could have given."""
    if scope.unrestricted:
        return not target.is_superuser or target.pk == scope.user_id
    if target.pk == scope.user_id or target.is_superuser or not is_admin(scope):
        return False
    memberships = target.active_memberships()
    return bool(memberships) and all(can_grant(scope, m.role, m.region) for m in memberships)
