"""factory_boy factories for focused test data. Every factory makes a valid, published row."""

import factory
from factory.django import DjangoModelFactory

from catalog import models


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"source-{n}")
    publication = "《財經》"
    title = factory.Sequence(lambda n: f"測試文章 {n}")
    author = "孫穎妮"
    language = "zh-Hant"


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = models.Sector

    kind = models.SectorKind.FUTURE
    name_zh = factory.Sequence(lambda n: f"產業{n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = models.Region

    level = models.RegionLevel.PROVINCE
    name_zh = factory.Sequence(lambda n: f"地區{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = models.Company

    name_zh = factory.Sequence(lambda n: f"測試公司{n}")
    name_en = factory.Sequence(lambda n: f"Test Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    kind = models.CompanyKind.ENTERPRISE


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = models.Case

    title_zh = factory.Sequence(lambda n: f"測試案例{n}")
    title_en = factory.Sequence(lambda n: f"Test case {n}")
    slug = factory.Sequence(lambda n: f"case-{n}")
    case_type = models.CaseType.TRANSFORMATION
    summary_zh = "摘要"
    summary_en = "Summary"
    start_year = 2023
    end_year = 2024


class CaseCompanyFactory(DjangoModelFactory):
    class Meta:
        model = models.CaseCompany

    case = factory.SubFactory(CaseFactory)
    company = factory.SubFactory(CompanyFactory)
    role = models.CaseRole.SUBJECT


class MetricFactory(DjangoModelFactory):
    class Meta:
        model = models.Metric

    ref = factory.Sequence(lambda n: f"metric-{n}")
    case = factory.SubFactory(CaseFactory)
    label_zh = "人均產值"
    label_en = "Output per worker"
    kind = models.MetricKind.CHANGE
    value = 250
    unit_zh = "%"
    unit_en = "%"


class FundingRoundFactory(DjangoModelFactory):
    class Meta:
        model = models.FundingRound

    ref = factory.Sequence(lambda n: f"round-{n}")
    company = factory.SubFactory(CompanyFactory)
    stage = models.Stage.SEED


class InvestmentFactory(DjangoModelFactory):
    class Meta:
        model = models.Investment

    ref = factory.Sequence(lambda n: f"investment-{n}")
    investee = factory.SubFactory(CompanyFactory)
    investor = factory.SubFactory(CompanyFactory, kind=models.CompanyKind.INVESTOR)


class PolicyFactory(DjangoModelFactory):
    class Meta:
        model = models.Policy

    title_zh = factory.Sequence(lambda n: f"測試政策{n}")
    title_en = factory.Sequence(lambda n: f"Test policy {n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")
    level = models.PolicyLevel.NATIONAL


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = models.Person

    name_zh = factory.Sequence(lambda n: f"測試人{n}")
    name_en = factory.Sequence(lambda n: f"Test Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class QuoteFactory(DjangoModelFactory):
    class Meta:
        model = models.Quote

    ref = factory.Sequence(lambda n: f"quote-{n}")
    person = factory.SubFactory(PersonFactory)
    text_zh = "發展新質生產力。"


class CitationFactory(DjangoModelFactory):
    class Meta:
        model = models.Citation

    ref = factory.Sequence(lambda n: f"citation-{n}")
    source = factory.SubFactory(SourceFactory)
    quote = "企業是踐行新質生產力的主角。"
    company = factory.SubFactory(CompanyFactory)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = models.Theme

    title_zh = factory.Sequence(lambda n: f"測試主題{n}")
    title_en = factory.Sequence(lambda n: f"Test theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    statement_zh = "文章認為,企業是踐行新質生產力的主角。"
    statement_en = "The article holds that firms lead new quality productive forces."
    sort_order = factory.Sequence(lambda n: n)


class ErrorReportFactory(DjangoModelFactory):
    class Meta:
        model = models.ErrorReport

    page = "/"
    what_is_wrong = factory.Sequence(lambda n: f"The figure in passage {n} is wrong.")
