"""Download reasons (다운로드 사유): personal data leaves the screen only with a recorded reason.

A print or export view loads its object through the scoped door as usual (404 first for what
the user may not see); the door then asks ``download_reason(request)``. Without a valid reason
it raises ``DownloadReasonRequired``, which ``DownloadReasonMiddleware`` answers with a small
form that sends the officer back to the same address with the reason added, so every download
link in the app works unchanged and no view can forget to ask.

Only a download that holds someone's personal data asks: a view whose file holds none (a blank
form, the statistics, a list of services) does not call ``download_reason`` at all, and still
writes its access record. The view says which kind of document it makes (``Document``), so the
reasons offered fit it: a client's form is printed for the client's signature or a conference, a
list of partners' contact persons for linking clients with resources. A reason of another kind is
refused on the form, in Korean.
"""

from django.shortcuts import render

from .forms import REASONS_FOR, Document, DownloadReasonForm, Purpose

__all__ = [
    "REASONS_FOR",
    "Document",
    "DownloadReasonMiddleware",
    "DownloadReasonRequired",
    "Purpose",
    "download_reason",
    "is_download",
]

REASON_PARAMETERS = ("purpose", "reason")


class DownloadReasonRequired(Exception):
    def __init__(self, form):
        super().__init__("a download reason is required")
        self.form = form


def is_download(request) -> bool:
    """The HTML preview of a printed form (``?format=html``) is a page, not a download."""
    return request.GET.get("format") != "html"


def download_reason(request, *, document=Document.CLIENT_RECORD) -> str:
    """The reason given with this request, or DownloadReasonRequired (whose form offers the
    reasons that fit ``document``)."""
    given = any(name in request.GET for name in REASON_PARAMETERS)
    form = DownloadReasonForm(request.GET if given else None, document=document)
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
