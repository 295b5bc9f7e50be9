"""Reading generated PDFs back in tests: the text a person (or a screen reader) would get out of them."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """All pages' text, pages separated by a form feed; fails unless ``content`` is a PDF."""
    assert content.startswith(b"%PDF-"), content[:20]
    reader = PdfReader(io.BytesIO(content))
    return "\f".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
