from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("export/", views.person_export, name="export"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/relations/", views.relation_add, name="relation_add"),
    path("<int:pk>/relations/<int:relation_pk>/remove/", views.relation_remove, name="relation_remove"),
    path("<int:pk>/groups/", views.group_add, name="group_add"),
    path("<int:pk>/groups/<int:membership_pk>/end/", views.group_end, name="group_end"),
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/household/", views.household_create, name="household_set"),
    path("<int:pk>/subject-export/", views.subject_export, name="subject_export"),
    path("<int:pk>/erase/", views.person_erase, name="erase"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("groups/", views.target_groups, name="groups"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/check.xlsx", views.import_errors, name="import_errors"),
    path("import/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/actions/", views.action_add, name="action_add"),
    path("visits/actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("visits/needs/<int:pk>/status/", views.need_status, name="need_status"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("visits/calendar/", views.calendar, name="calendar"),
    path("visits/calendar/day/", views.calendar_day, name="calendar_day"),
    path("visits/overdue/", views.overdue, name="overdue"),
    path("visits/plans/", views.plans, name="plans"),
]
