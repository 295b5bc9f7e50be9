from django.urls import path

from . import calendar, views

# The namespace keeps its name from before the portal app existed: {% url "public:station" pk %} …
app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("areas/<str:code>/", views.area, name="area"),
    path("towns/<str:code>/", views.town, name="town"),
    path("stations/<int:pk>/", views.station, name="station"),
    path("studios/<int:pk>/", views.studio, name="studio"),
    path("studios/<int:pk>/request/", views.studio_request, name="studio_request"),
    path("photos/<int:pk>/<str:variant>/", views.photo, name="photo"),
]

# The public activity calendars (calendar.py).
urlpatterns += [
    path("towns/<str:code>/calendar/", calendar.town_calendar, name="town_calendar"),
    path("stations/<int:pk>/calendar/", calendar.station_calendar, name="station_calendar"),
]
