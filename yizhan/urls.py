from django.urls import path

from yizhan.accounts.views import root
from yizhan.core import registry
from yizhan.core.health import healthz

from .api import api

# Each app mounts its own pages from its AppConfig (yizhan/core/registry.py).
urlpatterns = [
    path("", root, name="root"),
    path("healthz", healthz, name="healthz"),
    *registry.url_patterns(),
    path("api/", api.urls),
]
