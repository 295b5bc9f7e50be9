from django.urls import include, path

from yizhan.accounts.views import root
from yizhan.core.views import reveal_value

from .api import api

urlpatterns = [
    path("", root, name="root"),
    path("accounts/", include("yizhan.accounts.urls")),
    path("regions/", include("yizhan.regions.urls")),
    path("audit/", include("yizhan.audit.urls")),
    path("notifications/", include("yizhan.notifications.urls")),
    path("stations/", include("yizhan.stations.urls")),
    path("public/", include("yizhan.stations.public_urls")),
    path("people/", include("yizhan.people.urls")),
    path("reveal/<str:label>/<int:pk>/<str:field>/", reveal_value, name="reveal"),
    path("api/", api.urls),
]
