from django.urls import path

from . import catalogue_views, picker_views, views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("new/", views.station_create, name="create"),
    path("pick/villages/", picker_views.pick_villages, name="pick_villages"),
    path("pick/stations/", picker_views.pick_stations, name="pick_stations"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/manager/", views.manager_assign, name="manager_assign"),
    path("<int:pk>/hours/", views.station_hours, name="hours"),
    path("<int:pk>/hours/exceptions/", views.hours_exception_add, name="exception_add"),
    path("<int:pk>/hours/exceptions/<int:item_pk>/delete/", views.hours_exception_delete, name="exception_delete"),
    path("<int:pk>/rooms/", views.room_list, name="rooms"),
    path("<int:pk>/rooms/<int:item_pk>/", views.room_edit, name="room_edit"),
    path("<int:pk>/rooms/<int:item_pk>/delete/", views.room_delete, name="room_delete"),
    path("<int:pk>/items/", views.item_list, name="items"),
    path("<int:pk>/items/<int:item_pk>/", views.item_edit, name="item_edit"),
    path("<int:pk>/contacts/", views.contact_list, name="contacts"),
    path("<int:pk>/contacts/<int:item_pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/photos/", views.photo_list, name="photos"),
    path("<int:pk>/photos/<int:item_pk>/delete/", views.photo_delete, name="photo_delete"),
    path("photos/<int:pk>/<str:variant>/", views.photo_file, name="photo_file"),
    path("catalogue/", catalogue_views.catalogue, name="catalogue"),
    path("catalogue/<str:kind>/", catalogue_views.lookup_save, name="lookup_save"),
]
