"""The catalogue's content keeps to its sources: verbatim quotes, a citation for every fact, one
row per organisation, sectors for every organisation and case, pseudonyms flagged, and a loader
that writes nothing twice and nothing at all when a fixture is broken.

Each rule is a function returning the problems it finds, so a failure lists every offending
record; the rule is run on the real catalogue (the ``catalogue`` fixture) and, to show that it
really catches something, on a small planted mistake.
"""

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from catalog import models
from catalog.loading import FixtureError, fixture_files, load_files
from catalog.search import normalise
from tests import factories

# The four names the article itself calls pseudonyms:
# (應受訪者請求,文中張靜、李志濤、孫明軍、李光明為化名。...)
PSEUDONYMS = {"張靜", "李志濤", "孫明軍", "李光明"}

# Records that state a fact, by the Citation field that points at them.
FACT_BEARING = {
    "company": models.Company,
    "case": models.Case,
    "metric": models.Metric,
    "funding_round": models.FundingRound,
    "investment": models.Investment,
    "policy": models.Policy,
    "quote_record": models.Quote,
    "person": models.Person,
    "theme": models.Theme,
}

# The themes issue 15 asks for, by slug: the steps of the article's argument.
REQUIRED_THEMES = {
    "what-new-quality-productive-forces-are",
    "why-now",
    "innovation-system-weak-points",
    "industry-main-carrier",
    "government-role",
    "warnings",
}


@pytest.fixture
def article():
    path = Path(settings.SOURCE_ARTICLE_PATH)
    if not path.is_file():
        pytest.skip(f"The source article is not available at SOURCE_ARTICLE_PATH ({path.name}).")
    return path.read_text(encoding="utf-8")


# --- the rules ------------------------------------------------------------------------------


def not_verbatim(article):
    """Citation quotes and quote texts that are not exact excerpts of the article."""
    problems = [
        f"citation {c.ref}: {c.quote[:40]!r}"
        for c in models.Citation.objects.order_by("ref")
        if c.quote not in article
    ]
    problems += [
        f"quote {q.ref}: {q.text_zh[:40]!r}"
        for q in models.Quote.objects.order_by("ref")
        if q.text_zh not in article
    ]
    return problems


def uncited():
    """Fact-bearing records that no citation supports."""
    problems = []
    for field, model in FACT_BEARING.items():
        cited = models.Citation.objects.filter(**{f"{field}__isnull": False}).values(field)
        for row in model._default_manager.exclude(pk__in=cited).order_by("pk"):
            problems.append(f"{model._meta.model_name} {row.natural_key()[0]}")
    return problems


def duplicate_organisations():
    """Pairs of Company rows that are the same organisation under two slugs.

    Two rows clash when their Chinese names (traditional or simplified) are equal, or when a
    name, short name or alias of one equals a name of the other, after normalisation (one script,
    one case, single spaces).
    """
    rows = []
    for company in models.Company.objects.order_by("slug"):
        names = {normalise(n) for n in (company.name_zh, company.name_zh_hans) if n}
        others = {normalise(a) for a in [company.short_name_zh, *company.aliases] if a}
        rows.append((company.slug, names, names | others))
    problems = []
    for index, (slug, names, all_names) in enumerate(rows):
        for other_slug, other_names, other_all in rows[index + 1 :]:
            shared = (all_names & other_names) | (names & other_all)
            if shared:
                problems.append(f"{slug} and {other_slug} share {sorted(shared)}")
    return problems


def without_sector():
    companies = models.Company.objects.filter(sectors=None).order_by("slug")
    cases = models.Case.objects.filter(sectors=None).order_by("slug")
    return [f"company {c.slug}" for c in companies] + [f"case {c.slug}" for c in cases]


def names_not_in(article):
    """Organisations marked as named in the source whose Chinese name the source does not use."""
    return [
        f"{c.slug}: {c.name_zh}"
        for c in models.Company.objects.filter(is_named_in_source=True).order_by("slug")
        if c.name_zh not in article
    ]


def thinly_supported_themes():
    """Themes with fewer than two passages of their own, or with no record that supports them."""
    problems = []
    for theme in models.Theme.objects.order_by("slug"):
        if theme.citations.count() < 2:
            problems.append(f"{theme.slug}: fewer than two passages")
        if not any(
            getattr(theme, name).exists()
            for name in ("cases", "metrics", "people", "quotes", "policies")
        ):
            problems.append(f"{theme.slug}: no supporting record")
    return problems


def wrong_pseudonyms():
    flagged = set(models.Person.objects.filter(is_pseudonym=True).values_list("name_zh", flat=True))
    return sorted(f"flagged but not a pseudonym: {n}" for n in flagged - PSEUDONYMS) + sorted(
        f"pseudonym not flagged: {n}" for n in PSEUDONYMS - flagged
    )


# --- the real catalogue -------------------------------------------------------------------


def test_citations_and_quotes_are_verbatim_excerpts(catalogue, article):
    assert models.Citation.objects.exists()
    # The themes' own passages are among those checked.
    theme_passages = models.Citation.objects.filter(theme__isnull=False).count()
    assert theme_passages >= 2 * len(REQUIRED_THEMES)
    assert not_verbatim(article) == []


def test_the_argument_is_outlined_in_themes_each_with_two_passages(catalogue):
    slugs = set(models.Theme.objects.published().values_list("slug", flat=True))
    assert slugs >= REQUIRED_THEMES
    assert thinly_supported_themes() == []


def test_every_fact_bearing_record_has_a_citation(catalogue):
    for model in FACT_BEARING.values():
        if model in (models.FundingRound, models.Investment):
            continue  # the article may name few rounds; the rule still applies when it does
        assert model.objects.exists(), f"the catalogue has no {model._meta.verbose_name_plural}"
    assert uncited() == []


def test_no_organisation_appears_twice(catalogue):
    assert duplicate_organisations() == []


def test_every_company_and_case_has_a_sector(catalogue):
    assert without_sector() == []


def test_named_organisations_carry_the_name_the_article_uses(catalogue, article):
    assert names_not_in(article) == []


def test_exactly_the_four_pseudonyms_are_flagged(catalogue, article):
    assert "為化名" in article
    assert wrong_pseudonyms() == []
    for person in models.Person.objects.filter(is_pseudonym=True):
        # the citation that says so is attached to each of them
        assert any("為化名" in c.quote for c in person.citations.all()), person.slug


def test_loading_twice_writes_nothing(catalogue):
    assert catalogue.changes > 0
    history = {
        model: model.history.count()
        for model in (models.Company, models.Case, models.Policy, models.Person, models.Quote)
    }
    modified = dict(models.Policy.objects.values_list("slug", "modified"))

    again = load_files(fixture_files())

    assert again.changes == 0
    assert sum(again.unchanged.values()) == sum(catalogue.created.values())
    assert {model: model.history.count() for model in history} == history
    assert dict(models.Policy.objects.values_list("slug", "modified")) == modified


# --- a broken fixture changes nothing --------------------------------------------------------


def _copy_fixtures(tmp_path):
    folder = tmp_path / "fixtures"
    shutil.copytree(Path(settings.FIXTURE_DIRS[0]), folder)
    return folder


def _rewrite(path, change):
    records = json.loads(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    return records


def _snapshot():
    tables = [
        models.Source,
        models.Sector,
        models.Region,
        models.Company,
        models.Case,
        models.CaseCompany,
        models.Metric,
        models.FundingRound,
        models.Investment,
        models.Policy,
        models.Person,
        models.Quote,
        models.Citation,
    ]
    counts = {model._meta.label: model.objects.count() for model in tables}
    histories = {model._meta.label: model.history.count() for model in tables}
    titles = dict(models.Policy.objects.values_list("slug", "title_en"))
    return counts, histories, titles


def _index_of(records, model, key, value):
    for index, record in enumerate(records, start=1):
        if record["model"] == model and record["fields"].get(key) == value:
            return index
    raise AssertionError(f"{model} {value} not in the fixture")


def test_broken_fixture_leaves_the_database_unchanged_and_names_the_record(catalogue, tmp_path):
    folder = _copy_fixtures(tmp_path)
    policy = models.Policy.objects.order_by("slug").first()
    quote = models.Quote.objects.order_by("ref").first()

    # A valid change in an earlier file, which must be rolled back too...
    def retitle(records):
        for record in records:
            if record["model"] == "catalog.policy" and record["fields"]["slug"] == policy.slug:
                record["fields"]["title_en"] = "A changed title that must not survive"

    _rewrite(folder / "50_policies.json", retitle)

    # ...and a quote that points at a person nobody defined, in a later file.
    def corrupt(records):
        for record in records:
            if record["model"] == "catalog.quote" and record["fields"]["ref"] == quote.ref:
                record["fields"]["person"] = ["nobody-of-that-name"]

    records = _rewrite(folder / "60_people.json", corrupt)
    position = _index_of(records, "catalog.quote", "ref", quote.ref)
    before = _snapshot()

    with pytest.raises(FixtureError) as error:
        load_files(fixture_files([folder]))

    message = str(error.value)
    assert "60_people.json" in message
    assert f"record {position}" in message
    assert quote.ref in message
    assert _snapshot() == before
    assert models.Policy.objects.get(slug=policy.slug).title_en == policy.title_en


def test_load_command_reports_a_broken_fixture_without_loading(catalogue, tmp_path):
    folder = _copy_fixtures(tmp_path)

    def corrupt(records):
        records[0]["fields"]["level"] = "galactic"

    records = _rewrite(folder / "50_policies.json", corrupt)
    before = _snapshot()

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", str(folder))

    message = str(error.value)
    assert message.startswith("Nothing was loaded.")
    assert "50_policies.json, record 1" in message
    assert records[0]["fields"]["slug"] in message
    assert _snapshot() == before


# --- each rule catches what it is for --------------------------------------------------------


@pytest.mark.django_db
def test_rule_catches_an_invented_quote():
    article = "他說:“這是原文。”"
    person = factories.PersonFactory()
    models.Quote.objects.create(ref="q-1", person=person, text_zh="這是原文。")
    models.Quote.objects.create(ref="q-2", person=person, text_zh="這不是原文。")
    source = factories.SourceFactory()
    models.Citation.objects.create(ref="c-1", source=source, quote="他說", person=person)
    models.Citation.objects.create(ref="c-2", source=source, quote="他沒說", person=person)

    assert not_verbatim(article) == ["citation c-2: '他沒說'", "quote q-2: '這不是原文。'"]


@pytest.mark.django_db
def test_rule_catches_a_theme_with_one_passage_or_no_support():
    source = factories.SourceFactory()
    supported = factories.ThemeFactory(slug="supported")
    supported.cases.add(factories.CaseFactory())
    thin = factories.ThemeFactory(slug="thin")
    thin.quotes.add(factories.QuoteFactory())
    bare = factories.ThemeFactory(slug="bare")
    for theme, count in ((supported, 2), (thin, 1), (bare, 2)):
        for number in range(count):
            factories.CitationFactory(
                source=source, company=None, theme=theme, quote=f"原文{number}"
            )

    assert thinly_supported_themes() == [
        "bare: no supporting record",
        "thin: fewer than two passages",
    ]


@pytest.mark.django_db
def test_rule_catches_an_uncited_record():
    source = factories.SourceFactory()
    cited = factories.PolicyFactory(slug="cited-policy")
    factories.PolicyFactory(slug="uncited-policy")
    models.Citation.objects.create(ref="c-1", source=source, quote="原文", policy=cited)

    assert uncited() == ["policy uncited-policy"]


@pytest.mark.django_db
def test_rule_catches_the_same_organisation_twice():
    factories.CompanyFactory(slug="zhiran-medical", name_zh="智冉醫療科技有限公司")
    # the same name in simplified characters
    factories.CompanyFactory(slug="zhiran-2", name_zh="智冉医疗科技有限公司")
    # an alias equal to another row's name
    factories.CompanyFactory(slug="other", name_zh="美團", aliases=["智冉醫療科技有限公司"])
    factories.CompanyFactory(slug="baidu", name_zh="百度")

    problems = duplicate_organisations()

    assert len(problems) == 3
    assert all("baidu" not in problem for problem in problems)
    assert any("zhiran-2" in p and "zhiran-medical" in p for p in problems)
    assert any("other" in p and "zhiran-medical" in p for p in problems)


@pytest.mark.django_db
def test_rule_catches_a_company_or_case_without_sector():
    sector = factories.SectorFactory()
    with_sector = factories.CompanyFactory(slug="with-sector")
    with_sector.sectors.add(sector)
    factories.CompanyFactory(slug="no-sector")
    factories.CaseFactory(slug="case-without")

    assert without_sector() == ["company no-sector", "case case-without"]


@pytest.mark.django_db
def test_rule_catches_a_name_the_article_does_not_use():
    factories.CompanyFactory(slug="named", name_zh="美團")
    factories.CompanyFactory(slug="wrong", name_zh="美團點評")
    factories.CompanyFactory(slug="unnamed", name_zh="某大模型企業", is_named_in_source=False)

    assert names_not_in("獲得美團、百度的青睞") == ["wrong: 美團點評"]


@pytest.mark.django_db
def test_rule_catches_a_wrong_pseudonym_flag():
    for name in ("張靜", "李志濤", "孫明軍"):
        factories.PersonFactory(name_zh=name, is_pseudonym=True)
    factories.PersonFactory(name_zh="李光明", is_pseudonym=False)
    factories.PersonFactory(name_zh="王一鳴", is_pseudonym=True)

    assert wrong_pseudonyms() == [
        "flagged but not a pseudonym: 王一鳴",
        "pseudonym not flagged: 李光明",
    ]
