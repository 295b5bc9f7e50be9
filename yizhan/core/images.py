"""Photo uploads, for every app: check that a file really is an allowed image, strip its metadata (a child's
home must not be findable from a photo's GPS tag), and make a thumbnail."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000  # larger originals are refused
MIN_SIDE = 50
STORED_MAX_SIDE = 2048  # originals are re-encoded down to this
THUMBNAIL_SIZE = (400, 300)
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass
class StoredImage:
    image: str
    thumbnail: str
    content_type: str
    width: int
    height: int


def validate_image(upload: File[bytes] | None, *, field: str = "image") -> str:
    """The Pillow format name of a valid upload; ValidationError (on ``field``) with a clear message otherwise."""
    if upload is None:
        raise ValidationError({field: _("Choose a photo to upload.")})
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {field: _("The photo is too large: at most %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({field: _("This file is not an image we can read.")}) from exc
    if image_format not in FORMATS:
        raise ValidationError({field: _("Upload a JPEG, PNG or WebP image.")})
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationError(
            {field: _("The photo is too big: at most %(side)d pixels on each side.") % {"side": MAX_SIDE}}
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ValidationError(
            {field: _("The photo is too small: at least %(side)d pixels on each side.") % {"side": MIN_SIDE}}
        )
    return image_format


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    else:
        image.save(buffer, image_format)
    return buffer.getvalue()


def _open_clean(upload: File[bytes] | None, *, field: str) -> tuple[Image.Image, str]:
    """Validate, then decode upright with the metadata (EXIF/GPS, camera) left behind, at most STORED_MAX_SIDE."""
    image_format = validate_image(upload, field=field)
    if upload is None:  # validate_image refuses a missing upload; narrows the type
        raise TypeError("no upload")
    upload.seek(0)
    with Image.open(upload) as source:
        image = ImageOps.exif_transpose(source)
        image.load()
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
    return image, image_format


def clean_image(upload: File[bytes] | None, *, field: str = "image") -> ContentFile[bytes]:
    """A validated image re-encoded without metadata, ready to save in a FileField (no thumbnail)."""
    image, image_format = _open_clean(upload, field=field)
    extension = FORMATS[image_format][1]
    return ContentFile(_encode(image, image_format), name=f"{uuid.uuid4().hex}.{extension}")


def store_image(upload: File[bytes] | None, *, folder: str) -> StoredImage:
    """Validate, re-encode without metadata (EXIF/GPS), and store the image and a JPEG thumbnail."""
    image, image_format = _open_clean(upload, field="image")
    content_type, extension = FORMATS[image_format]
    stem = uuid.uuid4().hex
    name = default_storage.save(f"{folder}/{stem}.{extension}", ContentFile(_encode(image, image_format)))
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb_name = default_storage.save(f"{folder}/{stem}_thumb.jpg", ContentFile(_encode(thumb, "JPEG")))
    return StoredImage(name, thumb_name, content_type, image.width, image.height)


def delete_stored(*names: str) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)
