"""Uploaded images: what is accepted, and the WebP rendition the site shows.

Logos and covers must be JPEG, PNG or WebP judged by their content (the file name is ignored and
corrected), at most ``MAX_BYTES`` long and ``MAX_PIXELS`` in area. The pixel count is read from
the header before any decoding, so a small file that claims to be enormous (a decompression bomb)
is refused without being decoded. Every refusal is a ``ValidationError`` with a message an editor
can act on.

What is stored is never the uploaded bytes but the image as Pillow re-encoded it (``reencode``):
the same format, the pixels only. Metadata (EXIF but for the orientation, XMP, ICC profiles,
comments) and anything appended after the image's end are dropped, so a file that is both an
image and an HTML page (a polyglot) is stored as the image alone.

Memory: decoding takes width × height × at most 4 bytes at once (Pillow keeps RGB in 4 bytes a
pixel), so ``MAX_PIXELS`` bounds it before anything is decoded (``decoded_bytes``, at most
``MAX_DECODED_BYTES``). Each step works on that one decoded image: the original is re-encoded
from it without a copy (its orientation is kept as a tag, not by turning the pixels), and the
rendition is reduced to about its box before it is scaled smoothly, turned or converted.
"""

import io
import math
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MEGABYTE = 1024 * 1024
MAX_BYTES = 5 * MEGABYTE
MAX_PIXELS = 40_000_000
# The most memory one decoded image may take (4 bytes a pixel at most: see decoded_bytes).
MAX_DECODED_BYTES = MAX_PIXELS * 4
# Pillow's own guard: above this it warns, above twice this it refuses. We turn the warning into
# a refusal too (see read_header), so nothing larger than MAX_PIXELS is ever decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

ORIENTATION_TAG = 0x0112
# Modes whose pixels Pillow averages as they are, without a premultiplied copy.
AVERAGED_MODES = ("L", "RGB", "CMYK")
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
    mode: str = "RGB"

    @property
    def extension(self):
        return ACCEPTED_FORMATS[self.format]

    @property
    def decoded_bytes(self):
        """Memory the decoded pixels take: Pillow keeps 1, 2 or 4 bytes a pixel."""
        bytes_per_pixel = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}
        return self.width * self.height * bytes_per_pixel.get(self.mode, 4)


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
        header = ImageHeader(image.format or "", *image.size, mode=image.mode)
    if header.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a %(formats)s file."),
            code="format_not_accepted",
            params={"format": header.format or "?", "formats": ACCEPTED_LABEL},
        )
    if header.width * header.height > MAX_PIXELS or header.decoded_bytes > MAX_DECODED_BYTES:
        raise _too_many_pixels()
    if header.width < 1 or header.height < 1:
        raise ValidationError(_("The image has no pixels."), code="empty_image")
    return header


def _damaged():
    return ValidationError(
        _("The image could not be read; it may be damaged. Try saving it again as PNG."),
        code="damaged_image",
    )


@contextmanager
def _decoding(file):
    """The image in ``file``, opened; decoding errors become an editor's ValidationError."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _damaged() from exc
    finally:
        file.seek(0)


def reencode(file, header):
    """The image as Pillow encodes it again: same format and pixels, no metadata but the
    orientation, nothing appended. Returns the bytes."""
    output = io.BytesIO()
    with _decoding(file) as image:
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
        image.load()
        kept = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
        options = {}
        if orientation != 1:
            exif = Image.Exif()
            exif[ORIENTATION_TAG] = orientation
            options["exif"] = exif.tobytes()
        if header.format == "JPEG":
            # The quantisation tables and subsampling of the upload: no further loss of quality.
            options.update(quality="keep", subsampling="keep")
        elif header.format == "WEBP":
            options.update(quality=90, method=4)
        image.info = kept  # comments, ICC profiles and other chunks are not written again
        image.save(output, format=header.format, **options)
    return output.getvalue()


def make_rendition(file, box):
    """The image scaled to fit ``box``, as WebP bytes (a ContentFile without a name).

    Decodes the image; a file that is damaged past its header raises ValidationError.
    """
    output = io.BytesIO()
    with _decoding(file) as image:
        image.draft("RGB", box)  # JPEG: decode at a reduced scale when it is much larger
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        target = "RGBA" if has_alpha else "RGB"
        factor = min(image.width // box[0], image.height // box[1])
        if factor > 1:
            # First down to about the box without a full-size copy: averaging blocks of pixels
            # where Pillow can as they are, else pixel by pixel (palettes, and transparency,
            # which Pillow would otherwise premultiply in a full-size copy).
            if image.mode in AVERAGED_MODES:
                smaller = image.reduce(factor)
            else:
                size = (image.width // factor, image.height // factor)
                smaller = image.resize(size, Image.Resampling.NEAREST)
            image = _keeping_orientation(image, smaller)
        if image.mode not in (target, *AVERAGED_MODES):
            image = _keeping_orientation(image, image.convert(target))
        image.thumbnail(box, Image.Resampling.LANCZOS)
        image = ImageOps.exif_transpose(image)
        if image.mode != target:
            image = image.convert(target)
        image.save(output, format="WEBP", quality=WEBP_QUALITY, method=4)
    return ContentFile(output.getvalue())


def _keeping_orientation(source, converted):
    converted.info["exif"] = source.getexif().tobytes()
    return converted


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
        stored = SimpleUploadedFile(
            f"{stem}.{header.extension}",
            reencode(file, header),
            content_type=Image.MIME.get(header.format),
        )
        stored.image_header = header
        return stored
