"""URLs of bench/scale.py: the project's, plus Django's admin for stations and residents and a bare template view.

The admin is the comparison for our station and people lists, on the same data and scope: it is served to the same
federation admin (made staff for the bench; ``is_staff`` does not change a scope), behind the same middleware, and
its querysets are the scoped managers (``Model.objects``), so it lists exactly what our pages list. It is view-only.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from yizhan.people.models import Person
from yizhan.stations.models import Station
from yizhan.urls import urlpatterns as project_urls


class BenchAdminSite(admin.AdminSite):
    site_header = "bench"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff


class ViewOnly(admin.ModelAdmin):
    list_per_page = 50  # our lists' page size

    def has_view_permission(self, request, obj=None):
        return True

    def has_module_permission(self, request):
        return True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model.objects.all()  # scoped: the request's scope, as on our pages


class StationAdmin(ViewOnly):
    list_display = ("name", "region", "status", "opened_on", "floor_area", "is_public")
    list_select_related = ("region",)


class PersonAdmin(ViewOnly):
    list_display = ("name", "gender", "region", "mobile_hint", "residency", "created_at")
    list_select_related = ("region",)


site = BenchAdminSite(name="bench_admin")
site.register(Station, StationAdmin)
site.register(Person, PersonAdmin)

_BARE = engines["django"].from_string(
    "<!doctype html><html lang='zh-Hans'><head><title>bare</title></head><body><p>{{ user.get_username }}</p>"
    "<form method='post'>{% csrf_token %}</form></body></html>"
)


def bare(request):
    """A template view with nothing behind it: what the middleware alone costs."""
    return HttpResponse(_BARE.render({}, request))


urlpatterns = [
    path("bench/admin/", site.urls),
    path("bench/bare/", bare),
    *project_urls,
]
