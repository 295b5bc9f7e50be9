import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image as PilImage
from pypdf import PdfReader

from yizhan.core import pdf
from yizhan.core.pdf import PdfDocument, pdf_response
from yizhan.tests.pdf import pdf_pages, pdf_text


def _png() -> bytes:
    out = io.BytesIO()
    PilImage.new("RGB", (40, 20), "red").save(out, format="PNG")
    return out.getvalue()


def test_chinese_text_comes_back_out_of_the_pdf():
    doc = PdfDocument(title="人民调解协议书", author="东灵社区调解工作室", footer="（2026）瓜东调字第 001 号")
    doc.heading("人民调解协议书")
    doc.fields([("申请人", "王小红"), ("被申请人", "李大明")])
    doc.paragraph("双方自愿达成如下协议：\n一、抚养费每月 1500 元。")
    doc.table([["事项", "期限"], ["支付抚养费", "每月 5 日前"]])
    doc.image(_png(), width_mm=30)
    doc.signature_lines(["当事人（签名或按指印）", "调解员（签名）"])
    content = doc.build()
    text = pdf_text(content)
    for expected in (
        "人民调解协议书",
        "申请人",
        "王小红",
        "抚养费每月 1500 元",
        "每月 5 日前",
        "调解员（签名）",
        "第 1 页",
        "（2026）瓜东调字第 001 号",
    ):
        assert expected in text
    info = PdfReader(io.BytesIO(content)).metadata
    assert info.title == "人民调解协议书"
    assert info.author == "东灵社区调解工作室"


def test_text_is_escaped_not_markup():
    doc = PdfDocument(title="t")
    doc.paragraph("<b>张三</b> & <font size=40>李四</font>")
    assert "<b>张三</b> & <font size=40>李四</font>" in pdf_text(doc.build())


def test_long_tables_repeat_their_header_on_each_page():
    doc = PdfDocument(title="t")
    doc.table([["序号", "内容"]] + [[str(i), "记录" * 10] for i in range(120)])
    content = doc.build()
    pages = pdf_pages(content)
    assert pages > 1
    assert pdf_text(content).count("序号") == pages


def test_an_empty_document_is_still_a_pdf():
    assert pdf_pages(PdfDocument(title="空").build()) == 1


def test_response_is_a_never_cached_download():
    response = pdf_response(b"%PDF-1.4", "协议书.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    assert pdf_response(b"%PDF-1.4", "x.pdf", inline=True)["Content-Disposition"] == "inline"


def test_a_missing_font_names_what_to_install(settings, tmp_path):
    settings.PDF_FONT_PATH = str(tmp_path / "nope.ttf")
    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-microhei"):
        pdf.font_path()
