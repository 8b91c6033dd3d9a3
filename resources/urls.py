from django.urls import path

from . import partner_views, views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list_view, name="resource_list"),
    path("new/", views.resource_create, name="resource_create"),
    path("<int:pk>/", views.resource_detail, name="resource_detail"),
    path("<int:pk>/edit/", views.resource_update, name="resource_update"),
    path("<int:pk>/archive/", views.resource_archive, name="resource_archive"),
    path("<int:pk>/restore/", views.resource_restore, name="resource_restore"),
    path("providers/", views.provider_list_view, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_update, name="provider_update"),
    path("providers/<int:pk>/archive/", views.provider_archive, name="provider_archive"),
    path("providers/<int:pk>/restore/", views.provider_restore, name="provider_restore"),
    path("providers/<int:pk>/partners/", partner_views.partner_accounts, name="partner_accounts"),
    path(
        "providers/<int:pk>/partners/new/",
        partner_views.partner_account_create,
        name="partner_account_create",
    ),
    path(
        "partners/<int:pk>/active/",
        partner_views.partner_account_active,
        name="partner_account_active",
    ),
    path(
        "partners/<int:pk>/reset/",
        partner_views.partner_account_reset,
        name="partner_account_reset",
    ),
    path("development/", views.development_list_view, name="development_list"),
    path("development/new/", views.development_create, name="development_create"),
    path("development/<int:pk>/edit/", views.development_update, name="development_update"),
    path("import/", views.registry_import, name="registry_import"),
    path("referrals/", views.referral_list_view, name="referral_list"),
    path("referrals/<int:referral_pk>/", views.referral_detail, name="referral_detail"),
    path(
        "referrals/<int:referral_pk>/documents/<int:pk>/",
        partner_views.referral_document_download,
        name="referral_document_download",
    ),
    path("referrals/<int:referral_pk>/status/", views.referral_change, name="referral_change"),
    path("plan-items/<int:plan_item_pk>/refer/", views.referral_create, name="referral_create"),
]
