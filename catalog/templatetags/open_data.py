"""Tags for what every page tells other programs: canonical address, link previews (OpenGraph,
Twitter), structured data (JSON-LD), "Cite this" downloads, search and app descriptions.

``{% page_head %}`` goes in <head>, ``{% cite_this %}`` at the end of <main>. A detail page's
record is found by the page's URL name (the variable its view passes, e.g. ``company``).
"""

from django import template
from django.conf import settings
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import citing, structured_data

register = template.Library()

# Detail pages by URL name: the context variable holding the record, and its kind in cite URLs.
DETAIL_PAGES = {
    "company_detail": ("company", "company"),
    "case_detail": ("case", "case"),
    "policy_detail": ("policy", "policy"),
    "person_detail": ("person", "person"),
    "sector_detail": ("sector", "sector"),
    "region_detail": ("region", "region"),
    "source_detail": ("source", "source"),
    "theme_detail": ("theme", "theme"),
}
OG_LOCALES = {"en": "en_GB", "zh-hans": "zh_CN", "zh-hant": "zh_TW"}
OG_TYPES = {"case": "article", "source": "article", "person": "profile", "theme": "article"}


def page_record(context):
    """(kind, record) of a detail page, else (None, None)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "catalog" or match.url_name not in DETAIL_PAGES:
        return None, None
    variable, kind = DETAIL_PAGES[match.url_name]
    record = context.get(variable)
    return (kind, record) if record is not None else (None, None)


def canonical_path(request):
    """The page's own address, keeping only a page number beyond the first: filtered and sorted
    variants of a list are the same list to a search engine."""
    query = QueryDict(mutable=True)
    page = request.GET.get("page", "")
    if len(page) < 10 and page.isascii() and page.isdigit() and int(page) > 1:
        query["page"] = str(int(page))
    return request.path + (f"?{query.urlencode()}" if query else "")


def cite_links(kind, record):
    """[{format, type, label, url}] for a record's "Cite this" downloads."""
    return [
        {
            "format": fmt,
            "type": content_type,
            "label": label,
            "url": reverse("cite:cite", kwargs={"kind": kind, "slug": record.slug, "fmt": fmt}),
        }
        for fmt, (content_type, label) in citing.FORMATS.items()
    ]


@register.simple_tag(takes_context=True)
def page_head(context):
    request = context["request"]
    absolute = request.build_absolute_uri
    kind, record = page_record(context)
    language = get_language() or settings.LANGUAGE_CODE
    # A view may name the page's permalink itself (the comparison: its records in one order).
    canonical = absolute(context.get("canonical_path") or canonical_path(request))
    image, image_alt, large = None, "", True
    description = ""
    data = context.get("structured_data")
    if record is not None:
        description = structured_data.description(record)
        own = structured_data.image(record)
        if own:
            image, image_alt, large = absolute(own[0]), own[1], False
        data = structured_data.record_data(record, canonical, absolute)
    elif request.resolver_match and request.resolver_match.view_name == "catalog:home":
        data = structured_data.website_data(absolute)
    locales = [OG_LOCALES.get(code, code) for code, _name in settings.LANGUAGES]
    values = {
        "canonical": canonical,
        "og_type": OG_TYPES.get(kind, "website"),
        "og_locale": OG_LOCALES.get(language, language),
        "og_alternate_locales": [
            locale for locale in locales if locale != OG_LOCALES.get(language, language)
        ],
        "description": description,
        "image": image or absolute(structured_data.default_image()),
        "image_alt": image_alt,
        "image_size": None if image else structured_data.DEFAULT_IMAGE_SIZE,
        "twitter_card": "summary_large_image" if large else "summary",
        "cite_links": cite_links(kind, record) if record is not None else [],
        "json_ld": mark_safe(structured_data.json_ld(data)) if data else "",  # noqa: S308
        "opensearch": reverse("cite:opensearch"),
        "manifest": reverse("cite:manifest"),
        "home_in_language": translate_url("/", language),
    }
    return render_to_string("partials/page_head.html", values, request=request)


@register.simple_tag(takes_context=True)
def cite_this(context):
    """The "Cite this" section of a detail page; nothing on other pages."""
    kind, record = page_record(context)
    if record is None:
        return ""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    values = {
        "kind": kind,
        "record": record,
        "permalink": url,
        "citation": citing.plain_citation(record, url),
        "links": cite_links(kind, record),
        "is_source": kind == "source",
    }
    return render_to_string("partials/cite.html", values, request=request)
