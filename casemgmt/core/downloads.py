"""Download reasons (다운로드 사유): personal data leaves the screen only with a recorded reason.

A print or export view loads its object through the scoped door as usual (404 first for what
the user may not see); the door then asks ``download_reason(request)``. Without a valid reason
it raises ``DownloadReasonRequired``, which ``DownloadReasonMiddleware`` answers with a small
form that sends the officer back to the same address with the reason added, so every download
link in the app works unchanged and no view can forget to ask.
"""

from django.shortcuts import render

from .forms import DownloadReasonForm

REASON_PARAMETERS = ("purpose", "reason")


class DownloadReasonRequired(Exception):
    def __init__(self, form):
        super().__init__("a download reason is required")
        self.form = form


def is_download(request) -> bool:
    """The HTML preview of a printed form (``?format=html``) is a page, not a download."""
    return request.GET.get("format") != "html"


def download_reason(request) -> str:
    """The reason given with this request, or DownloadReasonRequired."""
    given = any(name in request.GET for name in REASON_PARAMETERS)
    form = DownloadReasonForm(request.GET if given else None)
    if not (given and form.is_valid()):
        raise DownloadReasonRequired(form)
    return form.cleaned_data["reason"]


def reason_page(request, form):
    keep = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in REASON_PARAMETERS
        for value in values
    ]
    return render(
        request,
        "core/download_reason.html",
        {"form": form, "keep": keep, "action": request.path},
        status=400 if form.is_bound else 200,
    )


class DownloadReasonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DownloadReasonRequired):
            return reason_page(request, exception.form)
        return None
