"""Read-only previews of the WebP renditions on the organisation and case pages."""

from django.utils.html import format_html
from django.utils.translation import gettext as _


def rendition_preview(file, alt, width):
    if not file:
        return _("No image yet. After saving, the site shows the WebP rendition here.")
    return format_html(
        '<img src="{}" alt="{}" width="{}">',
        file.url,
        alt,
        width,
    )
