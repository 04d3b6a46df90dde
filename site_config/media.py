"""Serving uploaded images from MEDIA_ROOT through the site, for a single server without a proxy
rule for /media/ (``make serve``, or DJANGO_SERVE_MEDIA=true).

Django's ``django.views.static.serve`` does the path handling (no escape from MEDIA_ROOT,
If-Modified-Since); this view narrows it to image files, refuses hidden files and folder listings,
and sends headers that keep an uploaded file from ever running as a page. On a busy site let the
reverse proxy or object storage serve uploads instead (docs/deploy.md).
"""

import re
from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404
from django.urls import re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

IMAGE_SUFFIXES = {".avif", ".gif", ".jpeg", ".jpg", ".png", ".webp"}


@require_safe
def serve_upload(request, path):
    parts = PurePosixPath(path).parts
    if (
        not parts
        or any(part.startswith(".") for part in parts)
        or PurePosixPath(path).suffix.lower() not in IMAGE_SUFFIXES
    ):
        raise Http404("Not an uploaded image")
    response = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def media_urlpatterns():
    """The URL pattern for uploads under MEDIA_URL, when this site serves them itself."""
    prefix = settings.MEDIA_URL
    if not getattr(settings, "SERVE_MEDIA", False) or not prefix.startswith("/"):
        return []  # off, or MEDIA_URL points at another host (object storage, CDN)
    return [re_path(rf"^{re.escape(prefix.strip('/'))}/(?P<path>.+)$", serve_upload, name="media")]
