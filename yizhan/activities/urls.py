from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("stations/<int:station_pk>/calendar.ics", views.station_feed, name="station_feed"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/publish/", views.activity_publish, name="publish"),
    path("<int:pk>/complete/", views.activity_complete, name="complete"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/register/", views.registration_add, name="register"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
]

# Volunteers, shifts and hours; repeating activities; calendars (views/volunteers.py, views/series.py,
# views/calendar.py).
urlpatterns += [
    path("<int:pk>/shifts/", views.activity_shifts, name="shifts"),
    path("shifts/<int:shift_pk>/signup/", views.shift_signup, name="shift_signup"),
    path("signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("signups/<int:pk>/check-in/", views.signup_check_in, name="signup_check_in"),
    path("signups/<int:pk>/check-out/", views.signup_check_out, name="signup_check_out"),
    path("signups/<int:pk>/confirm/", views.hours_confirm, name="hours_confirm"),
    path("signups/<int:pk>/correct/", views.hours_correct, name="hours_correct"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/me/", views.my_shifts, name="my_shifts"),
    path("volunteers/me/profile/", views.my_profile, name="my_profile"),
    path("volunteers/me/hours/", views.my_hours, name="my_hours"),
    path("volunteers/me/certificate.pdf", views.my_certificate, name="my_certificate"),
    path("hours/", views.hours_list, name="hours"),
    path("hours.xlsx", views.hours_export, name="hours_export"),
    path("series/new/", views.series_create, name="series_create"),
    path("<int:pk>/series/", views.series_edit, name="series_edit"),
    path("<int:pk>/series/cancel/", views.series_cancel, name="series_cancel"),
    path("calendar/", views.calendar_month, name="calendar_month"),
    path("calendar/week/", views.calendar_week, name="calendar_week"),
    path("calendar/list/", views.calendar_list, name="calendar_list"),
]
