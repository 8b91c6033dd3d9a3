"""Reading printed forms as a person would: text per page, fonts, page size (poppler-utils)."""

import subprocess  # noqa: S404 (poppler's command-line tools on a file we wrote)
import tempfile


def _run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout  # noqa: S603 (poppler's tools, fixed arguments)


def _write(data):
    handle = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)  # noqa: SIM115
    handle.write(data)
    handle.close()
    return handle.name


def text(data, *, page=None, layout=False):
    """Text of the PDF (or of one page). Without ``layout``, in drawing order (-raw): each table
    cell's lines come together, so a wrapped cell still reads as one value."""
    path = _write(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", "-layout" if layout else "-raw", *pages, path, "-")


def flat_text(data, **kwargs):
    """The text with all white space removed, so wrapped cells still match."""
    return "".join(text(data, **kwargs).split())


def fonts(data):
    return _run("pdffonts", _write(data))


def info(data):
    lines = _run("pdfinfo", _write(data)).splitlines()
    return dict(line.split(":", 1) for line in lines if ":" in line)


def page_count(data):
    return int(info(data)["Pages"].strip())


def page_size(data):
    """(width, height) in points, rounded."""
    size = info(data)["Page size"].split("pts")[0].split("x")
    return tuple(round(float(v)) for v in size)


def squash(value):
    return "".join(str(value).split())


# Printing or exporting personal data asks for a reason (casemgmt/core/downloads.py).
REASON = {"purpose": "audit"}


def with_reason(url):
    """``url`` with a download reason, so the PDF or the file comes at once."""
    return url + ("&" if "?" in url else "?") + "purpose=audit"
