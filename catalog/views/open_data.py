"""Open data and discovery: the bulk download (/data/), "Cite this" downloads, the sitemap,
robots.txt, the OpenSearch description, the web app manifest and the favicon.

Downloads say what they are (content type, ``Content-Disposition``) and how long they may be
kept: the data files and sitemaps revalidate on every use (ETag, Last-Modified), a record's
citation is public for a few minutes unless it is a draft only staff see.
"""

import hashlib
import json
import logging
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import citing, datapackage, structured_data
from ..models import shows_drafts
from ..sitemaps import SITEMAPS

logger = logging.getLogger("catalog.open_data")

# How long shared caches may keep what changes only with a release (robots, manifest, icons).
STATIC_SECONDS = 24 * 60 * 60
# How long a published record's citation may be kept.
CITATION_SECONDS = 5 * 60


def base_url(request):
    """The site's scheme and host, as the request reached it: https://atlas.example.org."""
    return request.build_absolute_uri("/")[:-1]


def _revalidate(response):
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def _with_etag(request, response, seconds):
    """``response`` with an ETag of its body, public for ``seconds``, or a 304 when the client's
    copy is current."""
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=seconds)
    return get_conditional_response(request, etag=etag, response=response)


# --- The bulk download --------------------------------------------------------------------------

FILE_TYPES = {
    ".csv": ("text/csv; charset=utf-8", "attachment"),
    ".json": ("application/json", "attachment"),
}


def data_files(build):
    """What a build offers, for the page: [{name, url, type, bytes, title}]; the descriptor and
    the single JSON file first, then one CSV per table."""
    with_titles = {
        datapackage.DESCRIPTOR_FILE: _("Data Package descriptor (tables, field types, keys)"),
        datapackage.JSON_FILE: _("The whole catalogue in one JSON file"),
    }
    names = [datapackage.DESCRIPTOR_FILE, datapackage.JSON_FILE]
    names += [f"{name}.csv" for name in datapackage.table_names()]
    return [
        {
            "name": name,
            "url": reverse("open_data:data_file", kwargs={"name": name}),
            "type": "application/json" if name.endswith(".json") else "text/csv",
            "bytes": build.files.get(name, 0),
            "title": with_titles.get(name, ""),
        }
        for name in names
    ]


class Unavailable(Exception):
    """The files cannot be made here (their folder cannot be written)."""


def _ready_build(request):
    try:
        return datapackage.ready_build(base_url(request), settings.ATLAS_DATA_BUILD_WAIT)
    except OSError as exc:
        logger.error("open data cannot be built in %s: %s", settings.ATLAS_DATA_DIR, exc)
        raise Unavailable from exc


def data_page(request):
    try:
        build = _ready_build(request)
    except Unavailable:
        build = None
    context = {"build": build, "licence": settings.ATLAS_DATA_LICENCE}
    if build is not None:
        files = data_files(build)
        context["files"] = files
        context["how_to_cite"] = datapackage.how_to_cite(base_url(request), build.built)
        context["structured_data"] = structured_data.dataset_data(
            build, request.build_absolute_uri, files
        )
    response = render(request, "catalog/data.html", context)
    if build is None:  # the page says the files are being made: never kept
        patch_cache_control(response, no_cache=True, no_store=True)
    return response


def _being_built():
    response = HttpResponse(
        _("The open data is being made from the catalogue as it is now: try again in a minute."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "30"
    patch_cache_control(response, no_store=True)
    return response


@require_safe
def data_file(request, name):
    allowed = {datapackage.DESCRIPTOR_FILE, datapackage.JSON_FILE}
    allowed |= {f"{table}.csv" for table in datapackage.table_names()}
    if name not in allowed:
        raise Http404(_("There is no such file in the open data."))
    for _attempt in range(2):  # a newer build may remove the folder between finding and opening
        try:
            build = _ready_build(request)
        except Unavailable:
            build = None
        if build is None:
            return _being_built()
        etag = f'"{build.key}-{name}"'
        last_modified = int(build.built.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return _revalidate(not_modified)
        try:
            handle = open(build.path(name), "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError:
            continue
        break
    else:
        raise Http404(_("There is no such file in the open data."))
    content_type, disposition = FILE_TYPES[name[name.rindex(".") :]]
    if name == datapackage.DESCRIPTOR_FILE:
        disposition = "inline"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=disposition == "attachment", filename=name
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Access-Control-Allow-Origin"] = "*"
    return _revalidate(response)


# --- Cite this ----------------------------------------------------------------------------------


@require_safe
def cite(request, kind, slug, fmt):
    found = citing.KINDS.get(kind)
    if found is None or fmt not in citing.FORMATS:
        raise Http404(_("There is no such citation."))
    record = get_object_or_404(citing.visible_rows(found, request.user), slug=slug)
    page = request.build_absolute_uri(record.get_absolute_url())
    content_type, _label = citing.FORMATS[fmt]
    body = citing.render(fmt, record, page)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    filename = f"xinzhi-atlas-{kind}-{slug}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_vary_headers(response, ["Cookie"])
    if not getattr(record, "published", True) or shows_drafts(request.user):
        patch_cache_control(response, private=True, no_store=True)
        return response
    return _with_etag(request, response, CITATION_SECONDS)


# --- Discovery ----------------------------------------------------------------------------------


@require_safe
def sitemap_index(request):
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="open_data:sitemap_section")
    response.render()
    return _with_etag(request, response, 0)


@require_safe
def sitemap_section(request, section):
    response = sitemap_views.sitemap(request, SITEMAPS, section=section)
    response.render()
    return _with_etag(request, response, 0)


@require_safe
def robots_txt(request):
    site = base_url(request)
    lines = ["User-agent: *"]
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        lines.append(f"Disallow: {prefix}/admin/")
    lines += ["Disallow: /i18n/", "", f"Sitemap: {site}{reverse('open_data:sitemap')}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    return _with_etag(request, response, STATIC_SECONDS)


@require_safe
def opensearch(request):
    """The OpenSearch description: browsers offer the site's search from their address bar."""
    search = request.build_absolute_uri(reverse("catalog:search"))
    icon = request.build_absolute_uri(static("img/favicon.ico"))
    name = _("Xinzhi Atlas")
    template = search + "?q={searchTerms}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:moz="http://www.mozilla.org/2006/browser/search/">\n'
        f"  <ShortName>{escape(name[:16])}</ShortName>\n"
        f"  <Description>{escape(_('Search Xinzhi Atlas (新質圖譜)'))}</Description>\n"
        "  <InputEncoding>UTF-8</InputEncoding>\n"
        f"  <Language>{escape(get_language() or settings.LANGUAGE_CODE)}</Language>\n"
        f'  <Image height="16" width="16" type="image/x-icon">{escape(icon)}</Image>\n'
        f'  <Url type="text/html" method="get" template={quoteattr(template)}/>\n'
        f"  <moz:SearchForm>{escape(search)}</moz:SearchForm>\n"
        "</OpenSearchDescription>\n"
    )
    response = HttpResponse(body, content_type="application/opensearchdescription+xml")
    return _with_etag(request, response, STATIC_SECONDS)


@require_safe
def manifest(request):
    """The web app manifest: name, colours and icons for a saved shortcut."""
    home = reverse("catalog:home")
    data = {
        "name": f"{_('Xinzhi Atlas')} 新質圖譜",
        "short_name": _("Xinzhi Atlas"),
        "description": _(
            "A cited catalogue of the enterprises, sectors and cases of China's new quality "
            "productive forces."
        ),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": home,
        "scope": home,
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#a3262a",
        "icons": [
            {"src": static("img/favicon.svg"), "type": "image/svg+xml", "sizes": "any"},
            {"src": static("img/icon-192.png"), "type": "image/png", "sizes": "192x192"},
            {"src": static("img/icon-512.png"), "type": "image/png", "sizes": "512x512"},
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/manifest+json"
    )
    return _with_etag(request, response, STATIC_SECONDS)


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the static icon."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=STATIC_SECONDS)
    return response
