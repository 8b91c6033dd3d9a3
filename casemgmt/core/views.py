from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from cases.selectors import client_counts, client_list, intake_statistics, waiting_for

from .access import record_access
from .forms import LoginForm
from .models import AccessAction
from .selectors import month_start, recent_activity


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "idle_minutes": settings.SESSION_IDLE_MINUTES}


def dashboard(request):
    user = request.user
    recent_clients = list(client_list(user=user, filters={"sort": "-created"})[:5])
    if recent_clients:
        record_access(request, action=AccessAction.VIEW, clients=[c.pk for c in recent_clients])
    return render(
        request,
        "core/dashboard.html",
        {
            "counts": client_counts(user=user),
            "waiting": waiting_for(user=user),
            "intakes": intake_statistics(user=user, since=month_start().date()),
            "recent_clients": recent_clients,
            "activity": recent_activity(user=user),
        },
    )
