"""Excel in and out: the template, the export of a resource list, and the import of providers and
resources with a row-by-row report.

The file format is fixed and Korean whatever the screen language: officers exchange these files,
so header names and choice labels are the Korean ones (codes are accepted as well). An import is
all or nothing: every row is checked by the same forms and services as the pages, and if any row
is refused, nothing is saved and the report lists every refused row.
"""

import functools
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from casemgmt.core import xlsx
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.korean import with_particle
from casemgmt.core.spreadsheets import xlsx_row
from cases.choices import NeedDomain

from . import services
from .forms import ProviderForm, ResourceForm
from .models import (
    SUBTYPES_OF_KIND,
    CapacityUnit,
    Provider,
    ProviderKind,
    Resource,
    ResourceKind,
    ResourceSubtype,
    Sector,
    can_register,
)
from .selectors import gu_dongs, provider_choices

PROVIDER_SHEET = "제공기관"
RESOURCE_SHEET = "자원"
GUIDE_SHEET = "작성 안내"

YES, NO = "예", "아니요"
YES_WORDS = {"예", "네", "o", "y", "yes", "true", "1", "참", "공유", "참여"}
NO_WORDS = {"아니요", "아니오", "x", "n", "no", "false", "0", "거짓", "미공유", "불참"}
WHOLE_GU_WORDS = {"", "전체", "구 전체", "구전체"}

# (header, form field, kind of cell): kinds are text, choice, bool, date, number, provider, dongs
PROVIDER_COLUMNS = [
    ("기관명", "name", "text"),
    ("구분", "sector", "choice"),
    ("기관 유형", "kind", "choice"),
    ("담당자", "contact_person", "text"),
    ("전화번호", "phone", "text"),
    ("주소", "address", "text"),
    ("서비스 지역", "service_dongs", "dongs"),
    ("통합사례회의 참여", "joins_case_conferences", "bool"),
]
RESOURCE_COLUMNS = [
    ("자원명", "name", "text"),
    ("자원 종류", "kind", "choice"),
    ("세부 유형", "subtype", "choice"),
    ("욕구 영역", "need_domain", "choice"),
    ("설명", "description", "text"),
    ("이용 조건", "eligibility", "text"),
    ("제공기관", "provider", "provider"),
    ("정원", "capacity", "number"),
    ("정원 단위", "capacity_unit", "choice"),
    ("이용 시작일", "available_from", "date"),
    ("이용 종료일", "available_until", "date"),
    ("비용", "cost", "text"),
    ("구 전체 공유", "shared_gu_wide", "bool"),
]
# Shown by the export, read by nobody: the import passes over them in silence.
EXPORT_ONLY_COLUMNS = ["번호", "등록 동", "사용 중", "남은 정원", "최종 수정", "최종 수정자"]
# The provider's contact person and phone: a person's name and number, only in the export with
# contacts (which asks for a download reason); the import passes over them too.
CONTACT_COLUMNS = ["기관 담당자", "기관 전화번호"]
REQUIRED = {PROVIDER_SHEET: ["기관명"], RESOURCE_SHEET: ["자원명"]}

CHOICES = {
    PROVIDER_SHEET: {"sector": Sector, "kind": ProviderKind},
    RESOURCE_SHEET: {
        "kind": ResourceKind,
        "subtype": ResourceSubtype,
        "need_domain": NeedDomain,
        "capacity_unit": CapacityUnit,
    },
}

MAX_ROWS = 5000

NO_KNOWN_SHEET = gettext_lazy(
    "No sheet named “제공기관” or “자원” was found. Start from the template."
)
TOO_MANY_ROWS = gettext_lazy("A sheet may hold at most %(max)s rows. Split the file.")
MISSING_COLUMN = gettext_lazy("The column “%(column)s” is missing from the header row.")
UNKNOWN_PROVIDER = gettext_lazy(
    "%(name)s is not a registered provider. Register it first or add it to the providers sheet."
)
UNKNOWN_DONG = gettext_lazy("%(name)s is not a dong of this gu.")
NOT_YES_OR_NO = gettext_lazy("Write 예 or 아니요.")
NOT_A_NUMBER = gettext_lazy("Write a whole number.")
NOT_ALLOWED_TO_REGISTER = gettext_lazy("Your role cannot add to the registry.")
IGNORED_COLUMNS = gettext_lazy("These columns were not read: %(columns)s")


NotASpreadsheet = xlsx.NotASpreadsheet


@dataclass
class RowProblem:
    sheet: str
    row: int | None  # None: the sheet as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    providers: int = 0
    resources: int = 0
    rows_checked: int = 0

    @property
    def saved(self):
        return not self.problems and self.providers + self.resources > 0

    def refuse(self, sheet, row, column, message):
        self.problems.append(RowProblem(sheet, row, column, str(message)))


# --- reading ------------------------------------------------------------------------------------


def read_workbook(file):
    """{sheet name: Sheet} for the sheets we know (the first of each kind), read the same way as
    every upload (casemgmt.core.xlsx: bounded rows, headed columns only).

    NotASpreadsheet for anything openpyxl cannot open as a workbook, or a file over the size limit.
    """
    kinds = []

    def wanted(worksheet):
        kind = _sheet_kind(worksheet)
        if kind is None or kind in kinds:
            return False
        kinds.append(kind)
        return True

    return dict(zip(kinds, xlsx.read_sheets(file, max_rows=MAX_ROWS, wanted=wanted), strict=True))


def _rows(sheets, kind):
    return sheets[kind].rows if kind in sheets else []


def _sheet_kind(sheet):
    title = sheet.title.strip()
    if title in (PROVIDER_SHEET, RESOURCE_SHEET):
        return title
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    headers = {xlsx.cell_text(v) for v in first}
    if "자원명" in headers:
        return RESOURCE_SHEET
    if "기관명" in headers:
        return PROVIDER_SHEET
    return None


# --- importing ----------------------------------------------------------------------------------


class _RollBack(Exception):
    pass


def import_registry(*, by, file) -> ImportReport:
    """Import the providers, then the resources of a workbook; all or nothing."""
    sheets = read_workbook(file)
    report = ImportReport()
    if not sheets:
        report.refuse("", None, "", NO_KNOWN_SHEET)
        return report
    for sheet, read in sheets.items():
        headers = read.headers
        columns = PROVIDER_COLUMNS if sheet == PROVIDER_SHEET else RESOURCE_COLUMNS
        known = {h for h, _f, _k in columns} | set(EXPORT_ONLY_COLUMNS) | set(CONTACT_COLUMNS)
        for required in REQUIRED[sheet]:
            if required not in headers:
                report.refuse(sheet, 1, required, MISSING_COLUMN % {"column": required})
        unknown = [h for h in headers if h not in known]
        if unknown:
            report.notes.append(f"{sheet}: " + IGNORED_COLUMNS % {"columns": ", ".join(unknown)})
        if read.truncated:
            report.refuse(sheet, None, "", TOO_MANY_ROWS % {"max": MAX_ROWS})
        model = Provider if sheet == PROVIDER_SHEET else Resource
        if read.rows and not can_register(by, model):
            report.refuse(sheet, None, "", NOT_ALLOWED_TO_REGISTER)
    if report.problems:
        return report
    try:
        with transaction.atomic():
            for number, cells in _rows(sheets, PROVIDER_SHEET):
                _import_provider(by=by, number=number, cells=cells, report=report)
            for number, cells in _rows(sheets, RESOURCE_SHEET):
                _import_resource(by=by, number=number, cells=cells, report=report)
            if report.problems:
                raise _RollBack
    except _RollBack:
        report.providers = report.resources = 0
    return report


MIDDLE_DOTS = str.maketrans({"ㆍ": "·", "・": "·", "∙": "·", "•": "·", "/": "·"})


def _normal(text):
    """Labels as people type them: case, spaces and the many middle dots do not matter."""
    return "".join(str(text).lower().split()).translate(MIDDLE_DOTS)


@functools.cache
def _choice_lookup(choices_class):
    """Korean label, English label or code → code."""
    lookup = {}
    for language in ("en", "ko"):
        with translation.override(language):
            for value, label in choices_class.choices:
                lookup[_normal(label)] = value
    for value in choices_class.values:
        lookup[_normal(value)] = value
    return lookup


def _form_data(*, sheet, columns, cells, by, number, report):
    """Cells → form data; what cannot be converted is refused here, the rest by the form."""
    data, ok = {}, True
    for header, name, kind in columns:
        text = cells.get(header, "")
        if kind == "choice":
            data[name] = _choice_lookup(CHOICES[sheet][name]).get(_normal(text), text)
        elif kind == "bool":
            word = text.lower()
            if word == "" and name == "shared_gu_wide":
                data[name] = "true"
            elif word in YES_WORDS:
                data[name] = "true"
            elif word in NO_WORDS or word == "":
                data[name] = "false"
            else:
                report.refuse(sheet, number, header, NOT_YES_OR_NO)
                ok = False
        elif kind == "number":
            if text and not text.lstrip("-").isdigit():
                report.refuse(sheet, number, header, NOT_A_NUMBER)
                ok = False
            data[name] = text
        elif kind == "provider":
            if text:
                provider = provider_choices(user=by).filter(name=text).first()
                if provider is None:
                    report.refuse(
                        sheet, number, header,
                        UNKNOWN_PROVIDER % {"name": with_particle(f"“{text}”", "은/는")},
                    )  # fmt: skip
                    ok = False
                else:
                    data[name] = str(provider.pk)
        elif kind == "dongs":
            names = [n.strip() for n in text.replace(";", ",").replace("\n", ",").split(",")]
            names = [n for n in names if n not in WHOLE_GU_WORDS]
            dongs = {d.name: d.pk for d in gu_dongs(user=by)}
            pks = []
            for dong_name in names:
                if dong_name in dongs:
                    pks.append(str(dongs[dong_name]))
                else:
                    report.refuse(
                        sheet, number, header,
                        UNKNOWN_DONG % {"name": with_particle(f"“{dong_name}”", "은/는")},
                    )  # fmt: skip
                    ok = False
            data[name] = pks
        else:
            data[name] = text
    return data, ok


def _refuse_form(*, sheet, columns, form, number, report):
    headers = {name: header for header, name, _kind in columns}
    for name, errors in form.errors.items():
        for message in errors:
            report.refuse(sheet, number, headers.get(name, ""), message)


def _refuse_error(*, sheet, columns, error, number, report):
    headers = {name: header for header, name, _kind in columns}
    if hasattr(error, "message_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                report.refuse(sheet, number, headers.get(name, ""), message)
    else:
        for message in getattr(error, "messages", [getattr(error, "message", str(error))]):
            report.refuse(sheet, number, "", message)


def _import_row(*, sheet, columns, form_class, create, by, number, cells, report):
    report.rows_checked += 1
    data, ok = _form_data(
        sheet=sheet, columns=columns, cells=cells, by=by, number=number, report=report
    )
    if not ok:
        return False
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    form = form_class(query, user=by)
    if not form.is_valid():
        _refuse_form(sheet=sheet, columns=columns, form=form, number=number, report=report)
        return False
    try:
        create(by=by, **form.service_data())
    except ValidationError as error:
        _refuse_error(sheet=sheet, columns=columns, error=error, number=number, report=report)
        return False
    except (ApplicationError, PermissionDenied) as error:
        report.refuse(sheet, number, "", getattr(error, "message", NOT_ALLOWED_TO_REGISTER))
        return False
    return True


def _import_provider(*, by, number, cells, report):
    if _import_row(
        sheet=PROVIDER_SHEET,
        columns=PROVIDER_COLUMNS,
        form_class=ProviderForm,
        create=services.create_provider,
        by=by,
        number=number,
        cells=cells,
        report=report,
    ):
        report.providers += 1


def _import_resource(*, by, number, cells, report):
    if _import_row(
        sheet=RESOURCE_SHEET,
        columns=RESOURCE_COLUMNS,
        form_class=ResourceForm,
        create=services.create_resource,
        by=by,
        number=number,
        cells=cells,
        report=report,
    ):
        report.resources += 1


# --- writing ------------------------------------------------------------------------------------


def _label(choices_class, value):
    if not value:
        return ""
    with translation.override("ko"):
        return str(choices_class(value).label)


def _yes_no(value):
    return YES if value else NO


def _contact_cells(provider):
    return [provider.contact_person, provider.phone] if provider is not None else ["", ""]


def write_resources(resources, *, with_contacts=False):
    """The resources as an .xlsx (bytes), in the import format plus read-only columns; with
    ``with_contacts`` also each provider's contact person and phone.
    A write-only workbook: rows stream to the file, whatever the length of the list."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(RESOURCE_SHEET)
    contacts = CONTACT_COLUMNS if with_contacts else []
    sheet.append([h for h, _f, _k in RESOURCE_COLUMNS] + EXPORT_ONLY_COLUMNS + contacts)
    for r in resources.iterator(chunk_size=500):
        left = r.capacity_left if r.capacity is not None else None
        provider = r.provider if r.provider_id else None
        sheet.append(
            xlsx_row(
                sheet,
                [
                    r.name,
                    _label(ResourceKind, r.kind),
                    _label(ResourceSubtype, r.subtype),
                    _label(NeedDomain, r.need_domain),
                    r.description,
                    r.eligibility,
                    provider.name if provider else "",
                    r.capacity,
                    _label(CapacityUnit, r.capacity_unit),
                    r.available_from,
                    r.available_until,
                    r.cost,
                    _yes_no(r.shared_gu_wide),
                    r.pk,
                    r.registering_dong.name if r.registering_dong_id else "구청",
                    r.capacity_in_use,
                    max(left, 0) if left is not None else None,
                    timezone.localtime(r.updated_at).replace(tzinfo=None),
                    str(r.updated_by) if r.updated_by_id else "",
                ]
                + (_contact_cells(provider) if with_contacts else []),
            )  # fmt: skip
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook(*, user):
    """An empty workbook with both header rows, drop-down lists and a sheet of allowed values."""
    book = Workbook()
    bold = Font(bold=True)
    providers = book.active
    providers.title = PROVIDER_SHEET
    resources = book.create_sheet(RESOURCE_SHEET)
    guide = book.create_sheet(GUIDE_SHEET)
    for sheet, columns in ((providers, PROVIDER_COLUMNS), (resources, RESOURCE_COLUMNS)):
        sheet.append([h for h, _f, _k in columns])
        for index, cell in enumerate(sheet[1], start=1):
            cell.font = bold
            sheet.column_dimensions[cell.column_letter].width = 18 if index > 1 else 28
        sheet.freeze_panes = "A2"

    with translation.override("ko"):
        lists = {
            "sector": ("구분", [str(c.label) for c in Sector]),
            "provider_kind": ("기관 유형", [str(c.label) for c in ProviderKind]),
            "kind": ("자원 종류", [str(c.label) for c in ResourceKind]),
            "subtype": (
                "세부 유형",
                [str(s.label) for subs in SUBTYPES_OF_KIND.values() for s in subs],
            ),
            "subtype_kind": (
                "(세부 유형의 자원 종류)",
                [str(ResourceKind(k).label) for k, subs in SUBTYPES_OF_KIND.items() for _s in subs],
            ),
            "need_domain": ("욕구 영역", [str(c.label) for c in NeedDomain]),
            "unit": ("정원 단위", [str(c.label) for c in CapacityUnit]),
            "yes_no": ("예/아니요", [YES, NO]),
            "dong": ("동", [d.name for d in gu_dongs(user=user)]),
        }
        guide.append([_("How to fill in this workbook")])
        guide["A1"].font = bold
        for line in (
            _("One row per provider or resource. Do not change the header row."),
            _("Only the name is required; the page's rules apply to every other column."),
            _("Service area: dong names separated by commas; leave it empty for the whole gu."),
            _("Provider of a resource: the exact name of a registered provider or of a row of "
              "the providers sheet."),
            _("If any row is refused, nothing is saved: fix the rows listed and upload again."),
        ):  # fmt: skip
            guide.append([line])
        guide.append([])
        start = guide.max_row + 1
        guide.append([title for title, _values in lists.values()])
        for cell in guide[start]:
            cell.font = bold
        longest = max(len(values) for _t, values in lists.values())
        for i in range(longest):
            guide.append(
                xlsx_row(
                    guide, [values[i] if i < len(values) else None for _t, values in lists.values()]
                )
            )
        for index in range(1, len(lists) + 1):
            guide.column_dimensions[guide.cell(row=start, column=index).column_letter].width = 24
    keys = list(lists)

    def drop_down(sheet, header, key):
        headers = [c.value for c in sheet[1]]
        letter = sheet.cell(row=1, column=headers.index(header) + 1).column_letter
        source = guide.cell(row=start, column=keys.index(key) + 1).column_letter
        count = len(lists[key][1])
        rule = DataValidation(
            type="list",
            formula1=f"'{GUIDE_SHEET}'!${source}${start + 1}:${source}${start + count}",
            allow_blank=True,
            showErrorMessage=False,  # a drop-down to help, not a lock: the import checks
        )
        sheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")

    drop_down(providers, "구분", "sector")
    drop_down(providers, "기관 유형", "provider_kind")
    drop_down(providers, "통합사례회의 참여", "yes_no")
    drop_down(resources, "자원 종류", "kind")
    drop_down(resources, "세부 유형", "subtype")
    drop_down(resources, "욕구 영역", "need_domain")
    drop_down(resources, "정원 단위", "unit")
    drop_down(resources, "구 전체 공유", "yes_no")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
