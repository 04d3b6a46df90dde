"""Synthetic catalogue rows for benchmarking the site at scale (``manage.py generate_catalogue``).

The rows are made through the catalogue's own models and look like real ones: organisations of
every kind, cases with their organisations' roles, sectors and regions, figures, policies with
targets, funding rounds with investments, people with quotes, and about 3 % drafts. Sectors and
regions come from the real trees (``load_catalogue`` loads them), drawn with Zipf-like weights;
so are the organisations taking part in cases: a few take part in thousands of them, most in a
handful. Names and texts mix a small vocabulary (智能, 晶片, 醫療, 製造, 能源; innovation,
manufacturing...) so that search finds common words and rare ones.

Nobody should mistake these rows for facts. Every name and title says 合成 / Synthetic (in a
person's pinyin: Hecheng), every slug and ref starts with ``syn-``, and every fact-bearing row
(organisation, case, figure, funding round, investment, policy, person, quote) has one citation of
its own source, ``synthetic-benchmark-data``, whose quote is a sentence of that source's note.
The citations are also how the rows are found again: ``delete_synthetic`` removes exactly the
rows citing that source, with their links.

How they are written: in one transaction, model by model in batches (``bulk_create``), each row
first given the ``pre_save`` signal that ``save()`` would send, so ``search_text`` is filled by
``catalog.signals`` exactly as for a saved row (``catalog.loading`` does the same); cached pages
are made stale once, at the commit (``catalog.cache``). No history versions are written: they would
double the rows to insert and record nothing anyone did; editing a synthetic row in the admin
starts its history as usual.

The same seed gives the same rows: every random draw comes from one ``random.Random(seed)`` in a
fixed order, and the real trees are read in slug order. Only database ids and timestamps differ,
on SQLite and PostgreSQL alike.
"""

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from random import Random

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models.signals import pre_save

from catalog import tree_index
from catalog.cache import bump_catalogue_version
from catalog.models import (
    CITATION_TARGET_FIELDS,
    Case,
    CaseCompany,
    CaseRole,
    CaseType,
    Citation,
    Company,
    CompanyKind,
    DatePrecision,
    FundingRound,
    Investment,
    Metric,
    MetricKind,
    Person,
    Policy,
    PolicyLevel,
    Qualifier,
    Quote,
    QuoteKind,
    Region,
    RegionLevel,
    Sector,
    SectorKind,
    Source,
    Stage,
    Track,
)
from catalog.search import simplified

SOURCE_SLUG = "synthetic-benchmark-data"
# Every synthetic slug and ref starts with this.
PREFIX = "syn-"
# Each case has one to this many organisations; more organisations than cases * this is refused.
MAX_ORGANISATIONS_PER_CASE = 3
# A guard against a mistyped count, far above any benchmark's need.
MAX_CASES = 1_000_000
DRAFT_SHARE = 0.03
# The most-cited organisations are never drafts, so that their pages can be measured.
PUBLISHED_HEAD = 10
# Rows of one model held before they are inserted.
CHUNK = 2500
# Rows in one INSERT. PostgreSQL is fastest with large ones; SQLite with small ones, and it keeps
# its recent statements prepared, so large ones would also cost hundreds of megabytes.
BATCH_SIZES = {"postgresql": 5000}
BATCH_SIZE = 500

# The sentence each kind of row cites; all of them are in the synthetic source's note.
CITED_SENTENCES = {
    "company": (
        "本機構為合成基準測試數據,並非事實。",
        "This organisation is synthetic benchmark data.",
    ),
    "case": ("本案例為合成基準測試數據,並非事實。", "This case is synthetic benchmark data."),
    "metric": ("本數字為合成基準測試數據,並非事實。", "This figure is synthetic benchmark data."),
    "funding_round": (
        "本輪融資為合成基準測試數據,並非事實。",
        "This round is synthetic benchmark data.",
    ),
    "investment": ("本筆投資為合成基準測試數據,並非事實。", "This investment is synthetic data."),
    "policy": ("本政策為合成基準測試數據,並非事實。", "This policy is synthetic benchmark data."),
    "person": ("本人物為合成基準測試數據,並非事實。", "This person is synthetic benchmark data."),
    "quote_record": ("本發言為合成基準測試數據,並非事實。", "This statement is synthetic data."),
}

# (traditional Chinese, English): the words names and texts are made of. Earlier words are drawn
# more often, so a search finds some of them everywhere and others rarely.
WORDS = [
    ("智能", "intelligent"),
    ("製造", "manufacturing"),
    ("創新", "innovation"),
    ("醫療", "medical"),
    ("能源", "energy"),
    ("晶片", "chip"),
    ("數據", "data"),
    ("綠色", "green"),
    ("材料", "materials"),
    ("生物", "bio"),
    ("智慧", "smart"),
    ("裝備", "equipment"),
    ("機器人", "robotics"),
    ("汽車", "automotive"),
    ("低空", "low-altitude"),
    ("半導體", "semiconductor"),
    ("算力", "computing"),
    ("光伏", "photovoltaic"),
    ("儲能", "energy storage"),
    ("氫能", "hydrogen"),
]
ACTIONS = [
    ("轉型", "transformation"),
    ("升級", "upgrade"),
    ("突破", "breakthrough"),
    ("擴產", "expansion"),
    ("出海", "going global"),
    ("協同創新", "joint innovation"),
]
ORGANISATION_KINDS = {
    CompanyKind.ENTERPRISE: 70,
    CompanyKind.STATE_OWNED: 8,
    CompanyKind.RESEARCH: 7,
    CompanyKind.INVESTOR: 8,
    CompanyKind.GOVERNMENT: 4,
    CompanyKind.PARK: 2,
    CompanyKind.OTHER: 1,
}
NAME_SUFFIXES = {
    CompanyKind.ENTERPRISE: [
        ("科技有限公司", "Technology Co."),
        ("股份有限公司", "Co., Ltd."),
        ("集團", "Group"),
    ],
    CompanyKind.STATE_OWNED: [("集團有限公司", "Group Corporation")],
    CompanyKind.RESEARCH: [("研究院", "Research Institute"), ("實驗室", "Laboratory")],
    CompanyKind.INVESTOR: [("創業投資基金", "Venture Fund"), ("資本", "Capital")],
    CompanyKind.GOVERNMENT: [
        ("經濟和資訊化局", "Bureau of Economy and Information Technology"),
        ("科學技術局", "Science and Technology Bureau"),
    ],
    CompanyKind.PARK: [("產業園", "Industrial Park")],
    CompanyKind.OTHER: [("產業聯盟", "Industry Alliance")],
}
# An organisation's role in a case follows its kind; enterprises are the subject when first.
ROLES = {
    CompanyKind.INVESTOR: CaseRole.INVESTOR,
    CompanyKind.GOVERNMENT: CaseRole.GOVERNMENT,
    CompanyKind.PARK: CaseRole.PLATFORM,
}
# (label zh, label en, kind, unit zh, unit en, lowest, highest, decimals)
METRICS = [
    ("營業收入", "Revenue", MetricKind.LEVEL, "億元", "100 million yuan", 0.5, 800, 2),
    ("研發投入", "R&D spending", MetricKind.LEVEL, "億元", "100 million yuan", 0.1, 60, 2),
    ("產值增長", "Growth in output value", MetricKind.CHANGE, "%", "%", 1, 300, 1),
    ("員工人數", "Employees", MetricKind.LEVEL, "人", "people", 20, 60000, 0),
    ("專利數量", "Patents", MetricKind.LEVEL, "項", "patents", 5, 5000, 0),
    ("市場份額", "Market share", MetricKind.SHARE, "%", "%", 0.5, 60, 1),
    ("能耗下降", "Reduction in energy use", MetricKind.CHANGE, "%", "%", 1, 45, 1),
    ("產能", "Production capacity", MetricKind.LEVEL, "萬件", "10,000 units", 1, 2000, 0),
]
TARGETS = [
    ("產業規模", "Industry scale", "億元", "100 million yuan", 50, 5000, 0),
    ("培育企業數量", "Enterprises to foster", "家", "enterprises", 5, 500, 0),
    ("研發投入強度", "R&D intensity", "%", "%", 1, 5, 1),
]
POLICY_LEVELS = {
    RegionLevel.COUNTRY: PolicyLevel.NATIONAL,
    RegionLevel.AREA: PolicyLevel.NATIONAL,
    RegionLevel.PROVINCE: PolicyLevel.PROVINCIAL,
    RegionLevel.CITY: PolicyLevel.MUNICIPAL,
    RegionLevel.COUNTY: PolicyLevel.DISTRICT,
}
SURNAMES = [
    ("王", "Wang"),
    ("李", "Li"),
    ("張", "Zhang"),
    ("劉", "Liu"),
    ("陳", "Chen"),
    ("楊", "Yang"),
    ("趙", "Zhao"),
    ("黃", "Huang"),
    ("周", "Zhou"),
    ("吳", "Wu"),
]
PERSON_ROLES = {
    CompanyKind.GOVERNMENT: [("局長", "Director"), ("副局長", "Deputy director")],
    CompanyKind.RESEARCH: [("院長", "President"), ("首席科學家", "Chief scientist")],
    CompanyKind.INVESTOR: [("合夥人", "Partner"), ("投資總監", "Investment director")],
}
COMPANY_ROLES = [
    ("董事長", "Chairman"),
    ("總經理", "General manager"),
    ("創始人", "Founder"),
    ("首席技術官", "Chief technology officer"),
]
QUOTES = [
    (
        "我們在{a}和{b}方面持續加大投入,推動{c}創新。",
        "We keep investing in {a} and {b} to drive {c} innovation.",
    ),
    (
        "{a}{b}是{region}發展新質生產力的重點方向。",
        "{A} {b} is a priority for new quality productive forces in {region_en}.",
    ),
    (
        "未來三年,我們計劃把{a}{b}產能提高一倍。",
        "Over the next three years we plan to double our {a} {b} capacity.",
    ),
    (
        "{a}{b}產業鏈正在加快形成,{c}企業越來越多。",
        "The {a} {b} supply chain is taking shape fast, with more and more {c} firms.",
    ),
]
SECTOR_KIND_ORDER = {
    SectorKind.STRATEGIC_EMERGING: 0,
    SectorKind.FUTURE: 1,
    SectorKind.TRADITIONAL: 2,
    SectorKind.OTHER: 3,
}
REGION_LEVEL_ORDER = {RegionLevel.COUNTY: 1, RegionLevel.AREA: 2, RegionLevel.COUNTRY: 3}
STAGE_LADDER = [
    Stage.SEED,
    Stage.ANGEL,
    Stage.PRE_A,
    Stage.A,
    Stage.B,
    Stage.C,
    Stage.D_PLUS,
    Stage.IPO,
]


class SyntheticDataError(Exception):
    """What stops generation before anything is written; the message says what to do."""


@dataclass
class Report:
    rows: Counter = field(default_factory=Counter)  # verbose plural name -> rows written
    deleted: int = 0  # rows of an earlier run deleted first (--replace)
    seconds: float = 0.0

    @property
    def total(self):
        return sum(self.rows.values())


def check_counts(cases, organisations):
    """Refuse counts that make no sense, with a message naming the option."""
    if cases < 1:
        raise SyntheticDataError(f"--cases must be at least 1 (got {cases}).")
    if organisations < 1:
        raise SyntheticDataError(f"--organisations must be at least 1 (got {organisations}).")
    if cases > MAX_CASES:
        raise SyntheticDataError(f"--cases may be at most {MAX_CASES:,} (got {cases:,}).")
    most = cases * MAX_ORGANISATIONS_PER_CASE
    if organisations > most:
        raise SyntheticDataError(
            f"--organisations {organisations:,} is more than {cases:,} cases can involve: each "
            f"case has at most {MAX_ORGANISATIONS_PER_CASE} organisations, so at most {most:,}."
        )


def synthetic_source(using=DEFAULT_DB_ALIAS):
    return Source.objects.using(using).filter(slug=SOURCE_SLUG).first()


def generate(cases, organisations, seed, *, replace=False, using=DEFAULT_DB_ALIAS, progress=None):
    """Write the synthetic catalogue in one transaction; return a Report.

    Refuses (SyntheticDataError) when the sector or region tree is empty, or when synthetic rows
    are already there and ``replace`` is false; with ``replace`` they are deleted first, in the
    same transaction. ``progress`` is called with a line of text as the work advances.
    """
    check_counts(cases, organisations)
    started = time.monotonic()

    def say(message):
        if progress is not None:
            progress(f"{message} ({time.monotonic() - started:.1f} s)")

    report = Report()
    tables = connections[using].introspection.table_names()
    if not {Sector._meta.db_table, Citation._meta.db_table} <= set(tables):
        raise SyntheticDataError(
            "The database has no catalogue tables: run manage.py migrate, then "
            "manage.py load_catalogue."
        )
    with transaction.atomic(using=using):
        if not (Sector.objects.using(using).exists() and Region.objects.using(using).exists()):
            raise SyntheticDataError(
                "The sector and region trees are empty: synthetic rows are drawn from the real "
                "ones. Load the catalogue first: manage.py load_catalogue"
            )
        if synthetic_source(using) is not None:
            if not replace:
                raise SyntheticDataError(
                    "Synthetic data is already in this database (source "
                    f"{SOURCE_SLUG!r}). Run again with --replace to delete it and generate anew."
                )
            report.deleted = delete_synthetic(using)
            say(f"deleted {report.deleted:,} rows of the earlier synthetic data")
        writer = _Writer(using, report.rows)
        _Generator(Random(seed), writer, using, say).run(cases, organisations, seed)
        tree_index.rebuild(using)  # bulk inserts send no signals
        # Bulk inserts and plain deletes send no post_save: cached pages go stale all the same.
        bump_catalogue_version(using)
    report.seconds = time.monotonic() - started
    return report


def delete_synthetic(using=DEFAULT_DB_ALIAS):
    """Delete every row citing the synthetic source, their links and the source; return the count.

    Plain DELETE statements, a few per table: deleting through the ORM would load every row and
    write a history version for each. Foreign keys are checked at the end, so a real row that came
    to point at a synthetic one (an edit in the admin) stops the deletion with a SyntheticDataError.
    """
    source = synthetic_source(using)
    if source is None:
        return 0
    connection = connections[using]
    quote_name = connection.ops.quote_name
    citations = quote_name(Citation._meta.db_table)
    targets = {
        Citation._meta.get_field(name).related_model: Citation._meta.get_field(name).column
        for name in CITATION_TARGET_FIELDS
    }

    def synthetic_ids(model):
        column = quote_name(targets[model])
        return f"SELECT {column} FROM {citations} WHERE source_id = %s AND {column} IS NOT NULL"

    statements = []
    # Links first (to or from a synthetic row): the many-to-many tables and the case roles.
    link_tables = dict.fromkeys(
        [CaseCompany]
        + [
            model_field.remote_field.through
            for model in targets
            for model_field in model._meta.local_many_to_many
        ]
    )
    for table in link_tables:
        for model_field in table._meta.concrete_fields:
            target = model_field.related_model
            if model_field.many_to_one and target in targets:
                statements.append(
                    f"DELETE FROM {quote_name(table._meta.db_table)} WHERE "
                    f"{quote_name(model_field.column)} IN ({synthetic_ids(target)})"
                )
    for model in targets:
        statements.append(
            f"DELETE FROM {quote_name(model._meta.db_table)} WHERE "
            f"{quote_name(model._meta.pk.column)} IN ({synthetic_ids(model)})"
        )
    statements.append(f"DELETE FROM {citations} WHERE source_id = %s")
    statements.append(
        f"DELETE FROM {quote_name(Source._meta.db_table)} "
        f"WHERE {quote_name(Source._meta.pk.column)} = %s"
    )
    deleted = 0
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, [source.pk])
                deleted += max(cursor.rowcount, 0)
        tree_index.rebuild(using)
        try:
            connection.check_constraints()
        except IntegrityError as exc:
            raise SyntheticDataError(
                "The synthetic data cannot be deleted: rows of the real catalogue refer to "
                f"synthetic ones (edited in the admin?). Nothing was changed. {exc}"
            ) from exc
    return deleted


class _Writer:
    """Rows inserted in batches, each given the ``pre_save`` signal ``save()`` would send first."""

    def __init__(self, using, counts):
        self.using = using
        self.counts = counts
        self.batch_size = BATCH_SIZES.get(connections[using].vendor, BATCH_SIZE)

    def insert(self, model, rows):
        if not rows:
            return rows
        if not model._meta.auto_created:  # link tables: Django's own add() sends no pre_save
            for row in rows:
                pre_save.send(
                    sender=model, instance=row, raw=False, using=self.using, update_fields=None
                )
        model._base_manager.using(self.using).bulk_create(rows, batch_size=self.batch_size)
        self.counts[str(model._meta.verbose_name_plural)] += len(rows)
        return rows


class _Skewed:
    """Draws from ``items`` with Zipf-like weights: the k-th most frequent has weight 1 / k**s.

    Which item is the most frequent is decided by the random generator (``shuffle``) or by the
    order given.
    """

    def __init__(self, rng, items, exponent=1.0, shuffle=True):
        self.rng = rng
        self.items = list(items)
        if shuffle:
            rng.shuffle(self.items)
        self.cum_weights = list(
            itertools.accumulate(1 / rank**exponent for rank in range(1, len(self.items) + 1))
        )

    def one(self):
        return self.rng.choices(self.items, cum_weights=self.cum_weights)[0]

    def distinct(self, count):
        """Up to ``count`` different items, the frequent ones more likely."""
        count = min(count, len(self.items))
        chosen = []
        for draw in self.rng.choices(self.items, cum_weights=self.cum_weights, k=count * 8):
            if len(chosen) == count:
                break
            if draw not in chosen:
                chosen.append(draw)
        # Very unlikely: the draws kept hitting the same items. The most frequent others fill in.
        for item in self.items:
            if len(chosen) == count:
                break
            if item not in chosen:
                chosen.append(item)
        return chosen


def _amount(rng, low, high, decimals):
    """A value between ``low`` and ``high``, spread over orders of magnitude."""
    value = low * (high / low) ** rng.random()
    return round(Decimal(repr(value)), decimals)


def _money(rng):
    """A round amount between 1 and 2,000 million (yuan or dollars), spread like real rounds."""
    return Decimal(int(_amount(rng, 1, 2000, 0)) * 1_000_000)


def _number_width(count):
    return max(4, len(str(count)))


@dataclass
class _Organisation:
    pk: int
    slug: str
    kind: str
    name_zh: str
    name_en: str
    region: Region | None
    case_pks: list = field(default_factory=list)


class _Generator:
    def __init__(self, rng, writer, using, say):
        self.rng = rng
        self.writer = writer
        self.using = using
        self.say = say
        # The frequency order of sectors and regions is random within kinds and levels: new
        # industries before traditional ones, places in China before whole areas and countries.
        # Sorted here, not by the database, whose collation may order hyphens differently.
        sectors = sorted(Sector.objects.using(using), key=lambda sector: sector.slug)
        rng.shuffle(sectors)
        sectors.sort(key=lambda sector: SECTOR_KIND_ORDER.get(sector.kind, len(SECTOR_KIND_ORDER)))
        self.sectors = _Skewed(rng, sectors, shuffle=False)
        regions = sorted(Region.objects.using(using), key=lambda region: region.slug)
        rng.shuffle(regions)
        regions.sort(key=lambda region: REGION_LEVEL_ORDER.get(region.level, 0))
        self.regions = _Skewed(rng, regions, shuffle=False)
        self.words = _Skewed(rng, WORDS, exponent=0.8, shuffle=False)
        self.citations = []
        self.organisations = []
        self.case_pks = []
        self.policy_pks = []

    def run(self, cases, organisations, seed):
        self.source = self.writer.insert(Source, [self._source(seed, cases, organisations)])[0]
        self.make_organisations(organisations)
        self.make_cases(cases)
        self.make_policies(max(1, round(cases / 50)))
        self.make_funding()
        self.make_people(max(1, organisations // 2))

    # --- pieces ------------------------------------------------------------------------------

    def _source(self, seed, cases, organisations):
        sentences = [zh for zh, _en in CITED_SENTENCES.values()]
        sentences_en = [en for _zh, en in CITED_SENTENCES.values()]
        return Source(
            slug=SOURCE_SLUG,
            publication="新質圖譜 Xinzhi Atlas",
            title="合成基準測試數據",
            title_en="Synthetic benchmark data",
            author="manage.py generate_catalogue",
            language="zh-Hant",
            note=(
                f"合成基準測試數據:由 generate_catalogue 生成(種子 {seed},{cases} 個案例,"
                f"{organisations} 個機構),用於測試網站在大量數據下的表現。"
                + "".join(sentences)
                + f" Synthetic benchmark data made by generate_catalogue (seed {seed}, "
                f"{cases} cases, {organisations} organisations) to measure the site at scale. "
                "None of it is a fact. " + " ".join(sentences_en)
            ),
        )

    def cite(self, target, name):
        """A citation of the synthetic source for ``target``, named after its slug or ref."""
        quote, quote_en = CITED_SENTENCES[name]
        key = getattr(target, "slug", None) or target.ref
        self.citations.append(
            Citation(
                ref=f"{PREFIX}cite-{key.removeprefix(PREFIX)}",
                source_id=self.source.pk,
                quote=quote,
                quote_en=quote_en,
                **{f"{name}_id": target.pk},
            )
        )

    def flush_citations(self):
        self.writer.insert(Citation, self.citations)
        self.citations = []

    def links(self, model_field, pairs):
        """Rows of the link table of the many-to-many ``model_field`` for (from pk, to pk) pairs."""
        through = model_field.remote_field.through
        source = f"{model_field.m2m_field_name()}_id"
        target = f"{model_field.m2m_reverse_field_name()}_id"
        self.writer.insert(through, [through(**{source: a, target: b}) for a, b in pairs])

    def drafts(self, count, keep=()):
        """The positions (0-based) of the drafts among ``count`` rows: 3 %, ``keep`` excluded."""
        candidates = [index for index in range(count) if index not in keep]
        return set(self.rng.sample(candidates, min(len(candidates), round(count * DRAFT_SHARE))))

    def partial_date(self, first_year, last_year):
        precision = self.rng.choices(
            [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, ""], [2, 4, 3, 1]
        )[0]
        year = self.rng.randint(first_year, last_year)
        if precision == "":
            return None, ""
        if precision == DatePrecision.YEAR:
            return date(year, 1, 1), precision
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, 28) if precision == DatePrecision.DAY else 1
        return date(year, month, day), precision

    # --- organisations -----------------------------------------------------------------------

    def make_organisations(self, count):
        rng = self.rng
        width = _number_width(count)
        # Which organisations take part in cases most often: a random order, Zipf weights.
        self.by_weight = _Skewed(rng, range(count))
        drafts = self.drafts(count, keep=set(self.by_weight.items[:PUBLISHED_HEAD]))
        kinds = rng.choices(list(ORGANISATION_KINDS), list(ORGANISATION_KINDS.values()), k=count)
        sector_field = Company._meta.get_field("sectors")
        parents = []
        pending = []
        for index in range(count):
            number = f"{index + 1:0{width}d}"
            kind = kinds[index]
            (a, a_en), (b, b_en) = self.words.distinct(2)
            suffix, suffix_en = rng.choice(NAME_SUFFIXES[kind])
            region = self.regions.one() if rng.random() < 0.95 else None
            founded_on, precision = self.partial_date(1985, 2024)
            name_zh = f"合成{a}{b}{suffix} {number}"
            place_zh = region.name_zh if region else "中國"
            place_en = region.name_en if region else "China"
            company = Company(
                slug=f"{PREFIX}org-{number}",
                name_zh=name_zh,
                name_zh_hans=simplified(name_zh),
                short_name_zh=f"合成{a}{b} {number}",
                name_en=f"Synthetic {a_en.title()} {b_en.title()} {suffix_en} {number}",
                kind=kind,
                region=region,
                founded_on=founded_on,
                founded_precision=precision,
                published=index not in drafts,
                description_zh=f"合成機構,位於{place_zh},從事{a}{b}相關業務。並非真實機構。",
                description_en=(
                    f"A synthetic organisation in {place_en} working on {a_en} {b_en}. "
                    "Not a real organisation."
                ),
            )
            sectors = [sector.pk for sector in self.sectors.distinct(rng.choice((1, 1, 2)))]
            if index and rng.random() < 0.03:
                parents.append((index, rng.randrange(index)))
            pending.append((company, sectors))
            if len(pending) == CHUNK or index == count - 1:
                self.writer.insert(Company, [company for company, _ in pending])
                self.links(
                    sector_field,
                    [(company.pk, sector) for company, sectors in pending for sector in sectors],
                )
                for company, _sectors in pending:
                    self.organisations.append(
                        _Organisation(
                            company.pk,
                            company.slug,
                            company.kind,
                            company.name_zh,
                            company.name_en,
                            company.region,
                        )
                    )
                    self.cite(company, "company")
                self.flush_citations()
                pending = []
        Company.objects.using(self.using).bulk_update(
            [
                Company(pk=self.organisations[child].pk, parent_id=self.organisations[parent].pk)
                for child, parent in parents
            ],
            ["parent"],
            batch_size=self.writer.batch_size,
        )
        self.say(f"organisations: {count:,}")

    # --- cases -------------------------------------------------------------------------------

    def make_cases(self, count):
        rng = self.rng
        width = _number_width(count)
        drafts = self.drafts(count)
        # Not "shown in a photograph of the source": generated cases have no photograph.
        types = [value for value in CaseType.values if value != CaseType.PICTURED]
        case_types = _Skewed(rng, types, shuffle=False)
        tracks = [*Track.values, ""]
        pending = []
        step = max(CHUNK, count // 10)
        for index in range(count):
            number = f"{index + 1:0{width}d}"
            members = [
                self.organisations[i]
                for i in self.by_weight.distinct(rng.choices((1, 2, 3), (50, 35, 15))[0])
            ]
            subject = members[0]
            regions = self.regions.distinct(rng.choices((1, 2, 3), (60, 30, 10))[0])
            if subject.region is not None and subject.region not in regions:
                regions = [subject.region, *regions[:-1]] if len(regions) > 1 else [subject.region]
            sectors = self.sectors.distinct(rng.choices((1, 2, 3), (55, 35, 10))[0])
            (a, a_en), (b, b_en), (c, c_en) = self.words.distinct(3)
            action, action_en = rng.choice(ACTIONS)
            start_year = rng.choices(range(2012, 2025), range(1, 14))[0]
            end_year = rng.randint(start_year, 2025) if rng.random() < 0.4 else None
            case = Case(
                slug=f"{PREFIX}case-{number}",
                title_zh=f"合成案例 {number}:{subject.name_zh}推進{a}{b}{action}",
                title_en=(
                    f"Synthetic case {number}: {a_en} {b_en} {action_en} at {subject.name_en}"
                ),
                case_type=case_types.one(),
                summary_zh=(
                    f"本案例為合成基準測試數據,並非事實。{subject.name_zh}在{regions[0].name_zh}"
                    f"推進{a}{b}{action},帶動{c}產業發展,{sectors[0].name_zh}領域受益。"
                ),
                summary_en=(
                    f"This case is synthetic benchmark data, not a fact. {subject.name_en} "
                    f"pursues {a_en} {b_en} {action_en} in {regions[0].name_en}, lifting the "
                    f"{c_en} industry and the field of {sectors[0].name_en}."
                ),
                start_year=start_year,
                end_year=end_year,
                track=rng.choice(tracks),
                lever_digital=rng.random() < 0.3,
                lever_intelligent=rng.random() < 0.3,
                lever_green=rng.random() < 0.25,
                change_new_manufacturing=rng.random() < 0.2,
                change_new_services=rng.random() < 0.2,
                change_new_business_forms=rng.random() < 0.15,
                published=index not in drafts,
            )
            figures = [self.case_metric(order) for order in range(1, rng.randint(0, 4) + 1)]
            pending.append((case, members, sectors, regions, figures))
            if len(pending) == CHUNK or index == count - 1:
                self.write_cases(pending)
                pending = []
                if (index + 1) % step < CHUNK or index == count - 1:
                    self.say(f"cases: {index + 1:,} of {count:,}")

    def case_metric(self, order):
        rng = self.rng
        label, label_en, kind, unit, unit_en, low, high, decimals = rng.choice(METRICS)
        value = _amount(rng, low, high, decimals)
        value_max = None
        if rng.random() < 0.1:
            value_max = round(value * Decimal(repr(rng.uniform(1.1, 2))), decimals)
        year = rng.randint(2015, 2024) if rng.random() < 0.6 else None
        return Metric(
            label_zh=f"合成{label}",
            label_en=f"{label_en} (synthetic)",
            kind=kind,
            qualifier=rng.choices(Qualifier.values, (70, 15, 10, 2, 3))[0],
            value=value,
            value_max=value_max,
            unit_zh=unit,
            unit_en=unit_en,
            start_year=year,
            end_year=year,
            period_zh=f"{year}年" if year else "",
            period_en=str(year) if year else "",
            sort_order=order,
        )

    def write_cases(self, pending):
        self.writer.insert(Case, [case for case, *_ in pending])
        roles = []
        metrics = []
        for case, members, _sectors, _regions, figures in pending:
            self.case_pks.append(case.pk)
            for position, member in enumerate(members):
                role = ROLES.get(
                    member.kind, CaseRole.SUBJECT if position == 0 else CaseRole.PARTNER
                )
                roles.append(CaseCompany(case_id=case.pk, company_id=member.pk, role=role))
                member.case_pks.append(case.pk)
            for figure in figures:
                figure.case_id = case.pk
                figure.ref = f"{PREFIX}figure-{case.slug.removeprefix(PREFIX)}-{figure.sort_order}"
                metrics.append(figure)
            self.cite(case, "case")
        self.writer.insert(CaseCompany, roles)
        self.links(
            Case._meta.get_field("sectors"),
            [(case.pk, s.pk) for case, _m, sectors, *_ in pending for s in sectors],
        )
        self.links(
            Case._meta.get_field("regions"),
            [(case.pk, r.pk) for case, _m, _s, regions, _f in pending for r in regions],
        )
        self.writer.insert(Metric, metrics)
        for metric in metrics:
            self.cite(metric, "metric")
        self.flush_citations()

    # --- policies ----------------------------------------------------------------------------

    def make_policies(self, count):
        rng = self.rng
        width = _number_width(count)
        drafts = self.drafts(count)
        governments = [o for o in self.organisations if o.kind == CompanyKind.GOVERNMENT]
        policies, issuers, sectors, regions, cases, targets = [], [], [], [], [], []
        for index in range(count):
            number = f"{index + 1:0{width}d}"
            region = self.regions.one()
            (a, a_en), (b, b_en) = self.words.distinct(2)
            issued_on, precision = self.partial_date(2015, 2024)
            chosen = rng.sample(governments, min(len(governments), rng.choice((0, 1, 1, 2))))
            policy = Policy(
                slug=f"{PREFIX}policy-{number}",
                title_zh=f"合成政策 {number}:{region.name_zh}關於加快{a}{b}產業發展的若干措施",
                title_en=(
                    f"Synthetic policy {number}: measures of {region.name_en} to speed up the "
                    f"{a_en} {b_en} industry"
                ),
                level=POLICY_LEVELS[region.level],
                issued_on=issued_on,
                date_precision=precision,
                issuer_note_zh="" if chosen else f"{region.name_zh}有關部門",
                issuer_note_en="" if chosen else f"Departments of {region.name_en}",
                summary_zh=f"合成政策,並非事實。提出培育{a}{b}產業集群。",
                summary_en=f"A synthetic policy, not a fact: it fosters a {a_en} {b_en} cluster.",
                published=index not in drafts,
            )
            policies.append(policy)
            issuers.append([o.pk for o in chosen])
            sectors.append([s.pk for s in self.sectors.distinct(rng.choice((1, 2)))])
            regions.append([region.pk])
            cases.append(rng.sample(self.case_pks, min(len(self.case_pks), rng.randint(1, 5))))
            targets.append([self.target(order) for order in range(1, rng.randint(0, 2) + 1)])
        for start in range(0, count, CHUNK):
            part = slice(start, start + CHUNK)
            self.write_policies(
                policies[part],
                issuers[part],
                sectors[part],
                regions[part],
                cases[part],
                targets[part],
            )
        self.say(f"policies: {count:,}")

    def target(self, order):
        label, label_en, unit, unit_en, low, high, decimals = self.rng.choice(TARGETS)
        year = self.rng.randint(2025, 2030)
        return Metric(
            label_zh=f"合成{label}目標",
            label_en=f"{label_en} target (synthetic)",
            kind=MetricKind.TARGET,
            qualifier=self.rng.choice((Qualifier.EXACT, Qualifier.MORE_THAN)),
            value=_amount(self.rng, low, high, decimals),
            unit_zh=unit,
            unit_en=unit_en,
            end_year=year,
            period_zh=f"到{year}年",
            period_en=f"by {year}",
            sort_order=order,
        )

    def write_policies(self, policies, issuers, sectors, regions, cases, targets):
        self.writer.insert(Policy, policies)
        self.policy_pks.extend(policy.pk for policy in policies)
        for name, values in (
            ("issuers", issuers),
            ("sectors", sectors),
            ("regions", regions),
            ("cases", cases),
        ):
            self.links(
                Policy._meta.get_field(name),
                [(p.pk, pk) for p, pks in zip(policies, values, strict=True) for pk in pks],
            )
        metrics = []
        for policy, policy_targets in zip(policies, targets, strict=True):
            for metric in policy_targets:
                metric.policy_id = policy.pk
                metric.ref = (
                    f"{PREFIX}target-{policy.slug.removeprefix(PREFIX)}-{metric.sort_order}"
                )
                metrics.append(metric)
            self.cite(policy, "policy")
        self.writer.insert(Metric, metrics)
        for metric in metrics:
            self.cite(metric, "metric")
        self.flush_citations()

    # --- funding -----------------------------------------------------------------------------

    def make_funding(self):
        rng = self.rng
        investors = [o for o in self.organisations if o.kind == CompanyKind.INVESTOR]
        investors = _Skewed(rng, investors or self.organisations)
        rounds = []  # (round, [(investor, is_lead)])
        loose = []  # investments without a known round
        for organisation in self.organisations:
            if organisation.kind != CompanyKind.ENTERPRISE or rng.random() >= 0.3:
                continue
            stages = sorted(
                rng.sample(STAGE_LADDER, rng.choice((1, 1, 2, 3))), key=STAGE_LADDER.index
            )
            year = rng.randint(2012, 2022)
            for sequence, stage in enumerate(stages, start=1):
                year = min(year + rng.randint(0, 2), 2024)
                announced_on, precision = None, ""
                if rng.random() < 0.85:
                    announced_on = date(year, rng.randint(1, 12), 1)
                    precision = DatePrecision.MONTH
                disclosed = rng.random() < 0.7
                amount_min = amount_max = None
                if disclosed:
                    amount_min = _money(rng)
                    if rng.random() < 0.3:
                        amount_max = amount_min * 2
                funding_round = FundingRound(
                    ref=f"{organisation.slug}-{stage.replace('_', '-')}",
                    company_id=organisation.pk,
                    stage=stage,
                    sequence=sequence,
                    announced_on=announced_on,
                    date_precision=precision,
                    amount_disclosed=disclosed,
                    amount_min=amount_min,
                    amount_max=amount_max,
                    currency=rng.choice(("CNY", "CNY", "CNY", "USD")) if disclosed else "",
                )
                backers = [
                    backer
                    for backer in investors.distinct(rng.choice((1, 2, 3)))
                    if backer.pk != organisation.pk
                ]
                # Half the rounds name their lead investor (the first); the others do not say.
                named_lead = rng.random() < 0.5
                rounds.append(
                    (
                        funding_round,
                        [
                            (backer, True if named_lead and position == 0 else None)
                            for position, backer in enumerate(backers)
                        ],
                    )
                )
            if rng.random() < 0.1:
                backer = investors.one()
                if backer.pk != organisation.pk:
                    loose.append(
                        Investment(
                            ref=f"{organisation.slug}-from-{backer.slug.removeprefix(PREFIX)}",
                            investee_id=organisation.pk,
                            investor_id=backer.pk,
                        )
                    )
        for start in range(0, len(rounds), CHUNK):
            self.write_rounds(rounds[start : start + CHUNK])
        self.writer.insert(Investment, loose)
        for investment in loose:
            self.cite(investment, "investment")
        self.flush_citations()
        self.say(f"funding rounds: {len(rounds):,}")

    def write_rounds(self, rounds):
        self.writer.insert(FundingRound, [funding_round for funding_round, _ in rounds])
        investments = []
        for funding_round, backers in rounds:
            self.cite(funding_round, "funding_round")
            for backer, is_lead in backers:
                investments.append(
                    Investment(
                        ref=f"{funding_round.ref}-from-{backer.slug.removeprefix(PREFIX)}",
                        investee_id=funding_round.company_id,
                        investor_id=backer.pk,
                        funding_round_id=funding_round.pk,
                        is_lead=is_lead,
                    )
                )
        self.writer.insert(Investment, investments)
        for investment in investments:
            self.cite(investment, "investment")
        self.flush_citations()

    # --- people and quotes -------------------------------------------------------------------

    def make_people(self, count):
        rng = self.rng
        width = _number_width(count)
        drafts = self.drafts(count)
        pending = []
        for index in range(count):
            number = f"{index + 1:0{width}d}"
            surname, surname_en = rng.choice(SURNAMES)
            organisation = self.organisations[self.by_weight.one()] if rng.random() < 0.95 else None
            kind = organisation.kind if organisation else None
            role, role_en = rng.choice(PERSON_ROLES.get(kind, COMPANY_ROLES))
            name_zh = f"{surname}合成 {number}"
            person = Person(
                slug=f"{PREFIX}person-{number}",
                name_zh=name_zh,
                name_zh_hans=simplified(name_zh),
                name_en=f"{surname_en} Hecheng {number}",
                role_zh=f"{organisation.name_zh}{role}" if organisation else role,
                role_en=f"{role_en}, {organisation.name_en}" if organisation else role_en,
                organisation_id=organisation.pk if organisation else None,
                published=index not in drafts,
            )
            quotes = [self.quote(order, organisation) for order in range(1, rng.randint(1, 3) + 1)]
            pending.append((person, quotes))
            if len(pending) == CHUNK or index == count - 1:
                self.write_people(pending)
                pending = []
        self.say(f"people: {count:,}")

    def quote(self, order, organisation):
        rng = self.rng
        (a, a_en), (b, b_en), (c, c_en) = self.words.distinct(3)
        region = organisation.region if organisation and organisation.region else None
        region = region or self.regions.one()
        text, text_en = rng.choice(QUOTES)
        values = {"a": a, "b": b, "c": c, "region": region.name_zh}
        values_en = {
            "a": a_en,
            "A": a_en.capitalize(),
            "b": b_en,
            "c": c_en,
            "region_en": region.name_en,
        }
        if organisation and organisation.case_pks and rng.random() < 0.8:
            cases = [rng.choice(organisation.case_pks)]
        else:
            cases = [rng.choice(self.case_pks)] if rng.random() < 0.5 else []
        links = {
            "companies": [organisation.pk] if organisation else [],
            "cases": cases,
            "sectors": [s.pk for s in self.sectors.distinct(1)],
            "policies": [rng.choice(self.policy_pks)] if rng.random() < 0.15 else [],
        }
        quote = Quote(
            kind=rng.choice(QuoteKind.values),
            text_zh=text.format(**values),
            text_en=text_en.format(**values_en),
            sort_order=order,
        )
        return quote, links

    def write_people(self, pending):
        self.writer.insert(Person, [person for person, _ in pending])
        quotes = []
        for person, person_quotes in pending:
            self.cite(person, "person")
            for quote, links in person_quotes:
                quote.person_id = person.pk
                quote.ref = f"{person.slug}-{quote.sort_order}"
                quotes.append((quote, links))
        self.writer.insert(Quote, [quote for quote, _ in quotes])
        for name in ("companies", "cases", "sectors", "policies"):
            self.links(
                Quote._meta.get_field(name),
                [(quote.pk, pk) for quote, links in quotes for pk in links[name]],
            )
        for quote, _links in quotes:
            self.cite(quote, "quote_record")
        self.flush_citations()
