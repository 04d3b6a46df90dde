"""Search: text normalisation, the query, and highlighting in the original text.

Both the stored ``search_text`` of each row and the visitor's query go through ``normalise``, which
brings Chinese to simplified characters and mainland wording (catalog.chinese.search_form): a
query in simplified characters finds traditional text and the reverse, a mainland word finds its
Taiwan variant (芯片 finds 晶片, 脑机接口 finds 腦機介面) and the reverse, and English matches in
any case. A query is cut into terms (a phrase in double quotes is one term); a row matches when
its ``search_text`` contains every term. Matches are highlighted in the text as the page shows it
by mapping each character of the normalised form back to the characters it came from (a word the
conversion changed, 最佳化 → 优化, maps back to the whole word); where there is no such mapping
the text is shown without highlight.
"""

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import IntegerField, Value
from django.db.models.functions import StrIndex
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from . import chinese, search_index

MAX_QUERY_LENGTH = 200
# At most this many terms are used; the rest are ignored (and the page says so).
MAX_TERMS = 10
# Rows shown per group, as many as a list shows on a page; the count says how many matched in all,
# and a group with a list page links to it, filtered by the same words, for the rest.
GROUP_LIMIT = 20
# Characters of context either side of the first match in an excerpt.
EXCERPT_RADIUS = 60

# Quotation marks that delimit a phrase, or that are dropped from a bare word.
QUOTES = '"“”「」『』'
_TOKEN = re.compile(rf"[{QUOTES}]([^{QUOTES}]*)[{QUOTES}]|([^\s{QUOTES}]+)")


def simplified(text):
    """``text`` in simplified characters (億元 → 亿元)."""
    return chinese.character_form(text) if text else ""


def normalise(text):
    """Simplified characters and mainland wording, NFKC (full-width letters become ASCII), lower
    case, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).replace("\x00", "")
    text = chinese.search_form(text)
    return " ".join(text.casefold().split())


def document(parts):
    return "\n".join(normalise(part) for part in parts if part)


def refresh_search_text(using=None, batch_size=500, containing=()):
    """Compute searchable rows' ``search_text`` afresh and write those that changed (after the
    glossary or the normalisation changed): the number of rows written. ``containing``: only the
    rows whose search text holds one of these normalised words (those a glossary entry touches)."""
    from django.apps import apps
    from django.db import DEFAULT_DB_ALIAS
    from django.db.models import Q

    from .cache import bump_catalogue_version
    from .models.common import Searchable

    using = using or DEFAULT_DB_ALIAS
    condition = Q()
    for word in containing:
        condition |= Q(search_text__contains=word)
    written = 0
    for model in apps.get_app_config("catalog").get_models():
        if not issubclass(model, Searchable):
            continue
        changed = []
        rows = model._base_manager.using(using).filter(condition).order_by()
        for row in rows.iterator(chunk_size=batch_size):
            text = document(row.search_fields())
            if text != row.search_text:
                row.search_text = text
                changed.append(row)
        model._base_manager.using(using).bulk_update(changed, ["search_text"], batch_size)
        written += len(changed)
    if written:
        bump_catalogue_version(using)
    return written


# --- The query ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What the visitor asked for: the cleaned text (shown back in the box) and its terms."""

    text: str = ""
    terms: tuple = ()
    truncated: bool = False
    terms_dropped: bool = False
    unsearchable: bool = False

    @property
    def is_empty(self):
        return not self.text and not self.unsearchable

    @property
    def notes(self):
        """Sentences that explain how the query was changed before searching."""
        notes = []
        if self.truncated:
            notes.append(
                _("Your search was cut to its first %(count)s characters.")
                % {"count": MAX_QUERY_LENGTH}
            )
        if self.terms_dropped:
            notes.append(
                _("Only the first %(count)s words of your search were used.") % {"count": MAX_TERMS}
            )
        return notes


# Characters no row's text holds: control characters (NUL bytes included), surrogates, unassigned.
UNSEARCHABLE_CATEGORIES = ("Cc", "Cs", "Cn")
# A term made only of these (punctuation, symbols, separators) would match almost every row.
NO_WORD_CATEGORIES = ("P", "S", "Z")

UNSEARCHABLE_MESSAGE = _(
    "The search contains characters that cannot be searched for (control characters). "
    "Remove them and search again."
)
NO_TERMS_MESSAGE = _("There is nothing to search for in that text. Try a name or a word.")


def _clean(raw):
    """The visitor's text without control characters (NUL bytes included) or surrogates, and
    whether it had any."""
    kept, dropped = [], False
    for char in str(raw or ""):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) in UNSEARCHABLE_CATEGORIES:
            dropped = True
        else:
            kept.append(char)
    return " ".join("".join(kept).split()), dropped


def has_word(term):
    """Whether ``term`` holds a letter, a digit or a mark: anything but punctuation, symbols and
    spaces (".", "，", "--", "%" have none)."""
    return any(unicodedata.category(char)[0] not in NO_WORD_CATEGORIES for char in term)


def parse_query(raw):
    """A Query from the raw ``q`` parameter: cleaned, cut to MAX_QUERY_LENGTH, split into terms.

    Both the search page and the lists' search boxes read the visitor's text this way. A term of
    punctuation or symbols alone is dropped; a text with control characters is ``unsearchable``
    (the page says so rather than searching for something else than was typed).
    """
    text, unsearchable = _clean(raw)
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    terms = []
    for match in _TOKEN.finditer(normalise(text)):
        term = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
        if term and has_word(term) and term not in terms:
            terms.append(term)
    return Query(
        text=text,
        terms=tuple(terms[:MAX_TERMS]),
        truncated=truncated,
        terms_dropped=len(terms) > MAX_TERMS,
        unsearchable=unsearchable,
    )


# --- Highlighting ---------------------------------------------------------------------------------


def _aligned(text):
    """The normalised form of ``text`` and, for each of its characters, the span of original
    characters it comes from; None when the two cannot be put side by side.

    NFKC and case folding may turn one character into several (ﬁ → fi, ß → ss): each result
    character then points at the same original. Character by character, OpenCC's t2s keeps the
    length of almost every text, and ``normalise`` then differs from that form only where it
    changed the wording (最佳化 → 优化) or the spaces: those stretches map to the whole stretch of
    the original they replace.
    """
    if text.isascii() and "\x00" not in text:
        return _aligned_ascii(text)
    pieces = [unicodedata.normalize("NFKC", char).replace("\x00", "") for char in text]
    composed = "".join(pieces)
    charwise = simplified(composed)
    if len(charwise) != len(composed):
        return None
    owners = [index for index, piece in enumerate(pieces) for _char in piece]
    chars, origins = [], []
    for char, owner in zip(charwise, owners, strict=True):
        for part in char.casefold():
            chars.append(part)
            origins.append(owner)
    folded = "".join(chars)
    normalised = normalise(text)
    if folded == normalised:
        return normalised, [(origin, origin + 1) for origin in origins]
    spans = [None] * len(normalised)
    matcher = difflib.SequenceMatcher(None, folded, normalised, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            for offset in range(j2 - j1):
                origin = origins[i1 + offset]
                spans[j1 + offset] = (origin, origin + 1)
        elif j2 > j1:
            if i2 > i1:
                whole = (origins[i1], origins[i2 - 1] + 1)
            else:  # inserted: no original of its own
                at = origins[i1] if i1 < len(origins) else len(text)
                whole = (at, at)
            for position in range(j1, j2):
                spans[position] = whole
    return normalised, spans


_WORD = re.compile(r"\S+")


def _aligned_ascii(text):
    """``_aligned`` for ASCII text, which NFKC and the Chinese conversion leave as it is and case
    folding changes one character for one: only the spaces differ, each run of them becoming one
    space. (Most of an English page's text; the general way reads it character by character,
    and compares the two forms.) The spans are worked out when asked for, from the words'
    places: a match needs two of them."""
    words = list(_WORD.finditer(text))
    return " ".join(word.group().lower() for word in words), _AsciiSpans(text, words)


class _AsciiSpans:
    """The original span of each character of ``_aligned_ascii``'s text."""

    def __init__(self, text, words):
        self.text, self.words = text, words
        self.starts, at = [], 0  # where each word starts in the normalised text
        for word in words:
            self.starts.append(at)
            at += len(word.group()) + 1
        self.length = max(at - 1, 0)

    def __len__(self):
        return self.length

    def __getitem__(self, position):
        index = bisect.bisect_right(self.starts, position) - 1
        word = self.words[index]
        offset = position - self.starts[index]
        if offset < len(word.group()):
            return (word.start() + offset, word.start() + offset + 1)
        # The space after the word: the run's first space, or the whole run when it has none.
        following = self.words[index + 1].start()
        first = self.text.find(" ", word.end(), following)
        return (first, first + 1) if first != -1 else (word.end(), following)


def match_spans(text, terms):
    """Sorted, merged (start, end) spans of ``text`` (original indices) that match ``terms``."""
    if not text or not terms:
        return []
    aligned = _aligned(text)
    if aligned is None:
        return []
    normalised, origins = aligned
    spans = []
    for term in terms:
        start = normalised.find(term)
        while start != -1:
            end = start + len(term)
            span = (origins[start][0], origins[end - 1][1])
            if span[0] < span[1]:
                spans.append(span)
            start = normalised.find(term, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text, spans, start=0, end=None):
    """``text[start:end]`` HTML-escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        out.append(escape(text[cursor:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(escape(text[cursor:end]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def highlight(text, terms):
    """``text`` HTML-escaped with every match of ``terms`` in <mark>, in its original script."""
    text = str(text or "")
    return _render(text, match_spans(text, terms))


def excerpt(text, terms, radius=EXCERPT_RADIUS):
    """A window of ``text`` around its first match, highlighted, with … where it was cut."""
    text = str(text or "")
    spans = match_spans(text, terms)
    first_start, first_end = spans[0] if spans else (0, 0)
    start = max(0, first_start - radius)
    end = min(len(text), first_end + radius if spans else 2 * radius)
    body = _render(text, spans, start, end)
    return mark_safe(("…" if start else "") + body + ("…" if end < len(text) else ""))  # noqa: S308


def contains_any(text, terms):
    folded = normalise(text)
    return [term for term in terms if term in folded]


# --- Running a search -----------------------------------------------------------------------------


@dataclass
class Hit:
    """One row found: its page, its names with the match marked, and where else it matched."""

    record: object
    url: str
    title: SafeString
    subtitle: SafeString
    excerpt: SafeString = SafeString("")
    excerpt_lang: str = ""
    meta: str = ""
    draft: bool = False
    title_lang: str = chinese.STORED


@dataclass
class Group:
    key: str
    label: str
    count: int = 0
    hits: list = field(default_factory=list)
    # The group's list page filtered by the same words, where it has one: all its rows, with
    # the list's filters and orders.
    list_url: str = ""

    @property
    def more(self):
        return self.count > len(self.hits)


def _company_meta(company, show_drafts):
    return company.get_kind_display()


def _case_meta(case, show_drafts):
    return case.get_case_type_display()


def _policy_meta(policy, show_drafts):
    parts = [str(policy.get_level_display())]
    if policy.date_display:
        parts.append(policy.date_display)
    return " · ".join(parts)


def _theme_meta(theme, show_drafts):
    return _("A theme of the argument")


def _person_meta(person, show_drafts):
    organisation = person.organisation
    if organisation is None or not (organisation.published or show_drafts):
        return ""
    return format_html(
        '<span lang="{}">{}</span> <span lang="en">{}</span>',
        chinese.lang(),
        chinese.render(organisation.name_zh, simplified=organisation.name_zh_hans),
        organisation.name_en,
    )


def _sector_meta(sector, show_drafts):
    return sector.get_kind_display()


def _region_meta(region, show_drafts):
    return region.get_level_display()


def _groups():
    """The groups the results page shows, in order: (key, label, model, names, other fields...)."""
    from .models import Case, Company, Person, Policy, Region, Sector, Theme

    return (
        GroupSpec(
            "companies",
            _("Organisations"),
            Company,
            ("name_zh", "name_en"),
            ("name_zh_hans", "short_name_zh", "aliases", "description_zh", "description_en"),
            _company_meta,
            list_url_name="catalog:company_list",
        ),
        GroupSpec(
            "cases",
            _("Cases"),
            Case,
            ("title_zh", "title_en"),
            ("summary_zh", "summary_en"),
            _case_meta,
            list_url_name="catalog:case_list",
        ),
        GroupSpec(
            "policies",
            _("Policies"),
            Policy,
            ("title_zh", "title_en"),
            ("issuer_note_zh", "issuer_note_en", "summary_zh", "summary_en"),
            _policy_meta,
            list_url_name="catalog:policy_list",
        ),
        GroupSpec(
            "themes",
            _("Themes"),
            Theme,
            ("title_zh", "title_en"),
            ("statement_zh", "statement_en"),
            _theme_meta,
        ),
        GroupSpec(
            "people",
            _("People"),
            Person,
            ("name_zh", "name_en"),
            ("name_zh_hans", "role_zh", "role_en"),
            _person_meta,
            ("organisation",),
            list_url_name="catalog:person_list",
        ),
        GroupSpec(
            "sectors",
            _("Sectors"),
            Sector,
            ("name_zh", "name_en"),
            ("name_zh_hans", "description_zh", "description_en"),
            _sector_meta,
        ),
        GroupSpec(
            "regions",
            _("Regions"),
            Region,
            ("name_zh", "name_en"),
            ("name_zh_hans",),
            _region_meta,
        ),
    )


def _field_language(name):
    if name.endswith("_en"):
        return "en"
    if name.endswith("_zh_hans"):
        return chinese.lang(chinese.script() or chinese.HANS)
    if name.endswith("_zh"):
        return chinese.lang()
    return ""  # other names may be in either language


def _shown(record, name, text):
    """A Chinese field's text as the page shows it (catalog.chinese), other fields as stored."""
    if name.endswith("_zh"):
        return chinese.render(text, simplified=getattr(record, f"{name}_hans", ""))
    if name.endswith("_zh_hans") or not name.endswith("_en"):
        return chinese.render(text)
    return text


@dataclass(frozen=True)
class GroupSpec:
    key: str
    label: str
    model: type
    names: tuple
    others: tuple
    meta: object
    related: tuple = ()  # foreign keys the hits show, read with them
    list_url_name: str = ""

    def texts(self, record, name):
        """The field's texts as the page shows them."""
        value = getattr(record, name)
        if isinstance(value, list):
            return [_shown(record, name, str(item)) for item in value]
        return [_shown(record, name, value)] if value else []

    def rows(self, query, user):
        """The visible rows containing every term (found through the search index), best first,
        and how many there are: one statement (and one more for the people's organisations)."""
        rows = self.model.objects.all()
        if hasattr(rows, "visible_to"):
            rows = rows.visible_to(user)
        matches = search_index.matching(rows, query.terms)
        rank = Value(0, output_field=IntegerField())
        for term in query.terms:
            rank = rank + StrIndex("search_text", Value(term))
        # Earlier matches first (names come first in search_text); the model's ordering breaks ties.
        order = ("search_rank", *self.model._meta.ordering)
        return search_index.best_and_total(
            matches.annotate(search_rank=rank), order, GROUP_LIMIT, self.related
        )

    def hit(self, record, terms, show_drafts):
        title, subtitle = (_shown(record, name, getattr(record, name)) for name in self.names)
        missing = [
            term for term in terms if term not in normalise(title) + "\n" + normalise(subtitle)
        ]
        snippet, lang = SafeString(""), ""
        if missing:
            best = None
            for name in self.others:
                for text in self.texts(record, name):
                    found = len(contains_any(text, missing))
                    if found and (best is None or found > best[0]):
                        best = (found, text, name)
            if best:
                snippet, lang = excerpt(best[1], terms), _field_language(best[2])
        return Hit(
            record=record,
            url=record.get_absolute_url(),
            title=highlight(title, terms),
            subtitle=highlight(subtitle, terms),
            excerpt=snippet,
            excerpt_lang=lang,
            meta=self.meta(record, show_drafts),
            draft=not getattr(record, "published", True),
            title_lang=chinese.lang(),
        )


def run_search(query, user):
    """The result groups for ``query`` as ``user`` may see them: one database query per group,
    none at all for a query with nothing (or something unsearchable) to search for."""
    from .models import shows_drafts

    show_drafts = shows_drafts(user)
    groups = []
    for spec in _groups():
        group = Group(key=spec.key, label=spec.label)
        if query.terms and not query.unsearchable:
            rows, group.count = spec.rows(query, user)
            if spec.list_url_name and not query.terms_dropped:
                group.list_url = f"{reverse(spec.list_url_name)}?{urlencode({'q': query.text})}"
            group.hits = [spec.hit(row, query.terms, show_drafts) for row in rows]
        groups.append(group)
    return groups
