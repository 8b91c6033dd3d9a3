"""The bench's URLconf (bench/scale.py sets it as ROOT_URLCONF): the project's pages plus a floor
view that runs one indexed query through the same middleware. Never part of the app."""

from django.http import HttpResponse
from django.urls import path

from casemgmt.urls import urlpatterns as project_urlpatterns


def floor(request):
    """One case by primary key: the least any page of the app can cost."""
    from cases.models import Case

    case = Case.objects.only("number").get(pk=int(request.GET["pk"]))
    return HttpResponse(case.number, content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench-floor/", floor, name="bench_floor"), *project_urlpatterns]
