"""A partner agency's own pages (외부 협력기관): its referrals and its conference copies."""

from django.urls import path

from . import views

app_name = "partner"

urlpatterns = [
    path("", views.home, name="home"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="referral_answer"),
    path("referrals/<int:pk>/report/", views.referral_report, name="referral_report"),
    path("referrals/<int:pk>/documents/", views.referral_document, name="referral_document"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_copy, name="meeting"),
]
