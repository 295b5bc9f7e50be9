"""QR codes of the check-in and feedback links (the ``qrcode`` package): an SVG for the screen, a PNG for the A4
poster (``core.pdf.PdfDocument.image``)."""

import base64
import io

import qrcode
import qrcode.constants
import qrcode.image.svg


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def svg_data_uri(data: str) -> str:
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def png(data: str) -> bytes:
    image = _code(data).make_image()
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
