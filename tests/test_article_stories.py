"""The article's stories that became cases with issue 15, and the corrections made to the
organisations, cases, sectors and figures then, each checked against the catalogue as loaded.

The rule that every citation is a verbatim excerpt of the article is tested for the whole
catalogue in tests/test_catalogue_content.py; here each new case is also checked to rest on
passages of its own.
"""

from decimal import Decimal

import pytest
from django.db import models as db_models

from catalog import models
from tests import test_catalogue_content

# The source's text, as the fixture the catalogue's content tests read it with.
article = test_catalogue_content.article

# The three stories: slug -> (organisations and their roles, sectors, regions).
NEW_CASES = {
    "jinhua-jintou-professional-state-capital": (
        {"jinhua-jintou-group": "subject", "jinhua-municipal-government": "government"},
        {"private-equity-venture-capital"},
        {"jinhua"},
    ),
    "local-government-professionalism-allocation-efficiency": (
        {"shenzhen-municipal-government": "government", "tanzhen-capital": "partner"},
        {"government-services", "investment-promotion"},
        {"china", "shenzhen"},
    ),
    "yizhong-longshen-wind-turbine-blades": (
        {"yizhong-longshen-composites": "subject"},
        {"new-materials", "wind-power"},
        {"qiqihar"},
    ),
}

# The five firms the article lists among Changzhou's 72 in the 生物領域 (biology field).
CHANGZHOU_BIOLOGY_FIRMS = {
    "chuangjian-medical",
    "changzhou-drug-research-institute",
    "changmao-biochemical",
    "kangrun-biology",
    "sangao-biology",
}

# Every kind of record with English text, checked for the wording the corrections removed.
CORRECTED_MODELS = (
    models.Company,
    models.Case,
    models.CaseCompany,
    models.Citation,
    models.Metric,
    models.Sector,
    models.Region,
    models.FundingRound,
    models.Investment,
    models.Policy,
    models.Person,
    models.Quote,
    models.Theme,
)


def english_texts(model):
    """(record, field, text) for each English text field of each row of ``model``."""
    fields = [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, (db_models.CharField, db_models.TextField))
        and (f.name.endswith("_en") or f.name == "aliases")
    ]
    fields += [f.name for f in model._meta.get_fields() if isinstance(f, db_models.JSONField)]
    for row in model._default_manager.all():
        for name in fields:
            value = getattr(row, name)
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    yield row, name, text


# --- the three new cases ----------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(NEW_CASES))
def test_each_story_is_a_published_case_with_organisations_sectors_and_regions(catalogue, slug):
    roles, sectors, regions = NEW_CASES[slug]
    case = models.Case.objects.published().get(slug=slug)
    assert {r.company.slug: r.role for r in case.roles.select_related("company")} == roles
    assert all(r.company.published for r in case.roles.select_related("company"))
    assert set(case.sectors.values_list("slug", flat=True)) == sectors
    assert set(case.regions.values_list("slug", flat=True)) == regions
    for field in ("title_zh", "title_en", "summary_zh", "summary_en"):
        assert getattr(case, field), field


@pytest.mark.parametrize("slug", sorted(NEW_CASES))
def test_each_story_rests_on_at_least_two_verbatim_passages(catalogue, article, slug):
    citations = models.Citation.objects.filter(case__slug=slug)
    assert citations.count() >= 2
    for citation in citations:
        assert citation.quote in article, citation.ref
        assert citation.quote_en, citation.ref


def test_jinhua_state_investor_case_carries_its_fund_of_funds_figures(catalogue):
    case = models.Case.objects.get(slug="jinhua-jintou-professional-state-capital")
    figures = {m.ref: m for m in case.metrics.all()}
    assert set(figures) == {
        "jintou-industrial-fund-of-funds-scale",
        "jintou-funds-of-funds-managed",
        "jintou-funds-formed",
        "jintou-funds-total-size",
    }
    assert figures["jintou-funds-total-size"].value == Decimal("371")
    assert all(m.company.slug == "jinhua-jintou-group" for m in figures.values())
    quotes = " ".join(case.citations.values_list("quote", flat=True))
    assert "金華市政府直屬一類國有企業" in quotes
    assert "進行專業研判" in quotes


def test_professionalism_case_cites_the_shenzhen_whitelist(catalogue):
    case = models.Case.objects.get(slug="local-government-professionalism-allocation-efficiency")
    quotes = " ".join(case.citations.values_list("quote", flat=True))
    assert "深圳市政府會開創新企業的白名單,帶著企業去做市場準入" in quotes
    assert "政府的分配效率、專業性以及服務深度" in quotes
    assert "whitelist of innovative" in case.summary_en


def test_wind_blade_case_cites_the_photograph_caption_and_credit(catalogue):
    case = models.Case.objects.get(slug="yizhong-longshen-wind-turbine-blades")
    quotes = list(case.citations.values_list("quote", flat=True))
    assert any("2024年4月28日" in q and "風電葉片生產作業" in q for q in quotes)
    assert any(q.endswith("圖/新華") for q in quotes)
    assert case.start_year == case.end_year == 2024
    # The caption says nothing that would class the story (a transformation, a venture…): its
    # type says where the source shows it, not a class the catalogue would have to guess.
    assert case.case_type == models.CaseType.PICTURED
    assert not case.track


def test_the_model_capital_race_stays_one_case_for_both_cities(catalogue):
    """The article tells one race that Beijing and Shanghai lead (「北京和上海領跑“模都”競賽」,
    「上海也緊追不捨」): one case, both cities."""
    case = models.Case.objects.get(slug="model-capital-race")
    assert {"beijing", "shanghai"} <= set(case.regions.values_list("slug", flat=True))
    split = ["beijing-model-capital", "shanghai-model-capital"]
    assert not models.Case.objects.filter(slug__in=split).exists()


# --- the corrections --------------------------------------------------------------------------


def test_no_english_text_says_largely_because(catalogue):
    """「一個重要的原因」 is "an important reason", not "largely because"."""
    found = [
        f"{row._meta.model_name} {row.pk} {name}"
        for model in CORRECTED_MODELS
        for row, name, text in english_texts(model)
        if "largely because" in text.lower()
    ]
    assert found == []
    case = models.Case.objects.get(slug="jiangyin-lighthouse-factory")
    assert "an important reason" in case.summary_en


def test_changzhou_firms_are_in_the_biology_field_not_biomedicine(catalogue):
    sector = models.Sector.objects.get(slug="biotechnology")
    assert sector.name_zh == "生物領域"
    assert sector.parent is None
    for slug in CHANGZHOU_BIOLOGY_FIRMS:
        company = models.Company.objects.get(slug=slug)
        assert set(company.sectors.values_list("slug", flat=True)) == {"biotechnology"}, slug
    figure = models.Metric.objects.get(ref="changzhou-major-biology-firms")
    assert figure.sector == sector


@pytest.mark.parametrize(
    ("slug", "name_en", "other_spellings"),
    [
        (
            "china-society-innovation-development-strategy",
            "China Institute for Innovation and Development Strategy",
            ["China Society of National Innovation", "China Society of Innovation and Development"],
        ),
        (
            "qianhai-institute-international-affairs",
            "Institute for International Affairs, Qianhai",
            ["Qianhai Institute for International Affairs", "Qianhai Institute of International"],
        ),
    ],
)
def test_an_organisation_has_one_english_name(catalogue, slug, name_en, other_spellings):
    assert models.Company.objects.get(slug=slug).name_en == name_en
    found = [
        f"{row._meta.model_name} {row.pk} {name}: {spelling}"
        for model in CORRECTED_MODELS
        for row, name, text in english_texts(model)
        for spelling in other_spellings
        if spelling in text
    ]
    assert found == []


def test_primary_market_winter_details_are_cited(catalogue):
    case = models.Case.objects.get(slug="primary-market-capital-winter")
    quotes = " ".join(case.citations.values_list("quote", flat=True))
    assert "LP(有限合夥人)沒有錢拿出來" in quotes
    assert "IPO(首次公開募股)政策收緊,IPO速度放緩" in quotes
    assert "壯大耐心資本" in quotes
    assert "機構都不想投專案" in quotes
    assert "LPs" in case.summary_en
    assert "tighter IPO policy" in case.summary_en


def test_more_than_forty_years_of_reform_and_opening_up_is_a_figure_about_china(catalogue):
    figure = models.Metric.objects.get(ref="reform-and-opening-up-years")
    assert figure.region.slug == "china"
    assert (figure.value, figure.qualifier, figure.unit_en) == (Decimal("40"), "more_than", "years")
    assert "經過改革開放40餘年的發展" in figure.citations.get().quote


def test_us_dollar_deal_count_at_a_four_year_low_is_a_figure_of_the_winter(catalogue):
    figure = models.Metric.objects.get(ref="us-dollar-investor-venture-deals-2023")
    assert figure.case.slug == "primary-market-capital-winter"
    assert (figure.start_year, figure.end_year) == (2023, 2023)
    assert figure.stated_zh == "近四年來最低水平"
    assert figure.stated_en == "the lowest in nearly four years"
    assert "2023年美元投資者在中國的風險投資交易數量達近四年來最低水平" in (
        figure.citations.get().quote
    )
