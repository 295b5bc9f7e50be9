from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse

from yizhan.core import registry
from yizhan.core.collation import pinyin
from yizhan.core.crypto import blind_index
from yizhan.core.masking import mask

from .models import API_TOKEN_PREFIX, MOBILE_RE, ApiToken, RoleMembership, User


def search_key(search: str) -> str:
    """A full mobile number as a blind-index token ("m.<hash>") that may travel in URLs and logs; "" otherwise."""
    search = (search or "").strip()
    return "m." + blind_index("mobile", search) if MOBILE_RE.match(search) else ""


def user_list(*, search: str = "", role: str = "", key: str = ""):
    """Users in the actor's scope, with their active roles prefetched (2 queries whatever the page size)."""
    qs = User.objects.prefetch_related(
        Prefetch(
            "memberships",
            # unscoped: every role of a user in scope is listed with the user
            queryset=RoleMembership.all_objects.filter(is_active=True)
            .select_related("region")
            .order_by("region__code"),
            to_attr="active_membership_list",
        )
    ).order_by(pinyin("name"), "username")
    search = (search or "").strip()
    key = key or search_key(search)
    if key:
        qs = qs.filter(mobile_index=key.removeprefix("m.")) if key.startswith("m.") else qs.none()
    elif search:
        qs = qs.filter(username__icontains=search) | qs.filter(name__icontains=search)
    if role:
        # unscoped: narrows users already in scope by a role they hold
        qs = qs.filter(pk__in=RoleMembership.all_objects.filter(role=role, is_active=True).values("user_id"))
    return qs


def user_get(pk) -> User:
    return User.objects.get(pk=pk)


def user_memberships(user: User):
    return list(
        # unscoped: every role of a user in scope is listed with the user
        RoleMembership.all_objects.filter(user=user)
        .select_related("region", "created_by")
        .order_by("-is_active", "region__code")
    )


def masked_mobile(user: User) -> str:
    return mask("mobile", user.mobile)


def memberships_with_places(
    memberships: list[RoleMembership],
) -> list[tuple[RoleMembership, Model | None, str]]:
    """Each membership with its place (station, studio …) and the place's page, one query per kind of place."""
    places = registry.resolve_places([pair for m in memberships for pair in m.place_ids()])
    result: list[tuple[RoleMembership, Model | None, str]] = []
    for m in memberships:
        place = next((places.get(pair) for pair in m.place_ids()), None)
        url = reverse(registry.place_kinds()[m.place_kind].url_name, args=[place.pk]) if place is not None else ""
        result.append((m, place, url))
    return result


API_TOKEN_MAX_LENGTH = 100  # keys are 47 characters; anything much longer is not one


def api_tokens(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones too, marked as such)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get(pk: int) -> ApiToken:
    return ApiToken.objects.select_related("user").get(pk=pk)


def api_token_for_key(key: str) -> ApiToken | None:
    """The token a client presented, with its owner, if it may be used now: known, not revoked, not expired, owner
    active. None otherwise (the caller does not learn which)."""
    if not key.startswith(API_TOKEN_PREFIX) or len(key) > API_TOKEN_MAX_LENGTH:
        return None
    # unscoped: the key is checked before any scope exists (it decides whose scope the request gets)
    token = ApiToken.all_objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
    return token if token is not None and token.is_usable() else None
