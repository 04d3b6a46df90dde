"""Every database constraint the catalogue declares fires when its rule is broken.

VIOLATIONS maps each constraint name to a function that breaks it. A constraint added to a model
without an entry here fails test_every_declared_constraint_has_a_violation_test.
"""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from catalog import models
from tests import factories as f


def _self_parent(factory):
    def violate():
        row = factory()
        type(row).objects.filter(pk=row.pk).update(parent=row.pk)

    return violate


def _create(factory, **fields):
    return lambda: factory(**fields)


def _case_cover_without_alt():
    f.CaseFactory(cover="covers/x/cover.png", cover_alt_zh="", cover_alt_en="")


def _duplicate_case_company():
    role = f.CaseCompanyFactory()
    models.CaseCompany.objects.create(case=role.case, company=role.company, role="partner")


def _duplicate_investment(with_round):
    def violate():
        investment = f.InvestmentFactory()
        if with_round:
            investment.funding_round = f.FundingRoundFactory(company=investment.investee)
            investment.save()
        models.Investment.objects.create(
            ref="another",
            investee=investment.investee,
            investor=investment.investor,
            funding_round=investment.funding_round,
        )

    return violate


def _self_investment():
    company = f.CompanyFactory()
    models.Investment.objects.create(ref="self", investee=company, investor=company)


def _citation_two_targets():
    f.CitationFactory(case=f.CaseFactory())


def _citation_no_target():
    f.CitationFactory(company=None)


VIOLATIONS = {
    "glossary_entry_not_empty": [
        _create(models.GlossaryEntry.objects.create, source="", simplified="脑机接口"),
        _create(models.GlossaryEntry.objects.create, source="腦機介面", simplified=""),
    ],
    "sector_not_own_parent": [_self_parent(f.SectorFactory)],
    "region_not_own_parent": [_self_parent(f.RegionFactory)],
    "company_not_own_parent": [_self_parent(f.CompanyFactory)],
    "company_founded_precision_with_date": [
        _create(f.CompanyFactory, founded_on=datetime.date(2022, 1, 1), founded_precision=""),
        _create(f.CompanyFactory, founded_on=None, founded_precision="year"),
    ],
    "company_logo_has_alt_text": [
        _create(f.CompanyFactory, logo="logos/x/logo.png", logo_alt_zh="標誌", logo_alt_en=""),
    ],
    "case_start_year_plausible": [_create(f.CaseFactory, start_year=1500, end_year=None)],
    "case_end_year_plausible": [_create(f.CaseFactory, start_year=None, end_year=3000)],
    "case_start_year_not_after_end_year": [_create(f.CaseFactory, start_year=2024, end_year=2020)],
    "case_cover_has_alt_text": [_case_cover_without_alt],
    "casecompany_unique_pair": [_duplicate_case_company],
    "metric_has_subject": [_create(f.MetricFactory, case=None)],
    "metric_range_ordered": [_create(f.MetricFactory, value=30, value_max=10)],
    "metric_start_year_plausible": [_create(f.MetricFactory, start_year=1000)],
    "metric_end_year_plausible": [_create(f.MetricFactory, end_year=2500)],
    "metric_start_year_not_after_end_year": [
        _create(f.MetricFactory, start_year=2023, end_year=2020)
    ],
    "funding_amount_min_not_above_max": [
        _create(
            f.FundingRoundFactory,
            amount_disclosed=True,
            amount_min=100,
            amount_max=50,
            currency="CNY",
        )
    ],
    "funding_amount_disclosed_consistent": [
        _create(f.FundingRoundFactory, amount_disclosed=False, amount_min=10),
        _create(f.FundingRoundFactory, amount_disclosed=True, amount_min=None),
        _create(f.FundingRoundFactory, amount_disclosed=True, amount_min=10, currency=""),
    ],
    "funding_amount_not_negative": [
        _create(f.FundingRoundFactory, amount_disclosed=True, amount_min=-5, currency="CNY")
    ],
    "funding_date_precision_with_date": [
        _create(f.FundingRoundFactory, announced_on=datetime.date(2023, 5, 1), date_precision=""),
    ],
    "investment_unique_per_round": [_duplicate_investment(with_round=True)],
    "investment_unique_without_round": [_duplicate_investment(with_round=False)],
    "investment_not_self": [_self_investment],
    "policy_date_precision_with_date": [
        _create(f.PolicyFactory, issued_on=None, date_precision="month"),
    ],
    "quote_text_not_empty": [_create(f.QuoteFactory, text_zh="")],
    "citation_exactly_one_target": [_citation_two_targets, _citation_no_target],
    "citation_quote_not_blank": [
        _create(f.CitationFactory, quote=""),
        _create(f.CitationFactory, quote="   "),
    ],
    "theme_title_and_statement_not_empty": [
        _create(f.ThemeFactory, title_zh=""),
        _create(f.ThemeFactory, statement_zh=""),
    ],
}


def declared_constraints():
    names = set()
    for model in apps.get_app_config("catalog").get_models():
        if model._meta.label.startswith("catalog.Historical"):
            continue
        names.update(constraint.name for constraint in model._meta.constraints)
    return names


def test_every_declared_constraint_has_a_violation_test():
    assert declared_constraints() == set(VIOLATIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "violate"),
    [(name, fn) for name, fns in VIOLATIONS.items() for fn in fns],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_constraint_fires(name, violate):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        violate()
    # SQLite names the failed check; PostgreSQL names it too. Unique pairs report columns on SQLite.
    message = str(excinfo.value)
    assert name in message or "UNIQUE" in message


SLUG_FACTORIES = [
    f.SectorFactory,
    f.RegionFactory,
    f.CompanyFactory,
    f.CaseFactory,
    f.PolicyFactory,
    f.PersonFactory,
]
REF_FACTORIES = [
    f.MetricFactory,
    f.FundingRoundFactory,
    f.InvestmentFactory,
    f.QuoteFactory,
    f.CitationFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", SLUG_FACTORIES, ids=lambda fa: fa._meta.model.__name__)
def test_slugs_are_unique(factory):
    factory(slug="same-slug")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(slug="same-slug")


@pytest.mark.django_db
@pytest.mark.parametrize("factory", REF_FACTORIES, ids=lambda fa: fa._meta.model.__name__)
def test_refs_are_unique(factory):
    factory(ref="same-ref")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(ref="same-ref")


@pytest.mark.django_db
def test_source_slug_is_unique():
    models.Source.objects.create(slug="s", publication="p", title="t", language="zh-Hant")
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Source.objects.create(slug="s", publication="p", title="t", language="zh-Hant")
