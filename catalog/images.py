"""Uploaded images: what is accepted, and the WebP rendition the site shows.

Logos and covers must be JPEG, PNG or WebP judged by their content (the file name is ignored and
corrected), at most ``MAX_BYTES`` long and ``MAX_PIXELS`` in area. The pixel count is read from
the header before any decoding, so a small file that claims to be enormous (a decompression bomb)
is refused without being decoded. Every refusal is a ``ValidationError`` with a message an editor
can act on.
"""

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MEGABYTE = 1024 * 1024
MAX_BYTES = 5 * MEGABYTE
MAX_PIXELS = 40_000_000
# Pillow's own guard: above this it warns, above twice this it refuses. We turn the warning into
# a refusal too (see read_header), so nothing larger than MAX_PIXELS is ever decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPTED_LABEL = "JPEG, PNG, WebP"

# Longest sides of the renditions the site shows.
LOGO_SIZE = (480, 480)
COVER_SIZE = (1600, 1000)
WEBP_QUALITY = 82

HELP_TEXT = _("JPEG, PNG or WebP, at most 5 MB and 40 megapixels.")


@dataclass(frozen=True)
class ImageHeader:
    format: str
    width: int
    height: int

    @property
    def extension(self):
        return ACCEPTED_FORMATS[self.format]


def _too_many_pixels():
    return ValidationError(
        _("The image is too large: at most %(limit)s megapixels are accepted."),
        code="too_many_pixels",
        params={"limit": MAX_PIXELS // 1_000_000},
    )


def read_header(file):
    """Check an upload without decoding its pixels; return its format and size.

    Raises ValidationError when the file is too long, not an image, not an accepted format, or
    claims more than MAX_PIXELS.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Save it smaller and try again."),
            code="file_too_large",
            params={"size": math.ceil(size / MEGABYTE * 10) / 10, "limit": MAX_BYTES // MEGABYTE},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This file is not an image. Upload a %(formats)s file."),
            code="not_an_image",
            params={"formats": ACCEPTED_LABEL},
        ) from exc
    with image:
        header = ImageHeader(image.format or "", *image.size)
    if header.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a %(formats)s file."),
            code="format_not_accepted",
            params={"format": header.format or "?", "formats": ACCEPTED_LABEL},
        )
    if header.width * header.height > MAX_PIXELS:
        raise _too_many_pixels()
    if header.width < 1 or header.height < 1:
        raise ValidationError(_("The image has no pixels."), code="empty_image")
    return header


def make_rendition(file, box):
    """The image scaled to fit ``box``, as WebP bytes (a ContentFile without a name).

    Decodes the image; a file that is damaged past its header raises ValidationError.
    """
    file.seek(0)
    try:
        with Image.open(file) as image:
            image.draft("RGB", box)  # JPEG: decode at a reduced scale when it is much larger
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail(box, Image.Resampling.LANCZOS)
            output = io.BytesIO()
            image.save(output, format="WEBP", quality=WEBP_QUALITY, method=4)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("The image could not be read; it may be damaged. Try saving it again as PNG."),
            code="damaged_image",
        ) from exc
    finally:
        file.seek(0)
    return ContentFile(output.getvalue())


def rendition_name(original_name):
    return f"{PurePath(original_name).stem or 'image'}.webp"


class ImageUploadField(forms.ImageField):
    """An image upload judged by its content: accepted formats, bytes and pixels (see above).

    A file whose name does not match its content is renamed (``logo.txt`` that is a PNG becomes
    ``logo.png``).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        header = read_header(file)
        stem = PurePath(file.name).stem or "image"
        file.name = f"{stem}.{header.extension}"
        file.content_type = Image.MIME.get(header.format)
        file.image_header = header
        return file
