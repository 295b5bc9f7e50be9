from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("pick/rooms/", views.pick_rooms, name="pick_rooms"),
    path("pick/brand-items/", views.pick_brand_items, name="pick_brand_items"),
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
    # --- public sign-up (views/public.py): no login ---
    path("public/stations/<int:station_pk>/", views.public_station_activities, name="public_station"),
    path("public/towns/<str:code>/", views.public_town_activities, name="public_town"),
    path("public/<int:pk>/", views.public_activity, name="public_detail"),
    path("public/<int:pk>/signup/", views.public_signup, name="public_signup"),
    path("public/<int:pk>/mine/", views.public_find, name="public_find"),
    path("public/r/<str:token>/", views.public_registration, name="public_registration"),
    path("public/r/<str:token>/cancel/", views.public_registration_cancel, name="public_registration_cancel"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/new-link/",
        views.registration_new_link,
        name="registration_new_link",
    ),
]

# Check-in, the desk, the summary and satisfaction (views/checkin.py).
urlpatterns += [
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("photos/<int:photo_pk>/<str:variant>/", views.photo_file, name="photo_file"),
    path("<int:pk>/checkin-qr/", views.checkin_qr, name="checkin_qr"),
    path("<int:pk>/checkin-poster.pdf", views.checkin_poster, name="checkin_poster"),
    path("<int:pk>/feedback-qr/", views.feedback_qr, name="feedback_qr"),
    path("<int:pk>/desk/", views.desk, name="desk"),
    path("<int:pk>/desk/walk-in/", views.walk_in, name="walk_in"),
    path("<int:pk>/desk/<int:registration_pk>/check-in/", views.desk_check_in, name="desk_check_in"),
    path("<int:pk>/desk/<int:registration_pk>/undo/", views.desk_undo, name="desk_undo"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
]

# The cover photo (views/cover.py).
urlpatterns += [
    path("<int:pk>/cover/", views.cover_set, name="cover_set"),
    path("<int:pk>/cover/remove/", views.cover_remove, name="cover_remove"),
    path("<int:pk>/cover/<str:variant>/", views.cover_file, name="cover_file"),
    path("public/<int:pk>/cover/<str:variant>/", views.public_cover_file, name="public_cover_file"),
]

# Volunteers, shifts and hours; repeating activities; calendars (views/volunteers.py, views/series.py,
# views/calendar.py).
urlpatterns += [
    path("<int:pk>/shifts/", views.activity_shifts, name="shifts"),
    path("shifts/<int:shift_pk>/signup/", views.shift_signup, name="shift_signup"),
    path("shifts/<int:shift_pk>/edit/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:shift_pk>/delete/", views.shift_delete, name="shift_delete"),
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
    path("calendar/day/", views.calendar_day, name="calendar_day"),
]
