from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("export.xlsx", views.coverage_export, name="coverage_export"),
    path("plan/", views.coverage_plan, name="coverage_plan"),
    path("pick/regions/", views.pick_regions, name="pick_regions"),
]
