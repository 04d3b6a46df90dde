"""The bulk download at /data/: the whole published catalogue as a Frictionless Data Package (one
CSV per table, described by ``datapackage.json``) and as one JSON file.

Only what the public sees goes in: every table's rows come from the published querysets
(``published()``, ``published_subjects()``, and links whose two ends are published); a link to a
draft (an organisation's parent, a person's organisation) is left empty. Internal fields (the
search text, image files, the published flag) are never written.

The files are built on demand and kept on disk under ``ATLAS_DATA_DIR``, one folder per catalogue
version (catalog/cache.py): any edit makes the next request build them afresh, and the previous
build is removed. ``manage.py build_open_data`` builds them ahead of the first request.
"""

import csv
import fcntl
import hashlib
import json
import logging
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connections, models
from django.urls import reverse
from django.utils import translation

from .cache import catalogue_version
from .models import (
    Case,
    CaseCompany,
    Citation,
    Company,
    FundingRound,
    Investment,
    Metric,
    Person,
    Policy,
    Quote,
    Region,
    Sector,
    Source,
    Theme,
)

logger = logging.getLogger("catalog.datapackage")

PACKAGE_NAME = "xinzhi-atlas"
JSON_FILE = f"{PACKAGE_NAME}.json"
DESCRIPTOR_FILE = "datapackage.json"
BUILD_FILE = "build.json"
CHUNK = 2000
SITE_TITLE = "Xinzhi Atlas (新質圖譜)"


# --- Which rows are public ----------------------------------------------------------------------


def public_companies():
    return Company.objects.published()


def public_cases():
    return Case.objects.published()


def public_policies():
    return Policy.objects.published()


def public_people():
    return Person.objects.published()


def public_themes():
    return Theme.objects.published()


def public_quotes():
    return Quote.objects.filter(person__in=public_people())


def public_figures():
    return Metric.objects.published_subjects()


def public_rounds():
    return FundingRound.objects.filter(company__in=public_companies())


def public_investments():
    companies = public_companies()
    return Investment.objects.filter(investee__in=companies, investor__in=companies)


def public_citations():
    """Citations whose record is public: the citation's own rule, one condition per target."""
    condition = (
        models.Q(company__in=public_companies())
        | models.Q(case__in=public_cases())
        | models.Q(policy__in=public_policies())
        | models.Q(person__in=public_people())
        | models.Q(metric__in=public_figures())
        | models.Q(funding_round__in=public_rounds())
        | models.Q(quote_record__in=public_quotes())
        | models.Q(investment__in=public_investments())
        | models.Q(theme__in=public_themes())
    )
    return Citation.objects.filter(condition)


# --- Tables -------------------------------------------------------------------------------------

# Frictionless field types by Django field class (checked in order: subclasses first).
FIELD_TYPES = (
    (models.BooleanField, "boolean"),
    (models.DateTimeField, "datetime"),
    (models.DateField, "date"),
    (models.DecimalField, "number"),
    (models.IntegerField, "integer"),
    (models.JSONField, "array"),
    (models.URLField, "string"),
    (models.CharField, "string"),
    (models.TextField, "string"),
)


@dataclass
class Column:
    """One column: its name, the ORM lookup its value comes from, its Frictionless type."""

    name: str
    lookup: str
    type: str
    description: str = ""
    enum: list = field(default_factory=list)
    format: str = ""
    required: bool = False
    # For a foreign key: the table whose public rows it may point at (by database id); the
    # value written is that row's slug or ref, and an id not among them is never written.
    target: str = ""
    # A URL pattern with "{}" for the value: the column holds the page's address.
    url: str = ""


@dataclass
class Table:
    name: str
    title: str
    description: str
    rows: object  # a callable returning the queryset of public rows
    columns: list
    primary_key: list
    foreign_keys: list = field(default_factory=list)


def _field_type(model_field):
    for cls, kind in FIELD_TYPES:
        if isinstance(model_field, cls):
            return kind
    raise TypeError(f"no data package type for {model_field!r}")


def columns(model, *names, **renamed):
    """Columns for fields of ``model``, by name; ``renamed`` maps a column name to a field name.

    Foreign keys become the slug (or ref) of the row they point at."""
    result = []
    for name in (*names, *renamed):
        field_name = renamed.get(name, name)
        model_field = model._meta.get_field(field_name)
        with translation.override("en"):
            description = str(model_field.verbose_name)
            if getattr(model_field, "help_text", ""):
                description = f"{description}: {model_field.help_text}"
        if model_field.is_relation:
            table = MODEL_TABLES[model_field.related_model]
            result.append(Column(name, model_field.attname, "string", description, target=table))
            continue
        column = Column(name, field_name, _field_type(model_field), description)
        if model_field.choices:
            column.enum = [value for value, _label in model_field.choices]
        if isinstance(model_field, models.URLField):
            column.format = "uri"
        column.required = field_name in ("slug", "ref")
        result.append(column)
    return result


def page(name, lookup="slug"):
    """A column with the absolute address of each row's page."""
    pattern = reverse(name, kwargs={"slug": "SLUG"}).replace("SLUG", "{}")
    return Column(
        "page_url", lookup, "string", "Address of the row's page in the catalogue", "", url=pattern
    )


def modified():
    return Column("modified", "modified", "datetime", "Last change of the row (UTC)")


def link(name, title, through, left, right, extra=()):
    """A table linking two tables by their keys (a many-to-many field's rows). A row is written
    when both ends are in the package, that is published."""
    (left_name, left_field, left_table), (right_name, right_field, right_table) = left, right
    return Table(
        name,
        title,
        f"One row per link between {left_table} and {right_table}.",
        through.objects.all,
        [
            *columns(through, **{left_name: left_field, right_name: right_field}),
            *extra,
        ],
        [left_name, right_name],
        [fk(left_name, left_table), fk(right_name, right_table)],
    )


def fk(column, table, key=None):
    key = key or ("ref" if table in REF_TABLES else "slug")
    return {"fields": column, "reference": {"resource": table, "fields": key}}


REF_TABLES = {"quotes", "figures", "funding_rounds", "investments", "citations"}
# The table holding each model's rows, for foreign keys.
MODEL_TABLES = {
    Company: "organisations",
    Case: "cases",
    Sector: "sectors",
    Region: "regions",
    Policy: "policies",
    Person: "people",
    Quote: "quotes",
    Metric: "figures",
    FundingRound: "funding_rounds",
    Investment: "investments",
    Source: "sources",
    Theme: "themes",
}


def tables():
    """Every table of the package, in the order they are listed."""
    company_sectors = Company.sectors.through
    case_sectors, case_regions = Case.sectors.through, Case.regions.through
    policy_links = {name: getattr(Policy, name).through for name in ("issuers", "sectors")}
    policy_links |= {name: getattr(Policy, name).through for name in ("regions", "cases")}
    quote_links = {name: getattr(Quote, name).through for name in ("companies", "cases")}
    quote_links |= {name: getattr(Quote, name).through for name in ("sectors", "policies")}
    companies, cases, policies = public_companies, public_cases, public_policies
    return [
        Table(
            "organisations",
            "Organisations",
            "Enterprises, research institutes, investors, government bodies and other "
            "organisations the sources describe.",
            companies,
            [
                *columns(
                    Company,
                    "slug",
                    "name_zh",
                    "name_zh_hans",
                    "short_name_zh",
                    "name_en",
                    "name_en_official",
                    "aliases",
                    "kind",
                    "is_named_in_source",
                    "parent",
                    "region",
                    "founded_on",
                    "founded_precision",
                    "website",
                    "description_zh",
                    "description_en",
                ),
                page("catalog:company_detail"),
                modified(),
            ],
            ["slug"],
            [fk("parent", "organisations"), fk("region", "regions")],
        ),
        link(
            "organisation_sectors",
            "Sectors of organisations",
            company_sectors,
            ("organisation", "company", "organisations"),
            ("sector", "sector", "sectors"),
        ),
        Table(
            "cases",
            "Cases",
            "Case studies the sources tell: transformations, local strategies, new business "
            "forms and more.",
            cases,
            [
                *columns(
                    Case,
                    "slug",
                    "title_zh",
                    "title_en",
                    "case_type",
                    "summary_zh",
                    "summary_en",
                    "start_year",
                    "end_year",
                    "track",
                    "lever_digital",
                    "lever_intelligent",
                    "lever_green",
                    "change_new_manufacturing",
                    "change_new_services",
                    "change_new_business_forms",
                ),
                page("catalog:case_detail"),
                modified(),
            ],
            ["slug"],
        ),
        Table(
            "case_organisations",
            "Organisations in cases",
            "One row per organisation taking part in a case, with its role.",
            CaseCompany.objects.all,
            columns(CaseCompany, "role", "note_zh", "note_en", case="case", organisation="company"),
            ["case", "organisation"],
            [fk("case", "cases"), fk("organisation", "organisations")],
        ),
        link(
            "case_sectors",
            "Sectors of cases",
            case_sectors,
            ("case", "case", "cases"),
            ("sector", "sector", "sectors"),
        ),
        link(
            "case_regions",
            "Regions of cases",
            case_regions,
            ("case", "case", "cases"),
            ("region", "region", "regions"),
        ),
        Table(
            "sectors",
            "Sectors",
            "Industries and technology tracks, in a two-level tree.",
            Sector.objects.all,
            [
                *columns(
                    Sector,
                    "slug",
                    "parent",
                    "kind",
                    "name_zh",
                    "name_zh_hans",
                    "name_en",
                    "description_zh",
                    "description_en",
                    "sort_order",
                ),
                page("catalog:sector_detail"),
                modified(),
            ],
            ["slug"],
            [fk("parent", "sectors")],
        ),
        Table(
            "regions",
            "Regions",
            "Places: provinces, cities and counties, and for context countries and areas.",
            Region.objects.all,
            [
                *columns(
                    Region,
                    "slug",
                    "parent",
                    "level",
                    "name_zh",
                    "name_zh_hans",
                    "name_en",
                    "description_zh",
                    "description_en",
                ),
                page("catalog:region_detail"),
                modified(),
            ],
            ["slug"],
            [fk("parent", "regions")],
        ),
        Table(
            "policies",
            "Policies",
            "Plans, measures and guidelines issued by government bodies.",
            policies,
            [
                *columns(
                    Policy,
                    "slug",
                    "title_zh",
                    "title_en",
                    "level",
                    "issued_on",
                    "date_precision",
                    "issuer_note_zh",
                    "issuer_note_en",
                    "summary_zh",
                    "summary_en",
                ),
                page("catalog:policy_detail"),
                modified(),
            ],
            ["slug"],
        ),
        *(
            link(
                f"policy_{name}",
                f"{name.capitalize()} of policies",
                policy_links[name],
                ("policy", "policy", "policies"),
                (column, target_field, target),
            )
            for name, column, target_field, target in (
                ("issuers", "organisation", "company", "organisations"),
                ("sectors", "sector", "sector", "sectors"),
                ("regions", "region", "region", "regions"),
                ("cases", "case", "case", "cases"),
            )
        ),
        Table(
            "people",
            "People",
            "People the sources quote or name, with the role they give them.",
            public_people,
            [
                *columns(
                    Person,
                    "slug",
                    "name_zh",
                    "name_zh_hans",
                    "name_en",
                    "is_pseudonym",
                    "role_zh",
                    "role_en",
                    "organisation",
                ),
                page("catalog:person_detail"),
                modified(),
            ],
            ["slug"],
            [fk("organisation", "organisations")],
        ),
        Table(
            "quotes",
            "Statements",
            "What people said, as the sources give it.",
            public_quotes,
            columns(
                Quote,
                "ref",
                "person",
                "kind",
                "text_zh",
                "text_en",
                "speakers_zh",
                "speakers_en",
                "sort_order",
            ),
            ["ref"],
            [fk("person", "people")],
        ),
        link(
            "quote_also_attributed",
            "Other people a statement is attributed to",
            Quote.also_attributed.through,
            ("quote", "quote", "quotes"),
            ("person", "person", "people"),
        ),
        *(
            link(
                f"quote_{name}",
                f"{name.capitalize()} statements are about",
                quote_links[relation],
                ("quote", "quote", "quotes"),
                (column, target_field, target),
            )
            for name, relation, column, target_field, target in (
                ("organisations", "companies", "organisation", "company", "organisations"),
                ("cases", "cases", "case", "case", "cases"),
                ("sectors", "sectors", "sector", "sector", "sectors"),
                ("policies", "policies", "policy", "policy", "policies"),
            )
        ),
        Table(
            "figures",
            "Figures",
            "Numbers the sources give about a case, an organisation, a region, a policy or a "
            "sector.",
            public_figures,
            [
                *columns(
                    Metric,
                    "ref",
                    "case",
                    "region",
                    "policy",
                    "sector",
                    "label_zh",
                    "label_en",
                    "kind",
                    "qualifier",
                    "value",
                    "value_max",
                    "stated_zh",
                    "stated_en",
                    "unit_zh",
                    "unit_en",
                    "baseline",
                    "baseline_year",
                    "start_year",
                    "end_year",
                    "period_zh",
                    "period_en",
                    "scope_zh",
                    "scope_en",
                    "sort_order",
                    organisation="company",
                ),
            ],
            ["ref"],
            [
                fk("case", "cases"),
                fk("organisation", "organisations"),
                fk("region", "regions"),
                fk("policy", "policies"),
                fk("sector", "sectors"),
            ],
        ),
        Table(
            "funding_rounds",
            "Funding rounds",
            "Rounds of financing organisations raised.",
            public_rounds,
            columns(
                FundingRound,
                "ref",
                "stage",
                "sequence",
                "announced_on",
                "date_precision",
                "amount_disclosed",
                "amount_min",
                "amount_max",
                "currency",
                organisation="company",
            ),
            ["ref"],
            [fk("organisation", "organisations")],
        ),
        Table(
            "investments",
            "Investments",
            "Investors named as backing an organisation, in a round where the source says which.",
            public_investments,
            columns(Investment, "ref", "investee", "investor", "funding_round", "is_lead"),
            ["ref"],
            [
                fk("investee", "organisations"),
                fk("investor", "organisations"),
                fk("funding_round", "funding_rounds"),
            ],
        ),
        Table(
            "themes",
            "Themes",
            "The steps of the source's argument, in the order of the outline, each resting on "
            "its cited passages and the records that bear it out.",
            public_themes,
            [
                *columns(
                    Theme,
                    "slug",
                    "title_zh",
                    "title_en",
                    "statement_zh",
                    "statement_en",
                    "sort_order",
                ),
                page("catalog:theme_detail"),
                modified(),
            ],
            ["slug"],
        ),
        *(
            link(
                f"theme_{name}",
                f"{name.capitalize()} bearing out themes",
                getattr(Theme, name).through,
                ("theme", "theme", "themes"),
                (column, target_field, target),
            )
            for name, column, target_field, target in (
                ("cases", "case", "case", "cases"),
                ("metrics", "figure", "metric", "figures"),
                ("people", "person", "person", "people"),
                ("quotes", "statement", "quote", "quotes"),
                ("policies", "policy", "policy", "policies"),
            )
        ),
        Table(
            "sources",
            "Sources",
            "The publications the catalogue's facts come from.",
            Source.objects.all,
            [
                *columns(
                    Source,
                    "slug",
                    "publication",
                    "title",
                    "title_en",
                    "author",
                    "editor",
                    "contributors",
                    "published_on",
                    "date_precision",
                    "language",
                    "url",
                    "note",
                ),
                page("catalog:source_detail"),
            ],
            ["slug"],
        ),
        Table(
            "citations",
            "Citations",
            "The verbatim passage of a source that each fact rests on; exactly one of the "
            "record columns is set.",
            public_citations,
            [
                *columns(
                    Citation,
                    "ref",
                    "source",
                    "quote",
                    "quote_en",
                    "case",
                    "policy",
                    "person",
                    "funding_round",
                    "investment",
                    "sort_order",
                    organisation="company",
                    figure="metric",
                    statement="quote_record",
                    theme="theme",
                ),
                Column(
                    "passage_url",
                    "ref",
                    "string",
                    "Permanent address of the passage on its source's page",
                    url=reverse(
                        "catalog:citation_redirect", kwargs={"slug": "SLUG", "ref": "REF"}
                    ).replace("REF", "{}"),
                ),
            ],
            ["ref"],
            [
                fk("source", "sources"),
                fk("organisation", "organisations"),
                fk("case", "cases"),
                fk("figure", "figures"),
                fk("funding_round", "funding_rounds"),
                fk("policy", "policies"),
                fk("statement", "quotes"),
                fk("person", "people"),
                fk("investment", "investments"),
                fk("theme", "themes"),
            ],
        ),
    ]


# --- Values -------------------------------------------------------------------------------------


def _text(value, kind):
    """A value as CSV text, in the form the Table Schema type reads."""
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    if kind == "datetime":
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "date":
        return value.isoformat()
    if kind == "array":
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_value(value, kind):
    if value is None or value == "" and kind != "string":
        return None
    if kind == "number" and isinstance(value, Decimal):
        number = float(value)
        return number if Decimal(repr(number)) == value else format(value.normalize(), "f")
    if kind in ("datetime", "date"):
        return _text(value, kind)
    return value


def public_keys(table_list):
    """{table: {database id: slug or ref}} of the rows each table writes, for the foreign keys
    that point at it: a link to a row that is not public resolves to nothing."""
    wanted = {column.target for table in table_list for column in table.columns if column.target}
    keys = {}
    for table in table_list:
        if table.name in wanted:
            rows = table.rows().order_by().values_list("pk", table.primary_key[0])
            keys[table.name] = dict(rows.iterator(chunk_size=CHUNK))
    return keys


def _rows(table, base_url, keys):
    """Each public row of ``table`` as {column: value}, streamed from the database.

    A foreign key to a row that is not in the package is left empty, and a row of a link
    table (whose key is its two ends) is left out."""
    lookups = {column.lookup for column in table.columns}
    needs_source = any(column.name == "passage_url" for column in table.columns)
    if needs_source:
        lookups.add("source_id")
    queryset = table.rows().order_by("pk").values(*sorted(lookups))
    for raw in queryset.iterator(chunk_size=CHUNK):
        row = {}
        for column in table.columns:
            value = raw[column.lookup]
            if column.target and value is not None:
                value = keys[column.target].get(value)
                if value is None and column.name in table.primary_key:
                    break
            if column.url and value is not None:
                pattern = column.url
                if needs_source:
                    pattern = pattern.replace("SLUG", keys["sources"][raw["source_id"]])
                value = base_url + pattern.format(value)
            if column.type == "string" and value is None:
                value = ""
            row[column.name] = value
        else:
            yield row


def schema(table):
    fields = []
    for column in table.columns:
        described = {"name": column.name, "type": column.type}
        if column.description:
            described["description"] = column.description
        if column.format:
            described["format"] = column.format
        constraints = {}
        if column.enum:
            constraints["enum"] = column.enum
        if column.required or column.name in table.primary_key:
            constraints["required"] = True
        if constraints:
            described["constraints"] = constraints
        fields.append(described)
    result = {"fields": fields, "primaryKey": table.primary_key, "missingValues": [""]}
    if table.foreign_keys:
        result["foreignKeys"] = table.foreign_keys
    return result


def licence():
    return settings.ATLAS_DATA_LICENCE


def how_to_cite(base_url, built):
    return (
        f"{SITE_TITLE}, open data (catalogue version of {built:%Y-%m-%d}). "
        f"{base_url}{reverse('catalog:data')}. Each fact cites its source and the verbatim "
        "passage it rests on; cite those sources too."
    )


# --- Building and storing -----------------------------------------------------------------------


@dataclass
class Build:
    """A finished build on disk: its folder, when it was made, and its files' sizes."""

    folder: Path
    built: datetime
    files: dict  # name -> bytes
    key: str

    def path(self, name):
        return self.folder / name


def _write_tables(folder, base_url):
    """Each table as CSV, and the same rows into the single JSON file; {file: {bytes, hash}}."""
    written = {}
    with translation.override(settings.LANGUAGE_CODE):
        table_list = tables()
    keys = public_keys(table_list)
    with open(folder / "json.rows", "w", encoding="utf-8") as json_rows:
        for index, table in enumerate(table_list):
            path = folder / f"{table.name}.csv"
            json_rows.write(("," if index else "") + f"\n{json.dumps(table.name)}: [")
            first = True
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow([column.name for column in table.columns])
                for row in _rows(table, base_url, keys):
                    writer.writerow([_text(row[c.name], c.type) for c in table.columns])
                    record = {c.name: _json_value(row[c.name], c.type) for c in table.columns}
                    json_rows.write(("" if first else ",") + "\n  ")
                    json_rows.write(json.dumps(record, ensure_ascii=False))
                    first = False
            json_rows.write("\n]")
            written[path.name] = _file_facts(path)
    return table_list, written


def _file_facts(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest.hexdigest()}"}


def descriptor(table_list, facts, base_url, built):
    """The datapackage.json of a build."""
    data_url = base_url + reverse("catalog:data")
    sources = [
        {"title": f"{s.publication} {s.title}", **({"path": s.url} if s.url else {})}
        for s in Source.objects.order_by("publication", "title")
    ]
    chosen = licence()
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": SITE_TITLE,
        "description": (
            "A cited catalogue of the enterprises, sectors, cases, policies and people of China's "
            "new quality productive forces (新質生產力). Every fact carries its source and the "
            "verbatim passage it rests on (table citations). English text is the catalogue's "
            "own translation unless a name is marked official."
        ),
        "homepage": data_url,
        "version": built.strftime("%Y.%m.%d.%H%M%S"),
        "created": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["new quality productive forces", "新質生產力", "China", "industry"],
        "languages": ["zh-Hant", "zh-Hans", "en"],
        "licenses": [{"name": chosen["id"], "path": chosen["url"], "title": chosen["title"]}],
        "x-licence-note": chosen["note"],
        "x-citation": how_to_cite(base_url, built),
        "sources": sources,
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": facts[f"{table.name}.csv"]["bytes"],
                "hash": facts[f"{table.name}.csv"]["hash"],
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": schema(table),
            }
            for table in table_list
        ],
    }


def _write_json(folder, package):
    """The single JSON file: the package's metadata, then every table as a list of records."""
    meta = {key: value for key, value in package.items() if key != "resources"}
    meta["tables"] = {
        resource["name"]: {"title": resource["title"], "schema": resource["schema"]}
        for resource in package["resources"]
    }
    head = json.dumps(meta, ensure_ascii=False, indent=1)[:-2]  # reopen the object
    with open(folder / JSON_FILE, "w", encoding="utf-8") as handle:
        handle.write(head + ',\n "data": {')
        with open(folder / "json.rows", encoding="utf-8") as rows:
            shutil.copyfileobj(rows, handle)
        handle.write("\n }\n}\n")
    (folder / "json.rows").unlink()


def build_into(folder, base_url):
    """Write every file of the package into ``folder`` (which exists and is empty)."""
    built = datetime.now(UTC).replace(microsecond=0)
    table_list, facts = _write_tables(folder, base_url)
    with translation.override(settings.LANGUAGE_CODE):
        package = descriptor(table_list, facts, base_url, built)
    (folder / DESCRIPTOR_FILE).write_text(
        json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    _write_json(folder, package)
    files = {path.name: path.stat().st_size for path in sorted(folder.iterdir())}
    (folder / BUILD_FILE).write_text(
        json.dumps({"built": package["created"], "files": files}), encoding="utf-8"
    )
    return built


def _read_build(folder, key):
    try:
        facts = json.loads((folder / BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    built = datetime.strptime(facts["built"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return Build(folder, built, facts["files"], key)


def _place(base_url):
    """(folder of the builds, key of the current version's build for ``base_url``)."""
    root = Path(settings.ATLAS_DATA_DIR)
    root.mkdir(parents=True, exist_ok=True)
    version = catalogue_version()
    if version is None:
        # The cache holding the version does not answer: a build for this request alone.
        return root, f"unversioned-{secrets.token_hex(6)}"
    return root, hashlib.sha256(f"{version}\n{base_url}".encode()).hexdigest()[:20]


def _make(root, key, base_url):
    """Build ``key`` unless it is there; one build at a time (a lock file, which also holds back
    the other processes), then the older builds are removed."""
    folder = root / key
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            found = _read_build(folder, key)
            if found:
                return found
            started = time.monotonic()
            partial = root / f".{key}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            try:
                build_into(partial, base_url)
                partial.rename(folder)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
            logger.info("open data built in %.1f s", time.monotonic() - started)
            for old in root.iterdir():
                if old.is_dir() and old.name != key:
                    shutil.rmtree(old, ignore_errors=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return _read_build(folder, key)


def current_build(base_url):
    """The build of the current catalogue version for ``base_url``, made now if there is none.

    Builds are folders named after the version and the base URL."""
    root, key = _place(base_url)
    return _read_build(root / key, key) or _make(root, key, base_url)


_building = {}
_building_lock = threading.Lock()


def _make_in_background(root, key, base_url):
    try:
        _make(root, key, base_url)
    except Exception:
        logger.exception("open data build failed")
    finally:
        connections.close_all()


def ready_build(base_url, wait):
    """The current build, or None while it is still being made: a build that takes longer than
    ``wait`` seconds goes on in a thread of its own, so that no request outlasts the server's
    timeout (50,000 cases take about 25 s). ``wait`` None builds in the request itself."""
    root, key = _place(base_url)
    found = _read_build(root / key, key)
    if found or wait is None or key.startswith("unversioned-"):
        return found or _make(root, key, base_url)
    with _building_lock:
        thread = _building.get(key)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(
                target=_make_in_background, args=(root, key, base_url), daemon=True
            )
            _building.clear()
            _building[key] = thread
            thread.start()
    thread.join(wait)
    return _read_build(root / key, key)


def table_names():
    return [table.name for table in tables()]
