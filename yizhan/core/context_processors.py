from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scoping import get_scope

NAV = [
    # (url name, label, who: "all", "admin" or "staff" = admins and station managers)
    ("accounts:home", _("Home"), "all"),
    ("accounts:user_list", _("Users"), "admin"),
    ("regions:index", _("Regions"), "admin"),
    ("stations:list", _("Stations"), "stations"),
    ("stations:studio_list", _("Studios"), "studios"),
    ("stations:coverage", _("Coverage"), "admin"),
    ("people:list", _("Residents"), "staff"),
    ("audit:list", _("Audit log"), "admin"),
    ("notifications:list", _("Notifications"), "all"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = get_scope()
    is_admin = bool(scope and (scope.unrestricted or scope.admin_regions))
    is_staff = is_admin or bool(scope and scope.regions_for("station_manager"))
    items = []
    for name, label, who in NAV:
        if (who == "admin" and not is_admin) or (who == "staff" and not is_staff):
            continue
        if who in ("stations", "studios") and not (is_admin or (scope and scope.place_ids(who[:-1]))):
            continue
        url = reverse(name)
        items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
