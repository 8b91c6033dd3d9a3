from django.urls import path

from . import deadline_views, privacy_views, rotation_views, search_views, views
from .views import records as record_views

app_name = "cases"

case = "cases/<int:case_pk>/"

urlpatterns = [
    path("search/", search_views.search, name="search"),
    path("cases/rotation/", rotation_views.case_rotation, name="case_rotation"),
    path("deadlines/", deadline_views.deadline_settings, name="deadline_settings"),
    path("clients/", views.client_list_view, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/duplicates/", views.duplicate_check, name="duplicate_check"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_update, name="client_update"),
    path("clients/<int:pk>/archive/", views.client_archive, name="client_archive"),
    path("clients/<int:pk>/history/", privacy_views.client_history, name="client_history"),
    path(
        "clients/<int:pk>/resident-number/",
        privacy_views.client_resident_number,
        name="client_resident_number",
    ),
    path("clients/<int:pk>/intake/", views.intake_create, name="intake_create"),
    path(
        "clients/<int:pk>/household/new/",
        views.household_member_create,
        name="household_member_create",
    ),
    path(
        "clients/<int:pk>/household/<int:member_pk>/edit/",
        views.household_member_update,
        name="household_member_update",
    ),
    path("discovery/", views.discovery_list_view, name="discovery_list"),
    path("discovery/new/", views.discovery_create, name="discovery_create"),
    path("discovery/import/", views.discovery_import, name="discovery_import"),
    path("discovery/<int:entry_pk>/", views.discovery_detail, name="discovery_detail"),
    path("cases/", views.case_list_view, name="case_list"),
    path(case, views.case_detail, name="case_detail"),
    path(case + "history/", privacy_views.case_history, name="case_history"),
    path(case + "move/<str:transition>/", views.case_move, name="case_move"),
    path(case + "team/", views.case_team, name="case_team"),
    path(case + "handover/", views.case_handover, name="case_handover"),
    path(case + "handover/return/", views.case_return, name="case_return"),
    path(case + "assessments/new/", views.assessment_start, name="assessment_start"),
    path(case + "assessments/<int:number>/", views.assessment_edit, name="assessment_edit"),
    path(
        case + "assessments/<int:number>/need-row/",
        views.assessment_need_row,
        name="assessment_need_row",
    ),
    path(case + "selection/", views.selection_decide, name="selection_decide"),
    path(case + "consents/new/", views.consent_create, name="consent_create"),
    path(
        case + "consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(case + "plans/new/", views.plan_create, name="plan_create"),
    path(case + "plans/<int:number>/", views.plan_detail, name="plan_detail"),
    path(case + "plans/<int:number>/edit/", views.plan_update, name="plan_update"),
    path(case + "plans/<int:number>/goals/", views.plan_goal_add, name="plan_goal_add"),
    path(case + "plans/<int:number>/items/", views.plan_item_add, name="plan_item_add"),
    path(case + "plans/<int:number>/sign/", views.plan_sign, name="plan_sign"),
    path(case + "interventions/new/", views.intervention_create, name="intervention_create"),
    path(case + "monitoring/new/", views.monitoring_create, name="monitoring_create"),
    path(
        case + "monitoring/<int:pk>/confirm/",
        record_views.monitoring_confirm,
        name="monitoring_confirm",
    ),
    path(case + "evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path(case + "closure/new/", views.closure_create, name="closure_create"),
    path(case + "closure/approve/", views.closure_approve, name="closure_approve"),
    path(case + "follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path(case + "supervisions/new/", views.supervision_create, name="supervision_create"),
    path(
        case + "supervisions/<int:supervision_pk>/",
        views.supervision_detail,
        name="supervision_detail",
    ),
    # printed forms (?format=html: the same template as a page)
    path("print/blank/plan/", views.blank_plan_print, name="blank_plan_print"),
    path("print/blank/consent/", views.blank_consent_print, name="blank_consent_print"),
    path(case + "plans/<int:number>/print/", views.plan_print, name="plan_print"),
    path(
        case + "plans/<int:number>/sign-on-screen/", views.plan_sign_screen, name="plan_sign_screen"
    ),
    path(case + "consent/print/", views.consent_print, name="consent_print"),
    path(
        case + "consents/<int:consent_pk>/sign-on-screen/",
        views.consent_sign_screen,
        name="consent_sign_screen",
    ),
    path(case + "monitoring/print/", views.monitoring_print, name="monitoring_print"),
    path(case + "intake/print/", views.intake_print, name="intake_print"),
    path(case + "closure/print/", views.closure_print, name="closure_print"),
]
