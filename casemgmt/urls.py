from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from casemgmt.core import two_factor_views
from casemgmt.core.views import LoginView, PasswordChangeView

admin.site.site_header = _("Case management administration")
admin.site.site_title = _("Case management")

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/settings/", two_factor_views.manage, name="two_factor_manage"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("cases.urls")),
    path("resources/", include("resources.urls")),
    path("meetings/", include("meetings.urls")),
    path("partner/", include("casemgmt.partner.urls")),
    path("", include("casemgmt.core.urls")),
    path("", include("casemgmt.work.urls")),
]
