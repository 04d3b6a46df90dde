"""Exports of the list pages and of search: CSV, JSON and Atom, streamed.

Each export reads the rows of a catalogue query (catalog.query), so that it holds exactly the rows
the page counts, in the page's order, all pages at once. Exports show the published catalogue
only, whoever asks: a draft or a staff-only field never leaves the site through a download.

Rows are read in chunks (``QuerySet.iterator``) and written as they come, so memory stays flat
however many rows there are.
"""

import csv
import json
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.feedgenerator import Atom1Feed

from . import models
from .models.provenance import cited
from .search_index import matching

CHUNK = 500
# How many entries an Atom feed holds: the rows of the list changed most recently.
FEED_ENTRIES = 50
LIST_SEPARATOR = "; "
PUBLIC = AnonymousUser()


def _joined(values):
    return LIST_SEPARATOR.join(str(value) for value in values if value not in (None, ""))


def _date(value):
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how a record gives its value."""

    header: str
    value: object  # callable(record) -> str | int | bool | None


def _attr(name):
    return Column(name, lambda record: getattr(record, name))


def _published_companies():
    return models.Company.objects.published().order_by("name_en")


@dataclass(frozen=True)
class Export:
    """What one list exports: its columns, the related rows they read (fetched in bulk), the
    title of its feed and how an entry of it reads."""

    name: str
    title: str
    columns: list
    prefetch: tuple = ()
    select: tuple = ()
    # record -> (Chinese name, English name, Chinese summary, English summary)
    common: object = None

    def entry_title(self, record):
        name_zh, name_en, _summary_zh, _summary_en = self.common(record)
        return f"{name_en} · {name_zh}"

    def entry_summary(self, record):
        _name_zh, _name_en, summary_zh, summary_en = self.common(record)
        return "\n\n".join(text for text in (summary_en, summary_zh) if text)

    def queryset(self, rows):
        """``rows`` with what the columns and citations read, fetched in bulk."""
        rows = rows.prefetch_related(*self.prefetch)
        if hasattr(self.model, "citations"):
            rows = rows.prefetch_related(cited())
        return rows.select_related(*self.select) if self.select else rows

    @property
    def model(self):
        return SEARCH_MODELS[self.name]


def _names(records, attribute="name_en"):
    return _joined(getattr(record, attribute) for record in records)


def _related(header, records):
    """Three columns for related records (``records(row)`` gives them): their slugs, Chinese
    names and English names, each joined."""
    stem = header.removesuffix("s")
    return [
        Column(header, lambda r: _names(records(r), "slug")),
        Column(f"{stem}_names_zh", lambda r: _names(records(r), "name_zh")),
        Column(f"{stem}_names_en", lambda r: _names(records(r))),
    ]


def _case_companies(case):
    return [role.company for role in case.roles.all()]


def _flags(record, fields):
    return _joined(value for value, field_name in fields.items() if getattr(record, field_name))


CASES = Export(
    name="cases",
    title="Cases",
    columns=[
        _attr("slug"),
        _attr("title_zh"),
        _attr("title_en"),
        _attr("case_type"),
        _attr("track"),
        _attr("start_year"),
        _attr("end_year"),
        _attr("summary_zh"),
        _attr("summary_en"),
        *_related("sectors", lambda r: r.sectors.all()),
        *_related("regions", lambda r: r.regions.all()),
        *_related("organisations", _case_companies),
        Column("levers", lambda r: _flags(r, models.LEVER_FIELDS)),
        Column("changes", lambda r: _flags(r, models.CHANGE_FIELDS)),
        Column("figure_count", lambda r: r.metric_count),
    ],
    prefetch=("regions",),
    common=lambda r: (r.title_zh, r.title_en, r.summary_zh, r.summary_en),
)

COMPANIES = Export(
    name="companies",
    title="Organisations",
    columns=[
        _attr("slug"),
        _attr("name_zh"),
        _attr("name_zh_hans"),
        _attr("short_name_zh"),
        _attr("name_en"),
        Column("name_en_is_official", lambda r: r.name_en_official),
        _attr("kind"),
        Column("region", lambda r: r.region.slug if r.region else ""),
        Column("region_name_zh", lambda r: r.region.name_zh if r.region else ""),
        Column("region_name_en", lambda r: r.region.name_en if r.region else ""),
        *_related("sectors", lambda r: r.sectors.all()),
        Column("founded_on", lambda r: _date(r.founded_on)),
        _attr("founded_precision"),
        _attr("website"),
        _attr("description_zh"),
        _attr("description_en"),
        Column("figure_count", lambda r: r.metric_count),
    ],
    common=lambda r: (r.name_zh, r.name_en, r.description_zh, r.description_en),
)

POLICIES = Export(
    name="policies",
    title="Policies",
    columns=[
        _attr("slug"),
        _attr("title_zh"),
        _attr("title_en"),
        _attr("level"),
        Column("issued_on", lambda r: _date(r.issued_on)),
        _attr("date_precision"),
        *_related("issuers", lambda r: r.issuers.all()),
        _attr("issuer_note_zh"),
        _attr("issuer_note_en"),
        *_related("regions", lambda r: r.regions.all()),
        _attr("summary_zh"),
        _attr("summary_en"),
        Column("target_count", lambda r: r.target_count),
    ],
    common=lambda r: (r.title_zh, r.title_en, r.summary_zh, r.summary_en),
)


def _organisation(person):
    """A person's organisation when it is published (a draft one is never exported)."""
    organisation = person.organisation
    return organisation if organisation is not None and organisation.published else None


PEOPLE = Export(
    name="people",
    title="People",
    columns=[
        _attr("slug"),
        _attr("name_zh"),
        _attr("name_zh_hans"),
        _attr("name_en"),
        Column("name_is_pseudonym", lambda r: r.is_pseudonym),
        _attr("role_zh"),
        _attr("role_en"),
        Column("organisation", lambda r: getattr(_organisation(r), "slug", "")),
        Column("organisation_name_zh", lambda r: getattr(_organisation(r), "name_zh", "")),
        Column("organisation_name_en", lambda r: getattr(_organisation(r), "name_en", "")),
        Column("statement_count", lambda r: r.quote_count),
    ],
    common=lambda r: (r.name_zh, r.name_en, r.role_zh, r.role_en),
)


def _tree_columns():
    return [
        _attr("slug"),
        _attr("name_zh"),
        _attr("name_en"),
        Column("parent", lambda r: r.parent.slug if r.parent else ""),
        _attr("description_zh"),
        _attr("description_en"),
    ]


def _tree_common(record):
    return (record.name_zh, record.name_en, record.description_zh, record.description_en)


SECTORS = Export(
    name="sectors",
    title="Sectors",
    columns=_tree_columns(),
    select=("parent",),
    common=_tree_common,
)
REGIONS = Export(
    name="regions",
    title="Regions",
    columns=_tree_columns(),
    select=("parent",),
    common=_tree_common,
)

EXPORTS = {export.name: export for export in (CASES, COMPANIES, POLICIES, PEOPLE)}
SEARCH_TYPES = {
    "companies": "organisation",
    "cases": "case",
    "policies": "policy",
    "people": "person",
    "sectors": "sector",
    "regions": "region",
}


SEARCH_MODELS = {
    "companies": models.Company,
    "cases": models.Case,
    "policies": models.Policy,
    "people": models.Person,
    "sectors": models.Sector,
    "regions": models.Region,
}
SEARCH_EXPORTS = {**EXPORTS, "sectors": SECTORS, "regions": REGIONS}


def citation_record(citation, absolute):
    return {
        "ref": citation.ref,
        "url": absolute(citation.get_absolute_url()),
        "source": citation.source.slug,
        "source_title": citation.source.title,
        "passage": citation.quote,
        "passage_en": citation.quote_en,
        "passage_en_is_translation": bool(citation.quote_en),
    }


def record_values(export, record, absolute):
    """The export's columns for one record, with its page's address after the slug."""
    values = {}
    for column in export.columns:
        values[column.header] = column.value(record)
        if column.header == "slug":
            values["url"] = absolute(record.get_absolute_url())
    values["modified"] = record.modified.isoformat()
    return values


def headers(export):
    names = []
    for column in export.columns:
        names.append(column.header)
        if column.header == "slug":
            names.append("url")
    return [*names, "modified"]


class _Echo:
    """A file-like object whose write() hands the line back (csv.writer into a generator)."""

    def write(self, value):
        return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def stream_csv(rows, columns, values_of):
    """The rows as CSV lines under ``columns``, a byte-order mark first (so that Excel reads the
    UTF-8 Chinese as such); ``values_of(export, record)`` gives a row's values by column."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    for export, record in rows:
        values = values_of(export, record)
        yield writer.writerow([_cell(values.get(name)) for name in columns])


SEARCH_HEADERS = [
    "type",
    "slug",
    "url",
    "name_zh",
    "name_en",
    "summary_zh",
    "summary_en",
    "modified",
]


def search_values(export, record, absolute):
    """The columns every searchable row has: its type, names and summary."""
    name_zh, name_en, summary_zh, summary_en = export.common(record)
    return {
        "type": SEARCH_TYPES[export.name],
        "slug": record.slug,
        "url": absolute(record.get_absolute_url()),
        "name_zh": name_zh,
        "name_en": name_en,
        "summary_zh": summary_zh,
        "summary_en": summary_en,
        "modified": record.modified.isoformat(),
    }


def stream_json(rows, absolute, meta):
    """``{"meta": …, "count": n, "records": [...]}`` written record by record."""
    yield "{" + json.dumps({"meta": meta}, ensure_ascii=False)[1:-1] + ","
    yield f'"count": {int(meta["count"])}, "records": ['
    first = True
    for export, record in rows:
        values = record_values(export, record, absolute)
        values = {"type": SEARCH_TYPES[export.name], **values}
        if hasattr(record, "citations"):
            values["citations"] = [
                citation_record(citation, absolute) for citation in record.citations.all()
            ]
        yield ("" if first else ",") + "\n" + json.dumps(values, ensure_ascii=False, default=str)
        first = False
    yield "\n]}\n"


class Rows:
    """(export, record) pairs of one or more querysets, read in chunks."""

    def __init__(self, parts):
        self.parts = parts

    def __iter__(self):
        for export, queryset in self.parts:
            for record in queryset.iterator(chunk_size=CHUNK):
                yield export, record


def list_rows(export, query):
    """The rows of a catalogue query, as its page orders them, ready for ``export``."""
    return Rows([(export, export.queryset(query.rows))])


def search_rows(terms, newest=None):
    """Every published row of the lists search covers whose text holds all ``terms`` (or the
    ``newest`` most recently changed of each), as the search page finds them."""
    parts = []
    for name, model in SEARCH_MODELS.items():
        export = SEARCH_EXPORTS[name]
        rows = model.objects.all()
        if hasattr(rows, "published"):
            rows = rows.published()
        if hasattr(rows, "for_list"):
            rows = rows.for_list()
        queryset = matching(rows, terms).order_by("pk")
        if newest:
            queryset = queryset.order_by("-modified", "-pk")[:newest]
        parts.append((export, export.queryset(queryset)))
    return Rows(parts)


def atom_feed(rows, *, title, link, feed_url, language, absolute, description=""):
    """An Atom 1.0 document of ``rows`` (already the newest, in order)."""
    feed = Atom1Feed(
        title=title,
        link=link,
        feed_url=feed_url,
        description=description,
        language=language,
        author_name="Xinzhi Atlas",
        feed_guid=feed_url,
    )
    for export, record in rows:
        url = absolute(record.get_absolute_url())
        feed.add_item(
            title=export.entry_title(record),
            link=url,
            description=export.entry_summary(record),
            unique_id=url,
            unique_id_is_permalink=True,
            pubdate=record.created,
            updateddate=record.modified,
            categories=[SEARCH_TYPES[export.name]],
        )
    return feed.writeString("utf-8")
