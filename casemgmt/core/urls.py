from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("access-records/", views.access_record_list, name="access_records"),
    path("access-records/export/", views.access_record_export, name="access_record_export"),
    path("access-records/permissions/", views.permission_history, name="permission_history"),
    path("access-records/reviews/", views.access_review_create, name="access_review_create"),
    path("access-records/role-grants/", views.role_grants, name="role_grants"),
    path("access-records/role-grants/<int:pk>/", views.role_grant_decide, name="role_grant_decide"),
]
