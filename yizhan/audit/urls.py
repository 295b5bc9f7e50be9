from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("<int:pk>/", views.audit_detail, name="detail"),
    path("export.xlsx", views.audit_list_export, name="export"),
    path("pick/accounts/", views.pick_accounts, name="pick_accounts"),
]
