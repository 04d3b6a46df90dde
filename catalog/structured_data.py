"""What search engines and link previews read from a page: schema.org JSON-LD per kind of page,
and the description and image OpenGraph and Twitter cards show.

Only what the page itself shows goes in: the record is the one the detail view loaded for the
visitor (``for_detail(user)``), and related rows are published ones.
"""

import json

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .citing import SITE_NAME, record_sources, titles
from .models import Case, Company, Person, Policy, Region, Sector, Source, Theme
from .models.common import format_partial_date, in_language

DEFAULT_IMAGE = "img/og-image.png"
DEFAULT_IMAGE_SIZE = (1200, 630)


def json_ld(data):
    """JSON for a <script type="application/ld+json"> element: nothing in it can close the
    element or start markup."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def description(record):
    """A sentence or two about the record, in the page's language where the record has it."""
    zh = getattr(record, "description_zh", "") or getattr(record, "summary_zh", "")
    en = getattr(record, "description_en", "") or getattr(record, "summary_en", "")
    if isinstance(record, Person):
        zh, en = record.role_zh, record.role_en
    if isinstance(record, Source):
        zh, en = record.title, record.title_en
    text = strip_tags(in_language(zh, en) or "")
    return Truncator(" ".join(text.split())).chars(200)


def image(record):
    """The record's own picture (an organisation's logo, a case's cover), if it has one:
    (url, alt); else None."""
    rendition = getattr(record, "logo_rendition", None) or getattr(record, "cover_rendition", None)
    if rendition:
        alt = getattr(record, "logo_alt", None) or getattr(record, "cover_alt", "")
        return rendition.url, alt
    return None


def _published(related):
    return [row for row in related if getattr(row, "published", True)]


def _ref(record, absolute, kind=None):
    """A related row as a small node: its type, name and page."""
    zh, en = titles(record)
    node = {"@type": kind or "Thing", "name": zh or en}
    if en and en != zh:
        node["alternateName"] = en
    if hasattr(record, "get_absolute_url"):
        node["url"] = absolute(record.get_absolute_url())
    return node


def source_node(source, absolute):
    node = {
        "@type": "Article",
        "headline": source.title,
        "name": source.title,
        "isPartOf": {"@type": "Periodical", "name": source.publication},
        "inLanguage": source.language,
        "url": source.url or absolute(source.get_absolute_url()),
    }
    if source.author:
        node["author"] = {"@type": "Person", "name": source.author}
    if source.editor:
        node["editor"] = {"@type": "Person", "name": source.editor}
    if source.published_on:
        node["datePublished"] = source.date_display
    if source.title_en:
        node["alternativeHeadline"] = source.title_en
    return node


def record_data(record, page_url, absolute):
    """The JSON-LD of a detail page: the record as its schema.org type."""
    zh, en = titles(record)
    data = {"@context": "https://schema.org", "@type": "Thing", "name": zh or en, "url": page_url}
    if en and en != zh:
        data["alternateName"] = [en]
    text = description(record)
    if text:
        data["description"] = text
    picture = image(record)
    if isinstance(record, Company):
        data["@type"] = "Organization"
        data["alternateName"] = [
            name for name in (en, record.short_name_zh, *record.aliases) if name and name != zh
        ]
        if record.founded_on:
            data["foundingDate"] = record.founded_display
        if record.region_id:
            data["location"] = _ref(record.region, absolute, "Place")
        if record.parent_id and record.parent.published:
            data["parentOrganization"] = _ref(record.parent, absolute, "Organization")
        if record.website:
            data["sameAs"] = [record.website]
        if picture:
            data["logo"] = absolute(picture[0])
    elif isinstance(record, Case):
        data["@type"] = "Article"
        data["headline"] = Truncator(zh or en).chars(110)
        if en and en != zh:
            data["alternativeHeadline"] = en
        data["about"] = [
            _ref(role.company, absolute, "Organization")
            for role in record.roles.all()
            if role.company.published
        ]
        data["keywords"] = [sector.name_en for sector in record.sectors.all()]
        if picture:
            data["image"] = absolute(picture[0])
    elif isinstance(record, Policy):
        data["@type"] = "Legislation"
        if record.issued_on:
            data["legislationDate"] = format_partial_date(record.issued_on, record.date_precision)
        data["legislationPassedBy"] = [
            _ref(issuer, absolute, "Organization") for issuer in _published(record.issuers.all())
        ]
        data["legislationJurisdiction"] = [
            _ref(region, absolute, "AdministrativeArea") for region in record.regions.all()
        ]
    elif isinstance(record, Person):
        data["@type"] = "Person"
        if record.role_en or record.role_zh:
            data["jobTitle"] = in_language(record.role_zh, record.role_en)
        if record.organisation_id and record.organisation.published:
            data["affiliation"] = _ref(record.organisation, absolute, "Organization")
    elif isinstance(record, Region):
        data["@type"] = "AdministrativeArea"
        if record.parent_id:
            data["containedInPlace"] = _ref(record.parent, absolute, "AdministrativeArea")
    elif isinstance(record, Sector):
        data["@type"] = "DefinedTerm"
        data["inDefinedTermSet"] = {
            "@type": "DefinedTermSet",
            "name": f"{SITE_NAME}: sectors",
            "url": absolute(reverse("catalog:sector_list")),
        }
    elif isinstance(record, Theme):
        data["@type"] = "CreativeWork"
        data["headline"] = Truncator(zh or en).chars(110)
        data["description"] = Truncator(
            in_language(record.statement_zh, record.statement_en)
        ).chars(200)
    elif isinstance(record, Source):
        return {"@context": "https://schema.org", **source_node(record, absolute)}
    if record.modified:
        data["dateModified"] = record.modified.isoformat()
    sources = [source_node(source, absolute) for source in record_sources(record)]
    if sources:
        key = (
            "citation"
            if data["@type"] in ("Article", "Legislation", "CreativeWork")
            else "subjectOf"
        )
        data[key] = sources
    data["isPartOf"] = {"@type": "WebSite", "name": SITE_NAME, "url": absolute("/")}
    return data


def website_data(absolute):
    """The home page's JSON-LD: the site, and how to search it."""
    search = absolute(reverse("catalog:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": SITE_NAME,
        "url": absolute(reverse("catalog:home")),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def dataset_data(build, absolute, files):
    """The open data page's JSON-LD: the catalogue as a Dataset with its downloads."""
    from django.conf import settings

    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": SITE_NAME,
        "description": (
            "A cited catalogue of the enterprises, sectors, cases, policies and people of "
            "China's new quality productive forces; every fact with its source and the verbatim "
            "passage it rests on."
        ),
        "url": absolute(reverse("catalog:data")),
        "license": settings.ATLAS_DATA_LICENCE["url"],
        "isAccessibleForFree": True,
        "inLanguage": ["zh-Hant", "zh-Hans", "en"],
        "keywords": ["new quality productive forces", "新質生產力", "China", "industry"],
        "creator": {"@type": "Organization", "name": SITE_NAME, "url": absolute("/")},
        "dateModified": build.built.isoformat(),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": file["name"],
                "encodingFormat": file["type"],
                "contentUrl": absolute(file["url"]),
                "contentSize": f"{file['bytes']} B",
            }
            for file in files
        ],
    }


def default_image():
    return static(DEFAULT_IMAGE)
