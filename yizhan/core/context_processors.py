from django.http import HttpRequest
from django.urls import reverse

from . import registry
from .scoping import get_scope


def navigation(request: HttpRequest) -> dict[str, list[dict[str, object]]]:
    """The main navigation: each app's entries (from its AppConfig) that the user's scope passes."""
    user = getattr(request, "user", None)
    scope = get_scope()
    if user is None or not user.is_authenticated or scope is None:
        return {"nav_items": []}
    items: list[dict[str, object]] = []
    for entry, rule in registry.navigation():
        if not rule(scope):
            continue
        url = reverse(entry.url_name)
        items.append({"url": url, "label": entry.label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
