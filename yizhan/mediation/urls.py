from django.urls import path

from .views import cases, insight, outcomes, requests, studios

app_name = "mediation"
urlpatterns = [
    path("", studios.studio_list, name="studio_list"),
    path("new/", studios.studio_create, name="studio_create"),
    path("<int:pk>/", studios.studio_detail, name="studio_detail"),
    path("<int:pk>/edit/", studios.studio_edit, name="studio_edit"),
    path("<int:pk>/team/", studios.member_add, name="member_add"),
    path("<int:pk>/team/<int:item_pk>/remove/", studios.member_remove, name="member_remove"),
    path("<int:pk>/contacts/", studios.studio_contact_add, name="studio_contact_add"),
    path("<int:pk>/contacts/<int:item_pk>/delete/", studios.studio_contact_delete, name="studio_contact_delete"),
    # cases
    path("cases/", cases.case_list, name="case_list"),
    path("<int:pk>/cases/new/", cases.case_intake, name="case_intake"),
    path("<int:pk>/requests/", requests.request_list, name="requests"),
    path("<int:pk>/requests/<int:request_pk>/take-in/", requests.request_take_in, name="request_take_in"),
    path("<int:pk>/requests/<int:request_pk>/decline/", requests.request_decline, name="request_decline"),
    path("cases/<int:case_pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:case_pk>/accept/", cases.case_accept, name="case_accept"),
    path("cases/<int:case_pk>/not-accept/", cases.case_not_accept, name="case_not_accept"),
    path("cases/<int:case_pk>/team/", cases.case_team, name="case_team"),
    path("cases/<int:case_pk>/close/", cases.case_close, name="case_close"),
    # outcomes: agreement, judicial confirmation, time limit, follow-up visits
    path("cases/<int:case_pk>/agreement/", outcomes.agreement_edit, name="agreement_edit"),
    path("cases/<int:case_pk>/agreement/scan/", outcomes.agreement_scan_upload, name="agreement_scan_upload"),
    path("cases/<int:case_pk>/agreement/<int:revision>/pdf/", outcomes.agreement_pdf_download, name="agreement_pdf"),
    path("cases/<int:case_pk>/agreement/<int:revision>/scan/", outcomes.agreement_scan, name="agreement_scan"),
    path("cases/<int:case_pk>/confirmation/", outcomes.confirmation_apply, name="confirmation_apply"),
    path("cases/<int:case_pk>/confirmation/decision/", outcomes.confirmation_decide, name="confirmation_decide"),
    path("cases/<int:case_pk>/extend/", outcomes.case_extend, name="case_extend"),
    path("cases/<int:case_pk>/follow-ups/<int:item_pk>/", outcomes.follow_up_record, name="follow_up_record"),
    path("cases/<int:case_pk>/follow-ups/<int:item_pk>/step/", outcomes.follow_up_act, name="follow_up_act"),
    # overview: early warning and statistics
    path("cases/warnings/", insight.case_warnings, name="case_warnings"),
    path("cases/statistics/", insight.case_statistics, name="case_statistics"),
    path("cases/statistics.xlsx", insight.case_statistics_export, name="case_statistics_export"),
    path("pick/studios/", insight.pick_studios, name="pick_studios"),
]

from .views import case_file, safety, sessions  # noqa: E402  (the safety and sessions slice, appended)

urlpatterns += [
    path("cases/<int:case_pk>/safety/", safety.case_safety, name="case_safety"),
    path("cases/<int:case_pk>/safety/screen/", safety.safety_screen, name="safety_screen"),
    path("cases/<int:case_pk>/safety/override/", safety.safety_override, name="safety_override"),
    path("cases/<int:case_pk>/safety/police/", safety.safety_police, name="safety_police"),
    path("cases/<int:case_pk>/safety/orders/", safety.safety_order, name="safety_order"),
    path("cases/<int:case_pk>/safety/orders/<int:order_pk>/ruling/", safety.safety_ruling, name="safety_ruling"),
    path("cases/<int:case_pk>/safety/reports/", safety.safety_report_open, name="safety_report_open"),
    path(
        "cases/<int:case_pk>/safety/reports/<int:report_pk>/",
        safety.safety_report_record,
        name="safety_report_record",
    ),
    path("cases/<int:case_pk>/sessions/", sessions.case_sessions, name="case_sessions"),
    path("cases/<int:case_pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("cases/<int:case_pk>/sessions/<int:session_pk>/", sessions.session_detail, name="session_detail"),
    path(
        "cases/<int:case_pk>/sessions/<int:session_pk>/record/",
        sessions.session_record_update,
        name="session_record_update",
    ),
    path("cases/<int:case_pk>/sessions/<int:session_pk>/consent/", sessions.session_consent, name="session_consent"),
    path("cases/<int:case_pk>/recusals/", sessions.recusal_create, name="recusal_create"),
    path("cases/<int:case_pk>/recusals/<int:recusal_pk>/decide/", sessions.recusal_decide, name="recusal_decide"),
    path("appointments/", sessions.appointment_list, name="appointment_list"),
    path("appointments/new/", sessions.appointment_create, name="appointment_create"),
    path("appointments/<int:pk>/status/", sessions.appointment_status, name="appointment_status"),
    path("cases/<int:case_pk>/file/", case_file.case_file, name="case_file"),
]
