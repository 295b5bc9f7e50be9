"""Documents the platform hands out: Excel files (and, later, PDFs). Every app writes them through this module.

Excel
- ``clean_cell(value)`` / ``clean_row(values)``: what goes into any cell. Text loses the control characters that
  XML (and so .xlsx) cannot hold — U+0000–U+001F except tab, line feed and carriage return; openpyxl raises
  ``IllegalCharacterError`` on them, which was a 500 — and text starting with ``=``, ``+``, ``-`` or ``@`` gets a
  leading apostrophe, so a spreadsheet program never runs user text as a formula (formula injection).
- ``workbook_bytes(wb)`` and ``xlsx_response(content, filename)``: small files built with openpyxl (templates,
  reports with several styled sheets) and their download response.
- ``streamed_xlsx_response(filename, sheet_title=..., header=..., rows=...)``: large exports (the resident list). The
  file is written while it is sent: ``rows`` is consumed lazily, a few rows at a time, and each chunk of the .xlsx
  (a zip archive) leaves as soon as it is compressed, so memory stays flat however many rows there are and the
  download starts at once.

  Why not openpyxl ``write_only`` or xlsxwriter ``constant_memory``: both write the rows to a temporary file and
  only build the zip archive when the workbook is closed, so nothing can be sent before the last row is written;
  openpyxl also keeps every distinct text (names, numbers, addresses) in its shared-strings table in memory until
  then. Here the one worksheet is written as inline strings straight into a ``zipfile`` entry whose output goes to
  the response, so memory does not grow with the rows. A zip archive written without seeking puts each entry's
  sizes in a data descriptor after its data (standard zip, APPNOTE 4.3.9); openpyxl and LibreOffice read the
  result like any other .xlsx.

  The body is produced after the view has returned, when the WSGI server reads it, and by then the request's scope
  (``core.scoping``, activated by ``ScopeMiddleware`` only around the view) and language are gone: the response
  captures both when it is made and activates them again around every chunk (``in_request_context``), so scoped
  queries in ``rows`` see exactly what the view saw.

PDF
  The mediation agreement (人民调解协议书) and the case file (卷宗) will be rendered here, with the CJK font that the
  install provides (``bin/system-packages fonts``) embedded so the documents print the same everywhere. Nothing makes
  a PDF yet, so there is no function for it.
"""

import enum
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import TypeVar, overload
from xml.sax.saxutils import escape

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .scoping import Scope, activate, require_scope

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@")
MAX_CELL_TEXT = 32767  # Excel's limit for the text of one cell
# Characters XML 1.0 cannot hold (tab, line feed and carriage return can), lone surrogates and the non-characters.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CHUNK_BYTES = 64 * 1024

_V = TypeVar("_V")
_Response = TypeVar("_Response", bound=HttpResponseBase)


@overload
def clean_cell(value: str | Promise) -> str: ...
@overload
def clean_cell(value: _V) -> _V: ...
def clean_cell(value: object) -> object:
    """A value as it may go into a cell: text without illegal characters and never read as a formula."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if value[:1] in FORMULA_START:
        value = "'" + value
    return value[:MAX_CELL_TEXT]


def clean_row(values: Iterable[object]) -> list[object]:
    return [clean_cell(value) for value in values]


def new_workbook(sheet_title: object) -> tuple[Workbook, Worksheet]:
    """A new openpyxl workbook and its first sheet, titled."""
    wb = Workbook()
    ws = wb.create_sheet(_sheet_name(sheet_title))
    wb.remove(wb.worksheets[0])
    return wb, ws


def workbook_bytes(wb: Workbook) -> bytes:
    """An openpyxl workbook as the bytes of an .xlsx file."""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _download(response: _Response, filename: str) -> _Response:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"  # exports hold personal data: never kept by a browser or proxy
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """The download of an .xlsx file made in memory (``workbook_bytes``)."""
    return _download(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), filename)


class _End(enum.Enum):
    DONE = enum.auto()  # what next() gives once the chunks are exhausted


_DONE = _End.DONE


def in_request_context(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` produced later (by the server sending a response) in the scope and language active now."""
    scope = require_scope()
    language = translation.get_language()
    return _replay(iter(chunks), scope, language)


def _replay(chunks: Iterator[bytes], scope: Scope, language: str) -> Iterator[bytes]:
    try:
        while True:
            with activate(scope), translation.override(language):
                chunk = next(chunks, _DONE)
            if chunk is _DONE:
                return
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            with activate(scope), translation.override(language):
                close()


class ExportTooLargeError(Exception):
    """More rows match than one file may hold (``count`` of at most ``limit``; ``count`` may be ``limit + 1``, meaning
    "more than the limit", when counting further would cost a scan); the filters must be narrowed."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(count, limit)
        self.count = count
        self.limit = limit


def streamed_xlsx_response(
    filename: str, *, sheet_title: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """The download of a one-sheet .xlsx written while it is sent: ``header`` (bold, frozen) then ``rows``, which
    may be a generator that queries the database (it runs in this request's scope and language). Cells go through
    ``clean_cell``; text, numbers and booleans keep their type, dates and times are written as ISO text."""
    body = in_request_context(xlsx_stream(rows, sheet_title=sheet_title, header=header))
    return _download(StreamingHttpResponse(body, content_type=XLSX_CONTENT_TYPE), filename)


# --- the streamed .xlsx -------------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: normal; style 1: bold (the header row).
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: object) -> str:
    name = _SHEET_NAME_ILLEGAL.sub(" ", clean_cell(str(title)).lstrip("'")).strip()[:31]
    return name or "Sheet1"


def _workbook_xml(sheet_title: object) -> str:
    name = escape(_sheet_name(sheet_title), {'"': "&quot;"})
    return (
        _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _cell(ref: str, value: object, style: str) -> str:
    if isinstance(value, Promise):
        value = str(value)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)) and value == value and abs(value) != float("inf"):
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if isinstance(value, (date, datetime, time)):
        value = value.isoformat()
    text = escape(clean_cell(str(value)))
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(number: int, values: Sequence[object], letters: list[str], style: str = "") -> str:
    while len(letters) < len(values):
        letters.append(get_column_letter(len(letters) + 1))
    cells = "".join(_cell(f"{letters[i]}{number}", value, style) for i, value in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


class _Sink:
    """A write-only file for ``zipfile``: keeps what was written until ``drain`` hands it out."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.pending = 0
        self._position = 0

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self._parts.append(data)
        self.pending += len(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass  # zipfile never closes a file it was handed; part of the file interface it is typed against

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts, self.pending = [], 0
        return data


def xlsx_stream(
    rows: Iterable[Sequence[object]], *, sheet_title: object, header: Sequence[object] = ()
) -> Iterator[bytes]:
    """The bytes of a one-sheet .xlsx file, produced chunk by chunk while ``rows`` is consumed."""
    sink = _Sink()
    letters: list[str] = []
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(sheet_title))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", mode="w") as sheet:
            head = [_XML, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
            if header:
                head.append(
                    '<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>"
                    f'<cols><col min="1" max="{len(header)}" width="16" customWidth="1"/></cols>'
                )
            head.append("<sheetData>")
            if header:
                head.append(_row(1, header, letters, ' s="1"'))
            sheet.write("".join(head).encode())
            number = 1 if header else 0
            for values in rows:
                number += 1
                sheet.write(_row(number, values, letters).encode())
                if sink.pending >= CHUNK_BYTES:
                    yield sink.drain()
            sheet.write(b"</sheetData></worksheet>")
    yield sink.drain()
