"""Who may do what with accounts. Scope decides what is visible; these rules decide what may be changed."""

from yizhan.core.scoping import Scope
from yizhan.regions.models import Region

from .models import Role, User


def is_admin(scope: Scope) -> bool:
    return scope.unrestricted or bool(scope.admin_regions)


def can_grant(scope: Scope, role: str, region: Region) -> bool:
    """Admins give roles at or below their region; admin roles only strictly below it (no peers)."""
    if scope.unrestricted:
        return True
    if role == Role.FEDERATION_ADMIN:
        return any(region.code.startswith(code) and region.code != code for code in scope.admin_regions)
    return scope.covers_region(region.code, admin_only=True)


def can_manage_user(scope: Scope, target: User) -> bool:
    """An admin manages a user when every role the user holds is one the admin could have given."""
    if scope.unrestricted:
        return not target.is_superuser or target.pk == scope.user_id
    if target.pk == scope.user_id or target.is_superuser or not is_admin(scope):
        return False
    memberships = target.active_memberships()
    return bool(memberships) and all(can_grant(scope, m.role, m.region) for m in memberships)
