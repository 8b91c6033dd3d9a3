"""Uploaded files, checked the same way on every upload field: the kind of file by its name *and*
its content, and its size (``settings.UPLOAD_MAX_BYTES``).

Excel imports (the discovery list, the resource registry) keep rows, not the file; an on-screen
signature is a PNG in the database (cases.services). The one upload kept as a file is a partner
agency's document on a referral (a PDF or an image: ``DocumentFileField``), stored through Django's
storage API under a random name and served only through its referral's door. MEDIA_URL is not
served (casemgmt/urls.py).
"""

import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

XLSX_EXTENSIONS = (".xlsx",)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# A zip of a few KB may unpack to gigabytes of XML (a "zip bomb"), and openpyxl holds all shared
# strings in memory. Real workbooks of our imports unpack to 3-10 times their size: refuse one whose
# parts add up to more than MAX_UNPACKED_RATIO times its own size (plus a little for the fixed
# parts of an empty workbook), or more than twice the upload limit in all.
MAX_UNPACKED_RATIO = 30
UNPACKED_ALLOWANCE = 512 * 1024
MAX_UNPACKED_OF_LIMIT = 2

NOT_A_SPREADSHEET = _(
    "This file is not an Excel workbook (.xlsx). Open it in Excel, save it as “Excel Workbook (*.xlsx)” "
    "and upload it again."
)
FILE_TOO_LARGE = _("The file is larger than %(limit)s. Split it into smaller files.")


def too_large_message():
    return FILE_TOO_LARGE % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}


def check_xlsx_content(file):
    """ValidationError unless ``file`` is an .xlsx workbook within the size limits.

    Reads the zip's table of contents, not the sheets (openpyxl does that afterwards), and leaves
    the file at its start.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    try:
        file.seek(0)
        if file.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
            raise ValidationError(NOT_A_SPREADSHEET, code="wrong_type")
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unpacked = sum(member.file_size for member in members)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(NOT_A_SPREADSHEET, code="wrong_type") from exc
    finally:
        file.seek(0)
    if not all(part in names for part in XLSX_PARTS):
        raise ValidationError(NOT_A_SPREADSHEET, code="wrong_type")
    if unpacked > min(
        size * MAX_UNPACKED_RATIO + UNPACKED_ALLOWANCE,
        settings.UPLOAD_MAX_BYTES * MAX_UNPACKED_OF_LIMIT,
    ):
        raise ValidationError(too_large_message(), code="too_large")


def validate_xlsx_upload(file):
    """An uploaded .xlsx: its name ends in .xlsx and its content is a workbook within the limits."""
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(XLSX_EXTENSIONS):
        raise ValidationError(NOT_A_SPREADSHEET, code="wrong_type")
    check_xlsx_content(file)


class XlsxFileField(forms.FileField):
    """A file field for Excel imports: only .xlsx workbooks up to ``settings.UPLOAD_MAX_BYTES``."""

    default_validators = [validate_xlsx_upload]

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": ",".join((*XLSX_EXTENSIONS, XLSX_CONTENT_TYPE))}
            ),
        )
        super().__init__(**kwargs)


# --- documents (a partner agency's PDF or image on a referral) -----------------------------------
#: The kinds of document kept, by their first bytes: what the file *is*, whatever its name says.
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)
DOCUMENT_EXTENSIONS = tuple(ext for _magic, _type, exts in DOCUMENT_SIGNATURES for ext in exts)
NOT_A_DOCUMENT = _(
    "Send a PDF, or a photo or scan as a JPEG or PNG image. Other kinds of file are not kept."
)
EMPTY_DOCUMENT = _("The file is empty.")


def check_document_content(file):
    """The content type of an uploaded PDF, PNG or JPEG within the size limit (ValidationError
    otherwise): its name and its first bytes must agree. Leaves the file at its start."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    if size == 0:
        raise ValidationError(EMPTY_DOCUMENT, code="empty")
    name = (getattr(file, "name", "") or "").lower()
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    for magic, content_type, extensions in DOCUMENT_SIGNATURES:
        if head.startswith(magic) and name.endswith(extensions):
            return content_type
    raise ValidationError(NOT_A_DOCUMENT, code="wrong_type")


class DocumentFileField(forms.FileField):
    """A PDF or image up to ``settings.UPLOAD_MAX_BYTES``; ``content_type`` set from its bytes."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": ",".join((*DOCUMENT_EXTENSIONS, "application/pdf", "image/*"))}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file:
            file.checked_content_type = check_document_content(file)
        return file
