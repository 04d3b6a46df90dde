""" "Cite this": a catalogue record and the sources it rests on, in the formats reference managers
import (BibTeX, RIS, CSL-JSON).

Each download holds two kinds of entry: the record itself (a web page of the catalogue, with its
permanent address and the date it last changed) and each source cited on it (the article, with
its author, editor, publication and date as the catalogue records them).
"""

import json
import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from . import chinese
from .models import (
    Case,
    Citation,
    Company,
    DatePrecision,
    Person,
    Policy,
    Region,
    Sector,
    Source,
    Theme,
)

SITE_NAME = "Xinzhi Atlas (新質圖譜)"


@dataclass(frozen=True)
class Kind:
    """A kind of record that has a page: its model, its name in URLs, what its sources are."""

    name: str
    model: type
    label: str
    # The citations whose source the record rests on: its own, its figures', its statements'…
    sources: tuple


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "company",
            Company,
            "Organisation",
            (
                "company",
                "metric__company",
                "funding_round__company",
                "investment__investee",
            ),
        ),
        Kind("case", Case, "Case", ("case", "metric__case", "quote_record__cases")),
        Kind("policy", Policy, "Policy", ("policy", "metric__policy", "quote_record__policies")),
        Kind("person", Person, "Person", ("person", "quote_record__person")),
        Kind("sector", Sector, "Sector", ("metric__sector", "quote_record__sectors")),
        Kind("region", Region, "Region", ("metric__region",)),
        Kind("theme", Theme, "Theme", ("theme",)),
        Kind("source", Source, "Source", ()),
    )
}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}

FORMATS = {
    "bib": ("application/x-bibtex", "BibTeX"),
    "ris": ("application/x-research-info-systems", "RIS"),
    "csl.json": ("application/vnd.citationstyles.csl+json", "CSL-JSON"),
}


def visible_rows(kind, user):
    """The rows of ``kind`` that ``user`` may see: the model's own ``visible_to`` rule."""
    rows = kind.model.objects.all()
    return rows.visible_to(user) if hasattr(rows, "visible_to") else rows


def record_sources(record):
    """The sources a record rests on, in a stable order; a source is its own."""
    kind = KIND_OF_MODEL[type(record)]
    if kind.model is Source:
        return [record]
    # One subquery per path, each read through its own index: joining every citation to every
    # path at once read all the citations of a source (187,000 at 50,000 generated cases).
    condition = Q()
    for path in kind.sources:
        condition |= Q(pk__in=Citation.objects.filter(**{path: record}).values("source_id"))
    return list(Source.objects.filter(condition).order_by("publication", "title"))


def titles(record):
    """The record's Chinese and English names."""
    zh = getattr(record, "name_zh", None) or getattr(record, "title_zh", None) or ""
    en = getattr(record, "name_en", None) or getattr(record, "title_en", None) or ""
    if isinstance(record, Source):
        zh, en = record.title, record.title_en
    return zh, en


def record_title(record):
    zh, en = titles(record)
    return f"{zh} ({en})" if zh and en and zh != en else zh or en


@dataclass
class Entry:
    """One bibliographic entry, in terms every format can express."""

    key: str
    kind: str  # "webpage" (a record) or "article" (a source)
    title: str
    url: str = ""
    authors: tuple = ()
    editors: tuple = ()
    container: str = ""
    publisher: str = ""
    issued: tuple = ()  # (year,), (year, month) or (year, month, day)
    accessed: tuple = ()
    language: str = ""
    note: str = ""


def _date_parts(value, precision=DatePrecision.DAY):
    if value is None:
        return ()
    if precision == DatePrecision.YEAR:
        return (value.year,)
    if precision == DatePrecision.MONTH:
        return (value.year, value.month)
    return (value.year, value.month, value.day)


def source_entry(source):
    names = tuple(name for name in re.split(r"[、,，;；]\s*", source.author) if name)
    editors = tuple(name for name in re.split(r"[、,，;；]\s*", source.editor) if name)
    return Entry(
        key=source.slug,
        kind="article",
        title=source.title,
        url=source.url,
        authors=names,
        editors=editors,
        container=source.publication,
        issued=_date_parts(source.published_on, source.date_precision),
        language=source.language,
        note=f"English title (translation): {source.title_en}" if source.title_en else "",
    )


def record_entry(record, url, today=None):
    kind = KIND_OF_MODEL[type(record)]
    today = today or timezone.localdate()
    changed = timezone.localtime(record.modified).date() if record.modified else today
    return Entry(
        key=f"xinzhi-atlas-{kind.name}-{record.slug}",
        kind="webpage",
        title=record_title(record),
        url=url,
        authors=(SITE_NAME,),
        container=SITE_NAME,
        publisher=SITE_NAME,
        issued=_date_parts(changed),
        accessed=_date_parts(today),
        note=f"{kind.label} record in {SITE_NAME}; each fact cites its source verbatim.",
    )


def entries(record, url, today=None):
    """The record's entry (unless it is a source), then one per source it rests on."""
    found = [] if isinstance(record, Source) else [record_entry(record, url, today)]
    return found + [source_entry(source) for source in record_sources(record)]


# --- BibTeX -------------------------------------------------------------------------------------

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_text(value):
    return "".join(BIBTEX_SPECIAL.get(character, character) for character in value)


def _bibtex_names(names):
    # Each name braced whole: a Chinese name or an organisation is not split into given and
    # family names.
    return " and ".join(f"{{{bibtex_text(name)}}}" for name in names)


def _iso(parts):
    return "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(parts))


def bibtex(items):
    blocks = []
    for entry in items:
        fields = [("title", f"{{{bibtex_text(entry.title)}}}")]
        if entry.authors:
            fields.append(("author", _bibtex_names(entry.authors)))
        if entry.editors:
            fields.append(("editor", _bibtex_names(entry.editors)))
        if entry.kind == "article" and entry.container:
            fields.append(("journal", bibtex_text(entry.container)))
            fields.append(("journaltitle", bibtex_text(entry.container)))
        if entry.kind == "webpage":
            fields.append(("howpublished", bibtex_text(entry.container)))
            fields.append(("organization", bibtex_text(entry.publisher)))
        if entry.issued:
            fields.append(("year", str(entry.issued[0])))
            if len(entry.issued) > 1:
                fields.append(("month", str(entry.issued[1])))
            fields.append(("date", _iso(entry.issued)))
        if entry.url:
            fields.append(("url", entry.url.replace("{", "%7B").replace("}", "%7D")))
        if entry.accessed:
            fields.append(("urldate", _iso(entry.accessed)))
        if entry.language:
            fields.append(("language", bibtex_text(entry.language)))
        if entry.note:
            fields.append(("note", bibtex_text(entry.note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        kind = "article" if entry.kind == "article" else "misc"
        blocks.append(f"@{kind}{{{entry.key},\n{body}\n}}\n")
    return "\n".join(blocks)


# --- RIS ----------------------------------------------------------------------------------------


def _ris_line(tag, value):
    return f"{tag}  - {' '.join(str(value).split())}"


def _ris_date(parts):
    """RIS's YYYY/MM/DD/ with the parts the date has (2024/04//)."""
    month, day = ([f"{part:02d}" for part in parts[1:]] + ["", ""])[:2]
    return f"{parts[0]}/{month}/{day}/"


def ris(items):
    lines = []
    for entry in items:
        lines.append(_ris_line("TY", "MGZN" if entry.kind == "article" else "ELEC"))
        lines.append(_ris_line("TI", entry.title))
        lines += [_ris_line("AU", name) for name in entry.authors]
        lines += [_ris_line("A2", name) for name in entry.editors]
        if entry.container:
            lines.append(_ris_line("T2", entry.container))
        if entry.publisher:
            lines.append(_ris_line("PB", entry.publisher))
        if entry.issued:
            lines.append(_ris_line("PY", entry.issued[0]))
            lines.append(_ris_line("DA", _ris_date(entry.issued)))
        if entry.url:
            lines.append(_ris_line("UR", entry.url))
        if entry.accessed:
            lines.append(_ris_line("Y2", _ris_date(entry.accessed)))
        if entry.language:
            lines.append(_ris_line("LA", entry.language))
        if entry.note:
            lines.append(_ris_line("N1", entry.note))
        lines.append(_ris_line("ID", entry.key))
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)


# --- CSL-JSON -----------------------------------------------------------------------------------


def csl(items):
    result = []
    for entry in items:
        item = {
            "id": entry.key,
            "type": "article-magazine" if entry.kind == "article" else "webpage",
            "title": entry.title,
        }
        if entry.authors:
            item["author"] = [{"literal": name} for name in entry.authors]
        if entry.editors:
            item["editor"] = [{"literal": name} for name in entry.editors]
        if entry.container:
            item["container-title"] = entry.container
        if entry.publisher:
            item["publisher"] = entry.publisher
        if entry.issued:
            item["issued"] = {"date-parts": [list(entry.issued)]}
        if entry.accessed:
            item["accessed"] = {"date-parts": [list(entry.accessed)]}
        if entry.url:
            item["URL"] = entry.url
        if entry.language:
            item["language"] = entry.language
        if entry.note:
            item["note"] = entry.note
        result.append(item)
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"bib": bibtex, "ris": ris, "csl.json": csl}


def render(fmt, record, url, today=None):
    return RENDERERS[fmt](entries(record, url, today))


def plain_citation(record, url, today=None):
    """A short citation in words, shown on the page to copy: a list of {text, lang} parts, the
    Chinese ones in the page's script (catalog/chinese.py) and marked with their language, the
    English ones marked "en", the rest in the page's language (lang "")."""
    today = today or timezone.localdate()

    def zh(text):
        return {"text": chinese.render(text), "lang": chinese.lang()}

    def plain(text):
        return {"text": text, "lang": ""}

    if isinstance(record, Source):
        entry = source_entry(record)
        parts = []
        if entry.authors:
            parts += [zh(", ".join(entry.authors)), plain(". ")]
        parts += [plain("“"), zh(entry.title), plain("”. ")]
        if entry.container:
            parts += [zh(entry.container), plain(". ")]
        if entry.issued:
            parts.append(plain(f"{_iso(entry.issued)}. "))
        return [*parts, plain(url)]
    name_zh, name_en = titles(record)
    parts = [plain("“"), zh(name_zh)]
    if name_en and name_en != name_zh:
        parts += [plain(" ("), {"text": name_en, "lang": "en"}, plain(")")]
    return [
        *parts,
        plain("”. Xinzhi Atlas ("),
        zh("新質圖譜"),
        plain(f"). {url} ({date.isoformat(today)})."),
    ]
