from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list_view, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("queue/", views.review_queue_view, name="review_queue"),
    path("queue/place/", views.queue_place, name="queue_place"),
    path("tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/partners/", views.partner_add, name="partner_add"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/items/<int:item_pk>/decide/", views.item_decide, name="item_decide"),
    path("<int:pk>/finalise/", views.meeting_finalise, name="meeting_finalise"),
    path("<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/", views.action_edit, name="action_edit"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/actions/<int:action_pk>/cancel/", views.action_cancel, name="action_cancel"),
    path("<int:pk>/copy/<int:attendee_pk>/", views.external_copy_view, name="external_copy"),
    path("<int:pk>/print/", views.minutes_print, name="minutes_print"),
    path(
        "<int:pk>/copy/<int:attendee_pk>/print/",
        views.external_copy_print,
        name="external_copy_print",
    ),
]
