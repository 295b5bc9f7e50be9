from django.urls import path

from . import views

app_name = "mediation"
urlpatterns = [
    path("", views.studio_list, name="studio_list"),
    path("new/", views.studio_create, name="studio_create"),
    path("<int:pk>/", views.studio_detail, name="studio_detail"),
    path("<int:pk>/edit/", views.studio_edit, name="studio_edit"),
    path("<int:pk>/team/", views.member_add, name="member_add"),
    path("<int:pk>/team/<int:item_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/contacts/", views.studio_contact_add, name="studio_contact_add"),
    path("<int:pk>/contacts/<int:item_pk>/delete/", views.studio_contact_delete, name="studio_contact_delete"),
]
