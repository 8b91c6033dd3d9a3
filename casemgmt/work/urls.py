from django.urls import path

from . import alert_views, calendar_views, statistics_views, team_views, views

app_name = "work"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts/<int:pk>/open/", alert_views.alert_open, name="alert_open"),
    path("alerts/read/", alert_views.alerts_read, name="alerts_read"),
    path("team/", team_views.team_view, name="team"),
    path("statistics/", statistics_views.statistics_page, name="statistics"),
    path("statistics/export.xlsx", statistics_views.statistics_export, name="statistics_export"),
]
