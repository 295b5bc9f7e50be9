from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yizhan.core.api import PageMeta, PageQuery, page_of
from yizhan.core.permissions import is_admin, requires
from yizhan.core.text import CODE_MAX_LENGTH, SEARCH_MAX_LENGTH

from . import selectors
from .models import User

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    role_name: str
    region_code: str
    region_name: str

    @staticmethod
    def resolve_role_name(obj):
        return str(obj.get_role_display())

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class UserOut(Schema):
    id: int
    username: str
    name: str
    mobile_masked: str
    is_active: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_mobile_masked(obj):
        return obj.masked("mobile")

    @staticmethod
    def resolve_memberships(obj):
        return getattr(obj, "active_membership_list", None) or obj.active_memberships()


class UserPage(Schema):
    meta: PageMeta
    items: list[UserOut]


@router.get("/me", response=UserOut, summary="The signed-in user, with roles and places")
def me(request):
    return request.user


class UserSearchIn(PageQuery):
    """Search users (a body for POST /users/search, the query of GET /users)."""

    q: str = Field("", max_length=SEARCH_MAX_LENGTH, description="Username or name; POST: also a full mobile number")
    role: str = Field("", max_length=CODE_MAX_LENGTH)


@router.get("/users", response=UserPage, summary="Users in your scope (search by name or username)")
@requires(is_admin)
def list_users(request, filters: Query[UserSearchIn]):
    if selectors.search_key(filters.q):
        raise ValidationError({"q": _("Search full mobile numbers with POST /api/accounts/users/search.")})
    meta, items = page_of(selectors.user_list(search=filters.q, role=filters.role), filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@router.post("/users/search", response=UserPage, summary="Search users, also by full mobile number (kept out of URLs)")
@requires(is_admin)
def search_users(request, payload: UserSearchIn):
    meta, items = page_of(selectors.user_list(search=payload.q, role=payload.role), payload.offset, payload.limit)
    return {"meta": meta, "items": items}


@router.get("/users/{user_id}", response=UserOut)
@requires(is_admin)
def get_user(request, user_id: int):
    try:
        return selectors.user_get(user_id)
    except User.DoesNotExist as exc:
        raise Http404 from exc
