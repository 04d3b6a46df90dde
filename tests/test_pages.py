"""The pages: every page in one frame (header navigation, search box, breadcrumbs to the list it
belongs to); the home page leads to every list; detail pages show what concerns their record, each
fact with its citation one click away; drafts stay out of public pages, related lists included;
unknown slugs are 404."""

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from catalog import models
from tests import factories as f

FIGURE_ROW = re.compile(r'<tr id="figure-([^"]+)">(.*?)</tr>', re.S)
# A statement's caption, where its sources are (up to the end of its first source's passage).
STATEMENT = re.compile(r'<figure class="quote quote--.*?<figcaption>(.*?)</figure>', re.S)


def page(client, record_or_url):
    url = record_or_url if isinstance(record_or_url, str) else record_or_url.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def text(html):
    """The page's text with tags removed and entities decoded, for plain 'is it shown' checks."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def breadcrumbs(html):
    crumbs = html[html.index('class="breadcrumbs"') :]
    return crumbs[: crumbs.index("</nav>")]


def cite(record, quote="原文的一句話。", **kw):
    field = {
        models.Company: "company",
        models.Case: "case",
        models.Metric: "metric",
        models.FundingRound: "funding_round",
        models.Policy: "policy",
        models.Quote: "quote_record",
        models.Person: "person",
        models.Investment: "investment",
    }[type(record)]
    return f.CitationFactory(quote=quote, **{"company": None, field: record}, **kw)


@pytest.fixture
def staff_client(db):
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="x-9431-unused", is_staff=True))
    return staff


@pytest.fixture
def source(db):
    return f.SourceFactory(slug="caijing-test", title="中國為何在這時提出發展新質生產力?")


# --- Organisation -------------------------------------------------------------------------------


@pytest.fixture
def company(db, source):
    region = f.RegionFactory(name_zh="四川", name_en="Sichuan", slug="sichuan")
    sector = f.SectorFactory(name_zh="高端裝備", name_en="High-end equipment", slug="equipment")
    parent = f.CompanyFactory(name_zh="東方電氣", name_en="Dongfang Electric", slug="dec")
    company = f.CompanyFactory(
        name_zh="東方鍋爐",
        name_en="Dongfang Boiler",
        slug="dongfang-boiler",
        kind=models.CompanyKind.STATE_OWNED,
        region=region,
        parent=parent,
        founded_on=datetime.date(1966, 1, 1),
        founded_precision=models.DatePrecision.YEAR,
        description_zh="鍋爐製造企業。",
        description_en="A boiler maker.",
        aliases=["DBC"],
    )
    company.sectors.add(sector)
    cite(company, "東方鍋爐是一家鍋爐企業。", source=source)
    f.CompanyFactory(name_zh="自貢基地", name_en="Zigong Works", parent=company)
    case = f.CaseFactory(title_zh="蛇形管智慧工廠", title_en="Serpentine-tube factory")
    f.CaseCompanyFactory(case=case, company=company, role=models.CaseRole.SUBJECT)
    metric = f.MetricFactory(
        case=None, company=company, label_en="Output per worker", value=250, ref="m-output"
    )
    cite(metric, "人均產值提升250%。", source=source)
    seed = f.FundingRoundFactory(
        company=company,
        stage=models.Stage.A,
        announced_on=datetime.date(2024, 4, 1),
        date_precision=models.DatePrecision.MONTH,
        amount_disclosed=True,
        amount_min=100_000_000,
        currency="CNY",
    )
    cite(seed, "A輪融資一億元。", source=source)
    lead = f.CompanyFactory(
        name_zh="紅杉中國", name_en="HongShan", slug="hongshan", kind=models.CompanyKind.INVESTOR
    )
    in_round = f.InvestmentFactory(
        investee=company, investor=lead, funding_round=seed, is_lead=True
    )
    cite(in_round, "紅杉中國領投。", source=source)
    other = f.CompanyFactory(name_zh="美團", name_en="Meituan", slug="meituan")
    loose = f.InvestmentFactory(investee=company, investor=other)
    cite(loose, "美團等參與投資。", source=source)
    person = f.PersonFactory(
        name_zh="鍾正彬", name_en="Zhong Zhengbin", role_zh="部長", organisation=company
    )
    cite(person, "鍾正彬是部長。", source=source)
    speaker = f.PersonFactory(name_zh="王某", name_en="Wang Mou", slug="wang")
    quote = f.QuoteFactory(person=speaker, text_zh="鍋爐要智慧化。", text_en="Boilers go smart.")
    quote.companies.add(company)
    cite(quote, "鍋爐要智慧化。", source=source)
    policy = f.PolicyFactory(title_zh="鍋爐行動方案", title_en="Boiler action plan")
    policy.issuers.add(company)
    return company


@pytest.mark.django_db
def test_company_page_shows_its_facts(client, company):
    html = page(client, company)
    plain = text(html)
    assert "State-owned enterprise" in plain
    assert f'href="{reverse("catalog:region_detail", args=["sichuan"])}"' in html
    assert f'href="{reverse("catalog:sector_detail", args=["equipment"])}"' in html
    assert "1966" in plain
    assert "1966-01-01" not in plain  # the founding date to the precision the source gives
    assert "DBC" in plain
    assert f'href="{reverse("catalog:company_detail", args=["dec"])}"' in html
    assert "Zigong Works" in plain
    assert "蛇形管智慧工廠" in plain
    assert "Subject of the case" in plain
    assert "Boilers go smart." in plain
    assert f'href="{reverse("catalog:person_detail", args=["wang"])}"' in html
    assert "Zhong Zhengbin" in plain
    assert "Boiler action plan" in plain
    assert 'class="record-image' in html


@pytest.mark.django_db
def test_company_funding_rounds_with_investors_and_those_without_a_round(client, company):
    html = page(client, company)
    funding = html[html.index('id="funding-heading"') :]
    assert "Series A" in funding
    assert "2024-04" in funding
    assert "100,000,000 CNY" in funding
    rounds_part, loose_part = funding.split("Investors named without a round", 1)
    assert f'href="{reverse("catalog:company_detail", args=["hongshan"])}"' in rounds_part
    assert "lead" in text(rounds_part)
    assert f'href="{reverse("catalog:company_detail", args=["meituan"])}"' in loose_part
    assert "meituan" not in rounds_part


@pytest.mark.django_db
def test_every_fact_on_the_company_page_carries_its_verbatim_citation(client, company):
    html = page(client, company)
    for quote in (
        "東方鍋爐是一家鍋爐企業。",
        "人均產值提升250%。",
        "A輪融資一億元。",
        "紅杉中國領投。",
        "美團等參與投資。",
        "鍾正彬是部長。",
    ):
        assert f">{quote}</blockquote>" in html, quote
    (row,) = FIGURE_ROW.findall(html)
    assert '<details class="citations">' in row[1]
    assert "人均產值提升250%。" in row[1]


@pytest.mark.django_db
def test_citations_link_to_their_passage_on_the_source_page(client, company, source):
    html = page(client, company)
    citation = models.Citation.objects.get(quote="人均產值提升250%。")
    link = f"/sources/caijing-test/passages/{citation.ref}/"
    assert f'href="{link}"' in html
    assert client.get(link).url == f"/sources/caijing-test/#citation-{citation.ref}"
    source_page = page(client, source)
    assert f'id="citation-{citation.ref}"' in source_page
    assert "人均產值提升250%。" in source_page
    # the passage says which page it supports
    assert f'href="{company.get_absolute_url()}"' in source_page


@pytest.mark.django_db
def test_company_page_lists_its_sources(client, company, source):
    html = page(client, company)
    sources = html[html.index('id="sources-heading"') :]
    assert f'href="{source.get_absolute_url()}"' in sources
    assert "cited 7 times on this page" in sources


@pytest.mark.django_db
def test_english_text_is_marked_as_translation(client, company):
    html = page(client, company)
    assert re.search(r'<span class="tag">Translation</span> A boiler maker\.', html)
    assert "English name: our translation" in html
    case = models.Case.objects.get(title_zh="蛇形管智慧工廠")
    assert "English title: our translation" in page(client, case)


@pytest.mark.django_db
def test_breadcrumbs_link_to_the_list_pages(client, company):
    crumbs = breadcrumbs(page(client, company))
    assert f'href="{reverse("catalog:company_list")}"' in crumbs
    assert 'aria-current="page" lang="zh-Hant">東方鍋爐' in crumbs
    for record, name in (
        (f.CaseFactory(), "catalog:case_list"),
        (f.PolicyFactory(), "catalog:policy_list"),
        (f.PersonFactory(), "catalog:person_list"),
        (f.SectorFactory(), "catalog:sector_list"),
        (f.RegionFactory(), "catalog:region_list"),
    ):
        assert f'href="{reverse(name)}"' in breadcrumbs(page(client, record)), name


@pytest.mark.django_db
def test_company_page_keeps_drafts_out_for_the_public(client, staff_client, company):
    hidden = {
        "Hidden subsidiary": f.CompanyFactory(name_en="Hidden subsidiary", parent=company),
        "Hidden case": f.CaseFactory(title_en="Hidden case", published=False),
        "Hidden investor": f.CompanyFactory(name_en="Hidden investor", published=False),
        "Hidden person": f.PersonFactory(
            name_en="Hidden person", organisation=company, published=False
        ),
        "Hidden policy": f.PolicyFactory(title_en="Hidden policy", published=False),
        "Hidden speaker": f.PersonFactory(name_en="Hidden speaker", published=False),
    }
    hidden["Hidden subsidiary"].published = False
    hidden["Hidden subsidiary"].save()
    f.CaseCompanyFactory(case=hidden["Hidden case"], company=company)
    f.InvestmentFactory(investee=company, investor=hidden["Hidden investor"])
    hidden["Hidden policy"].issuers.add(company)
    f.QuoteFactory(person=hidden["Hidden speaker"], text_zh="不該公開。").companies.add(company)
    company.parent.published = False
    company.parent.save()

    public = text(page(client, company))
    for name in [*hidden, "Dongfang Electric", "不該公開。"]:
        assert name not in public, name
    staff = page(staff_client, company)
    for name in [*hidden, "Dongfang Electric", "不該公開。"]:
        assert name in text(staff), name
    assert 'class="draft-tag"' in staff


# --- Case ---------------------------------------------------------------------------------------


@pytest.fixture
def case(db, source):
    case = f.CaseFactory(
        title_zh="金華火腿",
        title_en="Jinhua ham",
        start_year=2021,
        end_year=2024,
        lever_digital=True,
        lever_green=True,
        change_new_manufacturing=True,
        track=models.Track.RENEW_TRADITIONAL,
    )
    cite(case, "金華火腿企業用上了數智技術。", source=source)
    case.sectors.add(f.SectorFactory(name_en="Food processing"))
    case.regions.add(f.RegionFactory(name_en="Jinhua"))
    maker = f.CompanyFactory(name_en="Ham Maker", slug="ham-maker")
    f.CaseCompanyFactory(case=case, company=maker, role=models.CaseRole.SUBJECT)
    park = f.CompanyFactory(name_en="Ham Park")
    f.CaseCompanyFactory(case=case, company=park, role=models.CaseRole.PLATFORM)
    for ref, label, value, extra in (
        ("m-share", "Share of makers", 50, {"qualifier": models.Qualifier.MORE_THAN}),
        ("m-range", "Saving", 10, {"value_max": 30}),
        ("m-fall", "Energy use", -20, {}),
    ):
        metric = f.MetricFactory(case=case, ref=ref, label_en=label, value=value, **extra)
        cite(metric, f"{label}的原文。", source=source)
    speaker = f.PersonFactory(name_en="Ham Speaker", slug="ham-speaker")
    quote = f.QuoteFactory(person=speaker, text_zh="火腿也能智慧化。")
    quote.cases.add(case)
    cite(quote, "火腿也能智慧化。", source=source)
    policy = f.PolicyFactory(title_en="Ham policy")
    policy.cases.add(case)
    return case


@pytest.mark.django_db
def test_case_page_shows_its_facts(client, case):
    html = page(client, case)
    plain = text(html)
    assert "Ham Maker" in plain
    assert "Subject of the case" in plain
    assert "Platform or park" in plain
    assert "Food processing" in plain
    assert "Jinhua" in plain
    assert "2021–2024" in plain
    assert "Digitalisation (數字化)" in plain
    assert "Green transition (綠色化)" in plain
    assert "Intelligent upgrading" not in plain
    assert "New manufacturing (新製造)" in plain
    assert "Renewing traditional industries" in plain
    assert "火腿也能智慧化。" in plain
    assert f'href="{reverse("catalog:person_detail", args=["ham-speaker"])}"' in html
    assert "Ham policy" in plain


@pytest.mark.django_db
def test_case_page_charts_its_figures_with_a_table_and_citations(client, case):
    html = page(client, case)
    # One chart (three figures of one unit, none with a period), drawn for a phone's column and
    # for a wider one.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    svg = html[html.index("<svg") : html.index("</svg>", html.index("chart__value"))]
    assert "Period: not stated" in html
    assert 'role="img"' in svg
    assert svg.count('class="chart__bar"') == 3
    assert "style=" not in svg
    rows = dict(FIGURE_ROW.findall(html))
    assert set(rows) == {"m-share", "m-range", "m-fall"}
    assert "more than 50%" in rows["m-share"]
    assert "10–30%" in rows["m-range"]
    assert "−20%" in rows["m-fall"]
    for ref, row in rows.items():
        assert '<details class="citations">' in row, ref
        assert "的原文。</blockquote>" in row, ref


@pytest.mark.django_db
def test_case_without_figures_has_no_chart(client):
    html = page(client, f.CaseFactory())
    assert "<svg" not in html
    assert "figures-table" not in html


@pytest.mark.django_db
def test_case_page_keeps_draft_organisations_out(client, staff_client, case):
    draft = f.CompanyFactory(name_en="Draft Maker", published=False)
    f.CaseCompanyFactory(case=case, company=draft)
    draft_policy = f.PolicyFactory(title_en="Draft ham policy", published=False)
    draft_policy.cases.add(case)
    assert "Draft Maker" not in page(client, case)
    assert "Draft ham policy" not in page(client, case)
    assert "Draft Maker" in page(staff_client, case)


# --- Policy, person -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_page_shows_issuers_targets_and_what_it_concerns(client, source):
    ministry = f.CompanyFactory(name_en="Ministry of Industry", kind=models.CompanyKind.GOVERNMENT)
    policy = f.PolicyFactory(
        title_zh="行動方案",
        title_en="Action plan",
        level=models.PolicyLevel.PROVINCIAL,
        issued_on=datetime.date(2024, 3, 1),
        date_precision=models.DatePrecision.MONTH,
        issuer_note_zh="省政府等部門",
    )
    policy.issuers.add(ministry)
    policy.sectors.add(f.SectorFactory(name_en="Robots"))
    policy.regions.add(f.RegionFactory(name_en="Zhejiang"))
    policy.cases.add(f.CaseFactory(title_en="Robot case"))
    cite(policy, "省政府印發行動方案。", source=source)
    target = f.MetricFactory(
        case=None, policy=policy, ref="t-1", label_en="Output target", value=1000, unit_en="units"
    )
    cite(target, "到2027年產量1000台。", source=source)
    quote = f.QuoteFactory(text_zh="方案很重要。")
    quote.policies.add(policy)
    html = page(client, policy)
    plain = text(html)
    for expected in (
        "Ministry of Industry",
        "Provincial",
        "2024-03",
        "省政府等部門",
        "Robots",
        "Zhejiang",
        "Robot case",
        "1,000 units",
        "方案很重要。",
        "省政府印發行動方案。",
    ):
        assert expected in plain, expected
    (row,) = FIGURE_ROW.findall(html)
    assert "到2027年產量1000台。" in row[1]


@pytest.mark.django_db
def test_person_page_shows_role_organisation_pseudonym_and_statements(client, source):
    organisation = f.CompanyFactory(name_en="Probe Capital", slug="probe")
    person = f.PersonFactory(
        name_zh="孫明軍",
        name_en="Sun Mingjun",
        is_pseudonym=True,
        role_zh="創始人",
        role_en="founder",
        organisation=organisation,
    )
    cite(person, "孫明軍(化名)是創始人。", source=source)
    quote = f.QuoteFactory(person=person, text_zh="錢很難融。", text_en="Money is hard to raise.")
    quote.companies.add(organisation)
    cite(quote, "錢很難融。", source=source)
    html = page(client, person)
    plain = text(html)
    assert "創始人" in plain
    assert "founder" in plain
    assert f'href="{reverse("catalog:company_detail", args=["probe"])}"' in html
    assert "pseudonym" in plain
    assert "錢很難融。" in plain
    assert "Money is hard to raise." in plain
    assert "孫明軍(化名)是創始人。</blockquote>" in html
    assert "錢很難融。</blockquote>" in html


@pytest.mark.django_db
def test_person_page_hides_a_draft_organisation(client, staff_client):
    person = f.PersonFactory(organisation=f.CompanyFactory(name_en="Secret Org", published=False))
    assert "Secret Org" not in page(client, person)
    assert "Secret Org" in page(staff_client, person)


# --- Sector, region -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_sector_page_includes_its_sub_sectors_companies_and_cases(client, staff_client):
    parent = f.SectorFactory(name_en="Future industries", slug="future")
    child = f.SectorFactory(name_en="Brain-computer interfaces", parent=parent)
    direct = f.CompanyFactory(name_en="Direct Co")
    direct.sectors.add(parent)
    via_child = f.CompanyFactory(name_en="Child Co")
    via_child.sectors.add(child)
    draft = f.CompanyFactory(name_en="Draft Co", published=False)
    draft.sectors.add(child)
    case = f.CaseFactory(title_en="Child case")
    case.sectors.add(child)
    html = page(client, parent)
    plain = text(html)
    assert "Brain-computer interfaces" in plain
    assert "Direct Co" in plain
    assert "Child Co" in plain
    assert "Child case" in plain
    assert "Draft Co" not in plain
    assert "Draft Co" in page(staff_client, parent)
    child_page = page(client, child)
    assert f'href="{parent.get_absolute_url()}"' in child_page
    assert "Direct Co" not in child_page


@pytest.mark.django_db
def test_region_page_includes_places_within_two_levels_down(client):
    province = f.RegionFactory(name_en="Zhejiang")
    city = f.RegionFactory(name_en="Jinhua", level=models.RegionLevel.CITY, parent=province)
    county = f.RegionFactory(name_en="Dongyang", level=models.RegionLevel.COUNTY, parent=city)
    f.CompanyFactory(name_en="Province Co", region=province)
    f.CompanyFactory(name_en="County Co", region=county)
    f.CompanyFactory(name_en="Draft County Co", region=county, published=False)
    case = f.CaseFactory(title_en="City case")
    case.regions.add(city)
    plain = text(page(client, province))
    for expected in ("Jinhua", "Dongyang", "Province Co", "County Co", "City case"):
        assert expected in plain, expected
    assert "Draft County Co" not in plain
    city_page = page(client, city)
    assert f'href="{province.get_absolute_url()}"' in city_page
    assert "Province Co" not in text(city_page)
    assert "County Co" in text(city_page)


@pytest.mark.django_db
def test_region_and_sector_figures_leave_out_those_of_draft_records(client, source):
    region = f.RegionFactory()
    shown = f.MetricFactory(case=None, region=region, ref="r-shown", label_en="Shown figure")
    cite(shown, "公開的數字。", source=source)
    f.MetricFactory(
        case=f.CaseFactory(published=False), region=region, label_en="Draft case figure"
    )
    plain = text(page(client, region))
    assert "Shown figure" in plain
    assert "公開的數字。" in plain
    assert "Draft case figure" not in plain


# --- Source page, drafts, bad slugs -------------------------------------------------------------


@pytest.mark.django_db
def test_source_page_leaves_out_passages_of_draft_records(client, staff_client, source):
    draft = f.CompanyFactory(name_en="Draft Co", published=False)
    cite(draft, "草稿的原文。", source=source)
    cite(f.CompanyFactory(), "公開的原文。", source=source)
    public = page(client, source)
    assert "公開的原文。" in public
    assert "草稿的原文。" not in public
    assert "草稿的原文。" in page(staff_client, source)


DRAFTABLE = [f.CompanyFactory, f.CaseFactory, f.PolicyFactory, f.PersonFactory]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", DRAFTABLE, ids=lambda x: x._meta.model.__name__)
def test_drafts_are_404_for_the_public_and_marked_for_staff(client, staff_client, factory):
    draft = factory(published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    html = page(staff_client, draft)
    assert re.search(r'class="draft"[^>]*>Draft', html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "catalog:company_detail",
        "catalog:case_detail",
        "catalog:policy_detail",
        "catalog:person_detail",
        "catalog:sector_detail",
        "catalog:region_detail",
        "catalog:source_detail",
    ],
)
def test_unknown_slugs_are_404(client, name):
    assert client.get(reverse(name, args=["no-such-record"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/companies/%3Cscript%3E/", "/cases/../", "/policies/%00/", "/people/a%20b/"]
)
def test_malformed_slugs_are_404(client, path):
    assert client.get(path).status_code == 404


# --- The real catalogue -------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_figure_and_statement_in_the_catalogue_shows_its_citation(client, catalogue):
    pages = [
        *models.Company.objects.published(),
        *models.Case.objects.published(),
        *models.Policy.objects.published(),
        *models.Person.objects.published(),
    ]
    figures = statements = 0
    for record in pages:
        html = page(client, record)
        for ref, row in FIGURE_ROW.findall(html):
            figures += 1
            assert '<details class="citations">' in row, f"{record.get_absolute_url()} {ref}"
        for block in STATEMENT.findall(html):
            statements += 1
            assert '<details class="citations">' in block, record.get_absolute_url()
    with_a_page = models.Metric.objects.exclude(case=None, company=None, policy=None)
    assert figures >= with_a_page.count()
    assert statements >= models.Quote.objects.count()


@pytest.mark.django_db
def test_dongfang_boiler_page_in_the_catalogue(client, catalogue):
    html = page(client, "/companies/dongfang-boiler/")
    assert "東方鍋爐" in html
    assert '<details class="citations">' in html
    assert "/sources/caijing-new-quality-productive-forces/passages/" in html


# --- Every page: the frame, navigation, breadcrumbs ---------------------------------------------

NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
LISTS = {
    "/companies/": "Organisations",
    "/cases/": "Cases",
    "/sectors/": "Sectors",
    "/regions/": "Regions",
    "/policies/": "Policies",
    "/people/": "People",
}


def frame_pages():
    """One page of every kind, with the list its breadcrumbs should lead back to."""
    company = f.CompanyFactory(slug="frame-company")
    source = f.SourceFactory(slug="frame-source")
    cite(company, source=source)
    return [
        ("/companies/", None),
        ("/cases/", None),
        ("/sectors/", None),
        ("/regions/", None),
        ("/policies/", None),
        ("/people/", None),
        ("/search/?q=x", None),
        (company.get_absolute_url(), "/companies/"),
        (f.CaseFactory().get_absolute_url(), "/cases/"),
        (f.PolicyFactory().get_absolute_url(), "/policies/"),
        (f.PersonFactory().get_absolute_url(), "/people/"),
        (f.SectorFactory().get_absolute_url(), "/sectors/"),
        (f.RegionFactory().get_absolute_url(), "/regions/"),
        (source.get_absolute_url(), "/#sources-heading"),
    ]


@pytest.mark.django_db
def test_every_page_has_the_navigation_a_search_box_and_breadcrumbs(client):
    for url, section in frame_pages():
        html = page(client, url)
        nav = NAV.search(html).group(1)
        for path, label in LISTS.items():
            assert f'href="{path}">{label}</a>' in nav, (url, path)
        header = html[html.index('<header class="site-header">') : html.index("</header>")]
        assert 'role="search"' in header
        assert re.search(r'<label for="header-q"[^>]*>[^<]+</label>', header)
        crumbs = breadcrumbs(html)
        assert '<a href="/">Home</a>' in crumbs, url
        assert crumbs.count('aria-current="page"') == 1, url
        if section:
            assert f'href="{section}"' in crumbs, url
        assert html.count("<h1") == 1, url
        assert html.count("<main") == 1, url
        assert 'class="skip-link" href="#main-content"' in html


@pytest.mark.django_db
def test_the_home_page_has_no_breadcrumbs_and_leads_to_every_list_and_the_search(client):
    html = page(client, "/")
    assert 'class="breadcrumbs"' not in html
    main = html[html.index("<main") : html.index("</main>")]
    for path in LISTS:
        assert f'href="{path}"' in main, path
    assert 'action="/search/"' in html


@pytest.mark.django_db
def test_each_list_has_its_own_labelled_search_box(client):
    for path in ("/companies/", "/cases/", "/policies/", "/people/"):
        html = page(client, path)
        form = html[
            html.index('<form class="filters"') : html.index(
                "</form>", html.index('<form class="filters"')
            )
        ]
        assert 'role="search"' in form
        assert '<label for="id_q">' in form
        assert 'name="q"' in form


@pytest.mark.django_db
def test_the_tree_pages_have_their_own_labelled_search_box(client):
    f.SectorFactory(slug="bci", name_en="Brain-computer interfaces")
    f.RegionFactory(slug="zhejiang", name_en="Zhejiang")
    for path, found in (("/sectors/", "/sectors/bci/"), ("/regions/", "/regions/zhejiang/")):
        html = page(client, path)
        main = html[html.index("<main") : html.index("</main>")]
        form = re.search(
            r'<form class="search-form tree-search" role="search".*?</form>', main, re.S
        )
        assert form, path
        assert f'action="{path}"' in form.group(0)
        assert '<label for="tree-q">' in form.group(0)
        assert 'id="tree-q" name="q"' in form.group(0)
        term = "brain" if "sectors" in path else "ZHEJIANG"
        assert f'href="{found}"' in page(client, f"{path}?q={term}")


@pytest.mark.django_db
def test_list_pages_load_the_filter_script_deferred_and_nothing_inline(client):
    html = page(client, "/companies/")
    assert re.search(r'<script src="/static/js/filters\.js" defer></script>', html)
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert " style=" not in html


@pytest.mark.django_db
def test_sector_and_region_pages_link_to_their_filtered_lists(client):
    sector = f.SectorFactory(slug="bci")
    region = f.RegionFactory(slug="zhejiang")
    company = f.CompanyFactory(region=region)
    company.sectors.add(sector)
    case = f.CaseFactory()
    case.sectors.add(sector)
    case.regions.add(region)
    f.PolicyFactory().regions.add(region)
    sector_html = page(client, sector)
    assert 'href="/companies/?sector=bci"' in sector_html
    assert 'href="/cases/?sector=bci"' in sector_html
    region_html = page(client, region)
    for path in ("/companies/", "/cases/", "/policies/"):
        assert f'href="{path}?region=zhejiang"' in region_html
        listed = client.get(f"{path}?region=zhejiang")
        assert listed.context["result_count"] == 1, path


@pytest.mark.django_db
def test_a_region_page_lists_the_policies_of_the_places_within(client):
    province = f.RegionFactory(name_en="Zhejiang")
    city = f.RegionFactory(level=models.RegionLevel.CITY, parent=province, name_en="Jinhua")
    f.PolicyFactory(title_en="Jinhua ham plan").regions.add(city)
    assert "Jinhua ham plan" in text(page(client, province))


@pytest.mark.django_db
def test_the_source_page_anchors_each_passage_and_links_to_where_it_is_shown(client, source):
    case = f.CaseFactory(slug="ham")
    metric = f.MetricFactory(case=case, ref="ham-share")
    citation = cite(metric, "一半以上建立了研發機構。", source=source)
    quote = f.QuoteFactory(ref="ye-1", person=f.PersonFactory(slug="ye"))
    said = cite(quote, "葉軼斌介紹。", source=source)
    html = page(client, source)
    assert f'id="citation-{citation.ref}"' in html
    assert 'href="/cases/ham/#figure-ham-share"' in html
    assert f'id="citation-{said.ref}"' in html
    assert 'href="/people/ye/#quote-ye-1"' in html
    # the anchors exist on the pages linked to
    assert 'id="figure-ham-share"' in page(client, case)
    assert 'id="quote-ye-1"' in page(client, "/people/ye/")
