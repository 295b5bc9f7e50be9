"""PDF documents with Chinese text: one builder for every app (agreements, case files, certificates, posters).

ReportLab's platypus lays the pages out; the CJK font is one that ships with the install (``bin/system-packages
fonts`` installs WenQuanYi Micro Hei from Debian's packages) or the file named by ``settings.PDF_FONT_PATH``. Text is
always plain text: it is escaped here, so a party's name can never inject markup.

    doc = PdfDocument(title=_("人民调解协议书"))
    doc.heading(_("人民调解协议书"))
    doc.fields([(_("编号"), case.number), (_("当事人"), name)])
    doc.paragraph(text)
    doc.signature_lines([_("当事人（签名或按指印）"), _("调解员（签名）")])
    return pdf_response(doc.build(), "agreement.pdf")
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess  # noqa: S404 - fc-match only, with fixed arguments
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .documents import _download

PDF_CONTENT_TYPE = "application/pdf"
FONT_NAME = "YizhanCJK"

# Where Debian, Ubuntu and Alpine put the CJK fonts the install uses; the first that exists wins.
_KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)

Align = Literal["left", "center", "right"]
_TEXT_ALIGN: dict[Align, Literal[0, 1, 2]] = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_H_ALIGN: dict[Align, Literal["LEFT", "CENTER", "RIGHT"]] = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}
Text = str | Promise | int | float | None


def _fc_match() -> str | None:
    fc = shutil.which("fc-match")
    if not fc:
        return None
    out = subprocess.run([fc, "-f", "%{file}", ":lang=zh"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    found = out.stdout.strip()
    return found if found.lower().endswith((".ttf", ".ttc")) else None


def font_path() -> Path:
    """The CJK font file PDFs embed, or ImproperlyConfigured naming what to install."""
    configured = getattr(settings, "PDF_FONT_PATH", "")
    candidates = [configured] if configured else [*_KNOWN_FONTS, _fc_match()]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise ImproperlyConfigured(
        "No CJK font for PDFs: install fonts-wqy-microhei (bin/system-packages fonts) or set PDF_FONT_PATH."
    )


@functools.cache
def register_font() -> str:
    """Registers the CJK font with ReportLab once per process; returns its name."""
    path = font_path()
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def _text(value: Text) -> str:
    """Plain text as paragraph markup: escaped, line breaks kept."""
    if value is None:
        return ""
    return escape(str(value)).replace("\r\n", "\n").replace("\n", "<br/>")


class PdfDocument:
    """An A4 document built from blocks in order; ``build()`` gives the PDF's bytes.

    Every page carries the footer "第 N 页" (translated) and, when given, ``footer`` on the left.
    """

    def __init__(self, *, title: Text, author: Text = "", subject: Text = "", footer: Text = "") -> None:
        self.font = register_font()
        self.title = str(title)
        self.author = str(author)
        self.subject = str(subject)
        self.footer = str(footer or "")
        self.story: list[Flowable] = []
        grey = colors.HexColor("#444444")
        self.styles = {
            "h1": self._style("h1", 20, alignment="center", space_after=6 * mm),
            "h2": self._style("h2", 14, space_before=4 * mm, space_after=2 * mm),
            "h3": self._style("h3", 12, space_before=3 * mm, space_after=1.5 * mm),
            "body": self._style("body", 11, space_after=2 * mm),
            "cell": self._style("cell", 10),
            "small": self._style("small", 9, color=grey),
        }

    def _style(
        self,
        name: str,
        size: float,
        *,
        alignment: Align = "left",
        space_before: float = 0,
        space_after: float = 0,
        color: colors.Color = colors.black,
    ) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=self.font,
            fontSize=size,
            leading=size * 1.45,
            alignment=_TEXT_ALIGN[alignment],
            spaceBefore=space_before,
            spaceAfter=space_after,
            textColor=color,
            wordWrap="CJK",
        )

    # ---- blocks ---------------------------------------------------------------------------------------------
    def heading(self, text: Text, *, level: int = 1) -> None:
        self.story.append(Paragraph(_text(text), self.styles[f"h{min(max(level, 1), 3)}"]))

    def paragraph(self, text: Text, *, size: float | None = None, align: Align = "left") -> None:
        style = self.styles["body"]
        if size is not None or align != "left":
            style = self._style("custom", size or 11, alignment=align, space_after=2 * mm)
        self.story.append(Paragraph(_text(text), style))

    def small(self, text: Text) -> None:
        self.story.append(Paragraph(_text(text), self.styles["small"]))

    def _cell(self, value: Text) -> Paragraph:
        return Paragraph(_text(value), self.styles["cell"])

    def fields(self, rows: Sequence[tuple[Text, Text]], *, label_width_mm: float = 40) -> None:
        """Label–value pairs as a two-column grid (a form's filled-in fields)."""
        if not rows:
            return
        width = A4[0] - 40 * mm
        data = [[self._cell(label), self._cell(value)] for label, value in rows]
        table = Table(data, colWidths=[label_width_mm * mm, width - label_width_mm * mm])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))

    def table(
        self, rows: Sequence[Sequence[Text]], *, header: bool = True, col_widths_mm: Sequence[float] | None = None
    ) -> None:
        """A grid; the first row is the header (repeated on every page) when ``header``."""
        if not rows:
            return
        data = [[self._cell(value) for value in row] for row in rows]
        widths = [w * mm for w in col_widths_mm] if col_widths_mm else None
        table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
        style: list[Any] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")))
        table.setStyle(TableStyle(style))
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))

    def image(self, data: bytes, *, width_mm: float, align: Align = "center") -> None:
        """A PNG or JPEG scaled to ``width_mm``, its proportions kept."""
        picture = Image(io.BytesIO(data))
        ratio = picture.imageHeight / picture.imageWidth
        picture.drawWidth = width_mm * mm
        picture.drawHeight = width_mm * mm * ratio
        picture.hAlign = _H_ALIGN[align]
        self.story.append(picture)

    def spacer(self, height_mm: float = 5) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def signature_lines(self, labels: Sequence[Text], *, date_label: Text = None) -> None:
        """Places to sign: one line per label ("当事人（签名或按指印）：________  日期：____年__月__日")."""
        date = str(date_label) if date_label is not None else _("Date: ______ (year) ____ (month) ____ (day)")
        rows = [[self._cell(f"{label}：＿＿＿＿＿＿＿＿＿＿"), self._cell(date)] for label in labels]
        table = Table(rows, colWidths=[(A4[0] - 40 * mm) * 0.6, (A4[0] - 40 * mm) * 0.4])
        table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 5 * mm)]))
        self.story.append(KeepTogether([Spacer(1, 4 * mm), table]))

    # ---- output ---------------------------------------------------------------------------------------------
    def _decorate(self, canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 9)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, _("Page %(page)s") % {"page": doc.page})
        if self.footer:
            canvas.drawString(20 * mm, 12 * mm, self.footer)
        canvas.restoreState()

    def build(self) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=22 * mm,
            title=self.title,
            author=self.author,
            subject=self.subject,
            creator="Yizhan",
            lang="zh-CN",
        )
        doc.build(list(self.story) or [Spacer(1, 1)], onFirstPage=self._decorate, onLaterPages=self._decorate)
        return out.getvalue()


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """The download of a PDF made with ``PdfDocument`` (never cached: PDFs hold personal data)."""
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    if inline:
        response["Content-Disposition"] = "inline"
        response["Cache-Control"] = "no-store"
        return response
    return _download(response, filename)
