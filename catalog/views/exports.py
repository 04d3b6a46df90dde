"""Downloads of the list pages and of search as CSV, JSON and Atom (catalog.exports).

``/cases.csv?sector=…`` holds the rows ``/cases/?sector=…`` counts, in its order, every page at
once; the page links each format with its current filters. A filter the page would refuse is
answered ``400`` with the reason, in the format asked for.
"""

import json

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import exports, filters
from ..query import CatalogueQuery
from ..search import NO_TERMS_MESSAGE, UNSEARCHABLE_MESSAGE, parse_query

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json; charset=utf-8", "json"),
    "atom": ("application/atom+xml; charset=utf-8", "atom"),
}
LISTS = {
    "companies": (filters.CompanyFilter, exports.COMPANIES, "catalog:company_list"),
    "cases": (filters.CaseFilter, exports.CASES, "catalog:case_list"),
    "policies": (filters.PolicyFilter, exports.POLICIES, "catalog:policy_list"),
    "people": (filters.PersonFilter, exports.PEOPLE, "catalog:person_list"),
}
# Exports change only when the catalogue does; a client may keep one for a few minutes.
CACHE_CONTROL = "public, max-age=300"
LICENCE_NOTE = (
    "Catalogue data of Xinzhi Atlas. Each passage is quoted verbatim from the source it names; "
    "English passages and summaries are the catalogue's translations."
)


def export_links(name, data):
    """The page's downloads: (format label, content type, URL with the page's filters)."""
    query = data.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    suffix = f"?{encoded}" if encoded else ""
    return [
        {
            "label": label,
            "type": FORMATS[fmt][0].split(";")[0],
            "url": reverse(name, kwargs={"fmt": fmt}) + suffix,
        }
        for fmt, label in (("csv", "CSV"), ("json", "JSON"), ("atom", "Atom"))
    ]


def _bad_request(fmt, errors):
    """``400`` naming what was wrong with the filters, in the format asked for."""
    if fmt == "json":
        body = json.dumps({"errors": errors}, ensure_ascii=False)
        return HttpResponse(body, status=400, content_type=FORMATS["json"][0])
    lines = [f"{name}: {' '.join(messages)}" for name, messages in errors.items()]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def _download(chunks, fmt, stem):
    content_type, extension = FORMATS[fmt]
    response = StreamingHttpResponse(chunks, content_type=content_type)
    today = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="xinzhi-atlas-{stem}-{today}.{extension}"'
    )
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _feed(request, export_rows, title, page_url):
    absolute = request.build_absolute_uri
    body = exports.atom_feed(
        export_rows,
        title=title,
        link=absolute(page_url),
        feed_url=absolute(request.get_full_path()),
        language=get_language(),
        absolute=absolute,
        description=_("The newest and most recently changed records of this list."),
    )
    response = HttpResponse(body, content_type=FORMATS["atom"][0])
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _meta(request, title, page_url, count):
    return {
        "title": title,
        "url": request.build_absolute_uri(page_url),
        "generated": timezone.now().isoformat(timespec="seconds"),
        "count": count,
        "licence": LICENCE_NOTE,
    }


def list_export(request, kind, fmt):
    filterset_class, export, page_name = LISTS[kind]
    data = request.GET.copy()
    data.pop("page", None)
    page_url = reverse(page_name) + (f"?{data.urlencode()}" if data else "")
    # The published catalogue, whoever asks: drafts never leave the site in a download.
    query = CatalogueQuery(filterset_class, data, exports.PUBLIC, path=reverse(page_name))
    if not query.valid:
        return _bad_request(fmt, {k: list(v) for k, v in query.filterset.errors.items()})
    title = f"{_('Xinzhi Atlas')}: {export.title}"
    absolute = request.build_absolute_uri
    if fmt == "atom":
        newest = query.rows.order_by("-modified", "-pk")[: exports.FEED_ENTRIES]
        rows = exports.Rows([(export, export.queryset(newest))])
        return _feed(request, rows, title, page_url)
    rows = exports.list_rows(export, query)
    if fmt == "csv":
        columns = exports.headers(export)
        chunks = exports.stream_csv(
            rows, columns, lambda e, record: exports.record_values(e, record, absolute)
        )
    else:
        meta = _meta(request, title, page_url, query.count)
        chunks = exports.stream_json(rows, absolute, meta)
    return _download(chunks, fmt, kind)


def search_export(request, fmt):
    query = parse_query(request.GET.get("q", ""))
    if query.unsearchable or not query.terms:
        message = UNSEARCHABLE_MESSAGE if query.unsearchable else NO_TERMS_MESSAGE
        return _bad_request(fmt, {"q": [str(message)]})
    page_url = reverse("catalog:search") + f"?{request.GET.urlencode()}"
    title = f"{_('Xinzhi Atlas')}: {_('Search')} “{query.text}”"
    absolute = request.build_absolute_uri
    if fmt == "atom":
        newest = exports.search_rows(query.terms, newest=exports.FEED_ENTRIES)
        newest = sorted(newest, key=lambda pair: pair[1].modified, reverse=True)
        return _feed(request, newest[: exports.FEED_ENTRIES], title, page_url)
    rows = exports.search_rows(query.terms)
    if fmt == "csv":
        chunks = exports.stream_csv(
            rows,
            exports.SEARCH_HEADERS,
            lambda e, record: exports.search_values(e, record, absolute),
        )
    else:
        count = sum(queryset.count() for _export, queryset in rows.parts)
        chunks = exports.stream_json(rows, absolute, _meta(request, title, page_url, count))
    return _download(chunks, fmt, "search")
