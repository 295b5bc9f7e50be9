"""Excel files: safe cells, the download responses, the streamed .xlsx and the scope it keeps (core/documents.py)."""

import io
import zipfile
from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from yizhan.core import documents
from yizhan.core.documents import (
    clean_cell,
    clean_row,
    in_request_context,
    streamed_xlsx_response,
    workbook_bytes,
    xlsx_response,
    xlsx_stream,
)
from yizhan.core.scoping import ScopeError, get_scope, scope_for, scopes_disabled
from yizhan.people.models import Person
from yizhan.tests.factories import PersonFactory


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+86 139", "'+86 139"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("王\u0001芳", "王芳"),
        ("\u0002=1", "'=1"),  # a hidden control character does not hide a formula
        ("a\tb\nc\rd", "a\tb\nc\rd"),
        ("\x00\x08\x0b\x0c\x0e\x1f\ufffe", ""),
        ("x" * 40000, "x" * 32767),
        (12, 12),
        (None, None),
        (date(2026, 1, 2), date(2026, 1, 2)),
    ],
)
def test_clean_cell(value, cleaned):
    assert clean_cell(value) == cleaned


def test_clean_row_turns_lazy_translations_into_text():
    with translation.override("zh-hans"):
        assert clean_row([gettext_lazy("Name"), 1]) == ["姓名", 1]


def test_openpyxl_accepts_every_cleaned_value():
    wb = Workbook()
    wb.active.append(clean_row(["王\u0001芳", "=1+1", "ok"]))
    sheet = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert [c.value for c in sheet[1]] == ["王芳", "'=1+1", "ok"]
    assert all(c.data_type == "s" for c in sheet[1])


def test_xlsx_response_is_a_private_download():
    response = xlsx_response(b"PK", "居民-2026.xlsx")
    assert response["Content-Type"] == documents.XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")


def _read(data: bytes):
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    return load_workbook(io.BytesIO(data)).active


def test_streamed_workbook_reads_back_with_types_and_a_bold_frozen_header():
    rows = [["王\u0001芳", 12, 3.5, True, None, "=1+1", "a<b&c>", date(2026, 1, 2), "多行\n文本"]]
    data = b"".join(
        xlsx_stream(rows, sheet_title="居民 [2026]", header=["姓名", "n", "x", "b", "空", "f", "xml", "d", "t"])
    )
    sheet = _read(data)
    assert sheet.title == "居民  2026"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert [c.value for c in sheet[2]] == ["王芳", 12, 3.5, True, None, "'=1+1", "a<b&c>", "2026-01-02", "多行\n文本"]
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_streamed_workbook_leaves_in_chunks_while_rows_are_still_coming(monkeypatch):
    monkeypatch.setattr(documents, "CHUNK_BYTES", 4096)
    consumed = []

    def rows():
        for n in range(5000):
            consumed.append(n)
            yield [f"居民{n}", n, f"浙江省杭州市萧山区瓜沥镇{n * 7919}号"]

    chunks = xlsx_stream(rows(), sheet_title="t", header=["a", "b", "c"])
    first = next(chunks)
    assert first.startswith(b"PK")
    assert len(consumed) < 5000
    rest = list(chunks)
    assert len(rest) > 3
    sheet = _read(first + b"".join(rest))
    assert sheet.max_row == 5001
    assert sheet["A5001"].value == "居民4999"


def test_empty_export_is_a_valid_file():
    sheet = _read(b"".join(xlsx_stream([], sheet_title="", header=["姓名"])))
    assert sheet.max_row == 1
    assert sheet.title == "Sheet1"


def test_streamed_body_runs_in_the_scope_and_language_it_was_made_in(world):
    with scopes_disabled():
        mine = PersonFactory(name="瓜沥的居民", region=world.regions["330109113001"])
        PersonFactory(name="党湾的居民", region=world.regions["330109114001"])

    def rows():
        for person in Person.objects.order_by("name"):
            yield [person.name, translation.get_language()]

    with scope_for(world.users["town_admin"]), translation.override("en"):
        response = streamed_xlsx_response("r.xlsx", sheet_title="r", header=["name", "language"], rows=rows())
    assert get_scope() is None  # as when the server sends the body after the view returned
    with translation.override("zh-hans"):
        sheet = _read(b"".join(response.streaming_content))
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [[mine.name, "en"]]
    assert get_scope() is None


def test_a_body_made_without_a_scope_is_refused():
    with pytest.raises(ScopeError):
        in_request_context([b"x"])


def test_closing_an_unfinished_body_closes_it_in_its_scope(world):
    seen = []

    def chunks():
        try:
            yield b"a"
            yield b"b"
        finally:
            seen.append(get_scope())

    with scope_for(world.users["town_admin"]) as scope:
        body = in_request_context(chunks())
    assert next(body) == b"a"
    body.close()
    assert seen == [scope]
