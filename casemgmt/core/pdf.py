"""Printed forms: a Django template rendered to PDF bytes with WeasyPrint.

The same template is the browser's HTML preview (``render_preview``) and the PDF (``render_pdf``),
so the paper and the screen cannot drift apart. Printed forms are Korean paper: they are rendered
in the site's language (ko) whatever the officer's screen language is. Static files (print.css)
are read from the staticfiles finders, so no web request is needed (the signing service renders
too); ``data:`` URLs (an on-screen signature) are read by WeasyPrint itself.
"""

import hashlib
import threading
import time

from csp.constants import NONE
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

BASE_URL = "http://print.invalid/"


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Static files from the finders and data: URLs; nothing from the network or the disk."""

        def fetch(self, url, headers=None):
            static_prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
            if url.startswith(static_prefix):
                path = finders.find(url[len(static_prefix) :].split("?")[0])
                if not path:
                    raise ValueError(f"not a static file: {url}")
                with open(path, "rb") as handle:
                    body = handle.read()
                return URLFetcherResponse(url, body, {"Content-Type": _mime_type(path)})
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url}")

    return StaticOnlyFetcher(fail_on_errors=True)


def _mime_type(path):
    return {"css": "text/css", "png": "image/png", "svg": "image/svg+xml"}.get(
        path.rsplit(".", 1)[-1], "application/octet-stream"
    )


def render_html(template_name, context):
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template_name, {"print_mode": "pdf", **context})


_cache = threading.local()


def _print_stylesheet():
    """print.css parsed once per thread (a good part of a small form's time goes into parsing it);
    per thread, because a font configuration is not meant to be shared between threads."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_cache, "stylesheet"):
        font_config = FontConfiguration()
        with open(finders.find("css/print.css"), encoding="utf-8") as handle:
            _cache.stylesheet = (
                CSS(string=handle.read(), base_url=BASE_URL, font_config=font_config),
                font_config,
            )
    return _cache.stylesheet


CONTINUED_ROW = "data-continued-row"


def render_pdf(template_name, context) -> bytes:
    """The PDF of a form. A table row marked ``data-continued-row="<key>"`` (a row that says 〃,
    "as above", instead of repeating its group's text) must not open a page: a reader of that
    page would not know what it continues. When such rows open pages, the form is laid out once
    more with their keys in ``context["page_start_rows"]``, so they print the text in full."""
    from weasyprint import HTML

    stylesheet, font_config = _print_stylesheet()

    def layout(ctx):
        html = render_html(template_name, ctx)
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).render(
            stylesheets=[stylesheet], font_config=font_config
        )
        return html, document

    html, document = layout(context)
    if CONTINUED_ROW in html:
        starting = _continued_rows_opening_pages(document)
        if starting:
            html, document = layout({**context, "page_start_rows": starting})
    return document.write_pdf()


def _continued_rows_opening_pages(document):
    """The keys of the continued rows that are the first body row of a page."""
    found = set()
    for page in document.pages[1:]:
        for box in page._page_box.descendants():
            if getattr(box, "element_tag", None) != "tr" or box.element is None:
                continue
            if box.element.get("data-row") is None:
                continue  # a repeated header row
            key = box.element.get(CONTINUED_ROW)
            if key is not None:
                found.add(key)
            break
    return found


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "no-store"
    # Not the pages' policy: Chromium shows an inline PDF in its own viewer (an <embed> and inline
    # styles), which object-src 'none' and style-src 'self' would block (crbug.com/271452). A PDF
    # runs no script of ours; it keeps nosniff, X-Frame-Options and frame-ancestors.
    response._csp_config = {"frame-ancestors": [NONE]}
    return response


def _quote(filename):
    from urllib.parse import quote

    return quote(filename)


def render_preview(request, template_name, context) -> HttpResponse:
    """The same template as an HTML page, with the stylesheet served as a static file."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {"print_mode": "html", **context}, request=request)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response


def print_response(request, template_name, context, *, filename) -> HttpResponse:
    """``?format=html``: the preview; otherwise the PDF."""
    if request.GET.get("format") == "html":
        return render_preview(request, template_name, context)
    return pdf_response(render_pdf(template_name, context), filename)


def timed_render(template_name, context):
    """(bytes, seconds): for the benchmark."""
    start = time.perf_counter()
    data = render_pdf(template_name, context)
    return data, time.perf_counter() - start
