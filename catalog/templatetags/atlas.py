"""Template filters and tags for the detail and search pages: figures, charts, citations, and
Chinese text as the page's readers read it."""

from django import template
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .. import charts, chinese

register = template.Library()


@register.filter
def figure(metric):
    """A figure in words: qualifier, value or range and unit ("more than 50%", "10–30%")."""
    return charts.format_value(metric)


@register.simple_tag
def page_in_chinese():
    """Whether the page is in Chinese: figures then prefer their Chinese period and scope."""
    return charts.in_chinese()


@register.filter
def source_form(metric):
    """The figure's value and unit as the Chinese source counts them (371億元), for English pages
    to show beside an amount written differently (RMB 37.1 billion); "" elsewhere."""
    return charts.source_form(metric)


@register.filter
def period(metric):
    """(period, lang) of a figure as the page states it; ("", None) when not stated."""
    return charts.period_of(metric)


@register.filter
def baseline(metric):
    """The value a figure is compared against, in the figure's unit; "" when none is stated."""
    return charts.format_baseline(metric)


@register.filter
def number(value):
    """A decimal without exponent or trailing zeros, with thousands separators."""
    return charts.format_number(value)


@register.filter
def unit_groups(metrics):
    """Figures grouped by unit and period: a chart compares only the figures of one group."""
    return charts.figure_groups(metrics)


@register.simple_tag
def metric_charts(metrics, chart_id, title):
    """The SVG bar charts of ``metrics``, one per group of two or more figures of one unit and
    one period: [{"group", "svgs"}], empty when no group has two."""
    return charts.figure_charts(metrics, chart_id=chart_id, title=title)


@register.filter
def zh(text, simplified=""):
    """Stored Chinese text as the page shows it: mainland simplified on /zh-hans/, mainland wording
    in traditional characters on /zh-hant/, unchanged on English pages (catalog/chinese.py).
    ``simplified``: the record's own simplified form (``name_zh_hans``), preferred on /zh-hans/."""
    return chinese.render(text, simplified=simplified)


@register.filter
def zh_names(names):
    """Other names as the page shows them: Chinese ones in the page's script (each once; a stored
    name and its simplified twin become one), others as they are. (text, lang) pairs."""
    shown = {}
    for name in names or ():
        text = chinese.render(name)
        language = chinese.lang() if chinese.HAN.search(text) else "en"
        shown.setdefault(text, language)
    return list(shown.items())


@register.simple_tag
def zh_lang(stored=""):
    """The ``lang`` of what ``zh`` gives on this page (zh-Hans, zh-Hant; zh-Hant, as stored, on
    English pages). ``stored``: the language of the text as stored, when it may not be Chinese."""
    if stored and not stored.lower().startswith("zh"):
        return stored
    return chinese.lang()


@register.filter
def language_name(code):
    """A language code (zh-Hant) as the name of the language in the page's language."""
    try:
        return translation.get_language_info(str(code).lower())["name_translated"]
    except KeyError:
        return code


@register.simple_tag
def zh_script():
    """The script Chinese text is converted to on this page; "" where it is shown as stored."""
    return chinese.script() or ""


# A facet list shows this many options (more when a subtree would be cut); the rest fold away
# under "+ N more" (templates/partials/facet.html).
FACET_VISIBLE = 8


@register.simple_tag
def facet_parts(facet):
    """``facet``'s options split into those always shown and those folded under "+ N more":
    {"shown", "folded", "open"}. The split falls between two top-level options, so that a
    subtree stays whole; ``open`` when a folded option is selected."""
    options = list(facet.options)
    cut = len(options)
    if len(options) > FACET_VISIBLE + 2:  # folding one or two options saves nothing
        cut = FACET_VISIBLE
        while cut < len(options) and options[cut].depth > 0:
            cut += 1
    folded = options[cut:]
    return {
        "shown": options[:cut],
        "folded": folded,
        "open": any(option.selected for option in folded),
    }


@register.filter
def option_terms(option):
    """What the facet filter box (static/js/filters.js) matches an option against: its English
    label and its Chinese label in both scripts, lower case."""
    terms = [option.label]
    if option.label_zh:
        terms += [
            option.label_zh,
            chinese.render(option.label_zh, chinese.HANS),
            chinese.render(option.label_zh, chinese.HANT),
        ]
    return " ".join(dict.fromkeys(terms)).lower()


# What a passage supports, when the fact does not say (templates/partials/citations.html).
CITED_FOR = (
    ("metric_id", _("a figure")),
    ("funding_round_id", _("a funding round")),
    ("investment_id", _("an investment")),
    ("quote_record_id", _("a statement")),
    ("person_id", _("a person")),
)


class PagePassages:
    """The passages quoted on one page, in the order they first appear. A passage (one source,
    one verbatim text) is quoted in full once; each later fact it supports links to it, and the
    page's Sources section lists what it supports."""

    def __init__(self):
        self.passages = {}

    @staticmethod
    def key(citation):
        return (citation.source_id, citation.quote.strip())

    def add(self, citation, about):
        key = self.key(citation)
        passage = self.passages.get(key)
        first = passage is None
        if first:
            number = len(self.passages) + 1
            passage = {
                "number": number,
                "anchor": f"passage-{number}",
                "citation": citation,
                "uses": [],
            }
            self.passages[key] = passage
        if not about:
            about = next((label for name, label in CITED_FOR if getattr(citation, name, None)), "")
        use = {"anchor": f"{passage['anchor']}-use-{len(passage['uses']) + 1}", "about": about}
        passage["uses"].append(use)
        return {"citation": citation, "first": first, "passage": passage, "use": use}

    def repeated(self):
        """The passages that support more than one fact on the page."""
        return [passage for passage in self.passages.values() if len(passage["uses"]) > 1]

    def places(self):
        """{source id: the number of places on the page that point at its passages}: each
        passage quoted in full and each link back to it."""
        counts = {}
        for (source_id, _text), passage in self.passages.items():
            counts[source_id] = counts.get(source_id, 0) + len(passage["uses"])
        return counts


def _page_passages(context):
    # Kept in the context's bottom layer, which every include of the page shares.
    bottom = context.dicts[0]
    if "_page_passages" not in bottom:
        bottom["_page_passages"] = PagePassages()
    return bottom["_page_passages"]


@register.simple_tag(takes_context=True)
def page_passages(context, citations, about=""):
    """``citations`` of one fact, each marked with whether its passage is quoted here for the
    first time on the page: [{citation, first, passage, use}]. ``about``: what the fact is."""
    registry = _page_passages(context)
    items, seen = [], set()
    for citation in citations:
        # Two citation rows of one fact that quote the same passage are one place on the page.
        key = PagePassages.key(citation)
        if key not in seen:
            seen.add(key)
            items.append(registry.add(citation, about))
    return items


@register.simple_tag(takes_context=True)
def repeated_passages(context):
    """The passages of the page that support more than one of its facts, each with its uses."""
    return _page_passages(context).repeated()


@register.simple_tag(takes_context=True)
def page_sources(context, sources):
    """The page's sources ([{source, count}]) with ``count`` the number of places on the page
    that point at one of its passages, as the reader counts them (a passage quoted once and
    linked from three other facts: 4), most cited first. Call it after the page's citations."""
    places = _page_passages(context).places()
    entries = [{**entry, "count": places.get(entry["source"].pk, 0)} for entry in sources]
    return sorted(entries, key=lambda entry: -entry["count"])


@register.filter
def display_name(record):
    """An organisation's or a person's name in the page's language: the Chinese name in the
    page's script on Chinese pages, the English name (or the Chinese one) on English pages."""
    english = getattr(record, "name_en", "")
    if chinese.script() or not english:
        return chinese.render(record.name_zh, simplified=getattr(record, "name_zh_hans", ""))
    return english
