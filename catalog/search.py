"""Search: text normalisation, the query, and highlighting in the original text.

Both the stored ``search_text`` of each row and the visitor's query go through ``normalise``, so a
query in simplified characters finds traditional text and the reverse, and English matches in any
case. A query is cut into terms (a phrase in double quotes is one term); a row matches when its
``search_text`` contains every term. Matches are highlighted in the text as stored (traditional
characters, original case) by mapping each character of the normalised form back to the character
it came from; where that mapping is not one to one the text is shown without highlight.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import opencc
from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce, StrIndex
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200
# At most this many terms are used; the rest are ignored (and the page says so).
MAX_TERMS = 10
# Rows shown per group; the count says how many matched in all.
GROUP_LIMIT = 50
# Characters of context either side of the first match in an excerpt.
EXCERPT_RADIUS = 60

# Quotation marks that delimit a phrase, or that are dropped from a bare word.
QUOTES = '"“”「」『』'
_TOKEN = re.compile(rf"[{QUOTES}]([^{QUOTES}]*)[{QUOTES}]|([^\s{QUOTES}]+)")


@functools.cache
def _to_simplified():
    return opencc.OpenCC("t2s")


def simplified(text):
    """``text`` in simplified characters (億元 → 亿元)."""
    return _to_simplified().convert(text) if text else ""


def normalise(text):
    """Simplified characters, NFKC (full-width letters become ASCII), lower case, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).replace("\x00", "")
    text = _to_simplified().convert(text)
    return " ".join(text.casefold().split())


def document(parts):
    return "\n".join(normalise(part) for part in parts if part)


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
    """The normalised form of ``text`` and, for each of its characters, the index of the original
    character it comes from; None when the two cannot be put side by side one to one.

    NFKC and case folding may turn one character into several (ﬁ → fi, ß → ss): each result
    character then points at the same original. OpenCC's t2s keeps the length for almost every
    text; where it does not, or where the character-by-character form differs from ``normalise``
    of the whole text, there is no safe mapping.
    """
    pieces = [unicodedata.normalize("NFKC", char).replace("\x00", "") for char in text]
    composed = "".join(pieces)
    simplified = _to_simplified().convert(composed)
    if len(simplified) != len(composed):
        return None
    owners = [index for index, piece in enumerate(pieces) for _char in piece]
    chars, origins = [], []
    after_space = True  # drops leading whitespace, as normalise does
    for char, owner in zip(simplified, owners, strict=True):
        folded = char.casefold()
        if folded.isspace():
            if not after_space:
                chars.append(" ")
                origins.append(owner)
            after_space = True
            continue
        after_space = False
        for part in folded:
            chars.append(part)
            origins.append(owner)
    normalised = "".join(chars)
    if normalised.rstrip(" ") != normalise(text):
        return None
    return normalised, origins


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
            spans.append((origins[start], origins[end - 1] + 1))
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


@dataclass
class Group:
    key: str
    label: str
    count: int = 0
    hits: list = field(default_factory=list)

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


def _person_meta(person, show_drafts):
    organisation = person.organisation
    if organisation is None or not (organisation.published or show_drafts):
        return ""
    return format_html(
        '<span lang="zh-Hant">{}</span> <span lang="en">{}</span>',
        organisation.name_zh,
        organisation.name_en,
    )


def _groups():
    """The groups the results page shows, in order: (key, label, model, names, other fields...)."""
    from .models import Case, Company, Person, Policy

    return (
        GroupSpec(
            "companies",
            _("Organisations"),
            Company,
            ("name_zh", "name_en"),
            ("name_zh_hans", "short_name_zh", "aliases", "description_zh", "description_en"),
            _company_meta,
        ),
        GroupSpec(
            "cases",
            _("Cases"),
            Case,
            ("title_zh", "title_en"),
            ("summary_zh", "summary_en"),
            _case_meta,
        ),
        GroupSpec(
            "policies",
            _("Policies"),
            Policy,
            ("title_zh", "title_en"),
            ("issuer_note_zh", "issuer_note_en", "summary_zh", "summary_en"),
            _policy_meta,
        ),
        GroupSpec(
            "people",
            _("People"),
            Person,
            ("name_zh", "name_en"),
            ("name_zh_hans", "role_zh", "role_en"),
            _person_meta,
            ("organisation",),
        ),
    )


def _field_language(name):
    if name.endswith("_en"):
        return "en"
    if name.endswith("_zh_hans"):
        return "zh-Hans"
    if name.endswith("_zh"):
        return "zh-Hant"
    return ""  # other names may be in either language


@dataclass(frozen=True)
class GroupSpec:
    key: str
    label: str
    model: type
    names: tuple
    others: tuple
    meta: object
    select_related: tuple = ()

    def texts(self, record, name):
        value = getattr(record, name)
        if isinstance(value, list):
            return [str(item) for item in value]
        return [value] if value else []

    def rows(self, query, user):
        """One query: the visible rows containing every term (found through the search index),
        best first, each with the total."""
        matches = self.model.objects.visible_to(user).matching(query.terms)
        rank = Value(0, output_field=IntegerField())
        for term in query.terms:
            rank = rank + StrIndex("search_text", Value(term))
        # Earlier matches first (names come first in search_text); the model's ordering breaks ties.
        order = ("search_rank", *self.model._meta.ordering)
        # The best rows are chosen by id alone, then read whole; the total is a subquery the
        # database runs once. (A window over every matching row, or choosing whole rows, carries
        # each of them, every column, to the sort.)
        best = matches.annotate(search_rank=rank).order_by(*order).values("pk")[:GROUP_LIMIT]
        total = matches.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*"))
        rows = self.model._base_manager.filter(pk__in=best)
        if self.select_related:
            rows = rows.select_related(*self.select_related)
        return rows.annotate(
            search_total=Coalesce(Subquery(total.values("n")), Value(0)), search_rank=rank
        ).order_by(*order)

    def hit(self, record, terms, show_drafts):
        title, subtitle = (getattr(record, name) for name in self.names)
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
            draft=not record.published,
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
            rows = list(spec.rows(query, user))
            group.count = rows[0].search_total if rows else 0
            group.hits = [spec.hit(row, query.terms, show_drafts) for row in rows]
        groups.append(group)
    return groups
