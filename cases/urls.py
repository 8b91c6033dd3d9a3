from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.client_list_view, name="client_list"),
    path("new/", views.client_create, name="client_create"),
    path("<int:pk>/", views.client_detail, name="client_detail"),
    path("<int:pk>/edit/", views.client_update, name="client_update"),
]
