"""Tags for the site's frame: the header's main links, and links to the current page in the other
languages."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The hreflang of each language (BCP 47: script subtags in title case).
HREFLANG = {"en": "en", "zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


# The header's main links, in order: on wide screens in the bar, on a phone in the "More" menu.
MAIN_LINKS = (
    ("catalog:company_list", _("Organisations")),
    ("catalog:case_list", _("Cases")),
    ("catalog:sector_list", _("Sectors")),
    ("catalog:region_list", _("Regions")),
    ("catalog:map", _("Map")),
    ("catalog:timeline", _("Timeline")),
)


@register.simple_tag
def main_links():
    """[{url, label}] of the header's main links, in the current language."""
    return [{"url": reverse(name), "label": label} for name, label in MAIN_LINKS]


SHORT_NAMES = {"en": "EN", "zh-hans": "简", "zh-hant": "繁"}


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per configured language: its name in itself, URL of this page, and if current."""
    request = context.get("request")
    current = context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE)
    path = request.get_full_path() if request else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                # What a narrow header shows: EN, 简, 繁 (the full name stays the link's name).
                "short": SHORT_NAMES.get(code, code.upper()),
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """The page in every language, for ``<link rel="alternate" hreflang>``: absolute URLs, each
    language's hreflang, and x-default for the default language's URL."""
    request = context.get("request")
    if request is None:
        return []
    # The query as the page answers it (a list drops an order it does not offer from request.GET).
    query = request.GET.urlencode()
    path = request.path + (f"?{query}" if query else "")
    links = [
        {
            "hreflang": HREFLANG.get(code, code),
            "url": request.build_absolute_uri(translate_url(path, code)),
        }
        for code, _name in settings.LANGUAGES
    ]
    default = request.build_absolute_uri(translate_url(path, settings.LANGUAGE_CODE))
    links.append({"hreflang": "x-default", "url": default})
    return links
