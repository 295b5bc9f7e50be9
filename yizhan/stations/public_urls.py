from django.urls import path

from . import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("towns/<str:code>/", public_views.town, name="town"),
    path("stations/<int:pk>/", public_views.station, name="station"),
    path("studios/<int:pk>/", public_views.studio, name="studio"),
    path("photos/<int:pk>/<str:variant>/", public_views.photo, name="photo"),
]
